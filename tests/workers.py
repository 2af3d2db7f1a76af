"""A playground with two worker processes on one real Redis, and members placed in each worker:
for the chat test across workers (tests/test_chat_workers.py) and the metrics test (tests/test_app.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.redis_server import run_redis


@contextlib.contextmanager
def two_workers_on_redis(built_site: Path) -> Iterator[LiveServer]:
    """A real playground with two worker processes that share one real Redis."""
    with run_redis(free_port()) as redis:
        env = {
            "PLAYGROUND_WORKERS": "2",
            "PLAYGROUND_REDIS_URL": redis.url,
            "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "100",
            # Every client here is 127.0.0.1, joining ten at a time until both workers have one.
            "PLAYGROUND_CHAT_JOINS_PER_MINUTE_PER_IP": "100000",
        }
        with run_playground(free_port(), built_site, env) as server:
            yield server


Welcomed = tuple[ClientConnection, dict[str, Any]]  # a member and the welcome it was sent


async def one_member_per_worker(url: str, workers: int) -> tuple[dict[int, Welcomed], list[ClientConnection]]:
    """Connect until members sit in `workers` different processes (the kernel hands each
    connection to one worker; the second worker may still be starting: it sends no signal)."""

    async def join() -> Welcomed:
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
