"""Every uvicorn attribute the playground's protocols rely on beyond uvicorn's public API, named
in one place: `http_protocols` and `ws_protocol` subclass uvicorn's protocol classes and read
their state. An upgrade that renames one fails here, in CI, instead of in production.

The protocols are built the way uvicorn builds them (a loaded Config, a server state) and fed a
real request head over a stand-in transport, so attributes set per connection or per request
are checked too, not only the ones set in `__init__`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState

from playground.server.app import create_app
from playground.server.config import PlaygroundConfig, playground_config
from playground.server.http_protocols import GuardedH11Protocol, GuardedHttpToolsProtocol
from playground.server.run import uvicorn_options
from playground.server.settings import Settings
from playground.server.ws_protocol import GuardedWebSocketProtocol

# What http_protocols reads or sets on a connection, and on its request cycle.
HTTP_CONNECTION = ("config", "loop", "transport", "connections", "app", "limit_concurrency", "client", "cycle")
HTTP_CYCLE = ("response_complete", "response_started", "more_body")
H11_ONLY = ("conn",)  # h11.Connection: their_state, trailing_data (h11's public API)
HTTPTOOLS_ONLY = ("pipeline",)  # the deque of pipelined (cycle, app) pairs
# Methods the guards override and call through super(): they must still exist, with that meaning.
HTTP_OVERRIDDEN = (
    "connection_made",
    "connection_lost",
    "data_received",
    "on_response_complete",
    "shutdown",
    "handle_websocket_upgrade",
    "pause_writing",
    "resume_writing",
)
HTTPTOOLS_OVERRIDDEN = ("on_headers_complete",)
# What ws_protocol reads or sets.
WS_CONNECTION = (
    "writable",  # asyncio.Event: set while the transport takes more bytes
    "close_timer",
    "conn",  # websockets' ServerProtocol: reject, send_response, data_to_send, fail
    "queue",  # the app's receive queue
    "transport",
    "loop",
    "connections",
    "handshake_initiated",
    "handshake_complete",
    "close_sent",
    "disconnected",
)
WS_OVERRIDDEN = ("handle_connect", "data_received", "handle_ping", "send", "shutdown", "keepalive_timeout")


class StandInTransport(asyncio.Transport):
    """Enough of a socket transport for a protocol to take a connection and a request head."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 40000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_write_buffer_size(self) -> int:
        return 0

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        pass


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    running = asyncio.new_event_loop()
    yield running
    for task in asyncio.all_tasks(running):
        task.cancel()
    running.run_until_complete(asyncio.sleep(0))
    running.close()


def config_for(tmp_path: Path, http: str) -> PlaygroundConfig:
    settings = Settings(site_dir=tmp_path, http=http)
    config = PlaygroundConfig(create_app(settings), settings, **uvicorn_options(settings))
    config.load()
    return config


def missing(obj: object, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not hasattr(obj, name)]


@pytest.mark.parametrize(
    ("http", "guarded", "base", "only", "overridden"),
    [
        ("h11", GuardedH11Protocol, H11Protocol, H11_ONLY, ()),
        ("httptools", GuardedHttpToolsProtocol, HttpToolsProtocol, HTTPTOOLS_ONLY, HTTPTOOLS_OVERRIDDEN),
    ],
)
def test_the_http_protocols_attributes_are_still_there(
    tmp_path: Path,
    loop: asyncio.AbstractEventLoop,
    http: str,
    guarded: type,
    base: type,
    only: tuple[str, ...],
    overridden: tuple[str, ...],
) -> None:
    protocol = guarded(config=config_for(tmp_path, http), server_state=ServerState(), app_state={}, _loop=loop)
    protocol.connection_made(StandInTransport())
    protocol.data_received(b"POST /lab/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{")
    assert not missing(protocol, HTTP_CONNECTION + only)
    assert protocol.cycle is not None, "no request cycle after a complete head"
    assert not missing(protocol.cycle, HTTP_CYCLE)
    assert not missing(base, HTTP_OVERRIDDEN + overridden)


def test_the_websocket_protocols_attributes_are_still_there(tmp_path: Path, loop: asyncio.AbstractEventLoop) -> None:
    config = config_for(tmp_path, "h11")
    protocol = GuardedWebSocketProtocol(config, ServerState(), {}, loop)
    protocol.connection_made(StandInTransport())
    assert not missing(protocol, WS_CONNECTION)
    assert not missing(WebSocketsSansIOProtocol, WS_OVERRIDDEN)


def test_a_protocol_without_the_playgrounds_config_fails_loudly(tmp_path: Path) -> None:
    """uvicorn started some other way (a plain Config) must not run under guessed settings."""
    import uvicorn

    with pytest.raises(TypeError, match="PlaygroundConfig"):
        playground_config(uvicorn.Config(create_app(Settings(site_dir=tmp_path))))
