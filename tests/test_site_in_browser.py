"""Every page in a real browser: loads, is cross-origin isolated, fetches nothing from elsewhere,
fits a 375-px screen, and follows the reader's colour scheme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Response, expect

from tests.browser import MOUNTED, Guarded, guard_context, load_page
from tests.live_server import LiveServer
from tests.site_pages import nav_pages

PAGES = nav_pages()
OUR_SCRIPTS = tuple(f"/assets/javascripts/{folder}/" for folder in ("runner", "widgets", "exercises", "chunks"))
SCHEMES: tuple[tuple[Literal["light", "dark"], str], ...] = (("light", "default"), ("dark", "slate"))


def test_every_page_at_once_loads_isolated_and_is_not_refused(guarded: Guarded, live_playground: LiveServer) -> None:
    """Every page in a tab of its own, all asked for at once, as a reader who opens the nav in tabs:
    each loads cross-origin isolated (COOP/COEP), with one title, no console error and no request
    to another host (the `guarded` fixture checks that too), under the playground's own rate limit
    (50 requests a second, 300 at once, per address). Each page load made 52 requests when the
    site's 37 modules were files of their own, each revalidated on every visit: 55 requests were
    refused (429) and pages never mounted. The build bundles them (playground/runtime/scripts.py):
    a page asks for its two entries and their shared chunk, and the site's other modules not at all.
    (These checks of each page had a context and a load of their own: 19 loads more per run.)"""
    guard = guarded(live_playground.base_url)
    refused: list[str] = []
    scripts: set[str] = set()

    def seen(response: Response) -> None:
        path = urlsplit(response.url).path
        if response.status == 429:
            refused.append(path)
        if path.startswith(OUR_SCRIPTS):
            scripts.add(path.removeprefix("/assets/javascripts/"))

    guard.context.on("response", seen)
    tabs = [guard.new_page() for _ in PAGES]
    answers = [
        tab.goto(live_playground.base_url + path, wait_until="commit") for tab, path in zip(tabs, PAGES, strict=True)
    ]
    assert [a.status if a else None for a in answers] == [200] * len(PAGES)
    for tab in tabs:
        tab.wait_for_load_state("load")  # fires when a script was refused too: then the check below says so
    assert refused == [], f"{len(refused)} requests refused with 429: {sorted(set(refused))[:10]}"
    for path, tab in zip(PAGES, tabs, strict=True):
        tab.wait_for_function(MOUNTED)
        tab.wait_for_load_state("networkidle")  # what the page asks for on its own, asked
        assert tab.evaluate("crossOriginIsolated") is True, f"COOP/COEP did not isolate {path}"
        assert tab.locator("h1").count() == 1, path
    assert guard.console_errors == [], guard.console_errors
    assert guard.refused == [], f"requests to other hosts: {guard.refused}"
    assert {s for s in scripts if not s.startswith("chunks/")} == {"runner/main.js", "widgets/main.js"}
    assert len([s for s in scripts if s.startswith("chunks/")]) == 1, scripts


def test_narrow_screen_has_no_sideways_scroll(guarded: Guarded, live_playground: LiveServer) -> None:
    """About 20 s: every nav page at 375 px, measured once loaded and mounted, in light and then
    in dark (the reader's preference switched on the loaded page, as Material applies it live:
    one load per page, not one per scheme)."""
    guard = guarded(live_playground.base_url, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = guard.new_page()
    for path in PAGES:
        page.emulate_media(color_scheme="light")
        load_page(page, live_playground.base_url + path)
        for scheme, material in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} in {scheme} is {overflow}px wider than a 375-px screen"


def test_instant_navigation_swaps_pages_without_reload(guarded: Guarded, live_playground: LiveServer) -> None:
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    load_page(page, live_playground.base_url + "/")
    page.evaluate("window.__marker = 'still here'")
    page.get_by_role("link", name="Terminology", exact=True).first.click()
    page.wait_for_url("**/terminology/")
    page.locator("h1", has_text="Terminology").wait_for()
    assert page.evaluate("window.__marker") == "still here", "the page reloaded"


@pytest.mark.parametrize("flag", ["--workers", "--log-level"])
def test_search_finds_command_line_flags(guarded: Guarded, live_playground: LiveServer, flag: str) -> None:
    """A leading "-" means "exclude" to the search: the flags the pages teach found nothing."""
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/")
    search = page.locator("[data-md-component=search-query]")
    search.click()
    search.press_sequentially(flag)  # Material searches on key events, not on a filled value
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    expect(page.locator(".md-search-result__meta")).not_to_contain_text("No matching")


def test_home_page_names_the_playground_it_came_from(guarded: Guarded, live_playground: LiveServer) -> None:
    """The home page said http://127.0.0.1:8000 when the site was served from another port."""
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/")
    link = page.locator("#running-the-playground ~ p a[data-playground-href]").first
    expect(link).to_have_text(live_playground.base_url + "/")
    expect(link).to_have_attribute("href", live_playground.base_url + "/")


def test_the_guard_records_a_request_elsewhere_from_the_page_and_from_a_worker(
    new_context: Callable[..., BrowserContext], live_playground: LiveServer
) -> None:
    """The guard every browser test relies on: a fetch to another host, from the page and from a
    worker (where Pyodide runs), fails in the browser and is on the guard's list."""
    guard = guard_context(new_context(), live_playground.base_url)
    page = guard.new_page()
    page.goto(live_playground.base_url + "/")
    from_page = page.evaluate("fetch('http://elsewhere.example/from-page').then(() => 'reached', () => 'failed')")
    from_worker = page.evaluate(
        """() => new Promise((resolve) => {
          const code = "fetch('http://elsewhere.example/from-worker')" +
            ".then(() => postMessage('reached'), () => postMessage('failed'))";
          const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
          worker.onmessage = (event) => resolve(event.data);
        })"""
    )
    assert (from_page, from_worker) == ("failed", "failed")
    assert guard.refused == ["http://elsewhere.example/from-page", "http://elsewhere.example/from-worker"]
