"""uvicorn, configured from Settings, with one addition: on shutdown every websocket client is
told 1001 "going away" before uvicorn drops the connections (uvicorn alone sends 1012).

With `--workers N` (N > 1) uvicorn's own supervisor runs the workers, and the chat rooms live in
Redis (`--redis-url`, required then; `rooms_redis`). Each worker then runs uvicorn's plain server,
so clients see uvicorn's 1012 (service restart) at shutdown; the chat caps and the per-address
limits (in Redis too) hold for all workers."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import tempfile
from typing import Any

import uvicorn
from fastapi import FastAPI

from playground.server.app import create_app
from playground.server.config import PlaygroundConfig
from playground.server.http_protocols import http_protocol_class
from playground.server.settings import Settings, export_to_environment
from playground.server.ws_guard import going_away
from playground.server.ws_protocol import GuardedWebSocketProtocol

WIRE_SIZE_FACTOR = 4  # uvicorn's websocket message limit, in multiples of the guard's


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's keyword arguments for these settings: the wire-level half of the limits."""
    proxies = settings.trusted_proxies()
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "loop": settings.loop,
        # uvicorn's protocols with the bounds it lacks: request head time and size, a connection
        # cap that spares /healthz, pings against the message rate, deadlines on every send.
        "http": http_protocol_class(settings.http),
        "ws": GuardedWebSocketProtocol,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, which lets any
        # local process pick its own address: trust forwarded headers only from named proxies.
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies,
        "h11_max_incomplete_event_size": settings.http_max_header_bytes,
        # The guard closes an oversized message with 1009 through a full closing handshake.
        # uvicorn's own limit is only a backstop, set above it: when uvicorn refuses a frame it
        # closes the socket with the rest of the frame unread, the kernel sends RST, and a
        # browser reports 1006 instead of the 1009 (measured: 3 tries in 4).
        "ws_max_size": WIRE_SIZE_FACTOR * settings.ws_max_message_bytes,
        "ws_per_message_deflate": settings.ws_per_message_deflate,
        "ws_ping_interval": settings.ws_ping_interval,
        "ws_ping_timeout": settings.ws_ping_timeout,
    }


class PlaygroundServer(uvicorn.Server):
    """uvicorn's server, telling the app's open websockets 1001 before it drops them."""

    def __init__(self, config: PlaygroundConfig, app: FastAPI) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await going_away(self.app.state.open_websockets)
        await super().shutdown(sockets)


def serve_workers(settings: Settings) -> None:
    """Several processes under uvicorn's supervisor. Each has its own memory, so rooms kept there
    would split one room's readers between processes: refuse to start without Redis."""
    if not settings.redis_url:
        sys.exit(
            f"python -m playground: --workers {settings.workers} needs --redis-url: each worker is a "
            "process with its own memory, and the chat rooms they share live in Redis"
        )
    from uvicorn.supervisors import Multiprocess

    export_to_environment(settings)  # each worker builds its app from the environment
    # Each worker counts its own metrics; with a shared folder, /metrics in any worker adds them
    # up (prometheus-client's multiprocess mode). Set before the workers import prometheus_client.
    metrics_dir = tempfile.TemporaryDirectory(prefix="playground-metrics-")
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_dir.name)
    config = PlaygroundConfig(
        "playground.server.app:create_app",
        settings,
        factory=True,
        workers=settings.workers,
        **uvicorn_options(settings),
    )
    try:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    except KeyboardInterrupt:
        pass
    finally:
        metrics_dir.cleanup()


def serve_reloading(settings: Settings) -> None:
    """One process that restarts when playground code changes (`--reload`): uvicorn's reloader,
    fed our Config (uvicorn.run would build a plain one, which our protocols refuse)."""
    from uvicorn.supervisors import ChangeReload

    export_to_environment(settings)  # the reloader's child builds the app from the environment
    config = PlaygroundConfig(
        "playground.server.app:create_app",
        settings,
        factory=True,
        reload=True,
        reload_dirs=[str(settings.snippets_dir.parent / "playground"), str(settings.snippets_dir)],
        **uvicorn_options(settings),
    )
    server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):
        ChangeReload(config, target=server.run, sockets=[config.bind_socket()]).run()


def serve(settings: Settings) -> None:
    if settings.workers > 1:
        serve_workers(settings)
        return
    app = create_app(settings)
    server = PlaygroundServer(PlaygroundConfig(app, settings, **uvicorn_options(settings)), app)
    # Ctrl+C (or SIGINT from a test) after a graceful shutdown: nothing to report
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(3)  # as uvicorn's own command does: the port was taken, the app failed to load...
