"""uvicorn's HTTP protocols (h11 and httptools) with the bounds uvicorn leaves out.

uvicorn times out an idle keep-alive connection, but not a request head that never finishes:
a client that sends `GET / HTTP/1.1\\r\\nX: ` and then one byte every few seconds (slowloris)
keeps a connection, a file descriptor and a parser forever, and a thousand of them keep the
server from accepting anyone. h11 bounds the size of a head (`h11_max_incomplete_event_size`),
httptools does not. And `--limit-concurrency` answers 503 to `/healthz` too, so a load balancer
would take a saturated-but-healthy server out of rotation. So, for both parsers:

* a connection must complete each request head within `http_header_timeout` seconds, counted
  from the connection (first request) or from the end of the previous response (keep-alive);
  otherwise it is closed;
* a head larger than `http_max_header_bytes` gets 431 and the connection is closed;
* beyond `max_connections` open connections, requests get uvicorn's 503 at once (and the
  connection is closed) — except `/healthz`, which stays cheap and truthful;
* at shutdown, a response still unsent after `ws_send_timeout` (a client that stopped reading)
  is dropped, so the server can exit.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.flow_control import service_unavailable
from uvicorn.protocols.http.h11_impl import H11Protocol

from playground.server.limits import OncePerInterval, settings_of
from playground.server.metrics import refused

HEAD_END = b"\r\n\r\n"
TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 32\r\nconnection: close\r\n\r\nrequest header fields too large\n"
)
_cap_log = OncePerInterval()


class CappedApp:
    """The app, or uvicorn's 503 when the server holds more connections than its cap."""

    def __init__(self, app: Any, connections: set[Any], cap: int) -> None:
        self.app = app
        self.connections = connections
        self.cap = cap

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if len(self.connections) > self.cap and scope.get("path") != "/healthz":
            refused("connection_cap")
            _cap_log.warning(
                "connections", "%d connections open, over the cap of %d: answering 503", len(self.connections), self.cap
            )
            await service_unavailable(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _capped_app(protocol: Any) -> CappedApp:
    """One CappedApp per uvicorn Config (not per connection)."""
    app = getattr(protocol.config, "_playground_capped_app", None)
    if app is None or app.app is not protocol.app:
        app = CappedApp(protocol.app, protocol.connections, settings_of(protocol.config).max_connections)
        protocol.config._playground_capped_app = app
    return app


class HeadGuard:
    """Mixin over an uvicorn HTTP protocol: see the module docstring. The parser-specific part is
    only knowing when a head is complete (`_head_parsed`)."""

    config: Any
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
    connections: set[Any]
    app: Any
    limit_concurrency: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = settings_of(self.config)
        self._header_timeout = settings.http_header_timeout
        self._max_head = settings.http_max_header_bytes
        self._send_timeout = settings.ws_send_timeout
        self._awaiting_head = True
        self._head_bytes = 0
        self._tail = b""
        self._head_timer: asyncio.TimerHandle | None = None
        self.limit_concurrency = None  # the cap is CappedApp's, which spares /healthz
        self.app = _capped_app(self)

    # -- the head timer --------------------------------------------------------------------------

    def _await_head(self) -> None:
        self._awaiting_head, self._head_bytes, self._tail = True, 0, b""
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self._header_timeout, self._head_timed_out)

    def _head_done(self) -> None:
        self._awaiting_head = False
        self._cancel_head_timer()

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if self._awaiting_head and not busy and not self.transport.is_closing():
            refused("header_timeout")
            self.transport.close()

    # -- protocol callbacks ----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head and not self._head_fits(data):
            refused("header_too_large")
            self._cancel_head_timer()
            self.transport.write(TOO_LARGE)
            self.transport.close()
            return
        super().data_received(data)  # type: ignore[misc]
        if self._awaiting_head and self._head_parsed():
            self._head_done()

    def _head_fits(self, data: bytes) -> bool:
        """Whether the head, as far as it has come, stays within the limit. Body bytes in the same
        chunk do not count: only the bytes up to the blank line that ends the head."""
        budget = self._max_head - self._head_bytes
        if len(data) <= budget:
            self._head_bytes += len(data)
            self._tail = (self._tail + data)[-3:]
            return True
        seen = self._tail + data
        start = len(seen) - len(seen.lstrip(b"\r\n")) if self._head_bytes == 0 else 0  # leading blank lines
        end = seen.find(HEAD_END, start)
        return end != -1 and end + len(HEAD_END) - len(self._tail) <= budget

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self._await_head()  # the next request's head has the same deadline

    def shutdown(self) -> None:
        super().shutdown()  # type: ignore[misc]
        self.loop.call_later(self._send_timeout, self._abort_if_open)

    def _abort_if_open(self) -> None:
        if self in self.connections:  # not lost yet: a response (or a close) the client never read
            refused("send_timeout")
            self.transport.abort()

    def _head_parsed(self) -> bool:
        raise NotImplementedError


class GuardedH11Protocol(HeadGuard, H11Protocol):
    def _head_parsed(self) -> bool:
        return self.conn.their_state is not h11.IDLE

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        self._head_done()
        super().handle_websocket_upgrade(event)


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is not installed: h11 only
    GuardedHttpToolsProtocol: type | None = None
else:

    class GuardedHttpToolsProtocol(HeadGuard, HttpToolsProtocol):  # type: ignore[no-redef]
        def on_headers_complete(self) -> None:
            self._head_done()
            super().on_headers_complete()

        def _head_parsed(self) -> bool:
            return not self._awaiting_head


def http_protocol_class(name: str) -> type:
    """The guarded protocol for `--http auto|h11|httptools` (auto: httptools when installed).
    Module-level classes, so a Config naming them can be sent to worker processes."""
    if name == "h11":
        return GuardedH11Protocol
    if GuardedHttpToolsProtocol is None:
        if name == "httptools":
            raise ImportError("--http httptools: httptools is not installed")
        return GuardedH11Protocol
    return GuardedHttpToolsProtocol
