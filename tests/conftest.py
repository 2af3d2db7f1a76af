"""Shared fixtures: a built site (once per run), a real playground on a free loopback port, and
Debian's Chromium through pytest-playwright.

pytest-playwright owns the browser (one per run), the per-test contexts and their traces
(`--tracing retain-on-failure` in pyproject.toml: a failed test leaves
`test-results/<test>/trace.zip`, opened with `playwright show-trace`). Here: its launch arguments
(Debian's Chromium, never a downloaded one), contexts that refuse every other host (`guarded`),
and one warm tab per module (`shared_page`) whose trace is cut per test and kept on failure too.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import Guarded, GuardedContext, guard_context, launch_options
from tests.live_server import LiveServer, run_playground
from tests.paths import BIN, PYTHON, ROOT
from tests.ports import free_port
from tests.redis_server import RedisServer, run_redis
from tests.site_pages import fresh_site

__all__ = ["free_port"]  # still importable from here, for tests written before tests/ports.py


def build_site(destination: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(BIN)},
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `make site` builds it, pages and runtime: `make site`'s own when it is fresh
    (no test writes into it), else built into a folder of this test run."""
    if (fresh := fresh_site()) is not None:
        return fresh
    destination = tmp_path_factory.mktemp("site")
    result = build_site(destination)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    runtime = subprocess.run(
        [PYTHON, "-m", "playground.runtime", "--site-dir", str(destination)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert runtime.returncode == 0, f"python -m playground.runtime failed:\n{runtime.stdout}\n{runtime.stderr}"
    return destination


@pytest.fixture(scope="session")
def live_playground(built_site: Path) -> Iterator[LiveServer]:
    with run_playground(port=free_port(), site_dir=built_site) as server:
        yield server


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server on a free loopback port, one per module (tests/redis_server.py)."""
    with run_redis(free_port()) as server:
        yield server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--wasm-baseline-only",
        action="store_true",
        help="Chromium compiles wasm with V8's baseline compiler only (--js-flags=--liftoff-only): "
        "for tests that check behaviour, never speed (make test's parallel browser phase)",
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], pytestconfig: pytest.Config) -> dict[str, Any]:
    """pytest-playwright's launch arguments (--headed, --slowmo) with Debian's Chromium.

    With --wasm-baseline-only, V8 does not recompile Pyodide's hot wasm functions with its
    optimizing compiler in background threads: a Python start and a FastAPI block's run took
    2.45 CPU-seconds instead of 3.7 (median of 4, fresh contexts), on a machine whose browser
    tests are bound by its two cores. The code runs the same, only slower once warm; the quiet
    phase, whose tests measure durations and 10 ms steps, runs Chromium as a reader's runs."""
    options = launch_options()
    if pytestconfig.getoption("wasm_baseline_only"):
        options["args"] = [*options["args"], "--js-flags=--liftoff-only"]
    return {**browser_type_launch_args, **options}


@pytest.fixture
def guarded(new_context: Callable[..., Any]) -> Iterator[Guarded]:
    """``guarded(base_url, *also_allowed, **context_options)``: a new context (traced, closed after
    the test) whose only reachable hosts are ``base_url``'s and those of ``also_allowed``.

    Every context it made is checked after the test: a request to any other host fails the test
    even when the test itself never looks, so no browser test reaches elsewhere unnoticed."""
    made: list[GuardedContext] = []

    def make(base_url: str, *also_allowed: str, **options: Any) -> GuardedContext:
        guard = guard_context(new_context(**options), base_url, *also_allowed)
        made.append(guard)
        return guard

    yield make
    refused = [url for guard in made for url in guard.refused]
    assert refused == [], f"requests to other hosts, refused: {refused}"


@pytest.fixture
def guard(guarded: Guarded, live_playground: LiveServer) -> GuardedContext:
    """A fresh guarded context on the session's playground (checked after the test by ``guarded``)."""
    return guarded(live_playground.base_url)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark each test by what it needs, from its fixtures, so a run can select (before `-m` does):
    `browser` (Chromium), `site` (the built site: a build per run, and mostly a live server; every
    browser test needs it too), `slow` (a real Redis; other slow tests carry the mark by hand).
    `make check` runs the rest: `-m "not browser and not site and not slow"`."""
    fixtures = getattr(item, "fixturenames", ())
    if "browser_name" in fixtures:
        item.add_marker(pytest.mark.browser)
    if "built_site" in fixtures:
        item.add_marker(pytest.mark.site)
    if "redis_server" in fixtures:
        item.add_marker(pytest.mark.slow)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last. pytest-playwright's Playwright lives for the rest of the session once
    started, and its sync API keeps an asyncio loop set as running in the main thread (and
    switches stacks with greenlet): an anyio test after it fails with "This event loop is already
    running", and ast.parse with "AST constructor recursion depth mismatch" (both seen in CI).
    A stable partition: each group keeps pytest's order."""
    uses_browser = [item.get_closest_marker("browser") is not None for item in items]
    items[:] = [i for i, b in zip(items, uses_browser, strict=True) if not b] + [
        i for i, b in zip(items, uses_browser, strict=True) if b
    ]


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, so a fixture's teardown knows whether it failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(_REPORTS, {}).values())


@pytest.fixture(scope="module")
def shared_guard(
    browser: Browser, live_playground: LiveServer, pytestconfig: pytest.Config
) -> Iterator[GuardedContext]:
    """One context for a module whose tests share a warm runtime, as a reader's tab does. Traced
    from the start; `_shared_trace_per_test` cuts the trace into one chunk per test. Checked when
    closed: no request went elsewhere (as for every guarded context) and no error reached the
    console (which tests on their own context check themselves)."""
    context = browser.new_context()
    tracing = pytestconfig.getoption("--tracing") != "off"
    if tracing:
        context.tracing.start(screenshots=True, snapshots=True, sources=True)
    guard = guard_context(context, live_playground.base_url)
    yield guard
    if tracing:
        context.tracing.stop()
    context.close()
    assert guard.refused == [], f"requests to other hosts: {guard.refused}"
    assert guard.console_errors == [], f"errors in the console: {guard.console_errors}"


@pytest.fixture(scope="module")
def shared_page(shared_guard: GuardedContext) -> Page:
    """One tab for the module: the runtime stays warm across its tests."""
    return shared_guard.new_page()


@pytest.fixture(autouse=True)
def _shared_trace_per_test(request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[None]:
    """A test on the shared tab records its own trace chunk, kept like pytest-playwright keeps a
    context's trace: always with --tracing on, only when the test failed with retain-on-failure."""
    option = pytestconfig.getoption("--tracing")
    if "shared_guard" not in request.fixturenames or option == "off":
        yield
        return
    tracing = request.getfixturevalue("shared_guard").context.tracing
    tracing.start_chunk(title=request.node.nodeid)
    yield
    if option == "on" or _failed(request.node):
        path = Path(request.getfixturevalue("output_path")) / "trace-shared-tab.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        tracing.stop_chunk(path=path)
    else:
        tracing.stop_chunk()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say where the traces of failed browser tests are: in CI that is the first thing to open."""
    output = Path(config.getoption("--output"))
    traces = sorted(output.rglob("*.zip")) if output.is_dir() else []
    if traces:
        terminalreporter.section("Playwright traces of failed tests: .venv/bin/playwright show-trace FILE")
        for trace in traces:
            terminalreporter.write_line(str(trace))
