"""The concurrency lab on a real playground: bounds, the four behaviours, one run at a time,
and the playground itself staying responsive while its target is blocked."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.live_server import LiveServer

pytestmark = pytest.mark.anyio


async def lab_run(server: LiveServer, kind: str, requests: int, seconds: float) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
        return await client.post("/lab/run", json={"kind": kind, "requests": requests, "seconds": seconds})


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"kind": "async", "requests": 101, "seconds": 1}, "at most 100"),
        ({"kind": "async", "requests": 5, "seconds": 6}, "at most 5"),
        ({"kind": "async", "requests": 0, "seconds": 1}, "greater than or equal to 1"),
        ({"kind": "sleepy", "requests": 5, "seconds": 1}, "'async', 'blocking', 'threadpool' or 'cpu'"),
        ({"kind": "async", "requests": 5}, "Field required"),
    ],
)
async def test_out_of_bounds_runs_are_refused_with_422(live_playground: LiveServer, body: dict, fragment: str) -> None:
    async with httpx.AsyncClient(base_url=live_playground.base_url) as client:
        response = await client.post("/lab/run", json=body)
    assert response.status_code == 422
    assert fragment in response.text


async def test_async_requests_overlap(live_playground: LiveServer) -> None:
    result = (await lab_run(live_playground, "async", 20, 0.5)).json()
    ends = [t["end"] for t in result["timings"]]
    assert all(t["status"] == 200 for t in result["timings"])
    assert max(ends) < 0.5 * 3, f"20 awaiting requests should finish together, took {max(ends)}"


async def test_blocking_requests_queue_one_after_another(live_playground: LiveServer) -> None:
    result = (await lab_run(live_playground, "blocking", 4, 0.25)).json()
    ends = sorted(t["end"] for t in result["timings"])
    # One loop, blocked 0.25 s per request: they finish a quarter-second apart, never together.
    gaps = [b - a for a, b in zip(ends, ends[1:])]
    assert all(gap > 0.15 for gap in gaps), ends
    assert ends[-1] >= 4 * 0.25 * 0.9


async def test_threadpool_runs_in_parallel_threads(live_playground: LiveServer) -> None:
    result = (await lab_run(live_playground, "threadpool", 8, 0.5)).json()
    threads = {t["thread"] for t in result["timings"]}
    assert len(threads) > 1, "def endpoints should spread over the threadpool"
    assert max(t["end"] for t in result["timings"]) < 8 * 0.5 / 2


async def test_one_run_at_a_time_and_the_playground_stays_responsive(live_playground: LiveServer) -> None:
    blocking = asyncio.ensure_future(lab_run(live_playground, "blocking", 6, 0.5))
    async with httpx.AsyncClient(base_url=live_playground.base_url, timeout=5) as client:
        # Wait until the run holds the lab, then ask for a second one and time /healthz.
        deadline = time.monotonic() + 20
        while not (await client.get("/lab/status")).json()["busy"]:
            assert time.monotonic() < deadline, "the blocking run never started"
            await asyncio.sleep(0.01)  # polling a status the server does not push
        second = await client.post("/lab/run", json={"kind": "async", "requests": 1, "seconds": 0.1})
        assert second.status_code == 429
        assert "Retry-After" in second.headers and "in progress" in second.json()["detail"]
        started = time.perf_counter()
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert time.perf_counter() - started < 0.5, "the playground stalled with its lab target"
    result = (await blocking).json()
    assert max(t["end"] for t in result["timings"]) >= 6 * 0.5 * 0.9
