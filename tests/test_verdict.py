"""verdict.py under CPython: a run's output against the `#>` lines, by the suite's rule."""

from __future__ import annotations

import pytest

from playground.browser import output_trace, verdict
from tests.page_runs import run_source


def verdict_of(source: str, stdout: str) -> list[str]:
    """verdict.verdict, which gives None only for a file with no `#>` lines."""
    result = verdict.verdict(source, stdout)
    assert result is not None, "no verdict"
    return result


def test_verdict_uses_the_suites_rule(capsys: pytest.CaptureFixture[str]) -> None:
    within = "print('took 0.4s')\n#> took 0.3s\n"
    assert verdict.verdict(within, run_source(within, capsys)[1]) == ["match", ""]
    beyond = "print('took 0.9s')\n#> took 0.3s\n"
    outcome, diff = verdict_of(beyond, run_source(beyond, capsys)[1])
    assert outcome == "differ" and "+#> took 0.9s" in diff
    assert verdict.verdict("print(1)\n", run_source("print(1)\n", capsys)[1]) is None


TASK_PRINTS = (
    "import asyncio\n\n\nasync def worker():\n    await asyncio.sleep(0)\n    print('from a task')\n\n\n"
    "async def main():\n    print('main starts')\n    await asyncio.create_task(worker())\n\n\n"
    "asyncio.run(main())\n"
)


def test_verdict_ties_each_group_to_the_statement_above_it(capsys: pytest.CaptureFixture[str]) -> None:
    # A task runs from the loop, not from the module's frame (suspended at `await main()` in the
    # page): its line still counts under asyncio.run(main()).
    whole = TASK_PRINTS + "#> main starts\n#> from a task\n"
    assert verdict.verdict(whole, run_source(whole, capsys)[1]) == ["match", ""]
    tied = TASK_PRINTS.replace("print('main starts')\n", "print('main starts')\n    #> main starts\n")
    tied += "#> from a task\n"
    assert verdict.verdict(tied, run_source(tied, capsys)[1]) == ["match", ""]
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
