"""Every snippet runs under CPython, and what it prints is what its `#>` lines say: each group
of `#>` lines is what the statement right above it printed (playground/browser/recorded_output.py)."""

from __future__ import annotations

import os
import subprocess

import pytest

from playground.browser.record_run import run_traced
from playground.browser.recorded_output import recorded_lines
from playground.snippets.catalog import Kind, Snippet, discover
from tests.live_server import LiveServer
from tests.paths import PYTHON, ROOT, SNIPPETS

SNIPPET_TIMEOUT_S = 60
ALL = discover(SNIPPETS)
RUNNABLE = [snippet for snippet in ALL if snippet.kind in (Kind.BROWSER, Kind.TERMINAL)]


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


def test_there_are_snippets() -> None:
    assert len(ALL) >= 12, f"expected the seed snippets under {SNIPPETS}, found {len(ALL)}"


def check_run(snippet: Snippet, playground_url: str | None = None) -> None:
    recorded = recorded_lines(snippet.source())
    assert recorded, f"{snippet.relative} records no output: add the `#>` lines it prints"
    result = run_traced(snippet.path, python=PYTHON, env=snippet_env(playground_url), timeout=SNIPPET_TIMEOUT_S)
    assert result.returncode == 0, f"{snippet.relative} failed:\n{result.stderr}"
    assert result.stderr == "", f"{snippet.relative} wrote to stderr:\n{result.stderr}"
    comparison = result.check(snippet.source())
    assert comparison.ok, f"{snippet.relative}: output differs\n{comparison.diff}"


@pytest.mark.parametrize("snippet", RUNNABLE, ids=lambda s: s.relative)
def test_snippet_prints_what_it_records(snippet: Snippet) -> None:
    check_run(snippet)


@pytest.mark.parametrize("snippet", [s for s in ALL if s.kind is Kind.CLIENT], ids=lambda s: s.relative)
def test_client_snippet_against_a_live_playground(snippet: Snippet, live_playground: LiveServer) -> None:
    check_run(snippet, live_playground.base_url)


def test_client_snippet_says_how_to_start_a_missing_playground() -> None:
    client = next(s for s in ALL if s.kind is Kind.CLIENT)
    result = run_snippet(client, "http://127.0.0.1:9")  # the discard port: nothing listens
    assert result.returncode != 0
    assert "the playground did not answer at http://127.0.0.1:9" in result.stderr
    assert "make serve" in result.stderr


@pytest.mark.parametrize("snippet", [s for s in ALL if s.kind is Kind.SERVER], ids=lambda s: s.relative)
def test_server_snippet_defines_an_app(snippet: Snippet) -> None:
    """A server snippet is mounted by the playground: it must expose `app` and print nothing."""
    namespace: dict[str, object] = {"__name__": "snippet_under_test"}
    exec(compile(snippet.source(), str(snippet.path), "exec"), namespace)
    assert callable(namespace.get("app")), f"{snippet.relative} defines no `app`"
    assert not recorded_lines(snippet.source()), "a server snippet prints nothing when imported"
