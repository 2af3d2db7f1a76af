"""The comparison rule, the tie of each `#>` group to its statement, the update mode, and proof
that a wrong or misplaced recorded output fails the real suite."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from playground.browser.output_trace import Chunk
from playground.browser.record_run import run_traced
from playground.browser.recorded_output import (
    check,
    compare,
    duration_tolerance_s,
    groups,
    lines_match,
    recorded_lines,
    tie,
)
from tests.paths import PYTHON, ROOT, SNIPPETS


def test_recorded_lines_read_markers_in_file_order() -> None:
    source = 'print("a")\n#> a\nx = 1  # not output\n    #>\n#> b  \n#>not-a-marker\n'
    assert recorded_lines(source) == ["a", "", "b"]


def test_text_must_match_to_the_letter() -> None:
    assert compare(["hello, Ada"], "hello, Ada\n").ok
    result = compare(["hello, Ada"], "hello, Bob\n")
    assert not result.ok
    assert "-#> hello, Ada" in result.diff and "+#> hello, Bob" in result.diff


def test_line_counts_must_match() -> None:
    assert not compare(["a"], "a\nb\n").ok
    assert not compare(["a", "b"], "a\n").ok
    assert compare([], "").ok


def test_durations_match_within_a_tolerance_relative_to_their_size() -> None:
    # A quarter of the recorded value + 20 ms + one unit of its last digit (rule 3).
    assert lines_match("done in 1.0s", "done in 1.3s")
    assert not lines_match("done in 1.0s", "done in 1.4s")
    assert lines_match("done in 0.0s", "done in 0.1s"), "a rounding edge crossed under load"
    assert not lines_match("done in 0.0s", "done in 0.2s")
    assert lines_match("done in 300ms", "done in 0.39s"), "units may differ"
    assert not lines_match("done in 300ms", "done in 0.4s")
    assert not lines_match("done in 0.3s", "done in 0.5s")
    assert not lines_match("done in 0.3s", "done in 0.9s")
    assert not lines_match("done in 0.3s", "took 0.3s")
    assert not lines_match("step 3", "step 4"), "plain numbers are not durations"


def test_millisecond_durations_are_not_compared_in_quarter_seconds() -> None:
    """Failed under the flat ±0.25 s rule, which let any two durations under 250 ms match."""
    assert lines_match("processes: 59ms", "processes: 94ms")
    assert not lines_match("processes: 59ms", "processes: 106ms")
    assert not lines_match("threads: 106ms", "threads: 30ms")
    assert duration_tolerance_s("59", "ms") == pytest.approx(0.25 * 0.059 + 0.02 + 0.001)


def test_a_duration_marked_as_varying_is_not_compared_but_the_mark_is() -> None:
    assert lines_match("longest pause: ~3ms", "longest pause: ~240ms")
    assert not lines_match("longest pause: ~3ms", "longest pause: 3ms"), "the reader must see the mark"
    assert not lines_match("longest pause: 3ms", "longest pause: ~3ms")
    assert not lines_match("longest pause: ~3ms", "longest pause: ~3 ticks")


def snippet_suite_on(snippets: Path) -> subprocess.CompletedProcess[str]:
    """The suite's real snippet test, run over another snippets tree: its terminology topic, where
    the victims are (so another topic's timing on a loaded machine cannot blur the count)."""
    return subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_snippets.py",
         "-k", "test_snippet_prints_what_it_records and terminology"],
        cwd=ROOT,
        env={**os.environ, "PLAYGROUND_SNIPPETS_DIR": str(snippets)},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip


def test_a_wrong_recorded_output_fails_the_snippet_suite(tmp_path: Path) -> None:
    """Run the real snippet test against a copy in which one `#>` line is wrong."""
    broken = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, broken)
    victim = broken / "terminology" / "coroutine_object.py"
    victim.write_text(victim.read_text().replace("#> hello, Ada", "#> hello, Grace"))

    result = snippet_suite_on(broken)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "1 failed" in result.stdout
    assert "terminology/coroutine_object.py" in result.stdout
    assert "+#> hello, Ada" in result.stdout and "-#> hello, Grace" in result.stdout


def test_a_group_belongs_to_the_outermost_statement_ending_right_above_it() -> None:
    source = (
        "import asyncio\n"  # 1
        "async def main():\n"  # 2
        "    print('a')\n"  # 3
        "    #> a\n"  # 4
        "    await asyncio.sleep(0)\n"  # 5
        "if __name__ == '__main__':\n"  # 6
        "    asyncio.run(main())\n"  # 7
        "#> b\n"  # 8
        "\n"  # 9
        "#> loose\n"  # 10
    )
    found = [(g.first, g.start, g.end, g.recorded) for g in groups(source)]
    assert found == [(4, 3, 3, ["a"]), (8, 6, 7, ["b"]), (10, 0, 0, ["loose"])]


MAIN_AND_PRINT = "async def main():\n    print('a')\n    #> a\n    print('b')\n\nasyncio.run(main())\n#> b\n"


def test_each_line_goes_to_the_innermost_group_among_the_running_lines() -> None:
    # Line 2 runs inside line 6 (asyncio.run): its own group wins; line 4 has none, so line 6's.
    chunks = [Chunk("a", (2, 6)), Chunk("\n", (2, 6)), Chunk("b\n", (4, 6))]
    assert check(MAIN_AND_PRINT, chunks).ok
    swapped = [Chunk("b\n", (4, 6)), Chunk("a\n", (2, 6))]
    assert check(MAIN_AND_PRINT, swapped).ok, "groups are checked each on its own, not across"
    result = check(MAIN_AND_PRINT, [Chunk("a\nb\n", (6,))])
    assert not result.ok
    assert "-    #> a" in result.diff and "+#> a\n #> b" in result.diff


def test_output_where_no_group_sits_fails_and_shows_where_it_would_go() -> None:
    source = "print('x')\n#> x\nprint('y')\n"
    result = check(source, [Chunk("x\n", (1,)), Chunk("y\n", (3,))])
    assert not result.ok
    assert result.diff.endswith(" print('y')\n+#> y")


def test_a_loose_group_fails_and_says_why() -> None:
    source = "print('x')\n\n#> x\n"
    result = check(source, [Chunk("x\n", (1,))])
    assert not result.ok
    assert "line 3: a #> group must sit right under the statement that prints it" in result.diff


def test_rewriting_keeps_recorded_durations_within_the_tolerance() -> None:
    source = "print('fast 0.3s')\n#> fast 0.3s\nprint('slow')\n#> slow 1.0s\n#> extra\n"
    rewritten = tie(source, [Chunk("fast 0.4s\n", (1,)), Chunk("slow 2.0s\n", (3,))]).rewritten()
    assert rewritten == "print('fast 0.3s')\n#> fast 0.3s\nprint('slow')\n#> slow 2.0s\n"


def test_update_mode_rewrites_the_lines_from_a_real_run(tmp_path: Path) -> None:
    snippet = tmp_path / "example.py"
    snippet.write_text(
        "import asyncio\n\n\nasync def main() -> None:\n    print('in main')\n    #> stale\n"
        "    await asyncio.sleep(0)\n    print('done')\n\n\nasyncio.run(main())\n#> in main\n"
    )
    command = [PYTHON, "-m", "playground.browser.recorded_output"]
    before = subprocess.run([*command, str(snippet)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert before.returncode == 1 and "differs" in before.stdout, before.stdout + before.stderr
    update = subprocess.run([*command, "--update", str(snippet)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert update.returncode == 0 and "updated" in update.stdout, update.stdout + update.stderr
    assert snippet.read_text().endswith(
        "    print('in main')\n    #> in main\n    await asyncio.sleep(0)\n"
        "    print('done')\n\n\nasyncio.run(main())\n#> done\n"
    )
    assert run_traced(snippet).check(snippet.read_text()).ok


def test_a_recorded_line_under_the_wrong_statement_fails_the_snippet_suite(tmp_path: Path) -> None:
    """Move one `#>` line under the next statement: file order and text unchanged (the
    whole-file rule would pass), but it no longer sits under what printed it."""
    broken = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, broken)
    victim = broken / "terminology" / "coroutine_object.py"
    source = victim.read_text()
    line = "#> greet('Ada') is running\n"
    moved = source.replace(line, "").replace("#> hello, Ada", line + "#> hello, Ada")
    assert moved != source and recorded_lines(moved) == recorded_lines(source)
    victim.write_text(moved)

    result = snippet_suite_on(broken)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "1 failed" in result.stdout
    assert "terminology/coroutine_object.py" in result.stdout
    assert "+#> greet('Ada') is running" in result.stdout, result.stdout[-3000:]
    assert "-#> greet('Ada') is running" in result.stdout
