"""The runner's Python half, under CPython: what does not need a browser is tested here."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from playground.browser import explain, in_browser, output_trace


def verdict_of(source: str, stdout: str) -> list[str]:
    """in_browser.verdict, which gives None only for a file with no `#>` lines."""
    result = in_browser.verdict(source, stdout)
    assert result is not None, "no verdict"
    return result


def run_source(source: str, capsys: pytest.CaptureFixture[str]) -> tuple[list[str], str]:
    outcome = asyncio.run(in_browser.run_reporting(source, "topic/example.py"))
    return outcome, capsys.readouterr().out


def test_top_level_asyncio_run_becomes_await(capsys: pytest.CaptureFixture[str]) -> None:
    source = (
        "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)\n    return 42\n\n"
        "result = asyncio.run(main())\nprint(result, __name__)\n"
    )
    # Inside a running loop, a real asyncio.run would raise: only the rewrite makes this work.
    assert run_source(source, capsys) == (["ok", ""], "42 __main__\n")


@pytest.mark.parametrize(
    "source",
    [
        "from asyncio import run\nimport asyncio\nasync def f():\n    print('ran')\nrun(f())\n",
        "import asyncio as aio\nasync def f():\n    print('ran')\naio.run(f())\n",
        "import asyncio\nasync def f():\n    print('ran')\nif __name__ == '__main__':\n    asyncio.run(f())\n",
    ],
    ids=["from-import", "alias", "main-guard"],
)
def test_rewrite_follows_imports_and_main_guard(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source(source, capsys) == (["ok", ""], "ran\n")


def test_asyncio_run_inside_a_function_is_left_alone() -> None:
    tree_source = "import asyncio\ndef g(c):\n    return asyncio.run(c)\n"
    names = [c for c in in_browser.prepare(tree_source, "x.py").co_consts if hasattr(c, "co_names")]
    assert names and "run" in names[0].co_names


def test_errors_are_trimmed_to_the_readers_frames(capsys: pytest.CaptureFixture[str]) -> None:
    outcome, _ = run_source("def f():\n    raise ValueError('boom')\n\nf()\n", capsys)
    status, text = outcome
    assert status == "error"
    assert text.startswith('Traceback (most recent call last):\n  File "topic/example.py", line 4')
    assert "in_browser.py" not in text
    assert text.rstrip().endswith("ValueError: boom")


def test_syntax_error_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    status, text = run_source("print('unclosed'\n", capsys)[0]
    assert status == "error" and "SyntaxError" in text


def test_sys_exit_zero_is_ok_and_other_codes_are_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source("import sys\nsys.exit(0)\n", capsys)[0] == ["ok", ""]
    assert run_source("import sys\nsys.exit(3)\n", capsys)[0][0] == "error"


def test_keyboard_interrupt_and_cancel_count_as_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source("raise KeyboardInterrupt\n", capsys)[0][0] == "stopped"

    async def cancel_while_awaiting() -> list[str]:
        task = in_browser.start("import asyncio\nawait asyncio.sleep(3600)\n", "x.py")
        await asyncio.sleep(0.01)
        task.cancel()
        return await task

    assert asyncio.run(cancel_while_awaiting())[0] == "stopped"


def test_main_module_is_restored(capsys: pytest.CaptureFixture[str]) -> None:
    before = sys.modules["__main__"]
    run_source("x = 1\n", capsys)
    assert sys.modules["__main__"] is before


def test_wheels_for_follows_dependencies() -> None:
    packages = {
        "a.whl": {"imports": ["alpha"], "depends": ["b.whl"]},
        "b.whl": {"imports": ["beta"], "depends": ["c.whl"]},
        "c.whl": {"imports": ["gamma"], "depends": []},
        "d.whl": {"imports": ["delta"], "depends": []},
    }
    source = "import alpha.sub\nfrom json import dumps\nimport asyncio\n"
    assert in_browser.wheels_for(source, json.dumps(packages), []) == ["a.whl", "b.whl", "c.whl"]
    assert in_browser.wheels_for(source, json.dumps(packages), ["b.whl"]) == ["a.whl"]
    assert in_browser.wheels_for("this is not python", json.dumps(packages), []) == []


def test_verdict_uses_the_suites_rule(capsys: pytest.CaptureFixture[str]) -> None:
    within = "print('took 0.4s')\n#> took 0.3s\n"
    assert in_browser.verdict(within, run_source(within, capsys)[1]) == ["match", ""]
    beyond = "print('took 0.9s')\n#> took 0.3s\n"
    outcome, diff = verdict_of(beyond, run_source(beyond, capsys)[1])
    assert outcome == "differ" and "+#> took 0.9s" in diff
    assert in_browser.verdict("print(1)\n", run_source("print(1)\n", capsys)[1]) is None


TASK_PRINTS = (
    "import asyncio\n\n\nasync def worker():\n    await asyncio.sleep(0)\n    print('from a task')\n\n\n"
    "async def main():\n    print('main starts')\n    await asyncio.create_task(worker())\n\n\n"
    "asyncio.run(main())\n"
)


def test_verdict_ties_each_group_to_the_statement_above_it(capsys: pytest.CaptureFixture[str]) -> None:
    # A task runs from the loop, not from the module's frame (suspended at `await main()` in the
    # page): its line still counts under asyncio.run(main()).
    whole = TASK_PRINTS + "#> main starts\n#> from a task\n"
    assert in_browser.verdict(whole, run_source(whole, capsys)[1]) == ["match", ""]
    tied = TASK_PRINTS.replace("print('main starts')\n", "print('main starts')\n    #> main starts\n")
    tied += "#> from a task\n"
    assert in_browser.verdict(tied, run_source(tied, capsys)[1]) == ["match", ""]
    # The same lines in the same file order, but "main starts" under the wrong statement.
    moved = TASK_PRINTS.replace("print('from a task')\n", "print('from a task')\n    #> main starts\n")
    moved += "#> from a task\n"
    stdout = run_source(moved, capsys)[1]
    assert stdout == "main starts\nfrom a task\n"
    outcome, diff = verdict_of(moved, stdout)
    assert outcome == "differ", diff
    assert "-    #> main starts" in diff and "+    #> from a task" in diff  # under the task's print
    assert "-#> from a task" in diff and "+#> main starts" in diff  # under asyncio.run(main())


def test_a_run_that_prints_too_often_is_checked_as_a_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(output_trace, "MAX_CHUNKS", 4)  # print() writes twice: text, then newline
    source = "for n in range(3):\n    print(n)\n#> 0\n#> 1\n#> 2\n"
    outcome, note = verdict_of(source, run_source(source, capsys)[1])
    assert outcome == "match" and "in file order" in note and "printed more than" in note


def test_verdict_without_a_trace_checks_the_whole_file_and_says_so() -> None:
    source = "print('never run here')\n#> elsewhere\n"
    outcome, note = verdict_of(source, "elsewhere\n")
    assert outcome == "match"
    assert "in file order" in note and "no run of this code was traced" in note


# ---- errors a reader meets: one sentence above a trimmed traceback ----------------------------


@pytest.mark.parametrize(
    ("source", "sentence", "last"),
    [
        ("print('unclosed'\n", "Line 1 is not valid Python", "SyntaxError: '(' was never closed"),
        ("def f():\nreturn 1\n", "Line 2 is indented wrongly", "IndentationError: expected an indented block"),
    ],
)
def test_syntax_errors_show_no_runner_frames(
    source: str, sentence: str, last: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, text = run_source(source, capsys)[0]
    assert status == "error"
    assert text.startswith(sentence), text
    assert last in text
    assert "in_browser.py" not in text and "ast.py" not in text and "Traceback" not in text


def test_runtime_tracebacks_show_the_snippets_source_lines(capsys: pytest.CaptureFixture[str]) -> None:
    # topic/example.py exists nowhere on disk: the lines can only come from the code that ran.
    status, text = run_source("def f():\n    return 1 / 0\n\nf()\n", capsys)[0]
    assert status == "error"
    assert "    f()\n" in text and "    return 1 / 0\n" in text


def test_a_missing_module_says_what_the_page_has(capsys: pytest.CaptureFixture[str]) -> None:
    packages = {
        "fastapi-1.whl": {"imports": ["fastapi"], "depends": []},
        "x.whl": {"imports": ["pydantic"], "depends": []},
    }
    in_browser.remember_packages(json.dumps(packages))
    status, text = run_source("import numpy_is_not_here\n", capsys)[0]
    first = text.splitlines()[0]
    assert "numpy_is_not_here is not available in the page" in first and "fastapi, pydantic" in first
    assert text.rstrip().endswith("ModuleNotFoundError: No module named 'numpy_is_not_here'")
    # A module the page ships is not explained away: its error is a real one.
    assert explain.hint(ModuleNotFoundError("x", name="fastapi.nothing")) is None


def test_a_missing_file_says_errno_2(capsys: pytest.CaptureFixture[str]) -> None:
    text = run_source("open('no-such-file.csv')\n", capsys)[0][1]
    assert text.startswith("No such file (errno 2, ENOENT)")
    assert "[Errno 2] No such file or directory: 'no-such-file.csv'" in text


def test_input_and_sockets_fail_fast_with_a_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import builtins
    import socket

    # install() patches these process-wide, as it does in the worker: undo it after the test.
    monkeypatch.setattr(builtins, "input", builtins.input)
    monkeypatch.setattr(socket.socket, "connect", socket.socket.connect)
    monkeypatch.setattr(socket.socket, "connect_ex", socket.socket.connect_ex)
    explain.install()

    status, text = run_source("name = input('name? ')\n", capsys)[0]
    assert status == "error" and text.startswith("input() has no keyboard")
    assert "EOFError: EOF when reading a line" in text and "explain.py" not in text

    source = "import socket\ndef fetch():\n    socket.create_connection(('127.0.0.1', 9))\nfetch()\n"
    status, text = run_source(source, capsys)[0]
    assert status == "error" and text.startswith("A browser gives Python no sockets")
    assert "ConnectionRefusedError: no sockets in the browser" in text
    assert "socket.py" not in text, "the sentence says it: the library frames only bury it"


def test_stop_cancels_the_run_in_place_while_it_awaits() -> None:
    async def main() -> tuple[list[str], bool, bool]:
        task = in_browser.start("import asyncio\nwhile True:\n    await asyncio.sleep(0.01)\n", "x.py")
        await asyncio.sleep(0.05)
        cancelled = in_browser.cancel_current()
        outcome = await task
        return outcome, cancelled, in_browser.cancel_current()

    outcome, cancelled, again = asyncio.run(main())
    assert cancelled and outcome[0] == "stopped" and "cancelled" in outcome[1]
    assert again is False, "a finished run is not cancelled twice"


def test_stop_before_the_runs_first_step_says_stopped() -> None:
    """Stop can reach the worker after Run, before the run's task took its first step: a task
    cancelled then ends without entering run_reporting's try, and the page showed an error
    (CancelledError at `async def run_reporting`, the runner's own frame)."""

    async def stop_at_once() -> tuple[list[str], bool]:
        task = in_browser.start("print('the program ran')\n", "x.py")
        cancelled = in_browser.cancel_current()
        return await task, cancelled

    outcome, cancelled = asyncio.run(stop_at_once())
    assert cancelled and outcome[0] == "stopped", outcome
    later = asyncio.run(in_browser.run_reporting("x = 1\n", "x.py"))
    assert later == ["ok", ""], "the early Stop leaked into a later run"


def test_running_is_announced_as_the_program_starts_and_never_for_a_run_stopped_before() -> None:
    """The page shows "running" when the worker says so: it used to say it before the run's task
    stepped, so a Stop then (1 in ~20 console tests on a busy machine) found the run PENDING and
    reported "none of it ran" for a program the page had shown running."""
    said: list[str] = []
    in_browser.on_program_start(lambda: said.append("running"))
    try:

        async def stop_at_once() -> list[str]:
            task = in_browser.start("print('ran')\n", "x.py")
            in_browser.cancel_current()
            return await task

        assert asyncio.run(stop_at_once())[0] == "stopped" and said == []

        async def program(_source: str, _filename: str) -> None:
            said.append("first line")

        assert asyncio.run(in_browser.run_reporting("", "x.py", program=program)) == ["ok", ""]
        assert said == ["running", "first line"]
    finally:
        in_browser.on_program_start(lambda: None)


def test_stops_sigint_raises_only_while_the_program_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Stop's interrupt buffer trips SIGINT at Python's next check. Set as a run ends on its own,
    it used to raise KeyboardInterrupt in the event loop's callback that hands the outcome to the
    worker: the run never reported, and the page replaced the worker 1.5 s later."""
    import signal

    previous = signal.getsignal(signal.SIGINT)
    in_browser.install_stop_signal()
    try:
        source = "import signal\nprint('before')\nsignal.raise_signal(signal.SIGINT)\nprint('after')\n"
        outcome, stdout = run_source(source, capsys)
        assert outcome[0] == "stopped" and "KeyboardInterrupt" in outcome[1] and stdout == "before\n"
        signal.raise_signal(signal.SIGINT)  # no program runs: nothing to stop, nothing raised
        assert run_source("print('next')\n", capsys) == (["ok", ""], "next\n")
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_stop_signal_before_the_programs_first_line_ends_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """The page sets the interrupt buffer when the worker did not answer Stop in time. Read after
    Run, before the program's first line (the task's first step), the signal used to be ignored
    as late: the program then ran on, and the page replaced Python 1.5 s later saying the program
    had caught KeyboardInterrupt (1 in 27 Stops of `while True: pass`). It ends the run now."""
    import signal

    previous = signal.getsignal(signal.SIGINT)
    seen: list[str] = []
    in_browser.install_stop_signal(seen.append)

    async def stop_before_first_step() -> list[str]:
        task = in_browser.start("print('the program ran')\n", "x.py")
        signal.raise_signal(signal.SIGINT)  # the buffer, read before the task's first step
        return await task

    try:
        outcome = asyncio.run(stop_before_first_step())
        assert outcome[0] == "stopped" and "before the program started" in outcome[1], outcome
        assert capsys.readouterr().out == ""
        assert seen == ["pending"], "the page is not told what the signal found"
        signal.raise_signal(signal.SIGINT)  # no run: late, ignored, and no leak into the next run
        assert run_source("print('next')\n", capsys) == (["ok", ""], "next\n")
        assert seen == ["pending", "idle"]
    finally:
        signal.signal(signal.SIGINT, previous)
