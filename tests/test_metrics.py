"""`/metrics` (`playground/server/metrics.py`): who may read it, label values a client cannot
multiply, and workers killed outright no longer counted."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from websockets.asyncio.client import connect

from playground.server.app import create_app
from playground.server.metrics import metrics_endpoint
from playground.server.settings import Settings
from tests.live_server import LiveServer, run_playground
from tests.paths import ROOT
from tests.ports import free_port

pytestmark = pytest.mark.anyio


async def scrape(app: object, client: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(client, 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        return await http.get("/metrics")


async def test_metrics_are_for_the_allowed_addresses_only(tmp_path: Path) -> None:
    """Hole 11: /metrics (open fds, RSS, Python version) was public on the playground's port."""
    app = create_app(Settings(site_dir=tmp_path))
    assert (await scrape(app, "203.0.113.9")).status_code == 404
    assert (await scrape(app, "127.0.0.1")).status_code == 200
    assert (await scrape(app, "::1")).status_code == 200
    opened = create_app(Settings(site_dir=tmp_path, metrics_allow_ips="203.0.113.0/24"))
    assert (await scrape(opened, "203.0.113.9")).status_code == 200
    assert (await scrape(opened, "127.0.0.1")).status_code == 404


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    site = tmp_path_factory.mktemp("tiny-site")
    (site / "index.html").write_text("<!doctype html><title>tiny</title>")
    env = {"PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "100", "PLAYGROUND_HTTP_REQUEST_BURST": "1000"}
    with run_playground(free_port(), site, env) as live:
        yield live


async def test_close_codes_a_client_picks_do_not_multiply_the_series(server: LiveServer) -> None:
    """Hole 11: the close code label was the client's number: 2,000 codes, 2,000 series."""
    url = server.base_url.replace("http://", "ws://") + "/ws/echo"
    for code in range(4000, 4040):
        async with connect(url) as ws:
            await ws.close(code, "pick a label")
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        text = (await http.get("/metrics")).text
    series = [line for line in text.splitlines() if line.startswith("playground_websocket_closes_total{")]
    assert any('code="4xxx"' in line for line in series), series
    assert len(series) <= 3, series


def test_a_worker_killed_outright_is_no_longer_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hole 11: after `kill -9` of a worker its websockets stayed in the open gauge for good."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    worker = (
        "import os\n"
        "from playground.server.metrics import WEBSOCKETS_OPEN\n"
        "WEBSOCKETS_OPEN.inc(3)\n"
        "os._exit(0)  # no cleanup at all, as after SIGKILL\n"
    )
    subprocess.run([sys.executable, "-c", worker], cwd=ROOT, env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    response = asyncio.run(metrics_endpoint(Request({"type": "http", "method": "GET", "headers": []})))
    lines = [
        line for line in bytes(response.body).decode().splitlines() if line.startswith("playground_websockets_open")
    ]
    # The dead worker's file is gone: no sample, or a zero one; before, "playground_websockets_open 3.0".
    assert all(line == "playground_websockets_open 0.0" for line in lines), lines
