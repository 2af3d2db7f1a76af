"""The seat pattern (`redis_seats`) on its own, against a real redis-server: taking a seat under a
cap on Redis's clock, a key that lives as long as its latest seat, and the keeper that keeps the
seats its process holds (and only those) alive, in bounded batches, saying when it fails."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Sequence

import pytest
import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError

from playground.server.redis_client import make_client
from playground.server.redis_seats import REFRESH, REFRESH_BATCH, TAKE_SEAT, SeatKeeper
from tests.ports import free_port
from tests.redis_server import RedisServer
from tests.waiting import until

pytestmark = pytest.mark.anyio


@pytest.fixture
async def client(redis_server: RedisServer) -> AsyncIterator[redis.Redis]:
    made = make_client(redis_server.url)
    yield made
    await made.aclose()


@pytest.fixture
def key() -> str:
    return f"test:{secrets.token_hex(4)}:seats"  # each test its own set


async def redis_now(client: redis.Redis) -> float:
    seconds, microseconds = await client.time()
    return float(seconds) + float(microseconds) / 1_000_000


async def test_a_seat_is_taken_under_the_cap_with_a_deadline_on_redis_clock(client: redis.Redis, key: str) -> None:
    take = client.register_script(TAKE_SEAT)
    before = await redis_now(client)
    assert [await take(keys=[key], args=[2, 10, f"seat{n}"]) for n in range(3)] == [1, 1, 0]
    after = await redis_now(client)
    for seat in await client.zrange(key, 0, -1, withscores=True):  # [(seat, deadline), ...]
        assert before + 10 <= float(seat[1]) <= after + 10
    # The key goes with its seats: its expiry is the latest deadline rounded up to the next
    # millisecond (PEXPIREAT takes whole ones; up, so the key never goes before its seat).
    assert 9_000 < await client.pttl(key) <= 10_001


async def test_the_key_lives_as_long_as_its_latest_seat(client: redis.Redis, key: str) -> None:
    """Two processes with different time-to-lives: the shorter seat, taken last, must not make the
    key (and the longer seat with it) expire early. The address limits' own script did."""
    take = client.register_script(TAKE_SEAT)
    assert await take(keys=[key], args=[5, 100, "long"]) == 1
    assert await take(keys=[key], args=[5, 1, "short"]) == 1
    assert await client.pttl(key) > 90_000


async def test_the_keeper_keeps_held_seats_only(client: redis.Redis, key: str) -> None:
    take, refresh_script = client.register_script(TAKE_SEAT), client.register_script(REFRESH)
    ttl = 0.6
    for seat in ("kept", "dropped"):
        assert await take(keys=[key], args=[10, ttl, seat]) == 1
    first_deadline = await redis_now(client) + ttl
    refreshes = 0

    async def refresh(batch: Sequence[str]) -> None:
        await refresh_script(keys=[key] * len(batch), args=[ttl, *batch])

    def refreshed() -> None:
        nonlocal refreshes
        refreshes += 1

    keeper = SeatKeeper(client, ttl, lambda: ["kept"], refresh)
    running = asyncio.get_running_loop().create_task(keeper.run(refreshed))
    try:

        async def past_first_deadline() -> bool:  # on Redis's clock, the one the deadlines use
            return await redis_now(client) > first_deadline

        await until(past_first_deadline, 5)
        assert await take(keys=[key], args=[10, ttl, "new"]) == 1  # pruning the expired seat
        assert sorted(await client.zrange(key, 0, -1)) == ["kept", "new"]
        assert refreshes >= 2  # every ttl / 3

        await client.delete(key)  # as a Redis restarted without persistence
        await keeper.refresh()
        assert await client.zrange(key, 0, -1) == ["kept"] and await client.pttl(key) > 0
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running


async def test_the_keeper_refreshes_in_bounded_batches(client: redis.Redis) -> None:
    held = [f"seat{n}" for n in range(2 * REFRESH_BATCH + 50)]
    batches: list[int] = []

    async def refresh(batch: Sequence[str]) -> None:
        batches.append(len(batch))

    await SeatKeeper(client, 1.0, lambda: held, refresh).refresh()
    assert batches == [REFRESH_BATCH, REFRESH_BATCH, 50]


async def test_a_failed_refresh_ends_the_keeper_with_the_error() -> None:
    """What a failure means is the caller's: the keeper raises it (after one more try on a fresh
    connection) rather than swallow it."""
    nowhere = make_client(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    script = nowhere.register_script(REFRESH)

    async def refresh(batch: Sequence[str]) -> None:
        await script(keys=["seats"] * len(batch), args=[1.0, *batch])

    try:
        with pytest.raises(RedisConnectionError):
            await SeatKeeper(nowhere, 0.03, lambda: ["seat"], refresh).run()
    finally:
        await nowhere.aclose()
