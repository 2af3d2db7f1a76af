"""The Playground and Lab pages in Chromium, against a real playground: websocket client, the
two-pane chat, the lab's timeline, and a clear message when the playground is not there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import GuardedContext, guarded_context, launch
from tests.conftest import free_port
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as browser:
        yield browser


@pytest.fixture
def guard(browser: Browser, live_playground: LiveServer) -> Iterator[GuardedContext]:
    guard = guarded_context(browser, live_playground.base_url)
    yield guard
    guard.context.close()
    assert guard.refused == [], guard.refused


def open_page(guard: GuardedContext, base_url: str, path: str) -> Page:
    page = guard.new_page()
    page.goto(base_url + path, wait_until="networkidle")
    return page


def test_ws_client_echoes_text_json_and_binary_with_round_trip_times(guard: GuardedContext, live_playground: LiveServer) -> None:
    page = open_page(guard, live_playground.base_url, "/playground/")
    widget = page.locator('[data-widget="ws-client"]')
    widget.get_by_role("button", name="Connect", exact=True).click()
    expect(widget).to_have_attribute("data-state", "open")
    log = widget.get_by_role("log")

    widget.get_by_label("Message", exact=True).fill("hello")
    widget.get_by_role("button", name="Send", exact=True).click()
    expect(log).to_contain_text("← hello (")

    widget.get_by_label("Message format").select_option("json")
    widget.get_by_label("Message", exact=True).fill('{"a": [1, 2]}')
    widget.get_by_label("Message", exact=True).press("Enter")
    expect(log).to_contain_text('← {"a":[1,2]} (')

    widget.get_by_label("Message", exact=True).fill("{broken")
    widget.get_by_role("button", name="Send", exact=True).click()
    expect(log).to_contain_text("Not sent:")

    widget.get_by_label("Message format").select_option("binary")
    widget.get_by_label("Message", exact=True).fill("48 69 ff")
    widget.get_by_role("button", name="Send", exact=True).click()
    expect(log).to_contain_text("← binary: 48 69 ff (")

    widget.get_by_role("button", name="Disconnect").click()
    expect(log).to_contain_text('closed: code 1000, reason "closed by the reader"')
    assert guard.console_errors == []


def test_chat_demo_broadcasts_to_both_panes(guard: GuardedContext, live_playground: LiveServer) -> None:
    page = open_page(guard, live_playground.base_url, "/playground/")
    widget = page.locator('[data-widget="chat-demo"]')
    widget.get_by_role("button", name="Open two connections").click()
    pane_a, pane_b = widget.get_by_role("region", name="Pane A"), widget.get_by_role("region", name="Pane B")
    expect(pane_a).to_have_attribute("data-state", "open")
    expect(pane_b).to_have_attribute("data-state", "open")
    pane_a.get_by_label("Pane A: message", exact=True).fill("hello from A")
    pane_a.get_by_role("button", name="Send", exact=True).click()
    expect(pane_a.get_by_role("log")).to_contain_text("you: hello from A")
    expect(pane_b.get_by_role("log")).to_contain_text(": hello from A")


def test_lab_draws_one_bar_per_request(guard: GuardedContext, live_playground: LiveServer) -> None:
    page = open_page(guard, live_playground.base_url, "/lab/")
    widget = page.locator('[data-widget="lab"]')
    widget.get_by_label("Endpoint kind").select_option("async")
    widget.get_by_label("Concurrent requests").fill("12")
    widget.get_by_label("Seconds per request").fill("0.3")
    widget.get_by_role("button", name="Run", exact=True).click()
    expect(widget).to_have_attribute("data-state", "done", timeout=60_000)
    assert widget.locator("svg rect.lab__bar").count() == 12
    expect(widget.get_by_role("status")).to_contain_text("12 requests, each 0.3 s")

    widget.get_by_label("Concurrent requests").fill("500")
    widget.get_by_role("button", name="Run", exact=True).click()
    expect(widget).to_have_attribute("data-state", "error")
    expect(widget.get_by_role("status")).to_contain_text("422")


def test_unreachable_playground_says_how_to_start_it(browser: Browser, live_playground: LiveServer) -> None:
    guard = guarded_context(browser, live_playground.base_url)
    try:
        nowhere = f"http://127.0.0.1:{free_port()}"
        page = guard.new_page()
        page.goto(f"{live_playground.base_url}/playground/?playground={nowhere}", wait_until="networkidle")
        widget = page.locator('[data-widget="ws-client"]')
        expect(widget.get_by_label("Websocket URL")).to_have_value(nowhere.replace("http", "ws") + "/ws/echo")
        widget.get_by_role("button", name="Connect", exact=True).click()
        expect(widget.get_by_role("log")).to_contain_text("make serve")
        expect(widget).to_have_attribute("data-state", "closed")
    finally:
        guard.context.close()
