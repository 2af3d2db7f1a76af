"""The comparison rule, and proof that a wrong recorded output fails the real suite."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from playground.browser.recorded_output import DURATION_TOLERANCE_S, compare, lines_match, recorded_lines
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


def test_durations_match_within_the_tolerance() -> None:
    assert lines_match("done in 0.3s", "done in 0.5s")
    assert lines_match("done in 300ms", f"done in {0.3 + DURATION_TOLERANCE_S - 0.01:.2f}s")
    assert not lines_match("done in 300ms", f"done in {0.3 + DURATION_TOLERANCE_S + 0.01:.2f}s")
    assert not lines_match("done in 0.3s", "done in 0.9s")
    assert not lines_match("done in 0.3s", "took 0.3s")
    assert not lines_match("step 3", "step 4"), "plain numbers are not durations"


def test_a_wrong_recorded_output_fails_the_snippet_suite(tmp_path: Path) -> None:
    """Run the real snippet suite against a copy in which one `#>` line is wrong."""
    broken = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, broken)
    victim = broken / "terminology" / "coroutine_object.py"
    victim.write_text(victim.read_text().replace("#> hello, Ada", "#> hello, Grace"))

    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_snippets.py"],
        cwd=ROOT, env={**os.environ, "PLAYGROUND_SNIPPETS_DIR": str(broken)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "1 failed" in result.stdout
    assert "terminology/coroutine_object.py" in result.stdout
    assert "+#> hello, Ada" in result.stdout and "-#> hello, Grace" in result.stdout
