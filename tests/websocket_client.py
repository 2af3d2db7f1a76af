"""Talking to a live playground's websockets from a test, written once: the `websockets` client's
next event of a kind and the close it ends with, and a handshake written by hand for the tests
that must decide byte by byte what the client does (never read, never answer a ping)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tests.live_server import LiveServer

RECEIVE_TIMEOUT_S = 10.0  # a hang fails the test with a timeout instead of pytest-timeout's 300 s


def ws_url(server: LiveServer, path: str) -> str:
    return server.base_url.replace("http://", "ws://") + path


async def next_of(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next JSON event of ``kind``, skipping the others (joins, leaves, ...)."""
    while True:
        event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S))
        if event["type"] == kind:
            return event


async def read_forever(ws: ClientConnection) -> None:
    """Read and drop messages; only the connection's end (ConnectionClosed) or a silence of
    RECEIVE_TIMEOUT_S (TimeoutError) stops it."""
    while True:
        await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S)


async def closed_with(ws: ClientConnection) -> tuple[int, str]:
    """Read until the server closes; the close frame's code and reason."""
    with pytest.raises(ConnectionClosed) as closed:
        await read_forever(ws)
    assert closed.value.rcvd is not None, "the connection dropped without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


def handshake(path: str = "/ws/echo", host: str = "127.0.0.1", headers: dict[str, str] | None = None) -> bytes:
    """An opening handshake (RFC 6455 §4.1) as a client writes it on the socket, with a fresh key."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version: 13",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
