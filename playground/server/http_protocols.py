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
* a connection may send at most `http_max_pipelined` requests ahead of their answers: uvicorn
  queues every pipelined request (httptools: a deque of request cycles; h11: its receive buffer)
  and resumes reading after each answer, so one socket that never reads grew the server by 1.3 GB
  in 20 s. Beyond the bound the connection is closed;
* a request body must arrive in full within `http_body_timeout` seconds of its head (a head with
  `Content-Length: 1000` and one byte held a connection forever): 408, and the connection closes;
* a response may wait at most `http_send_timeout` seconds for a client that stopped reading (the
  transport's buffer over its high-water mark the whole time), then the connection is dropped;
* one address may hold `http_max_connections_per_ip` connections (a proxy we trust is exempt);
  one more gets 429 at once and is closed;
* at shutdown, a response still unsent after `ws_send_timeout` (a client that stopped reading)
  is dropped, so the server can exit.

The settings come from the server's `PlaygroundConfig` (`config`); the uvicorn attributes used
here are named in `tests/test_uvicorn_internals.py`, which fails when an upgrade renames one.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Any

import h11
from uvicorn.protocols.http.flow_control import service_unavailable
from uvicorn.protocols.http.h11_impl import H11Protocol

from playground.server.address_limits import address_key
from playground.server.config import PlaygroundConfig, playground_config
from playground.server.limits import OncePerInterval
from playground.server.metrics import refused

HEAD_END = b"\r\n\r\n"


def canned_response(status: str, body: str, *headers: str) -> bytes:
    """A whole plain-text answer that closes the connection, written before (or instead of) the
    app: the content-length is computed, never typed."""
    encoded = body.encode()
    head = [f"HTTP/1.1 {status}", "content-type: text/plain; charset=utf-8", *headers]
    head += [f"content-length: {len(encoded)}", "connection: close"]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + encoded


TOO_LARGE = canned_response("431 Request Header Fields Too Large", "request header fields too large\n")
TOO_MANY_CONNECTIONS = canned_response(
    "429 Too Many Requests", "too many connections from your address\n", "retry-after: 1"
)
BODY_TIMEOUT = canned_response("408 Request Timeout", "the request body took too long to come\n")
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


def _capped_app(protocol: Any, config: PlaygroundConfig) -> CappedApp:
    """One CappedApp per Config (not per connection)."""
    app = config.capped_app
    if not isinstance(app, CappedApp) or app.app is not protocol.app:
        app = config.capped_app = CappedApp(protocol.app, protocol.connections, config.settings.max_connections)
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
        config = self._playground = playground_config(self.config)
        settings = config.settings
        self._header_timeout = settings.http_header_timeout
        self._max_head = settings.http_max_header_bytes
        self._send_timeout = settings.ws_send_timeout
        self._max_pipelined = settings.http_max_pipelined
        self._body_timeout = settings.http_body_timeout
        self._response_send_timeout = settings.http_send_timeout
        self._max_per_address = settings.http_max_connections_per_ip
        self._awaiting_head = True
        self._head_bytes = 0
        self._tail = b""
        self._head_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._send_timer: asyncio.TimerHandle | None = None
        self._counted_address: str | None = None  # the address this connection is counted under
        self._upgraded = False
        self.limit_concurrency = None  # the cap is CappedApp's, which spares /healthz
        self.app = _capped_app(self, config)

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
        if not self._count_address():
            return
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timers()
        self._release_address()
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head and not self._head_fits(data):
            refused("header_too_large")
            self._cancel_head_timer()
            self.transport.write(TOO_LARGE)
            self.transport.close()
            return
        super().data_received(data)  # type: ignore[misc]
        if self._upgraded or self.transport.is_closing():
            return
        if self._awaiting_head and self._head_parsed():
            self._head_done()
        if self._queued_requests() > self._max_pipelined:
            self._close_pipeline()
        elif not self._awaiting_head and self._body_timer is None and self._receiving_body():
            self._body_timer = self.loop.call_later(self._body_timeout, self._body_timed_out)

    def handle_websocket_upgrade(self, *args: Any) -> None:
        """The websocket protocol takes the transport: its limits apply from here (ws_protocol)."""
        self._upgraded = True
        self._head_done()
        self._stop_timers()
        self._release_address()  # a websocket counts under --ws-max-connections-per-ip instead
        super().handle_websocket_upgrade(*args)  # type: ignore[misc]

    # -- connections per address -----------------------------------------------------------------

    def _count_address(self) -> bool:
        """Count this connection under its peer's address; False (429 sent, closing) over the cap."""
        client = getattr(self, "client", None)
        if not client or self._playground.is_trusted_proxy(client[0]):
            return True
        host = address_key(client[0])
        counts = self._playground.http_connections_by_address
        if counts[host] >= self._max_per_address:
            refused("http_connections_per_ip")
            _cap_log.warning(host, "%s holds %d HTTP connections, the cap: answering 429", host, counts[host])
            self.transport.write(TOO_MANY_CONNECTIONS)
            self.transport.close()
            return False
        counts[host] += 1
        self._counted_address = host
        return True

    def _release_address(self) -> None:
        host, self._counted_address = self._counted_address, None
        if host is not None:
            counts = self._playground.http_connections_by_address
            counts[host] -= 1
            if counts[host] <= 0:
                del counts[host]

    # -- pipelining, the body, the response ------------------------------------------------------

    def _close_pipeline(self) -> None:
        refused("pipelined")
        _cap_log.warning(
            "pipelined", "a connection sent over %d requests ahead of their answers: closed", self._max_pipelined
        )
        self._drop_queued()
        self._stop_timers()
        self.transport.close()

    def _receiving_body(self) -> bool:
        cycle = self.cycle
        return cycle is not None and cycle.more_body and not cycle.response_complete

    def _body_timed_out(self) -> None:
        self._body_timer = None
        cycle = self.cycle
        if not self._receiving_body() or self.transport.is_closing():
            return
        refused("body_timeout")
        if not cycle.response_started:
            self.transport.write(BODY_TIMEOUT)
        self.transport.close()  # connection_lost tells the app (http.disconnect)

    def pause_writing(self) -> None:
        """The transport's buffer is over its high-water mark: the client is not reading."""
        super().pause_writing()  # type: ignore[misc]
        if self._send_timer is None:
            self._send_timer = self.loop.call_later(self._response_send_timeout, self._send_timed_out)

    def resume_writing(self) -> None:
        super().resume_writing()  # type: ignore[misc]
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None

    def _send_timed_out(self) -> None:
        self._send_timer = None
        refused("send_timeout")
        reset(self.transport)  # connection_lost follows: the app's pending send returns

    def _stop_timers(self) -> None:
        self._cancel_head_timer()
        for timer in (self._body_timer, self._send_timer):
            if timer is not None:
                timer.cancel()
        self._body_timer = self._send_timer = None

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
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
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

    def _queued_requests(self) -> int:
        """Requests received and waiting behind the one being answered."""
        raise NotImplementedError

    def _drop_queued(self) -> None:
        raise NotImplementedError


class GuardedH11Protocol(HeadGuard, H11Protocol):
    def _head_parsed(self) -> bool:
        return self.conn.their_state is not h11.IDLE

    def _queued_requests(self) -> int:
        # h11 parses one request at a time and keeps the rest in its buffer; count the heads
        # there (and count a buffer larger than that many heads may be as over the bound too).
        # Only while a response is pending: otherwise h11 has just parsed all it had.
        if self.cycle is None or self.cycle.response_complete:
            return 0
        waiting = self.conn.trailing_data[0]
        if len(waiting) > self._max_pipelined * self._max_head:
            return self._max_pipelined + 1
        return waiting.count(HEAD_END)

    def _drop_queued(self) -> None:
        pass  # h11's buffer goes with the connection


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

        def _queued_requests(self) -> int:
            return len(self.pipeline)

        def _drop_queued(self) -> None:
            self.pipeline.clear()


def reset(transport: asyncio.Transport) -> None:
    """Drop a connection with a TCP reset. `abort()` alone closes the socket, but the kernel then
    keeps the unsent bytes (megabytes for a download) and keeps offering them to a client that
    never reads; a zero linger time makes the close discard them and tell the client at once."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


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
