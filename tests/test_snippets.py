"""Every snippet runs under CPython, and what it prints is what its `#>` lines say: each group
of `#>` lines is what the statement right above it printed (playground/browser/recorded_output.py)."""

from __future__ import annotations

import pytest

from playground.browser.recorded_output import recorded_lines
from playground.snippets.catalog import Kind, Snippet, discover
from tests.live_server import LiveServer
from tests.paths import SNIPPETS
from tests.snippet_runs import check_run, prints_durations, run_snippet

ALL = discover(SNIPPETS)
RUNNABLE = [snippet for snippet in ALL if snippet.kind in (Kind.BROWSER, Kind.TERMINAL)]
# Files beside the topic folders that pages show but that are not snippets of their own.
HELPERS = {
    "playground_client.py": "the client snippets' public helper (tests/test_run_it_yourself.py)",
    "run/install.txt": "the pinned install line of every Run-it-yourself block",
}


def quiet_only(snippet: Snippet) -> bool:
    return snippet.relative in CPU_LESSONS or prints_durations(snippet)


def test_the_cpu_lessons_are_snippets() -> None:
    """A renamed CPU demo would leave the quiet phase and flake beside another test."""
    assert {snippet.relative for snippet in RUNNABLE} >= CPU_LESSONS


def test_the_catalog_lists_every_file_under_snippets() -> None:
    """Every file under snippets/ is a snippet the tests run, of each kind: one the catalog
    dropped (a `_` prefix, another suffix) would be shown on no page and checked by no test."""
    files = sorted(
        path.relative_to(SNIPPETS).as_posix()
        for path in SNIPPETS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    assert set(HELPERS) <= set(files), "a helper listed below is gone: take it off the list"
    assert [snippet.relative for snippet in ALL] == [f for f in files if f not in HELPERS]
    assert {snippet.kind for snippet in ALL} == set(Kind), "a kind with no snippet leaves its tests empty"


# Their lessons count cores kept busy or compare CPU-bound runs: any test beside them would change
# what they print, so they run in `make test`'s quiet phase with both cores to themselves (`alone`
# and `both_cores`). A snippet whose `#>` lines hold a duration (tests/snippet_runs.py:
# prints_durations) needs only a core of its own: the quiet phase runs two such side by side.
CPU_LESSONS = {"async_io/cpu_bound_processes_terminal.py", "async_io/threads_parallel_in_c_terminal.py"}


def _quiet_marks(snippet: Snippet) -> list[pytest.MarkDecorator]:
    if snippet.relative in CPU_LESSONS:
        return [pytest.mark.alone, pytest.mark.both_cores]
    return [pytest.mark.alone] if prints_durations(snippet) else []


@pytest.mark.parametrize(
    "snippet", [pytest.param(s, marks=_quiet_marks(s)) for s in RUNNABLE], ids=lambda s: s.relative
)
@pytest.mark.slow
def test_snippet_prints_what_it_records(snippet: Snippet) -> None:
    check_run(snippet)


@pytest.mark.parametrize(
    "snippet", [pytest.param(s, marks=_quiet_marks(s)) for s in ALL if s.kind is Kind.CLIENT], ids=lambda s: s.relative
)
def test_client_snippet_against_a_live_playground(snippet: Snippet, live_playground: LiveServer) -> None:
    check_run(snippet, live_playground.base_url)


@pytest.mark.slow
def test_client_snippet_says_how_to_start_a_missing_playground() -> None:
    client = next(s for s in ALL if s.kind is Kind.CLIENT)
    result = run_snippet(client, "http://127.0.0.1:9")  # the discard port: nothing listens
    assert result.returncode != 0
    assert "the playground did not answer at http://127.0.0.1:9" in result.stderr
    assert "make serve" in result.stderr


@pytest.mark.parametrize("snippet", [s for s in ALL if s.kind is Kind.SERVER], ids=lambda s: s.relative)
def test_server_snippet_defines_an_app(snippet: Snippet, capsys: pytest.CaptureFixture[str]) -> None:
    """A server snippet is mounted by the playground: it must expose `app` and print nothing
    (when imported, and so it records no `#>` lines either)."""
    namespace: dict[str, object] = {"__name__": "snippet_under_test"}
    exec(compile(snippet.source(), str(snippet.path), "exec"), namespace)  # noqa: S102 - a snippet of this repository
    assert callable(namespace.get("app")), f"{snippet.relative} defines no `app`"
    printed = capsys.readouterr()
    assert (printed.out, printed.err) == ("", ""), f"{snippet.relative} printed when imported"
    assert not recorded_lines(snippet.source()), "a server snippet records output it cannot print"
