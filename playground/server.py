"""uvicorn, configured from Settings, with one addition: on shutdown every websocket client is
told 1001 "going away" before uvicorn drops the connections (uvicorn alone sends 1012)."""

from __future__ import annotations

import socket

import uvicorn
from fastapi import FastAPI

from playground.app import create_app, websocket_guard
from playground.settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """uvicorn's keyword arguments for these settings: the wire-level half of the limits."""
    return {
        "host": settings.host, "port": settings.port, "log_level": settings.log_level,
        "ws_max_size": settings.ws_max_message_bytes,
        "ws_per_message_deflate": settings.ws_per_message_deflate,
        "ws_ping_interval": settings.ws_ping_interval, "ws_ping_timeout": settings.ws_ping_timeout,
    }


class PlaygroundServer(uvicorn.Server):
    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        app = self.config.loaded_app
        while app is not None and not isinstance(app, FastAPI):
            app = getattr(app, "app", None)
        if isinstance(app, FastAPI):
            try:
                await websocket_guard(app).shutdown()
            except LookupError:
                pass  # no request yet, so no websocket to tell
        await super().shutdown(sockets)


def serve(settings: Settings) -> None:
    server = PlaygroundServer(uvicorn.Config(create_app(settings), **uvicorn_options(settings)))  # type: ignore[arg-type]
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # Ctrl+C (or SIGINT from a test) after a graceful shutdown: nothing to report
