"""uvicorn's websocket protocol (websockets' sans-I/O core) with bounds for clients that never read.

What uvicorn leaves open, and what this subclass adds:

* **Pings.** uvicorn answers every ping with a pong written straight to the transport, with no
  backpressure, and the app never sees pings: a client that sends pings and never reads grows
  the server's memory without bound. Here a ping takes a token from the connection's message
  bucket — the same bucket `ws_guard` takes a token from for each message, so pings count
  against the message rate — and a client over the rate is closed with 1008.
* **Unsent bytes.** Whatever the reason bytes pile up for a client (pongs, the app's sends), the
  connection is dropped once more than `ws_max_unsent_bytes` wait in the transport.
* **Sends and closes with a deadline.** uvicorn's `send` waits for the transport to be writable
  with no timeout, so a client that stops reading parks the app's send (and `close`, which is a
  send) forever — and with it the idle watchdog and the shutdown. Here a send that cannot start
  within `ws_send_timeout` aborts the transport and raises `ClientDisconnected` (what uvicorn
  raises for a gone client); a closing handshake, or uvicorn's own shutdown close, that is not
  finished by then ends with an abort instead of a wait for a buffer that never drains.
* **The connection cap.** Beyond `max_connections` open connections a handshake gets 503, as a
  request does (`http_protocols`).
* A refused handshake (`websocket.http.response`) no longer logs "ASGI callable returned
  without completing handshake" at ERROR: the handshake did complete, with a refusal.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.status import WS_1008_POLICY_VIOLATION
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from playground.server.config import playground_config
from playground.server.metrics import refused
from playground.server.token_bucket import TokenBucket

BUCKET_EXTENSION = "playground.message_bucket"  # where ws_guard finds this connection's bucket


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(
        self, config: Any, server_state: Any, app_state: dict[str, Any], _loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = playground_config(config).settings
        self.bucket = TokenBucket(settings.ws_messages_per_second, settings.ws_message_burst)
        self.rate_reason = f"more than {settings.ws_messages_per_second:g} messages/s"
        self.send_timeout = settings.ws_send_timeout
        self.max_unsent = settings.ws_max_unsent_bytes
        self.close_timeout = settings.ws_send_timeout
        self.max_connections = settings.max_connections
        self.over_rate = False

    def handle_connect(self, event: Any) -> None:
        if len(self.connections) > self.max_connections:  # the cap http_protocols applies to requests
            refused("connection_cap")
            self.handshake_initiated = self.handshake_complete = self.close_sent = True
            self.conn.send_response(self.conn.reject(503, "Service Unavailable\n"))
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.transport.close()
            return
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # set only when the handshake goes on to the app
            scope["extensions"][BUCKET_EXTENSION] = self.bucket

    def data_received(self, data: bytes) -> None:
        # websockets queues a pong for every ping as it parses `data`; uvicorn flushes the queue
        # in handle_ping. Count the pings of this chunk first, then flush once, or not at all.
        self.over_rate = False
        super().data_received(data)
        if self.over_rate:
            self.conn.data_to_send()  # the pongs queued for this chunk's pings: never sent
            refused("ping_rate")
            self._fail(WS_1008_POLICY_VIOLATION, self.rate_reason)
        elif not self.transport.is_closing():
            pending = self.conn.data_to_send()
            if pending:
                self.transport.write(b"".join(pending))
                self._check_unsent()

    def handle_ping(self) -> None:
        if not self.bucket.take():
            self.over_rate = True

    async def send(self, message: Any) -> None:
        if self.writable.is_set():  # the common case: uvicorn's send will not wait, no timer needed
            await super().send(message)
        else:
            try:
                async with asyncio.timeout(self.send_timeout):
                    await super().send(message)
            except TimeoutError:
                refused("send_timeout")
                self._drop()
                raise ClientDisconnected() from None
        kind = message["type"]
        if kind == "websocket.close" and self.close_timer is not None:
            self.close_timer.cancel()  # uvicorn's timer would only close(): abort what never flushes
            self.close_timer = self.loop.call_later(self.close_timeout, self._drop)
        elif kind == "websocket.http.response.body" and not message.get("more_body", False):
            self.handshake_complete = True  # a refusal is a complete handshake
        self._check_unsent()

    def shutdown(self) -> None:
        super().shutdown()
        self.loop.call_later(self.send_timeout, self._drop)

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self.loop.call_later(self.send_timeout, self._drop)

    # -- helpers ---------------------------------------------------------------------------------

    def _fail(self, code: int, reason: str) -> None:
        """Close from the protocol (the app is told, as uvicorn tells it of a client's close)."""
        if self.close_sent or self.transport.is_closing():
            return
        self.conn.fail(code, reason)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.close_sent = True
        self.queue.put_nowait({"type": "websocket.disconnect", "code": code, "reason": reason})
        self.transport.close()
        self.loop.call_later(self.send_timeout, self._drop)

    def _check_unsent(self) -> None:
        if self.transport.get_write_buffer_size() > self.max_unsent and not self.disconnected:
            refused("unsent_bytes")
            self._drop()

    def _drop(self) -> None:
        if not self.disconnected:
            self.transport.abort()  # connection_lost follows: the app gets websocket.disconnect
