"""Prometheus metrics for the playground, served at `/metrics` (prometheus-client).

What an operator needs to see a hostile client or a saturated server: websockets open, messages
received, closes by code, refusals by reason (every guard counts the limit it enforced), HTTP
responses by status, lab runs. The metric objects are module-level, so every module (and every
app built in one process, as the tests do) counts into the same registry.

With `--workers N`, `run.serve_workers` points PROMETHEUS_MULTIPROC_DIR at a fresh folder before
the workers start, and `/metrics` in any worker adds up every worker's values (prometheus-client's
multiprocess mode). With one process the default registry is used as is.
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEBSOCKETS_OPEN = Gauge("playground_websockets_open", "Websockets open now.", multiprocess_mode="livesum")
WEBSOCKET_MESSAGES = Counter("playground_websocket_messages", "Websocket messages received from clients.")
WEBSOCKET_CLOSES = Counter("playground_websocket_closes", "Websockets closed, by close code.", ["code"])
REFUSALS = Counter("playground_refusals", "Clients refused or dropped by a limit, by reason.", ["reason"])
HTTP_RESPONSES = Counter("playground_http_responses", "HTTP responses, by status code.", ["status"])
LAB_RUNS = Counter("playground_lab_runs", "Concurrency lab runs started.")


def refused(reason: str) -> None:
    REFUSALS.labels(reason).inc()


async def metrics_endpoint(_: Request) -> Response:
    """The Prometheus text format: all workers' values when they share a multiprocess folder."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


class CountResponses:
    """ASGI middleware, outermost: counts every HTTP response by status, refusals included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                HTTP_RESPONSES.labels(str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counting_send)
