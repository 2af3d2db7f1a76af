"""Chat across worker processes: a real playground with two workers on one real Redis, where two
readers land in different processes and still talk; and several workers without Redis refused."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from tests.paths import PYTHON, ROOT
from tests.ports import free_port
from tests.workers import one_member_per_worker, two_workers_on_redis

pytestmark = pytest.mark.anyio


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
