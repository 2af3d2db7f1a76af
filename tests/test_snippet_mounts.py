"""The mounted snippet apps (`playground/server/snippet_mounts.py`) share the process with the
static site: a snippet that blocks its threads must not make the site wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.waiting import until

pytestmark = pytest.mark.anyio

REPORT = "/snippets/async_io/threadpool_server/report"  # a `def` endpoint that sleeps 0.5 s


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    site = tmp_path_factory.mktemp("tiny-site")
    (site / "index.html").write_text("<!doctype html><title>tiny</title>")
    env = {
        "PLAYGROUND_HTTP_REQUEST_BURST": "10000",
        "PLAYGROUND_HTTP_MAX_CONNECTIONS_PER_IP": "1000",
        "PLAYGROUND_SNIPPET_MAX_REQUESTS": "8",
    }
    with run_playground(free_port(), site, env) as live:
        yield live


async def test_the_static_site_does_not_wait_behind_blocking_snippets(server: LiveServer) -> None:
    """Hole 3: the report endpoint's 0.5 s sleeps filled AnyIO's 40 threads, which StaticFiles
    also needs for its stat and reads: `GET /` waited seconds behind them."""
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=30) as client:
        assert (await client.get(REPORT)).status_code == 200  # the snippet's app is up
        flood = [asyncio.create_task(client.get(REPORT)) for _ in range(120)]
        try:

            async def answered() -> bool:  # the flood has reached the threads
                return any(task.done() for task in flood)

            await until(answered, deadline_s=30, interval_s=0.01)
            started = time.perf_counter()
            page = await client.get("/")
            took = time.perf_counter() - started
        finally:
            statuses = [(await task).status_code for task in flood]
    assert page.status_code == 200
    assert took < 0.4, f"GET / took {took:.2f} s behind the snippet's blocking requests"
    assert set(statuses) <= {200, 503}, statuses
