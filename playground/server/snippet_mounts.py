"""Every server snippet, mounted under `/snippets/<topic>/<name>/`, so the page's client snippet
talks to exactly the code the page shows. A snippet that fails to import does not take the
playground down: it is reported at `/snippets/` and left out.

The snippet apps run in the playground's process and event loop, and a `def` endpoint takes a
thread from AnyIO's default pool (40) — the pool the static site's `stat` and reads use too. So
the snippets share `snippet_max_requests` HTTP requests at once (`SnippetCapacity`); the static
site always keeps the rest of the pool. A request beyond it waits up to `QUEUE_WAIT` seconds,
then gets 503 with Retry-After. Websockets are not counted: they hold no thread while they wait.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from starlette.status import HTTP_503_SERVICE_UNAVAILABLE
from starlette.types import ASGIApp, Receive, Scope, Send

from playground.snippets.catalog import Kind, Snippet, discover


@dataclass(frozen=True)
class Mounted:
    snippet: Snippet
    path: str
    app: ASGIApp | None
    error: str | None = None


def mount_path(snippet: Snippet) -> str:
    return "/snippets/" + snippet.relative.removesuffix(".py")


def load_app(snippet: Snippet) -> ASGIApp:
    name = "playground_snippet_" + snippet.relative.removesuffix(".py").replace("/", "_")
    spec = importlib.util.spec_from_file_location(name, snippet.path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {snippet.path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the snippet's annotations through it
    spec.loader.exec_module(module)
    app = getattr(module, "app", None)
    if not callable(app):
        raise TypeError(f"{snippet.relative} defines no ASGI `app`")
    return cast(ASGIApp, app)  # callable is all we can check of an ASGI app before it runs


def server_snippets(snippets_dir: Path) -> list[Mounted]:
    mounted = []
    for snippet in discover(snippets_dir):
        if snippet.kind is not Kind.SERVER:
            continue
        try:
            mounted.append(Mounted(snippet, mount_path(snippet), load_app(snippet)))
        except Exception as error:  # one broken snippet must not stop the server
            mounted.append(Mounted(snippet, mount_path(snippet), None, f"{type(error).__name__}: {error}"))
    return mounted


QUEUE_WAIT = 5.0  # seconds a snippet request waits for a place before 503


class SnippetCapacity:
    """ASGI wrapper: at most `slots` (shared by every app wrapped with the same semaphore) HTTP
    requests inside the snippet apps at once."""

    def __init__(self, app: ASGIApp, slots: asyncio.Semaphore) -> None:
        self.app = app
        self.slots = slots

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(QUEUE_WAIT):
                await self.slots.acquire()
        except TimeoutError:
            body = json.dumps({"detail": "the snippet apps are busy; try again in a few seconds"}).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"5"),
            ]
            await send({"type": "http.response.start", "status": HTTP_503_SERVICE_UNAVAILABLE, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()
