"""Prometheus metrics for the playground, served at `/metrics` (prometheus-client).

What an operator needs to see a hostile client or a saturated server: websockets open, messages
received, closes by code, refusals by reason (every guard counts the limit it enforced), HTTP
responses by status. The metric objects are module-level, so every module (and every
app built in one process, as the tests do) counts into the same registry.

With `--workers N`, `run.serve_workers` points PROMETHEUS_MULTIPROC_DIR at a fresh folder before
the workers start, and `/metrics` in any worker adds up every worker's values (prometheus-client's
multiprocess mode). A worker killed outright (`kill -9`) cannot say it is gone: each scrape marks
the processes that left files there and no longer exist as dead (`mark_process_dead`), or their
websockets would stay counted as open forever. With one process the default registry is used as is.

The label values are the server's choice, never the client's: a close code a client sends is
bucketed (`close_code_label`), or 2,000 codes made 2,000 series in two seconds. `/metrics` tells
how loaded the server is and what it runs on, so only `--metrics-allow-ips` may read it.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEBSOCKETS_OPEN = Gauge("playground_websockets_open", "Websockets open now.", multiprocess_mode="livesum")
WEBSOCKET_MESSAGES = Counter("playground_websocket_messages", "Websocket messages received from clients.")
WEBSOCKET_CLOSES = Counter("playground_websocket_closes", "Websockets closed, by close code.", ["code"])
REFUSALS = Counter("playground_refusals", "Clients refused or dropped by a limit, by reason.", ["reason"])
HTTP_RESPONSES = Counter("playground_http_responses", "HTTP responses, by status code.", ["status"])
_PID_IN_FILE_NAME = re.compile(r"_(\d+)\.db$")  # prometheus-client's <kind>_<pid>.db files


def refused(reason: str) -> None:
    REFUSALS.labels(reason).inc()


def close_code_label(code: int) -> str:
    """The label for a close code: RFC 6455's registered codes as they are, the ranges left to
    applications and libraries as one value each, anything else as "other"."""
    if 1000 <= code <= 1015:
        return str(code)
    if 3000 <= code <= 4999:
        return f"{code // 1000}xxx"
    return "other"


def metrics_endpoint_for(allowed: str) -> Callable[[Request], Awaitable[Response]]:
    """`/metrics` readable only from the comma-separated addresses or networks in `allowed`;
    anyone else gets 404, as if there were no such page."""
    networks = [ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed.split(",") if entry.strip()]

    async def metrics(request: Request) -> Response:
        host = request.client.host if request.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is None or not any(address in network for network in networks):
            return Response("Not Found", status_code=404, media_type="text/plain")
        return await metrics_endpoint(request)

    return metrics


def mark_dead_processes(folder: str) -> None:
    """Mark the processes that wrote metrics to `folder` and are gone as dead (see the docstring)."""
    from prometheus_client import multiprocess

    pids = {int(m.group(1)) for f in Path(folder).glob("*.db") if (m := _PID_IN_FILE_NAME.search(f.name))}
    for pid in pids:
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]
        except PermissionError:
            continue  # exists, owned by someone else


async def metrics_endpoint(_: Request) -> Response:
    """The Prometheus text format: all workers' values when they share a multiprocess folder."""
    if folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        mark_dead_processes(folder)
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
