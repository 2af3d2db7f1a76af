"""Running a snippet under CPython and checking it against its `#>` lines: the one check that
tests/test_snippets.py applies to every snippet, and tests/test_recorded_output.py to a broken
copy (to show the check fails)."""

from __future__ import annotations

import os
import re
import subprocess

from playground.browser.record_run import run_traced
from playground.browser.recorded_output import recorded_lines
from playground.snippets.catalog import Snippet
from tests.paths import PYTHON, ROOT, SNIPPETS

SNIPPET_TIMEOUT_S = 60
DURATION = re.compile(r"\d(\.\d+)?\s?m?s\b")  # "0.3s", "~182ms", "1.5 s"


def prints_durations(snippet: Snippet) -> bool:
    """Whether the snippet's `#>` lines hold a duration: its lesson is timed, and a test that runs
    it beside another test on a 2-core machine can see a run slowed by the other (in the page,
    3 requests that each await 0.1 s took 0.5 s instead of 0.3 s): `make test` runs those alone."""
    return any(DURATION.search(line) for line in recorded_lines(snippet.source()))


def snippet_env(playground_url: str | None = None) -> dict[str, str]:
    # snippets/ too: client snippets import its public helper, playground_client.py
    path = os.pathsep.join([str(ROOT), str(SNIPPETS)])
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": path}
    if playground_url:
        env["PLAYGROUND_URL"] = playground_url
    return env


def run_snippet(snippet: Snippet, playground_url: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, str(snippet.path)],
        cwd=snippet.path.parent,
        env=snippet_env(playground_url),
        capture_output=True,
        text=True,
        timeout=SNIPPET_TIMEOUT_S,
    )


def check_run(snippet: Snippet, playground_url: str | None = None) -> None:
    """Run the snippet (traced, so each printed line is tied to its statement) and fail with a
    diff when what it printed is not what its `#>` lines say, line by line and statement by statement."""
    recorded = recorded_lines(snippet.source())
    assert recorded, f"{snippet.relative} records no output: add the `#>` lines it prints"
    result = run_traced(snippet.path, python=PYTHON, env=snippet_env(playground_url), timeout=SNIPPET_TIMEOUT_S)
    assert result.returncode == 0, f"{snippet.relative} failed:\n{result.stderr}"
    assert result.stderr == "", f"{snippet.relative} wrote to stderr:\n{result.stderr}"
    comparison = result.check(snippet.source())
    assert comparison.ok, f"{snippet.relative}: output differs\n{comparison.diff}"
