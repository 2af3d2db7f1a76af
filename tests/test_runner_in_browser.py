"""The in-page runner in Debian's Chromium: every runnable block runs and prints what its
snippet records; Stop always works; editing, Reset and the keyboard work; no JSPI is fine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from playground.browser.recorded_output import compare, recorded_lines
from playground.snippets.catalog import Kind, discover
from tests.browser import (
    RUN_TIMEOUT_MS, GuardedContext, block_for, guarded_context, run_block, set_code,
    stdout_of, wait_settled,
)
from tests.live_server import LiveServer
from tests.paths import DOCS, SNIPPETS

BROWSER_SNIPPETS = [s for s in discover(SNIPPETS) if s.kind in (Kind.BROWSER, Kind.CLIENT)]


def page_of(relative: str) -> str:
    """The URL path of the page that includes a snippet."""
    for page in sorted(DOCS.rglob("*.md")):
        if f'--8<-- "{relative}"' in page.read_text(encoding="utf-8"):
            stem = page.relative_to(DOCS).with_suffix("").as_posix()
            return "/" if stem == "index" else f"/{stem}/"
    raise AssertionError(f"no page includes {relative}")


@pytest.fixture(scope="module")
def guard(browser: Browser, live_playground: LiveServer) -> Iterator[GuardedContext]:
    guard = guarded_context(browser, live_playground.base_url)
    yield guard
    guard.context.close()
    assert guard.refused == [], f"requests to other hosts: {guard.refused}"


@pytest.fixture(scope="module")
def shared_page(guard: GuardedContext) -> Page:
    """One tab for the module: the runtime stays warm across tests, as it does for a reader."""
    return guard.new_page()


def open_page(page: Page, base_url: str, path: str) -> None:
    if page.url != base_url + path:
        page.goto(base_url + path, wait_until="networkidle")


@pytest.mark.parametrize("snippet", BROWSER_SNIPPETS, ids=lambda s: s.relative)
def test_block_prints_what_the_snippet_records(shared_page: Page, live_playground: LiveServer, snippet) -> None:  # noqa: ANN001
    open_page(shared_page, live_playground.base_url, page_of(snippet.relative))
    block = block_for(shared_page, snippet.relative)
    editor_text = shared_page.evaluate(
        "el => el.runnerSource()",
        block.element_handle(),
    )
    assert editor_text == snippet.source().rstrip("\n"), "the editor does not hold the snippet's source"
    assert block.locator(":scope > pre").is_hidden(), "the static copy of the code still shows beside the editor"
    state = run_block(shared_page, block)
    output = block.locator(".runner__output").inner_text()
    assert state == "ok", f"{snippet.relative} ended {state}:\n{output}"
    comparison = compare(recorded_lines(snippet.source()), stdout_of(block))
    assert comparison.ok, f"{snippet.relative} in the browser:\n{comparison.diff}"
    assert block.get_attribute("data-runner-verdict") == "match", "the page's own check disagrees"


STOPPABLE = {
    "cpu loop": "n = 0\nwhile True:\n    n += 1\n",
    "time.sleep": "import time\nprint('sleeping', flush=True)\ntime.sleep(3600)\n",
    "await sleep": (
        "import asyncio\n\n\nasync def main():\n    print('waiting', flush=True)\n"
        "    await asyncio.sleep(3600)\n\n\nasyncio.run(main())\n"
    ),
}

LONG_TASKS = """() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
  }).observe({ type: "longtask" });
}"""


@pytest.mark.parametrize("code", STOPPABLE.values(), ids=STOPPABLE.keys())
def test_stop_interrupts_in_place_and_the_page_stays_responsive(
    shared_page: Page, live_playground: LiveServer, code: str
) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/tiny_event_loop.py")
    assert page.evaluate("crossOriginIsolated") is True
    starts_before = page.evaluate("asyncFastapiLive.runtime.starts")
    page.evaluate(LONG_TASKS)

    set_code(page, block, code)
    block.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("el => el.dataset.runnerState === 'running'", arg=block.element_handle(), timeout=RUN_TIMEOUT_MS)
    # While Python runs, the page must keep answering: a burst of main-thread work finishes fast.
    page.wait_for_timeout(1000)  # let the snippet run for a while: that is what is being measured
    assert page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(true)))") is True
    block.get_by_role("button", name="Stop", exact=True).click()
    state = wait_settled(page, block)

    assert state == "stopped", block.locator(".runner__output").inner_text()
    assert "Stopped" in block.locator(".runner__output").inner_text()
    assert page.evaluate("asyncFastapiLive.runtime.starts") == max(starts_before, 1), "Stop replaced the worker"
    longest = page.evaluate("window.__longest")
    assert longest < 100, f"a main-thread task took {longest} ms while Python ran"

    block.get_by_role("button", name="Reset").click()
    assert run_block(page, block) == "ok"
    assert stdout_of(block).startswith("A: step 1")


def test_edit_run_and_reset(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print(sum(range(10)))\nraise ValueError('boom')\n")
    assert run_block(page, block) == "error"
    assert stdout_of(block) == "45\n"
    stderr = "".join(block.locator('[data-stream="stderr"]').all_text_contents())
    assert "ValueError: boom" in stderr
    assert "in_browser.py" not in stderr, "the traceback shows the runner's own frames"

    block.get_by_role("button", name="Reset").click()
    text = page.evaluate("el => el.runnerSource()", block.element_handle())
    assert text == (SNIPPETS / "terminology/coroutine_object.py").read_text().rstrip("\n")

    block.get_by_role("button", name="Clear output").click()
    assert block.locator(".runner__output").is_hidden()


def test_page_says_when_output_differs_from_the_recorded_lines(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print('hello, Ada')\n#> hello, Grace\n")
    assert run_block(page, block) == "ok"
    assert block.get_attribute("data-runner-verdict") == "differ"
    output = block.locator(".runner__output").inner_text()
    assert "-#> hello, Grace" in output and "+#> hello, Ada" in output
    block.get_by_role("button", name="Reset").click()


def test_ctrl_enter_runs_from_the_editor(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    set_code(page, block, "print('from the keyboard')\n")
    page.keyboard.press("Control+Enter")
    assert wait_settled(page, block) == "ok"
    assert stdout_of(block) == "from the keyboard\n"
    block.get_by_role("button", name="Reset").click()


def test_nothing_loads_before_intent_and_progress_shows(browser: Browser, live_playground: LiveServer) -> None:
    guard = guarded_context(browser, live_playground.base_url)
    try:
        page = guard.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(live_playground.base_url + "/terminology/", wait_until="networkidle")
        assert not [u for u in requested if "/runtime/pyodide-" in u or "/runtime/compiled/" in u]
        block = block_for(page, "terminology/coroutine_object.py")
        block.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_function(
            "el => el.dataset.runnerState === 'loading' && /MB/.test(el.querySelector('.runner__status').textContent)",
            arg=block.element_handle(), timeout=RUN_TIMEOUT_MS,
        )
        assert wait_settled(page, block) == "ok"
        assert guard.refused == []
    finally:
        guard.context.close()


def test_runtime_stays_warm_across_instant_navigation(shared_page: Page, live_playground: LiveServer) -> None:
    page = shared_page
    open_page(page, live_playground.base_url, "/terminology/")
    assert run_block(page, block_for(page, "terminology/coroutine_object.py")) == "ok"
    starts = page.evaluate("asyncFastapiLive.runtime.starts")
    page.get_by_role("link", name="Async I/O", exact=True).first.click()
    page.wait_for_url("**/async-io/")
    block = block_for(page, "async_io/event_loop_server_sim.py")
    assert page.evaluate("asyncFastapiLive.runtime.state") == "ready"
    assert run_block(page, block) == "ok"
    assert page.evaluate("asyncFastapiLive.runtime.starts") == starts
    assert page.locator(".runner").count() == page.locator(".md-content .cm-editor").count()


@pytest.mark.parametrize("relative", ["terminology/gather_runs_concurrently.py", "dependency_injection/yield_cleanup.py"])
def test_asyncio_run_works_without_jspi(browser: Browser, live_playground: LiveServer, relative: str) -> None:
    guard = guarded_context(browser, live_playground.base_url)
    try:
        page = guard.new_page()
        page.goto(f"{live_playground.base_url}{page_of(relative)}?jspi=off", wait_until="networkidle")
        block = block_for(page, relative)
        assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
        assert page.evaluate("asyncFastapiLive.runtime.info.jspi") is False
        source = (SNIPPETS / relative).read_text()
        comparison = compare(recorded_lines(source), stdout_of(block))
        assert comparison.ok, comparison.diff
    finally:
        guard.context.close()


@pytest.mark.parametrize(
    ("path", "relative", "says"),
    [
        ("/async-io/", "async_io/selectors_readiness_terminal.py", "python snippets/async_io/selectors_readiness_terminal.py"),
        ("/async-io/", "async_io/threadpool_server.py", "mounted at /snippets/async_io/threadpool_server/"),
    ],
)
def test_blocks_that_do_not_run_here_say_where_they_run(shared_page: Page, live_playground: LiveServer, path: str, relative: str, says: str) -> None:
    open_page(shared_page, live_playground.base_url, path)
    block = shared_page.locator(".highlight", has=shared_page.locator(".filename", has_text=relative))
    assert block.get_by_role("button", name="Run").count() == 0
    note = block.locator("xpath=following-sibling::p[1]")
    assert says in note.inner_text()


def test_client_snippet_says_how_to_start_a_missing_playground(browser: Browser, live_playground: LiveServer) -> None:
    guard = guarded_context(browser, live_playground.base_url)
    try:
        page = guard.new_page()
        nowhere = "http://127.0.0.1:9"  # the discard port: nothing listens there
        page.goto(f"{live_playground.base_url}/websockets/?playground={nowhere}", wait_until="networkidle")
        block = block_for(page, "websocket/echo_client.py")
        assert run_block(page, block) == "error"
        stderr = "".join(block.locator('[data-stream="stderr"]').all_text_contents())
        assert f"the playground did not answer at {nowhere}" in stderr and "make serve" in stderr
    finally:
        guard.context.close()


def test_a_runtime_that_fails_to_load_says_so_and_run_retries(browser: Browser, live_playground: LiveServer) -> None:
    guard = guarded_context(browser, live_playground.base_url)
    try:
        page = guard.new_page()
        page.route("**/runtime/manifest.json", lambda route: route.abort("connectionrefused"))
        page.goto(live_playground.base_url + "/terminology/", wait_until="networkidle")
        block = block_for(page, "terminology/coroutine_object.py")
        assert run_block(page, block) == "error"
        assert "Python could not start" in block.locator(".runner__status").inner_text()
        assert "failed to start" in block.locator(".runner__output").inner_text()

        page.unroute("**/runtime/manifest.json")  # the network is back: Run again just works
        assert run_block(page, block) == "ok"
        assert stdout_of(block).startswith("coroutine")
    finally:
        guard.context.close()


def test_keyboard_reaches_every_control_and_leaves_the_editor(browser: Browser, live_playground: LiveServer) -> None:
    guard = guarded_context(browser, live_playground.base_url, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = guard.new_page()
        page.goto(live_playground.base_url + "/terminology/", wait_until="networkidle")
        block = block_for(page, "terminology/coroutine_object.py")
        block.locator(".cm-content").click()
        original = (SNIPPETS / "terminology/coroutine_object.py").read_text().rstrip("\n")
        page.keyboard.press("Tab")  # inside the editor Tab indents...
        assert page.evaluate("document.activeElement.classList.contains('cm-content')")
        assert block.evaluate("el => el.runnerSource()") != original
        page.keyboard.press("Control+z")
        assert block.evaluate("el => el.runnerSource()") == original
        page.keyboard.press("Escape")  # ...and Escape, then Tab, moves on (no keyboard trap)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Run"
        page.keyboard.press("Enter")
        assert wait_settled(page, block) == "ok"
        block.get_by_role("button", name="Reset").click()
        block.get_by_role("button", name="Copy").click()
        assert page.evaluate("navigator.clipboard.readText()") == original
    finally:
        guard.context.close()
