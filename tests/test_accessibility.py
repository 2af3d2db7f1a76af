"""axe-core on every page of the site, light and dark, and in the states a reader brings about:
after a run, with the echo and the chat connected, with a lab chart. Zero violations.

axe-core is the npm package pinned in package.json, injected from node_modules into the page
under test (never from a CDN). One browser for the whole module, one page per state.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.accessibility import in_each_scheme, violations
from tests.browser import GuardedContext, block_for, launch, load_page, run_block
from tests.live_server import LiveServer
from tests.site_pages import nav_pages


def test_every_page_as_loaded(guard: GuardedContext, live_playground: LiveServer) -> None:
    """About a minute: axe on each of the 19 nav pages, in light and again in dark (colour
    rules), each page loaded once."""
    failures = []
    page = guard.new_page()
    for path in nav_pages():
        page.emulate_media(color_scheme="light")
        load_page(page, live_playground.base_url + path)
        found = in_each_scheme(page)
        if found:
            failures.append(f"{path}:\n  " + "\n  ".join(found))
    assert failures == [], "\n".join(failures)


def after_a_run(page: Page) -> None:
    first = page.locator(".runner .filename").first
    first.wait_for()
    block = block_for(page, first.inner_text())
    assert run_block(page, block) == "ok"
    expect(block.locator(".runner__output")).not_to_be_empty()


def with_echo_and_chat(page: Page) -> None:
    echo = page.locator('[data-widget="ws-client"]')
    echo.get_by_role("button", name="Connect", exact=True).click()
    expect(echo).to_have_attribute("data-state", "open")
    echo.get_by_label("Message", exact=True).fill("hello")
    echo.get_by_role("button", name="Send", exact=True).click()
    expect(echo.get_by_role("log")).to_contain_text("← hello")
    chat = page.locator('[data-widget="chat-demo"]')
    chat.get_by_role("button", name="Open two connections").click()
    pane = chat.get_by_role("region", name="Pane A")
    expect(pane).to_have_attribute("data-state", "open")
    pane.get_by_label("Pane A: message", exact=True).fill("hi")
    pane.get_by_role("button", name="Send", exact=True).click()
    expect(chat.get_by_role("region", name="Pane B").get_by_role("log")).to_contain_text(": hi")


def with_a_lab_chart(page: Page) -> None:
    lab = page.locator('[data-widget="lab"]')
    lab.get_by_label("Endpoint kind").select_option("blocking")
    lab.get_by_label("Concurrent requests").fill("3")
    lab.get_by_label("Seconds per request").fill("0.1")
    lab.get_by_role("button", name="Run", exact=True).click()
    expect(lab).to_have_attribute("data-state", "done", timeout=60_000)
    lab.get_by_text("Table of the 3 requests").click()


STATES: dict[str, tuple[str, Callable[[Page], None]]] = {
    "after a run": ("/terminology/", after_a_run),
    "echo and chat active": ("/playground/", with_echo_and_chat),
    "with a lab chart": ("/lab/", with_a_lab_chart),
}


@pytest.mark.parametrize("state", STATES)
def test_pages_in_use(guard: GuardedContext, live_playground: LiveServer, state: str) -> None:
    path, bring_about = STATES[state]
    page = guard.new_page()
    load_page(page, live_playground.base_url + path)
    bring_about(page)
    found = in_each_scheme(page)
    assert found == [], f"{path} {state}: {len(found)} axe violations:\n" + "\n".join(found)


if __name__ == "__main__":  # a quick look: python -m tests.test_accessibility URL [dark]
    import sys

    with launch() as browser:
        context = browser.new_context(color_scheme="dark" if "dark" in sys.argv else "light")
        page = context.new_page()
        for path in nav_pages():
            load_page(page, sys.argv[1] + path)
            print(path, json.dumps(violations(page), indent=1))
