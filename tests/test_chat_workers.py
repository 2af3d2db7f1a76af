"""Chat across worker processes: a real playground with two workers on one real Redis, where two
readers land in different processes and still talk; and several workers without Redis refused."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.live_server import LiveServer, run_playground
from tests.paths import PYTHON, ROOT
from tests.ports import free_port
from tests.redis_server import run_redis

pytestmark = pytest.mark.anyio


@contextlib.contextmanager
def two_workers_on_redis(built_site: Path) -> Iterator[LiveServer]:
    """A real playground with two worker processes that share one real Redis."""
    with run_redis(free_port()) as redis:
        env = {
            "PLAYGROUND_WORKERS": "2",
            "PLAYGROUND_REDIS_URL": redis.url,
            "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "100",
        }
        with run_playground(free_port(), built_site, env) as server:
            yield server


async def one_member_per_worker(url: str, workers: int) -> tuple[dict[int, tuple[ClientConnection, dict]], list]:
    """Connect until members sit in `workers` different processes (the kernel hands each
    connection to one worker; the second worker may still be starting: it sends no signal)."""

    async def join() -> tuple[ClientConnection, dict]:
        # max_queue=None: these clients read nothing while others join and leave; a bounded
        # queue would stop reading the socket and stall each closing handshake for seconds.
        ws = await connect(url, max_queue=None)
        return ws, json.loads(await ws.recv())

    deadline = time.monotonic() + 30
    while True:
        joined = await asyncio.gather(*(join() for _ in range(10)))
        by_worker = {welcome["worker"]: (ws, welcome) for ws, welcome in joined}
        spare = [ws for ws, welcome in joined if by_worker[welcome["worker"]][0] is not ws]
        if len(by_worker) == workers or time.monotonic() > deadline:
            return by_worker, spare
        await asyncio.gather(*(ws.close() for ws, _ in joined))
        await asyncio.sleep(0.2)


async def test_two_workers_share_rooms_through_redis(built_site: Path) -> None:
    with two_workers_on_redis(built_site) as server:
        url = server.base_url.replace("http://", "ws://") + "/ws/chat/workers-test"
        by_worker, spare = await one_member_per_worker(url, 2)
        assert len(by_worker) == 2, "every connection landed in the same worker"
        (first, first_welcome), (second, _) = by_worker.values()
        await first.send(json.dumps({"text": "across processes"}))
        while (event := json.loads(await asyncio.wait_for(second.recv(), 5)))["type"] != "message":
            pass
        assert (event["from"], event["text"]) == (first_welcome["id"], "across processes")

        await asyncio.gather(*(ws.close() for ws in [first, second, *spare]))


def test_several_workers_without_redis_are_refused_with_a_reason(built_site: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "playground", "--workers", "2", "--port", str(free_port()), "--site-dir", str(built_site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "--workers 2 needs --redis-url" in result.stderr
