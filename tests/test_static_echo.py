"""The WebSockets page's echo box, from a copy of the site on a plain static host
(`python -m http.server --directory site`), talking to a playground on another origin.

The static host listens on 127.0.0.2: an origin the playground does not count as localhost, so
its Origin check really applies. Without `--ws-allowed-origins` the handshake is refused (HTTP
403) and the page sees close code 1006, as the page says; with the static origin listed, the
echo answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import Guarded, load_page
from tests.live_server import LiveServer, run_playground, run_static_host
from tests.ports import free_port

STATIC_HOST = "127.0.0.2"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def static_host(built_site: Path) -> Iterator[str]:
    with run_static_host(free_port(), built_site, host=STATIC_HOST) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def allowing_playground(built_site: Path, static_host: str) -> Iterator[LiveServer]:
    with run_playground(free_port(), built_site, {"PLAYGROUND_WS_ALLOWED_ORIGINS": static_host}) as server:
        yield server


def send_once(guarded: Guarded, static_host: str, playground: str, until: str) -> list[str]:
    """Open the WebSockets page from the static host, press Send, wait until the echo box logs
    `until`; return its log lines. Any request beyond the two servers fails the test (`guarded`)."""
    page = guarded(static_host, playground, service_workers="block").new_page()
    load_page(page, f"{static_host}/websockets/?playground={playground}")
    box = page.locator('[data-widget="echo-minimal"]')
    expect(box).to_have_attribute("data-state", "ready")  # mounted
    box.get_by_role("button", name="Send").click()
    log = box.locator("ol")
    expect(log, f"the echo box never logged {until!r}").to_contain_text(until, timeout=TIMEOUT_MS)
    return log.locator("li").all_inner_texts()


def test_static_copy_echoes_through_a_playground_that_allows_its_origin(
    guarded: Guarded, static_host: str, allowing_playground: LiveServer
) -> None:
    lines = send_once(guarded, static_host, allowing_playground.base_url, until="← hello")
    websocket_url = allowing_playground.base_url.replace("http://", "ws://") + "/ws/echo"
    assert lines == [f"open: {websocket_url}", "→ hello", "← hello"]


def test_a_refused_origin_is_close_code_1006_in_the_page(
    guarded: Guarded, static_host: str, live_playground: LiveServer
) -> None:
    """The shared playground lists no extra origins: 127.0.0.2 is refused before accept."""
    lines = send_once(guarded, static_host, live_playground.base_url, until="closed:")
    assert lines == ["closed: code 1006"]
