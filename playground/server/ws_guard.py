"""Limits for every websocket the playground accepts, in one ASGI middleware.

uvicorn caps neither websocket connections (``--limit-concurrency`` is HTTP-only) nor Origins,
and its idle timeout is HTTP-only too; CORSMiddleware does not look at websockets. So this layer
sits in front of *every* websocket endpoint — the echo, the chat, the mounted snippet apps — and:

* refuses a browser Origin that is not allowed, before the handshake completes (HTTP 403);
* closes with 1013 when one address already holds its share of connections (counted by an
  `AddressLimits` store: per process by default, across processes in Redis with `--redis-url`);
* closes with 1009 when a message is larger than the cap, with a full closing handshake (uvicorn's
  own limit is a backstop 4x higher: its refusal resets the socket, see run.py);
* closes with 1008 when a client sends faster than its token bucket allows, or when all the
  websockets of its address together send faster than `ws_messages_per_second_per_ip` (counted
  per process);
* closes with 1000 after an idle period with no message from the client (all idle ones at once:
  a client that never reads holds up nobody else's close);
* closes every connection with 1001 when the server shuts down.

Every close it sends has a deadline (``ws_send_timeout``); under the playground's own uvicorn
protocol (``ws_protocol``) the transport is then aborted, and pings take from the same token
bucket as messages. A refused Origin is logged once per address per minute, not per attempt.

The endpoint behind it sees an ordinary ``websocket.disconnect`` in each case, so its own
``receive`` loop ends the usual way.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from starlette.status import (
    WS_1000_NORMAL_CLOSURE,
    WS_1001_GOING_AWAY,
    WS_1008_POLICY_VIOLATION,
    WS_1009_MESSAGE_TOO_BIG,
    WS_1013_TRY_AGAIN_LATER,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from playground.server.address_limits import AddressLimits, client_address, local_limits
from playground.server.limits import OncePerInterval
from playground.server.metrics import (
    WEBSOCKET_CLOSES,
    WEBSOCKET_MESSAGES,
    WEBSOCKETS_OPEN,
    close_code_label,
    refused,
)
from playground.server.origins import allowed_origins, origin_allowed
from playground.server.settings import Settings
from playground.server.token_bucket import TokenBucket
from playground.server.ws_protocol import BUCKET_EXTENSION


@dataclass
class _SharedBucket:
    """One address's message bucket, and how many of its websockets hold it."""

    bucket: TokenBucket
    holders: int = 0


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            decoded: str = value.decode("latin-1")
            return decoded
    return None


class GuardedConnection:
    """One websocket between the server and the app, with the limits applied to its receive."""

    def __init__(
        self, guard: WebSocketGuard, scope: Scope, receive: Receive, send: Send, address_bucket: TokenBucket
    ) -> None:
        self.guard = guard
        self.address_bucket = address_bucket  # shared by every websocket of this address (in this process)
        self._receive = receive
        self._send = send
        self.closed = False
        # The protocol's bucket when there is one, so that its pings and these messages share it.
        shared = scope.get("extensions", {}).get(BUCKET_EXTENSION)
        self.bucket = (
            shared
            if isinstance(shared, TokenBucket)
            else TokenBucket(guard.settings.ws_messages_per_second, guard.settings.ws_message_burst)
        )
        self.last_seen = time.monotonic()
        self.max_bytes = guard.settings.ws_max_message_bytes

    async def close(self, code: int, reason: str) -> None:
        """Close towards the client once. The server then completes the closing handshake and
        delivers ``websocket.disconnect`` to the app's pending receive, which ends its loop."""
        if self.closed:
            return
        self.closed = True
        WEBSOCKET_CLOSES.labels(close_code_label(code)).inc()
        try:
            async with asyncio.timeout(self.guard.settings.ws_send_timeout):
                await self._send({"type": "websocket.close", "code": code, "reason": reason[:120]})
        except Exception:  # noqa: S110 - gone, or not reading (then the protocol aborts it)
            pass

    async def receive(self) -> Message:
        message = await self._receive()
        now = self.last_seen = time.monotonic()
        if message["type"] == "websocket.receive":
            WEBSOCKET_MESSAGES.inc()
            if self.closed:
                return {"type": "websocket.disconnect", "code": WS_1000_NORMAL_CLOSURE}
            refusal = self._refusal(message, now)
            if refusal is None:
                return message
            await self.close(*refusal)
            return {"type": "websocket.disconnect", "code": WS_1008_POLICY_VIOLATION}
        if message["type"] == "websocket.disconnect" and not self.closed:
            self.closed = True
            WEBSOCKET_CLOSES.labels(close_code_label(message.get("code", 1005))).inc()
        return message

    def _refusal(self, message: Message, now: float) -> tuple[int, str] | None:
        """The close for a message over a limit, or None. It runs for every message, so: a plain
        call (no coroutine), one clock read for both buckets, and no encoding when the length in
        code points already shows the size is within the limit (UTF-8 takes 1-4 bytes each)."""
        data = message.get("bytes")
        if data is not None:
            size = len(data)
        else:
            text = message.get("text") or ""
            size = len(text) if 4 * len(text) <= self.max_bytes else len(text.encode())
        if size > self.max_bytes:
            refused("ws_message_too_big")
            return WS_1009_MESSAGE_TOO_BIG, f"message of {size} bytes exceeds the {self.max_bytes}-byte limit"
        if not self.bucket.take(1, now):
            refused("ws_message_rate")
            return WS_1008_POLICY_VIOLATION, f"more than {self.guard.settings.ws_messages_per_second:g} messages/s"
        if not self.address_bucket.take(1, now):
            refused("ws_address_message_rate")
            rate = self.guard.settings.ws_messages_per_second_per_ip
            return WS_1008_POLICY_VIOLATION, f"more than {rate:g} messages/s from your address"
        return None

    async def send(self, message: Message) -> None:
        if self.closed:
            return  # the guard closed it; the app will see the disconnect on its next receive
        if message["type"] == "websocket.close":
            self.closed = True
            WEBSOCKET_CLOSES.labels(close_code_label(message.get("code", 1000))).inc()
        await self._send(message)


class WebSocketGuard:
    """ASGI middleware: see the module docstring. HTTP passes straight through."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        limits: AddressLimits | None = None,
        connections: set[GuardedConnection] | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.extra_origins = allowed_origins(settings)
        self.limits = limits or local_limits(settings)
        # The app's registry of open websockets (`app.state.open_websockets`), so the server can
        # tell them "going away" at shutdown without searching the middleware stack for us.
        self.connections: set[GuardedConnection] = set() if connections is None else connections
        self._watchdog: asyncio.Task[None] | None = None
        self._refusal_log = OncePerInterval()
        self._closing: set[asyncio.Task[None]] = set()
        self._address_buckets: dict[str, _SharedBucket] = {}

    async def _watch_idle(self) -> None:
        """One task for all connections, instead of a timer per message: the idle limit costs
        nothing on the hot path. Checks a few times per idle period."""
        idle = self.settings.ws_idle_timeout
        while self.connections:
            await asyncio.sleep(min(1.0, idle / 4))
            now = time.monotonic()
            for connection in [c for c in self.connections if not c.closed and now - c.last_seen > idle]:
                # A task per close, not awaited here: a close may wait (up to its deadline) for a
                # client that does not read, and the next round must not wait for it.
                closing = asyncio.create_task(
                    connection.close(WS_1000_NORMAL_CLOSURE, f"idle for {idle:g} s: closed by the server")
                )
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)
        self._watchdog = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        address = client_address(scope)
        if not origin_allowed(origin, _header(scope, b"host"), self.extra_origins):
            refused("ws_origin")
            self._refusal_log.warning(address, "refused a websocket from Origin %s", origin)
            await self._refuse(scope, receive, send, f"Origin {origin} may not open websockets here")
            return
        if not await self.limits.acquire_connection(address):
            refused("ws_per_address")
            await self._accept_and_close(
                receive,
                send,
                WS_1013_TRY_AGAIN_LATER,
                f"{self.settings.ws_max_connections_per_ip} connections from your address already",
            )
            return
        try:
            connection = GuardedConnection(self, scope, receive, send, self._address_bucket(address))
            self.connections.add(connection)
            WEBSOCKETS_OPEN.inc()
            if self._watchdog is None:
                self._watchdog = asyncio.create_task(self._watch_idle())
            try:
                await self.app(scope, connection.receive, connection.send)
            finally:
                WEBSOCKETS_OPEN.dec()
                self.connections.discard(connection)
        finally:
            self._release_address_bucket(address)
            await self.limits.release_connection(address)

    def _address_bucket(self, address: str) -> TokenBucket:
        """The message bucket all websockets of `address` share: 16 sockets at 20 messages/s each
        were 320 messages/s from one address into one room. Kept while the address has one open;
        each connection holds it, so a message costs one more `take`, no lookup."""
        held = self._address_buckets.get(address)
        if held is None:
            rate = self.settings.ws_messages_per_second_per_ip
            held = self._address_buckets[address] = _SharedBucket(TokenBucket(rate, 2 * self.settings.ws_message_burst))
        held.holders += 1
        return held.bucket

    def _release_address_bucket(self, address: str) -> None:
        held = self._address_buckets.get(address)
        if held is not None:
            held.holders -= 1
            if held.holders <= 0:
                del self._address_buckets[address]

    async def shutdown(self) -> None:
        await going_away(self.connections)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, reason: str) -> None:
        await receive()  # websocket.connect
        if "websocket.http.response" in scope.get("extensions", {}):
            body = reason.encode()
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": WS_1008_POLICY_VIOLATION, "reason": reason[:120]})

    @staticmethod
    async def _accept_and_close(receive: Receive, send: Send, code: int, reason: str) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": code, "reason": reason[:120]})


async def going_away(connections: set[GuardedConnection]) -> None:
    """Tell every client the server is going away (1001) before the server drops them."""
    await asyncio.gather(
        *(c.close(WS_1001_GOING_AWAY, "server shutting down") for c in list(connections)), return_exceptions=True
    )
