"""The playground's one Redis client per process (`redis_client`), seen from a real redis-server:
what the rooms, the address limits and the lab's lock hold there together, and that shutdown
lets all of it go."""

from __future__ import annotations

import asyncio
import random
import secrets
import sys
from pathlib import Path

import httpx
import pytest
import redis.asyncio as redis

from playground.server.app import create_app
from playground.server.lab_lock import RedisLabLock
from playground.server.redis_client import cancellable, make_client
from playground.server.settings import Settings
from tests.ports import free_port
from tests.redis_server import run_redis
from tests.waiting import until

pytestmark = pytest.mark.anyio


async def connections(watcher: redis.Redis) -> int:
    """Clients connected to Redis now, the watcher itself left out."""
    own = await watcher.client_id()
    return sum(1 for client in await watcher.client_list() if int(client["id"]) != own)


async def test_a_playground_process_holds_one_redis_pool(tmp_path: Path) -> None:
    """Issue 19: the rooms, the address limits and the lab's lock each made their own client, so
    one process held three pools (4 connections for the calls below, up to 3 times the bound).
    With one pool, calls made one after another share one connection, beside the subscription."""
    with run_redis(free_port()) as server:
        app = create_app(Settings(site_dir=tmp_path, redis_url=server.url))
        address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.1"
        transport = httpx.ASGITransport(app=app, client=(address, 1))
        watcher = redis.Redis.from_url(server.url, decode_responses=True)
        try:
            async with app.router.lifespan_context(app):
                async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                    assert (await client.get("/snippets/")).status_code == 200  # the address's request token
                    assert (await client.get("/lab/status")).status_code == 200  # is the lab's lock held?
                member, _ = await app.state.rooms.join("lobby", address)  # the chat: subscribe, then a seat
                held = await connections(watcher)
                await app.state.rooms.leave(member)
            # Shutdown closed the client once, after its users: nothing of this process is left.

            async def all_closed() -> bool:
                return await connections(watcher) == 0

            await until(all_closed, deadline_s=5)
        finally:
            await watcher.aclose()
    assert held == 2, f"{held} connections to Redis: the subscription and one for commands expected"


async def test_a_cancellation_lost_inside_a_call_still_ends_it() -> None:
    """CPython 3.11's asyncio.wait_for, which redis-py sends every command under, returns the
    result when the cancellation arrives as the command completes, and the cancellation is gone:
    the task runs on. `cancellable` raises it. Deterministic: the command's future is done and the
    task cancelled in one step, before wait_for resumes."""

    async def call(done: asyncio.Future[int], guarded: bool) -> int:
        command = asyncio.wait_for(done, timeout=5)
        value = await (cancellable(command) if guarded else command)
        await asyncio.sleep(0)  # a cancellation still pending would end the task here
        return value

    loop = asyncio.get_running_loop()
    for guarded in (False, True):
        done: asyncio.Future[int] = loop.create_future()
        task = asyncio.create_task(call(done, guarded))
        await asyncio.sleep(0)  # the task waits inside wait_for
        done.set_result(1)
        task.cancel()
        await asyncio.wait({task})
        if guarded:
            assert task.cancelled(), "cancellable let the lost cancellation go"
        elif sys.version_info < (3, 12):
            assert task.result() == 1, "wait_for no longer loses it: cancellable's reason is gone"


async def test_the_lab_locks_keeper_ends_when_cancelled_at_any_moment() -> None:
    """The keeper extends the lock until its run ends, which cancels it. A cancellation lost in a
    command (above) left it extending forever: the run's `hold` never ended and the lab's turn
    was never given back (make test hung 300 s in test_redis_limits once). 200 cancellations at
    random moments of a keeper that extends every millisecond, so that most of them find a
    command in flight: each ends it (before `cancellable`, 5 runs of this test failed each
    within its first 9 cancellations)."""
    with run_redis(free_port()) as server:
        lock = RedisLabLock(make_client(server.url), ttl=0.003)
        moments = random.Random(86296)  # seeded: a failure names an attempt that can be run again
        try:
            for attempt in range(200):
                token = f"run {attempt}"
                await lock.client.set(lock.key, token, px=1000)
                keeper = asyncio.create_task(lock._keep(token, lambda: None))
                await asyncio.sleep(moments.uniform(0, 0.005))
                keeper.cancel()
                await asyncio.wait({keeper}, timeout=2)
                assert keeper.done(), f"cancelled keeper {attempt} still runs:\n{keeper.get_stack()}"
        finally:
            await lock.client.aclose()
