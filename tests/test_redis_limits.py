"""Per-address limits and the lab's one run at a time, shared through a real redis-server by two
app instances (two real playgrounds, or two apps in this process): one websocket cap, one
request bucket, one lab turn — and what each does when its process dies or Redis goes away."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import httpx
import pytest
import redis.asyncio as redis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from playground.server.address_limits import LocalAddressLimits
from playground.server.address_limits_redis import RedisAddressLimits
from playground.server.app import create_app
from playground.server.lab_lock import LabLockLost, LabLockUnavailable, RedisLabLock
from playground.server.redis_client import DEFAULT_MAX_CONNECTIONS, make_client, on_a_fresh_connection
from playground.server.settings import Settings
from tests.live_server import LiveServer, run_playground
from tests.ports import free_port
from tests.redis_server import RedisServer, run_redis
from tests.waiting import until

pytestmark = pytest.mark.anyio

BASE = "http://127.0.0.1"  # the apps run in this process (httpx.ASGITransport)


@pytest.fixture(scope="module")
def pair(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two playgrounds on one Redis, each allowing 2 websockets per address."""
    site = tmp_path_factory.mktemp("no-site")  # /healthz, /ws/ and /lab/ need no built site
    env = {"PLAYGROUND_REDIS_URL": redis_server.url, "PLAYGROUND_WS_MAX_CONNECTIONS_PER_IP": "2"}
    with run_playground(free_port(), site, env) as a, run_playground(free_port(), site, env) as b:
        yield a, b


def ws_url(server: LiveServer) -> str:
    return server.base_url.replace("http://", "ws://") + "/ws/echo"


def random_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(256)}"


async def test_websocket_cap_holds_across_two_playgrounds(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    async with connect(ws_url(a)) as first, connect(ws_url(a)) as second:
        async with connect(ws_url(b)) as third:
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(5):  # admitted, the echo would wait here for a message
                    await third.recv()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1013, "2 connections from your address already")
        for ws in (first, second):
            await ws.send("still here")
            assert await ws.recv() == "still here"
        await first.close()
        async with connect(ws_url(b)) as again:  # a seat released through A is free for B
            await again.send("ok")
            assert await again.recv() == "ok"


async def test_http_burst_is_shared_by_two_apps(redis_server: RedisServer, tmp_path: Path) -> None:
    settings = Settings(
        site_dir=tmp_path, redis_url=redis_server.url, http_requests_per_second=0.01, http_request_burst=3
    )
    apps = [create_app(settings), create_app(settings)]
    address = random_address()
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 1)), base_url="http://127.0.0.1")
        for app in apps
    ]
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=apps[1], client=(random_address(), 1)), base_url="http://127.0.0.1"
    )
    try:  # not /healthz: that is counted in each process, off Redis (test_healthz_does_not_wait_...)
        through_a = [(await clients[0].get("/snippets/")).status_code for _ in range(3)]
        refused = await clients[1].get("/snippets/")
        assert through_a == [200, 200, 200]
        assert refused.status_code == 429 and "too many requests" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 90  # a token every 100 s: the bucket's own wait
        assert (await other.get("/snippets/")).status_code == 200  # another address is untouched
    finally:
        for client in (*clients, other):
            await client.aclose()
        for app in apps:
            await app.state.address_limits.close()


async def redis_now(limits: RedisAddressLimits) -> float:
    """Redis's own clock (`TIME`), the one seat deadlines are written on."""
    seconds, microseconds = await limits.client.time()
    return float(seconds) + float(microseconds) / 1_000_000


async def test_a_dead_process_seats_expire_and_a_live_one_keeps_them(redis_server: RedisServer) -> None:
    prefix, address = f"test:{secrets.token_hex(4)}:", random_address()

    def store() -> RedisAddressLimits:
        client = make_client(redis_server.url)  # its own: each store stands for a process
        return RedisAddressLimits(client, LocalAddressLimits(2, 1.0, 10, 100), prefix=prefix, seat_ttl=1.0)

    crashing, other = store(), store()
    try:
        assert await crashing.acquire_connection(address) and await crashing.acquire_connection(address)
        key = crashing._seats_key(address)
        seats = await crashing.client.zrange(key, 0, -1, withscores=True)  # [(seat, deadline), ...]
        first_deadline = max(float(seat[1]) for seat in seats)

        async def past_first_deadline() -> bool:  # on Redis's clock, the one the deadlines use
            return await redis_now(crashing) > first_deadline

        await until(past_first_deadline, 5)
        # Past their first deadline: only the refreshes keep them.
        assert not await other.acquire_connection(address)
        assert crashing._heartbeat is not None
        crashing._heartbeat.cancel()  # the process "dies": nothing refreshes or releases its seats
        await until(lambda: other.acquire_connection(address), 5, 0.1)
        assert await other.acquire_connection(address)  # both expired: two seats again
        assert not await other.acquire_connection(address)
    finally:
        await other.close()
        await other.client.aclose()
        await crashing.client.aclose()


@pytest.mark.slow
async def test_redis_gone_limits_fall_back_to_per_process(caplog: pytest.LogCaptureFixture) -> None:
    address = random_address()
    with run_redis(free_port()) as server:
        limits = RedisAddressLimits(make_client(server.url), LocalAddressLimits(2, 0.01, 3, 100), retry_interval=0.0)
        watcher = redis.Redis.from_url(server.url, decode_responses=True)
        try:
            assert await limits.acquire_connection(address)
            assert await limits.take_request(address) == (True, 0.0)
            server.stop()
            with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
                assert await limits.acquire_connection(address)  # per process now: 1 in Redis + 1 here
                assert not await limits.acquire_connection(address)
                taken = [(await limits.take_request(address))[0] for _ in range(4)]
            assert taken == [True, True, True, False]  # this process's own bucket, a full burst
            warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
            assert len(warnings) == 1, "one log line per interval, not one per request"
            server.start()  # empty: Redis lost every count
            await limits.release_connection(address)  # the one admitted per process
            assert await limits.acquire_connection(address)  # counted in Redis again
            assert len(await watcher.zrange("playground:limits:conns:" + address, 0, -1)) == 1
        finally:
            await limits.close()
            await limits.client.aclose()
            await watcher.aclose()


async def test_without_redis_the_lab_refuses_runs_with_503_and_the_site_stays_up(tmp_path: Path) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    lock = RedisLabLock(make_client(nowhere))
    with pytest.raises(LabLockUnavailable):
        async with lock.hold():
            pass
    await lock.client.aclose()
    app = create_app(Settings(site_dir=tmp_path, redis_url=nowhere))
    transport = httpx.ASGITransport(app=app, client=(random_address(), 1))
    # The app's shutdown (its lifespan's end) closes its Redis client.
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        assert (await client.get("/healthz")).status_code == 200
        run = await client.post("/lab/run", json={"kind": "async", "requests": 1, "seconds": 0.1})
    assert run.status_code == 503 and run.headers["retry-after"] == "5"
    assert "Redis" in run.json()["detail"]


async def test_a_lab_run_through_one_playground_makes_the_other_wait(
    pair: tuple[LiveServer, LiveServer], redis_server: RedisServer
) -> None:
    a, b = pair
    watcher = redis.Redis.from_url(redis_server.url, decode_responses=True)
    async with httpx.AsyncClient(timeout=30) as client:

        async def run(server: LiveServer, seconds: float) -> httpx.Response:
            body = {"kind": "async", "requests": 1, "seconds": seconds}
            return await client.post(server.base_url + "/lab/run", json=body)

        for server in (a, b):  # each target process started, so neither run below waits for one
            assert (await run(server, 0.01)).status_code == 200
        finished: list[str] = []

        async def timed(name: str, server: LiveServer, seconds: float) -> None:
            response = await run(server, seconds)
            assert response.status_code == 200, response.text
            finished.append(name)

        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(timed("long run through A", a, 1.5))

                async def a_holds_the_lab() -> bool:
                    return bool(await watcher.exists("playground:lab:turn"))

                await until(a_holds_the_lab, 10, 0.02)
                status = (await client.get(b.base_url + "/lab/status")).json()
                assert status["busy"], "B's status does not show A's run"
                group.create_task(timed("short run through B", b, 0.05))
        finally:
            await watcher.aclose()
    # Alone, B's run would end first; it ends second because it waited for A's turn to end.
    assert finished == ["long run through A", "short run through B"]


async def test_healthz_does_not_wait_on_a_slow_redis(tmp_path: Path) -> None:
    """Hole 10: /healthz went through the Redis rate limiter, so a stalled Redis made it slow."""
    with run_redis(free_port()) as server:
        app = create_app(Settings(site_dir=tmp_path, redis_url=server.url))
        transport = httpx.ASGITransport(app=app, client=(random_address(), 1))
        assert server.process is not None
        async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            assert (await client.get("/snippets/")).status_code == 200  # Redis answered once
            server.process.send_signal(signal.SIGSTOP)  # Redis stalls: no reply at all
            try:
                started = time.perf_counter()
                health = await client.get("/healthz")
                took = time.perf_counter() - started
            finally:
                server.process.send_signal(signal.SIGCONT)
    assert health.status_code == 200
    assert took < 0.25, f"/healthz took {took:.2f} s behind a stalled Redis (its timeout is 0.5 s)"


async def test_the_redis_pool_is_bounded() -> None:
    """Hole 10: 300 requests in flight opened 208 connections to Redis from one process. Every
    Redis client the playground makes comes from `make_client`: 300 calls at once there."""
    with run_redis(free_port()) as server:
        client = make_client(server.url, timeout=5.0)
        watcher = redis.Redis.from_url(server.url, decode_responses=True)
        try:
            await asyncio.gather(*(client.incr("calls") for _ in range(300)))
            connected = int((await watcher.info("clients"))["connected_clients"])
            calls = int(await watcher.get("calls") or 0)
        finally:
            await client.aclose()
            await watcher.aclose()
    assert calls == 300
    assert connected <= DEFAULT_MAX_CONNECTIONS + 1, f"{connected} connections to Redis (1 is the watcher)"


async def test_a_lab_run_keeps_its_turn_across_a_redis_restart() -> None:
    """Hole 5: Redis restarted empty, the lock was gone, and the keeper only logged it: a second
    server's run started inside the first one. Now the keeper takes the lock back (or, when
    another run took it first, cancels its own run: `test_a_lab_run_that_lost_its_turn_...`)."""
    with run_redis(free_port()) as server:
        first, second = (RedisLabLock(make_client(server.url), ttl=0.6) for _ in range(2))  # two processes
        watcher = redis.Redis.from_url(server.url, decode_responses=True)
        inside, restarted, second_in = asyncio.Event(), asyncio.Event(), asyncio.Event()
        overlapped = False

        async def first_run() -> None:
            async with first.hold():
                inside.set()
                await restarted.wait()
                with suppress(TimeoutError):
                    async with asyncio.timeout(1.5):  # the rest of the run: the second must not start
                        await second_in.wait()

        async def second_run() -> None:
            nonlocal overlapped
            await restarted.wait()
            async with second.hold():
                overlapped = not first_task.done()
                second_in.set()

        try:
            async with asyncio.TaskGroup() as group:
                first_task = group.create_task(first_run())
                group.create_task(second_run())
                await inside.wait()
                server.stop()
                server.start()  # empty: the first run's lock is gone

                async def taken_back() -> bool:
                    return bool(await on_a_fresh_connection(watcher, lambda: watcher.exists("playground:lab:turn")))

                await until(taken_back, deadline_s=2, interval_s=0.02)  # the keeper extends every 0.2 s
                restarted.set()
        finally:
            for lock in (first, second):
                await lock.close()
                await lock.client.aclose()
            await watcher.aclose()
    assert not overlapped, "the second server's run started inside the first one"


async def test_a_lab_run_that_lost_its_turn_is_cancelled() -> None:
    with run_redis(free_port()) as server:
        lock = RedisLabLock(make_client(server.url), ttl=0.6)
        thief = redis.Redis.from_url(server.url, decode_responses=True)
        try:

            async def run() -> None:
                async with lock.hold():
                    await thief.set("playground:lab:turn", "another run")  # as after a restart, taken first
                    await asyncio.sleep(5)  # the run's work: cancelled within 0.2 s, not finished

            with pytest.raises(LabLockLost):
                await run()
        finally:
            await lock.close()
            await lock.client.aclose()
            await thief.aclose()
