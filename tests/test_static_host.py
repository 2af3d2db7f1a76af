"""The built site on a static host that sends no headers: a service worker supplies isolation,
and without it, Stop still works by replacing the Python worker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import Guarded, block_for, load_page, run_block, set_code, stdout_of, wait_running, wait_settled
from tests.live_server import LiveServer, run_static_host
from tests.ports import free_port

CPU_LOOP = "n = 0\nwhile True:\n    n += 1\n"


@pytest.fixture(scope="module")
def static_host(built_site: Path) -> Iterator[str]:
    with run_static_host(free_port(), built_site) as base_url:
        yield base_url


def stop_cpu_loop(page: Page, block: Locator) -> str:
    set_code(page, block, CPU_LOOP)
    block.get_by_role("button", name="Run", exact=True).click()
    wait_running(block)
    block.get_by_role("button", name="Stop", exact=True).click()
    return wait_settled(page, block)


def test_service_worker_isolates_and_stop_interrupts_in_place(guarded: Guarded, static_host: str) -> None:
    guard = guarded(static_host, service_workers="allow")
    page = guard.new_page()
    page.goto(static_host + "/terminology/")
    page.wait_for_function("crossOriginIsolated === true", timeout=30_000)
    block = block_for(page, "terminology/tiny_event_loop.py")
    assert run_block(page, block) == "ok"
    assert stop_cpu_loop(page, block) == "stopped"
    assert page.evaluate("asyncFastapiLive.runtime.starts") == 1
    assert page.evaluate("asyncFastapiLive.runtime.info.isolated") is True


def test_without_isolation_stop_replaces_the_worker(guarded: Guarded, static_host: str) -> None:
    guard = guarded(static_host, service_workers="block")
    page = guard.new_page()
    page.goto(static_host + "/terminology/")
    assert page.evaluate("crossOriginIsolated") is False
    block = block_for(page, "terminology/tiny_event_loop.py")
    assert stop_cpu_loop(page, block) == "stopped"
    assert "restarting Python" in block.locator(".runner__output").inner_text()
    block.get_by_role("button", name="Reset").click()
    assert run_block(page, block) == "ok"
    assert stdout_of(block).startswith("A: step 1")
    assert page.evaluate("asyncFastapiLive.runtime.starts") == 2


def test_static_copy_of_the_site_uses_a_playground_elsewhere(
    guarded: Guarded, static_host: str, live_playground: LiveServer
) -> None:
    """The site on one origin, the playground on another: websockets (Origin check), the lab
    (CORS) and a client snippet (pyfetch/WebSocket) all reach it, and nothing else is asked."""
    # The playground is a second origin this test allows on purpose; any third is refused.
    guard = guarded(static_host, live_playground.base_url, service_workers="block")
    page = guard.new_page()
    load_page(page, f"{static_host}/playground/?playground={live_playground.base_url}")
    widget = page.locator('[data-widget="ws-client"]')
    widget.get_by_role("button", name="Connect", exact=True).click()
    expect(widget).to_have_attribute("data-state", "open")
    widget.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".ws__log")).to_contain_text("← hello (")

    load_page(page, f"{static_host}/lab/")  # the choice was remembered
    lab = page.locator('[data-widget="lab"]')
    lab.get_by_label("Concurrent requests").fill("3")
    lab.get_by_label("Seconds per request").fill("0.2")
    lab.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_selector('[data-widget="lab"][data-state="done"]', timeout=60_000)
    assert lab.locator("svg rect.lab__bar--served").count() == 3  # one served bar per request

    page.goto(f"{static_host}/threadpool/")
    block = block_for(page, "async_io/threadpool_client.py")
    assert run_block(page, block) == "ok", block.locator(".runner__output").inner_text()
    # Its answers came back across origins (fetch, CORS). What it measures is not judged here:
    # this test runs beside another, where "4 at once" stretched to 0.8 s; the quiet phase checks
    # that line against the record (test_runner_in_browser: test_block_prints_what_the_snippet_records).
    assert re.fullmatch(
        r"one after another, by the server's code: 4 x 0\.5s = 2\.0s\n"
        r"4 at once, measured: \d+\.\ds\n"
        r"answered by [1-4] different threads \(measured\)\n",
        stdout_of(block),
    ), stdout_of(block)
