"""stop_state.py under CPython: how a run ends, and how Stop (a cancel or a SIGINT) ends it in each phase."""

from __future__ import annotations

import asyncio

import pytest

from playground.browser import stop_state
from tests.page_runs import run_source


def test_sys_exit_zero_is_ok_and_other_codes_are_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source("import sys\nsys.exit(0)\n", capsys)[0] == ["ok", ""]
    assert run_source("import sys\nsys.exit(3)\n", capsys)[0][0] == "error"


def test_keyboard_interrupt_and_cancel_count_as_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_source("raise KeyboardInterrupt\n", capsys)[0][0] == "stopped"

    async def cancel_while_awaiting() -> list[str]:
        task = stop_state.start("import asyncio\nawait asyncio.sleep(3600)\n", "x.py")
        await asyncio.sleep(0.01)
        task.cancel()
        return await task

    assert asyncio.run(cancel_while_awaiting())[0] == "stopped"


def test_stop_cancels_the_run_in_place_while_it_awaits() -> None:
    async def main() -> tuple[list[str], bool, bool]:
        task = stop_state.start("import asyncio\nwhile True:\n    await asyncio.sleep(0.01)\n", "x.py")
        await asyncio.sleep(0.05)
        cancelled = stop_state.cancel_current()
        outcome = await task
        return outcome, cancelled, stop_state.cancel_current()

    outcome, cancelled, again = asyncio.run(main())
    assert cancelled and outcome[0] == "stopped" and "cancelled" in outcome[1]
    assert again is False, "a finished run is not cancelled twice"


def test_stop_before_the_runs_first_step_says_stopped() -> None:
    """Stop can reach the worker after Run, before the run's task took its first step: a task
    cancelled then ends without entering run_reporting's try, and the page showed an error
    (CancelledError at `async def run_reporting`, the runner's own frame)."""

    async def stop_at_once() -> tuple[list[str], bool]:
        task = stop_state.start("print('the program ran')\n", "x.py")
        cancelled = stop_state.cancel_current()
        return await task, cancelled

    outcome, cancelled = asyncio.run(stop_at_once())
    assert cancelled and outcome[0] == "stopped", outcome
    later = asyncio.run(stop_state.run_reporting("x = 1\n", "x.py"))
    assert later == ["ok", ""], "the early Stop leaked into a later run"


def test_running_is_announced_as_the_program_starts_and_never_for_a_run_stopped_before() -> None:
    """The page shows "running" when the worker says so: it used to say it before the run's task
    stepped, so a Stop then (1 in ~20 console tests on a busy machine) found the run PENDING and
    reported "none of it ran" for a program the page had shown running."""
    said: list[str] = []
    stop_state.on_program_start(lambda: said.append("running"))
    try:

        async def stop_at_once() -> list[str]:
            task = stop_state.start("print('ran')\n", "x.py")
            stop_state.cancel_current()
            return await task

        assert asyncio.run(stop_at_once())[0] == "stopped" and said == []

        async def program(_source: str, _filename: str) -> None:
            said.append("first line")

        assert asyncio.run(stop_state.run_reporting("", "x.py", program=program)) == ["ok", ""]
        assert said == ["running", "first line"]
    finally:
        stop_state.on_program_start(lambda: None)


def test_stops_sigint_raises_only_while_the_program_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """Stop's interrupt buffer trips SIGINT at Python's next check. Set as a run ends on its own,
    it used to raise KeyboardInterrupt in the event loop's callback that hands the outcome to the
    worker: the run never reported, and the page replaced the worker 1.5 s later."""
    import signal

    previous = signal.getsignal(signal.SIGINT)
    stop_state.install_stop_signal()
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
    stop_state.install_stop_signal(seen.append)

    async def stop_before_first_step() -> list[str]:
        task = stop_state.start("print('the program ran')\n", "x.py")
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
