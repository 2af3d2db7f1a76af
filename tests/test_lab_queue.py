"""The lab's line (`playground/server/lab_queue.py`): measured in seconds of lab time, a budget
per address, and a Retry-After that is the real worst-case wait."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from playground.server.app import create_app
from playground.server.lab_queue import LabQueue, LabQueueRefusal
from playground.server.settings import Settings

pytestmark = pytest.mark.anyio


async def test_a_run_that_does_not_fit_the_line_is_told_the_real_wait() -> None:
    """Hole 7: 33 addresses queued 30 s runs; the next was told "try again in a few seconds"
    for a real wait of ~16 minutes."""
    queue = LabQueue(max_line_seconds=60, budget_seconds=1000)
    running, release = asyncio.Event(), asyncio.Event()

    async def hold(address: str) -> None:
        async with queue.turn(address, 30):
            running.set()
            await release.wait()

    async with asyncio.TaskGroup() as group:
        group.create_task(hold("10.0.0.1"))
        await running.wait()
        group.create_task(hold("10.0.0.2"))  # waits: 60 s of lab time in line now
        await asyncio.sleep(0)  # let it take its place (no event marks a place taken)
        with pytest.raises(LabQueueRefusal) as full:
            async with queue.turn("10.0.0.3", 30):
                pass
        with pytest.raises(LabQueueRefusal) as again:
            async with queue.turn("10.0.0.2", 30):
                pass
        release.set()
    assert 29 <= full.value.retry_after <= 30, full.value.detail  # after the first run, it fits
    assert "within 30 s" in full.value.detail
    assert 59 <= again.value.retry_after <= 60, again.value.detail  # its own run ends within both


async def test_an_address_over_its_lab_budget_gets_429_with_the_refill_time(tmp_path: Path) -> None:
    """Hole 7: one address could keep the lab busy run after run."""
    app = create_app(Settings(site_dir=tmp_path, lab_budget_seconds=1, lab_max_seconds=1))
    transport = httpx.ASGITransport(app=app, client=("10.0.9.1", 1))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=30) as client:
            run = await client.post("/lab/run", json={"kind": "blocking", "requests": 2, "seconds": 1})
    finally:
        await app.state.lab_target.stop()
    assert run.status_code == 429, run.text
    assert int(run.headers["retry-after"]) >= 590  # 1 s more than the budget: 1/600 s refills per second
    assert "lab time" in run.json()["detail"]


async def test_the_lab_is_busy_from_one_run_to_the_next() -> None:
    """`/lab/status` said busy from the turn's lock alone: between one run's end and the next
    waiter's start (asyncio.Lock releases, then wakes the waiter, which takes it when the loop
    runs it) the lab read free with a run about to start, and that run was counted as waiting."""
    queue = LabQueue(max_line_seconds=60, budget_seconds=1000)
    first_running, first_done = asyncio.Event(), asyncio.Event()
    seen_between: list[tuple[bool, int]] = []

    async def first() -> None:
        async with queue.turn("10.0.0.1", 1):
            first_running.set()
            await first_done.wait()
        seen_between.append((queue.busy, queue.waiting))  # the second has not run since

    async def second() -> None:
        async with queue.turn("10.0.0.2", 1):
            pass

    async with asyncio.TaskGroup() as group:
        group.create_task(first())
        await first_running.wait()
        group.create_task(second())
        await asyncio.sleep(0)  # let it take its place (no event marks a place taken)
        assert (queue.busy, queue.waiting) == (True, 1)
        first_done.set()
    assert seen_between == [(True, 0)], "free between two runs, or the next counted as waiting"
    assert (queue.busy, queue.waiting) == (False, 0)
