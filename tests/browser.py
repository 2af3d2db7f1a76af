"""Debian's Chromium under Playwright, with every request off the test server refused, and the
helpers that drive a runnable block.

Never a downloaded browser: the executable is `/usr/bin/chromium` (the `chromium` package that
`.ci/run` installs). When it is missing the tests fail with that message; they never skip. The
tests get it through pytest-playwright's fixtures (tests/conftest.py sets the launch arguments);
`launch()` is for the benchmarks, which run outside pytest.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
RUN_TIMEOUT_MS = 90_000  # a cold start with packages takes seconds; this only catches hangs
# The flags keep Chromium from reaching out on its own (updates, sync, field trials): this
# machine has no network, and a request we did not make must not look like the page's.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
    # No host resolves but loopback (127.0.0.2 is the tests' second origin): a request elsewhere
    # fails in the browser, and the guard below records it. (Blocking by interception instead,
    # Playwright's `route`, turns the HTTP cache off: every page load fetched Pyodide again.)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2",
]


def launch_options() -> dict[str, Any]:
    """How Chromium is launched, by the tests' fixture and by the benchmarks alike."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`)")
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    options = launch_options()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**options)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class GuardedContext:
    """A browser context whose only reachable hosts are the servers under test: ``allowed_origin``
    first, then any other origin the test names on purpose (a playground on a second origin)."""

    context: BrowserContext
    allowed_origin: str
    also_allowed: tuple[str, ...] = ()
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def new_page(self) -> Page:
        page = self.context.new_page()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console_errors.append(message.text)

        def page_error(error: Error) -> None:
            self.console_errors.append(str(error))

        page.on("console", console)
        page.on("pageerror", page_error)
        return page


Guarded = Callable[..., GuardedContext]
"""The ``guarded`` fixture's type: ``guarded(base_url, *also_allowed, **context_options)``."""


def guard_context(context: BrowserContext, base_url: str, *also_allowed: str) -> GuardedContext:
    """Record every request ``context`` makes to anywhere but ``base_url`` and the
    ``also_allowed`` origins (host and port). Chromium cannot reach another host by name
    (CHROMIUM_ARGS); recording is what fails the test: whoever made the context must check
    ``refused`` when it is done (the ``guarded`` fixture does, for every context it made).
    Recorded from the request event, not intercepted: the HTTP cache stays on, as a reader's is."""
    allowed = {urlsplit(url).netloc for url in (base_url, *also_allowed)}
    guard = GuardedContext(context=context, allowed_origin=base_url, also_allowed=also_allowed)

    def request(request: Request) -> None:
        url = request.url
        parts = urlsplit(url)
        if parts.scheme not in {"data", "blob"} and parts.netloc not in allowed:
            guard.refused.append(url)

    context.on("request", request)
    return guard


def guarded_context(browser: Browser, base_url: str, **options: Any) -> GuardedContext:
    """A new, untraced context: for the benchmarks. Tests use the ``guarded`` fixture (traced)."""
    return guard_context(browser.new_context(**options), base_url)


# ---- driving a runnable block ----------------------------------------------------------------


# Both of the site's scripts have mounted what they add to the page (runner/main.js and
# widgets/main.js measure their mount): the page is as a reader sees it once loaded.
MOUNTED = "['runner:mount', 'widgets:mount'].every((name) => performance.getEntriesByName(name).length > 0)"


def load_page(page: Page, url: str) -> Response | None:
    """Go to a page of the site and wait until it is in place: loaded (styles, scripts, images)
    and mounted (blocks, widgets). Not "networkidle", which waits for half a second without a
    request on every page: ~0.55 s a page measured, about 10 s over the 19 pages of one loop. A
    test about the requests a page makes on its own waits for networkidle itself."""
    response = page.goto(url)
    page.wait_for_function(MOUNTED)
    return response


def open_page(page: Page, base_url: str, path: str) -> None:
    """Go to a page unless the tab is on it already: a warm tab keeps its runtime. No wait for the
    network to go idle (half a second at least): `block_for` waits for the block it needs, and
    `.runner` is set in the same synchronous step that attaches the block's listeners."""
    if page.url != base_url + path:
        page.goto(base_url + path)


def skip_predictions(page: Page, within: Locator | None = None) -> None:
    """A block that asks for a prediction holds its editor (which shows the answer) until the
    reader predicts or skips; one Skip turns predicting off on every block. For tests of other
    things (test_predict_in_browser.py tests predicting)."""
    skip = (within or page.locator(".md-content")).locator(".predict:not([hidden]) .predict__skip")
    if skip.count():
        # What Skip does (predict.js), without its click: the mouse would stay over the content and
        # Skip's focus move into the block would build that block's editor.
        page.evaluate(
            "localStorage.setItem('async-fastapi-live:predict', 'off');"
            "window.dispatchEvent(new CustomEvent('async-fastapi-live:predict-mode', { detail: false }))"
        )


def block_for(page: Page, relative: str) -> Locator:
    block = page.locator(".runner", has=page.locator(".filename", has_text=relative))
    block.wait_for(state="attached")  # mounted (.runner), and with it any prediction it asks for
    skip_predictions(page, block)
    # The editor is made when the reader reaches for a block (pointer over it, focus in it).
    block.dispatch_event("pointerenter")
    block.locator(".cm-content").wait_for()
    return block


BUSY = re.compile(r"^(loading|running)$")


def wait_settled(page: Page, block: Locator) -> str:
    """Wait until the block's run ended, and say how (ok, error, stopped, restarted, ...)."""
    expect(block).not_to_have_attribute("data-runner-state", BUSY, timeout=RUN_TIMEOUT_MS)
    return block.get_attribute("data-runner-state") or ""


def wait_running(block: Locator) -> None:
    """Wait until Python runs the block's code (the runtime loaded, the wheels too)."""
    expect(block).to_have_attribute("data-runner-state", "running", timeout=RUN_TIMEOUT_MS)


def stdout_of(block: Locator) -> str:
    return "".join(block.locator('.runner__output [data-stream="stdout"]').all_text_contents())


def run_block(page: Page, block: Locator) -> str:
    """Press Run and wait for the run's end. A click that never reached Run (the button moved
    under the pointer, say) fails here, instead of passing off the last run's state as this one's:
    Run's handler replaces the mark at once (loading or running)."""
    block.evaluate("el => { el.dataset.runnerState = 'not-clicked-yet'; }")
    block.get_by_role("button", name="Run", exact=True).click()
    expect(block, "Run was clicked but no run started").not_to_have_attribute("data-runner-state", "not-clicked-yet")
    return wait_settled(page, block)


def set_code(page: Page, block: Locator, code: str) -> None:
    block.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
