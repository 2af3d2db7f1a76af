"""The websocket guard's limits that span connections (`playground/server/ws_guard.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.live_server import LiveServer, run_playground
from tests.ports import free_port

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    site: Path = tmp_path_factory.mktemp("tiny-site")
    (site / "index.html").write_text("<!doctype html><title>tiny</title>")
    env = {
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "20",
        "PLAYGROUND_WS_MESSAGE_BURST": "40",
        "PLAYGROUND_WS_MESSAGES_PER_SECOND_PER_IP": "20",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "16",
    }
    with run_playground(free_port(), site, env) as live:
        yield live


async def test_the_websockets_of_one_address_share_one_message_rate(server: LiveServer) -> None:
    """Hole 6: 16 sockets from one address, each within its own rate, sent ~300 messages/s."""
    url = server.base_url.replace("http://", "ws://") + "/ws/echo"
    closes: list[tuple[int, str]] = []

    async def sender(ws: ClientConnection) -> None:
        try:
            for n in range(30):  # 30 each: inside one socket's burst of 40
                await ws.send(f"m{n}")
                await ws.recv()
        except ConnectionClosed as closed:
            if closed.rcvd is not None:
                closes.append((closed.rcvd.code, closed.rcvd.reason))

    sockets = [await connect(url) for _ in range(6)]
    try:
        async with asyncio.TaskGroup() as group:
            for ws in sockets:
                group.create_task(sender(ws))
    finally:
        for ws in sockets:
            await ws.close()
    assert any(code == 1008 and "your address" in reason for code, reason in closes), closes
