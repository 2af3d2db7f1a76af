"""The playground's websockets against a real uvicorn on loopback, with the `websockets` client:
echo, chat, mounted snippets, and every limit with the close code and reason it promises."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.websocket_client import closed_with, handshake, next_of, ws_url

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def strict(built_site: Path) -> Iterator[LiveServer]:
    """Small limits, so each one is quick to reach."""
    env = {
        "PLAYGROUND_WS_MAX_MESSAGE_BYTES": "1024",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "3",
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "2",
        "PLAYGROUND_WS_MESSAGE_BURST": "5",
        "PLAYGROUND_WS_IDLE_TIMEOUT": "1.5",
        "PLAYGROUND_WS_PING_INTERVAL": "0.3",
    }
    with run_playground(free_port(), built_site, env) as server:
        yield server


@pytest.fixture(scope="module")
def roomy(built_site: Path) -> Iterator[LiveServer]:
    """Limits high enough for a load test from one address."""
    env = {
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "500",
        "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "500",  # 100 handshakes at once, all HTTP until upgraded
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "100000",
        "PLAYGROUND_WS_MESSAGE_BURST": "100000",
    }
    with run_playground(free_port(), built_site, env) as server:
        yield server


# ---- echo ---------------------------------------------------------------------------------------


async def test_echo_returns_text_and_binary_in_order(live_playground: LiveServer) -> None:
    async with connect(ws_url(live_playground, "/ws/echo")) as ws:
        sent: list[str | bytes] = [f"text {i}" if i % 2 else bytes([i, 0, 255]) for i in range(20)]
        for message in sent:
            await ws.send(message)
        assert [await ws.recv() for _ in sent] == sent


async def test_many_clients_lose_and_reorder_nothing(roomy: LiveServer) -> None:
    clients, messages = 100, 100

    async def client(number: int) -> list[str]:
        async with connect(ws_url(roomy, "/ws/echo"), max_queue=None) as ws:

            async def reader() -> list[str]:
                return [str(await ws.recv()) for _ in range(messages)]

            async with asyncio.TaskGroup() as group:
                received = group.create_task(reader())
                for seq in range(messages):
                    await ws.send(f"{number}:{seq}")
            return received.result()

    results = await asyncio.gather(*(client(n) for n in range(clients)))
    for number, received in enumerate(results):
        assert received == [f"{number}:{seq}" for seq in range(messages)]


async def test_no_per_message_deflate_by_default(live_playground: LiveServer) -> None:
    async with connect(ws_url(live_playground, "/ws/echo")) as ws:
        assert ws.response is not None  # the handshake is done once connect returns
        assert "sec-websocket-extensions" not in {k.lower() for k in ws.response.headers}


# ---- limits -------------------------------------------------------------------------------------


async def test_message_over_the_size_limit_closes_1009(strict: LiveServer) -> None:
    async with connect(ws_url(strict, "/ws/echo"), max_size=None) as ws:
        await ws.send("x" * 1000)
        assert await ws.recv() == "x" * 1000
        await ws.send("y" * 2000)
        code, _reason = await closed_with(ws)
        assert code == 1009


async def test_the_size_limit_counts_utf8_bytes_not_characters(strict: LiveServer) -> None:
    """The limit (1,024 here) is on the bytes the client sent: 341 three-byte characters (1,023
    bytes) come back, 342 (1,026 bytes) close the connection, though both are far fewer than 1,024
    characters. The guard skips encoding a text whose length alone shows it is within the limit;
    this is where that shortcut would go wrong."""
    async with connect(ws_url(strict, "/ws/echo"), max_size=None) as ws:
        await ws.send("€" * 341)
        assert await ws.recv() == "€" * 341
        await ws.send("€" * 342)
        assert await closed_with(ws) == (1009, "message of 1026 bytes exceeds the 1024-byte limit")


async def test_empty_messages_come_back_empty_and_of_their_kind(live_playground: LiveServer) -> None:
    async with connect(ws_url(live_playground, "/ws/echo")) as ws:
        for message in ("", b"", "after"):
            await ws.send(message)
            assert await ws.recv() == message


async def test_sending_too_fast_closes_1008_with_a_reason(strict: LiveServer) -> None:
    async with connect(ws_url(strict, "/ws/echo")) as ws:
        for i in range(12):
            await ws.send(str(i))
        code, reason = await closed_with(ws)
        assert (code, reason) == (1008, "more than 2 messages/s")


async def test_connections_per_address_are_capped_with_1013(strict: LiveServer) -> None:
    url = ws_url(strict, "/ws/echo")
    async with connect(url) as a, connect(url) as b, connect(url) as c:
        async with connect(url) as extra:
            code, reason = await closed_with(extra)
        assert (code, reason) == (1013, "3 connections from your address already")
        for ws in (a, b, c):  # the others are untouched
            await ws.send("still here")
            assert await ws.recv() == "still here"
    async with connect(url) as again:  # and the slots come back once they close
        await again.send("ok")
        assert await again.recv() == "ok"


async def test_idle_connection_is_closed(strict: LiveServer) -> None:
    async with connect(ws_url(strict, "/ws/echo")) as ws:
        code, reason = await closed_with(ws)
    assert code == 1000 and reason.startswith("idle for 1.5 s")


async def test_server_sends_keepalive_pings(strict: LiveServer) -> None:
    """Read raw frames (no client library to answer for us): a ping arrives on its own."""
    host, port = strict.base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(handshake("/ws/echo", host))
    status = await reader.readuntil(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 101")
    first_two = await asyncio.wait_for(reader.readexactly(2), timeout=5)
    assert first_two[0] & 0x0F == 0x9, f"expected a ping frame, got opcode {first_two[0] & 0x0F:#x}"
    writer.close()
    await writer.wait_closed()


async def test_foreign_origin_is_refused_before_accept(live_playground: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(live_playground, "/ws/echo"), origin=Origin("https://evil.example")):
            pass
    assert refused.value.response.status_code == 403
    assert b"https://evil.example may not open websockets" in refused.value.response.body


@pytest.mark.parametrize("origin", [Origin("http://localhost:9999"), Origin("http://127.0.0.1:1234"), None])
async def test_local_and_same_origins_are_allowed(live_playground: LiveServer, origin: Origin | None) -> None:
    async with connect(ws_url(live_playground, "/ws/echo"), origin=origin) as ws:
        await ws.send("hi")
        assert await ws.recv() == "hi"


async def test_invalid_utf8_closes_1007_and_the_server_keeps_serving(live_playground: LiveServer) -> None:
    async with connect(ws_url(live_playground, "/ws/echo")) as ws:
        await ws.send(b"\xff\xfe not utf-8", text=True)
        code, _ = await closed_with(ws)
    assert code == 1007
    async with connect(ws_url(live_playground, "/ws/echo")) as ws:
        await ws.send("after")
        assert await ws.recv() == "after"


async def test_shutdown_tells_clients_1001(built_site: Path) -> None:
    with run_playground(free_port(), built_site) as server:
        clients = [await connect(ws_url(server, "/ws/echo")) for _ in range(3)]
        for ws in clients:
            await ws.send("before")
            assert await ws.recv() == "before"
        server.process.send_signal(signal.SIGINT)
        for ws in clients:
            code, reason = await closed_with(ws)
            assert (code, reason) == (1001, "server shutting down")


# ---- chat ---------------------------------------------------------------------------------------


async def test_chat_broadcasts_with_sender_and_timestamp(live_playground: LiveServer) -> None:
    url = ws_url(live_playground, "/ws/chat/lobby-test")
    async with connect(url) as ana:
        ana_id = (await next_of(ana, "welcome"))["id"]
        async with connect(url) as ben:
            welcome = await next_of(ben, "welcome")
            assert sorted(welcome["members"]) == sorted([ana_id, welcome["id"]])
            assert (await next_of(ana, "join"))["id"] == ana_id  # her own join comes first
            assert (await next_of(ana, "join"))["id"] == welcome["id"]
            await ana.send(json.dumps({"text": "hello, room"}))
            for ws in (ana, ben):
                event = await next_of(ws, "message")
                assert (event["from"], event["text"], event["room"]) == (ana_id, "hello, room", "lobby-test")
                assert isinstance(event["ts"], float)
            ben_id = welcome["id"]
        assert (await next_of(ana, "leave"))["id"] == ben_id


async def test_chat_invalid_json_gets_an_error_and_keeps_the_connection(live_playground: LiveServer) -> None:
    url = ws_url(live_playground, "/ws/chat/errors-test")
    async with connect(url) as ana, connect(url) as ben:
        await next_of(ana, "welcome")
        await next_of(ben, "welcome")
        await ana.send("{not json")
        error = await next_of(ana, "error")
        assert "invalid JSON" in error["detail"]
        await ana.send(json.dumps({"wrong": 1}))
        assert '"text"' in (await next_of(ana, "error"))["detail"]
        await ana.send(json.dumps({"text": "still connected"}))
        # ben sees the message, and no error meant for ana came before it
        event = json.loads(await ben.recv())
        while event["type"] == "join":
            event = json.loads(await ben.recv())
        assert event["type"] == "message" and event["text"] == "still connected"


async def test_chat_room_name_is_checked(live_playground: LiveServer) -> None:
    async with connect(ws_url(live_playground, "/ws/chat/" + "x" * 40)) as ws:
        code, reason = await closed_with(ws)
    assert code == 1008 and "room names" in reason


# ---- mounted server snippets --------------------------------------------------------------------


async def test_server_snippet_is_mounted_and_answers(live_playground: LiveServer) -> None:
    async with connect(ws_url(live_playground, "/snippets/websocket/echo_server/ws/echo")) as ws:
        await ws.send("through the snippet")
        assert await ws.recv() == "through the snippet"
