"""The chat's holes, each closed: a lone surrogate that disconnected the whole room, a
room name with a control character, one address opening every room, and a member that stops
reading. Each test runs against a real playground on loopback with the `websockets` client."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.websocket_client import closed_with, handshake, next_of

pytestmark = pytest.mark.anyio

SEND_TIMEOUT = 4.0  # a member send then waits at most 2 s: ample for the members that do read


@pytest.fixture(scope="module")
def chat_server(built_site: Path) -> Iterator[LiveServer]:
    env = {
        "PLAYGROUND_CHAT_MAX_ROOMS_PER_IP": "2",
        "PLAYGROUND_WS_SEND_TIMEOUT": str(SEND_TIMEOUT),
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "50",
        "PLAYGROUND_WS_MESSAGES_PER_SECOND": "10000",
        "PLAYGROUND_WS_MESSAGE_BURST": "10000",
        "PLAYGROUND_CHAT_ROOM_MESSAGES_PER_SECOND": "10000",  # the slow-reader test floods one room
    }
    with run_playground(free_port(), built_site, env) as server:
        yield server


def room_url(server: LiveServer, room: str) -> str:
    return server.base_url.replace("http://", "ws://") + "/ws/chat/" + room


async def test_a_lone_surrogate_gets_an_error_and_nobody_else_notices(chat_server: LiveServer) -> None:
    url = room_url(chat_server, "surrogates")
    async with connect(url) as ana, connect(url) as ben:
        await next_of(ana, "welcome")
        await next_of(ben, "welcome")
        await ana.send('{"text": "\\ud800 alone"}')  # valid JSON, valid UTF-8 on the wire
        error = await next_of(ana, "error")
        assert "surrogate" in error["detail"]
        await ana.send(json.dumps({"text": "still here"}))
        for ws in (ana, ben):  # both connected, and the bad text reached nobody
            event = await next_of(ws, "message")
            assert event["text"] == "still here"


async def test_a_room_name_ending_in_a_newline_is_refused(chat_server: LiveServer) -> None:
    """`$` in a regex matches before a final newline: "lobby\\n" passed `ROOM_NAME.match`."""
    async with connect(room_url(chat_server, "lobby%0A")) as ws:
        code, reason = await closed_with(ws)
    assert code == 1008 and "room names" in reason


async def test_one_address_cannot_open_every_room(chat_server: LiveServer) -> None:
    # The observer comes from another loopback address, so it holds none of this address's rooms.
    observer = await connect(room_url(chat_server, "mine-1"), local_addr=("127.0.0.2", 0))
    first, second = await connect(room_url(chat_server, "mine-1")), await connect(room_url(chat_server, "mine-2"))
    try:
        observer_id = (await next_of(observer, "welcome"))["id"]
        first_id = (await next_of(first, "welcome"))["id"]
        await next_of(second, "welcome")
        async with connect(room_url(chat_server, "mine-3")) as third:
            code, reason = await closed_with(third)
        assert (code, reason) == (1013, "your address is in 2 rooms already: leave one first")
        async with connect(room_url(chat_server, "mine-1")) as again:  # a room it is in already is fine
            again_id = (await next_of(again, "welcome"))["id"]
        assert (await next_of(observer, "join"))["id"] == observer_id  # its own join comes first
        assert (await next_of(observer, "join"))["id"] == first_id
        assert (await next_of(observer, "join"))["id"] == again_id
        assert (await next_of(observer, "leave"))["id"] == again_id
        await first.close()
        assert (await next_of(observer, "leave"))["id"] == first_id  # its seat is given back by now
        async with connect(room_url(chat_server, "mine-3")) as third:
            assert (await next_of(third, "welcome"))["room"] == "mine-3"
    finally:
        await asyncio.gather(second.close(), observer.close())


def wait_until_welcomed(sock: socket.socket, deadline_s: float = 10) -> None:
    """Until the server's welcome is in the socket's buffer: peeked at, not read (the test's slow
    member reads nothing until the server gives up on it)."""
    sock.settimeout(deadline_s)
    deadline = time.monotonic() + deadline_s
    while b'"welcome"' not in sock.recv(4096, socket.MSG_PEEK):
        if time.monotonic() > deadline:
            raise TimeoutError("no welcome for the raw member")
        time.sleep(0.01)  # bytes arrive in pieces; a peek returns what is there so far


def read_close_code(sock: socket.socket) -> int:
    """Read raw server frames (unmasked) until the close frame; its status code."""
    sock.setblocking(True)
    sock.settimeout(10)
    buffer = b""

    def take(n: int) -> bytes:
        nonlocal buffer
        while len(buffer) < n:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("closed without a close frame")
            buffer += chunk
        data, buffer = buffer[:n], buffer[n:]
        return data

    head = b""
    while b"\r\n\r\n" not in head:  # the handshake response
        head += take(1)
    while True:
        first, second = take(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(take(2), "big")
        elif length == 127:
            length = int.from_bytes(take(8), "big")
        payload = take(length)
        if first & 0x0F == 0x8:
            return int.from_bytes(payload[:2], "big")


async def test_a_member_that_stops_reading_is_closed_1013_and_holds_up_nobody(chat_server: LiveServer) -> None:
    url = room_url(chat_server, "slow-reader")
    port = int(chat_server.base_url.rsplit(":", 1)[1])
    # A raw client with a small receive buffer that reads nothing until the server gives up on it.
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", port))
    slow.sendall(handshake("/ws/chat/slow-reader"))
    try:
        # In the room before the others join (CI once saw the reader welcomed into a room of 2).
        await asyncio.to_thread(wait_until_welcomed, slow)
        async with connect(url, max_queue=None) as talker, connect(url, max_queue=None) as reader:
            members = (await next_of(reader, "welcome"))["members"]
            assert len(members) == 3, "the slow member is in the room"
            talker_id = (await next_of(talker, "welcome"))["id"]
            reader_id = (await next_of(reader, "join"))["id"]
            filler = "\N{GRINNING FACE}" * 1000  # 4 KB of UTF-8 a message
            seen: list[int] = []

            async def read_until_the_slow_member_leaves() -> None:
                while True:
                    event = json.loads(await reader.recv())
                    if event["type"] == "message":
                        seen.append(int(event["text"].split(" ", 1)[0]))
                    elif event["type"] == "leave" and event["id"] not in (talker_id, reader_id):
                        return

            left = asyncio.create_task(read_until_the_slow_member_leaves())
            sent = 0
            async with asyncio.timeout(20):
                while not left.done():
                    await talker.send(json.dumps({"text": f"{sent} {filler}"}))
                    sent += 1
                    await asyncio.sleep(0.001)
            await left
            assert sent > 256, "the slow member left before it could fall behind"
            assert seen == list(range(len(seen))) and len(seen) >= sent - 2, "the reading member lost messages"
        # Then the slow member reads: what it was sent ends with a close frame, 1013.
        assert await asyncio.to_thread(read_close_code, slow) == 1013
    finally:
        slow.close()


@pytest.fixture(scope="module")
def strict_chat_server(built_site: Path) -> Iterator[LiveServer]:
    """Joins and silence bounded tightly enough to meet within a test."""
    env = {
        "PLAYGROUND_CHAT_JOINS_PER_MINUTE_PER_IP": "6",  # a join each 10 s after the burst of 20
        "PLAYGROUND_CHAT_ROOM_SILENCE_TIMEOUT": "1.5",
        "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "50",
    }
    with run_playground(free_port(), built_site, env) as server:
        yield server


async def test_one_address_joining_too_fast_is_told_when_to_come_back(strict_chat_server: LiveServer) -> None:
    """Hole 6: 24 addresses took all 100 rooms in moments. After its burst, an address joins at
    the configured rate; the refusal says when to try again, and another address is not slowed."""
    for number in range(20):  # the burst: each joins (and leaves) at once
        async with connect(room_url(strict_chat_server, f"hop-{number}"), local_addr=("127.0.0.3", 0)) as ws:
            await next_of(ws, "welcome")
    async with connect(room_url(strict_chat_server, "hop-20"), local_addr=("127.0.0.3", 0)) as ws:
        code, reason = await closed_with(ws)
    assert code == 1013 and "joining rooms too fast" in reason, (code, reason)
    wait = int(reason.split("try again in ")[1].split(" s")[0])
    assert 1 <= wait <= 10, reason
    async with connect(room_url(strict_chat_server, "hop-20"), local_addr=("127.0.0.4", 0)) as other:
        assert (await next_of(other, "welcome"))["room"] == "hop-20"


async def test_a_silent_room_is_closed_and_a_talking_one_is_not(strict_chat_server: LiveServer) -> None:
    """Hole 6: idle sockets held rooms for as long as they liked. A room without a message, join
    or leave for --chat-room-silence-timeout (1.5 s here) is closed, with the reason."""
    url = room_url(strict_chat_server, "quiet")
    async with connect(url, local_addr=("127.0.0.5", 0)) as ana, connect(url, local_addr=("127.0.0.5", 0)) as ben:
        await next_of(ana, "welcome")
        await next_of(ben, "welcome")
        for number in range(5):  # 2.5 s of talk, more than the timeout: the room stays open
            await ana.send(json.dumps({"text": f"still talking {number}"}))
            assert (await next_of(ben, "message"))["text"] == f"still talking {number}"
            await asyncio.sleep(0.5)
        started = asyncio.get_running_loop().time()
        for ws in (ana, ben):  # then silence: both are closed, with the reason
            code, reason = await closed_with(ws)
            assert code == 1000 and "room closed after 1.5 s without a message" in reason, (code, reason)
        assert asyncio.get_running_loop().time() - started < 4
