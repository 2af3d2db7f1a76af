"""The playground application: built site at `/`, live endpoints beside it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse, Response

from playground.server import chat, echo, lab
from playground.server.address_limits import make_address_limits
from playground.server.http_guard import HttpGuard
from playground.server.isolation import CrossOriginIsolation
from playground.server.lab_lock import make_lab_turns
from playground.server.lab_process import LabTargetProcess
from playground.server.limits import quiet_refusal_logs, watch_file_limit
from playground.server.metrics import CountResponses, metrics_endpoint_for
from playground.server.origins import LOCAL_ORIGIN, allowed_origins
from playground.server.redis_client import make_client
from playground.server.settings import Settings
from playground.server.snippet_mounts import SnippetCapacity, server_snippets
from playground.server.static_site import SiteFiles, sitemap_for
from playground.server.ws_guard import GuardedConnection, WebSocketGuard


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app from settings; a factory so tests can make one per configuration."""
    settings = settings or Settings.from_env()
    target = LabTargetProcess(settings)
    # With --redis-url, the process's one Redis client (one bounded pool) for its three users.
    redis_client = make_client(settings.redis_url) if settings.redis_url else None
    address_limits = make_address_limits(settings, redis_client)  # in Redis: shared by every process
    lab_turns = make_lab_turns(redis_client)
    rooms = chat.make_store(settings, redis_client)  # in Redis: one room across every process

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        watch = asyncio.create_task(watch_file_limit())
        yield
        watch.cancel()
        await target.stop()
        await rooms.close()  # the Redis store's subscription and seat keeper
        await address_limits.close()  # its seats in Redis, released while the client is open
        await lab_turns.close()
        if redis_client is not None:
            await redis_client.aclose()  # once, after its users: every connection of the pool

    app = FastAPI(title="Async FastAPI, Live — playground", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.lab_target = target
    app.state.address_limits = address_limits
    app.state.rooms = rooms
    open_websockets: set[GuardedConnection] = set()  # filled by the websocket guard; told 1001 at shutdown
    app.state.open_websockets = open_websockets

    @app.get("/healthz", response_class=PlainTextResponse, tags=["meta"])
    @app.head("/healthz", response_class=PlainTextResponse, include_in_schema=False)
    async def healthz() -> str:
        """Answers as long as the event loop is free: the lab proves it stays free. Answered even
        beyond the connection cap (`http_protocols`), where other requests get 503."""
        return "ok"

    app.add_route("/metrics", metrics_endpoint_for(settings.metrics_allow_ips), include_in_schema=False)

    app.include_router(echo.router, tags=["websockets"])
    app.include_router(chat.make_router(settings, rooms), tags=["websockets"])
    app.include_router(lab.make_router(settings, target, lab_turns))

    mounted = server_snippets(settings.snippets_dir)

    @app.get("/snippets/", tags=["snippets"])
    async def snippet_index() -> list[dict[str, str | None]]:
        """Where each server snippet is mounted, and why one is not."""
        return [{"snippet": m.snippet.relative, "path": m.path + "/", "error": m.error} for m in mounted]

    snippet_slots = asyncio.Semaphore(settings.snippet_max_requests)  # shared by every snippet app
    for entry in mounted:
        if entry.app is not None:
            app.mount(entry.path, SnippetCapacity(entry.app, snippet_slots))

    sitemap = settings.site_dir / "sitemap.xml"
    if sitemap.is_file():
        sitemap_text = sitemap.read_text(encoding="utf-8")  # once, here: not on the loop per request

        @app.get("/sitemap.xml", include_in_schema=False)
        async def sitemap_for_this_origin(request: Request) -> Response:
            return sitemap_for(request, sitemap_text)

    if (settings.site_dir / "index.html").is_file():
        # Mounted last: every route above wins over a file of the same name.
        app.mount("/", SiteFiles(directory=settings.site_dir, html=True), name="site")
    else:

        @app.get("/", response_class=PlainTextResponse, include_in_schema=False)
        async def site_missing() -> PlainTextResponse:
            message = (
                f"The site is not built: {settings.site_dir}/index.html does not exist.\n"
                "Run `make serve` (or `make site`) to build it.\n"
            )
            return PlainTextResponse(message, status_code=503)

    # Added innermost first. From the outside in: count every response; refuse a Host not ours
    # (DNS rebinding: a page on evil.example resolved to 127.0.0.1 is "same origin" by Host);
    # isolation and CORS headers on every answer, the guards' 429s included; then the guards.
    app.add_middleware(WebSocketGuard, settings=settings, limits=address_limits, connections=open_websockets)
    app.add_middleware(HttpGuard, settings=settings, limits=address_limits)
    # A copy of the site on another host (or port) calls the lab and the snippet apps from the
    # reader's browser: allow exactly the origins the websocket guard allows.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=sorted(allowed_origins(settings)),
        allow_origin_regex=LOCAL_ORIGIN,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type"],
        max_age=600,
    )
    app.add_middleware(CrossOriginIsolation)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=sorted(settings.host_names()) or ["*"], www_redirect=False)
    app.add_middleware(CountResponses)
    quiet_refusal_logs()
    return app
