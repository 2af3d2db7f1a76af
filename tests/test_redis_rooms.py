"""The Redis room store against a real redis-server: two stores stand for two processes (or
machines) sharing rooms, caps that hold across them even when they race, seats of a crashed
process that expire, and a Redis that goes away and comes back."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from playground.server.redis_client import DEFAULT_TIMEOUT, make_client
from playground.server.rooms import Limits, Member, Refused
from playground.server.rooms_redis import RedisRooms
from tests.ports import free_port
from tests.redis_server import RedisServer, run_redis
from tests.waiting import until

pytestmark = pytest.mark.anyio

ROOMY = Limits(max_rooms=10, max_members=10, max_rooms_per_address=10)


@pytest.fixture
def prefix() -> str:
    return f"test:{secrets.token_hex(4)}:"  # each test its own keys and channels


async def stores(url: str, prefix: str, limits: Limits, count: int = 2, **options: float) -> list[RedisRooms]:
    """`count` stores, each with its own client (its timeout the store's): each stands for a process."""
    timeout = options.get("timeout", DEFAULT_TIMEOUT)
    return [RedisRooms(make_client(url, timeout), limits, prefix=prefix, **options) for _ in range(count)]


async def close(*made: RedisRooms) -> None:
    """What a process's shutdown does: the store's tasks, then its client (the app closes it)."""
    for store in made:
        await store.close()
        await store.client.aclose()


@pytest.fixture
async def two(redis_server: RedisServer, prefix: str) -> AsyncIterator[list[RedisRooms]]:
    made = await stores(redis_server.url, prefix, ROOMY)
    yield made
    await close(*made)


async def next_event(member: Member, kind: str) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = json.loads(await asyncio.wait_for(member.outbox.get(), 5))
        if event["type"] == kind:
            return event


async def test_a_room_spans_two_processes(two: list[RedisRooms]) -> None:
    one, other = two
    ana, members = await one.join("lobby", "10.0.0.1")
    assert members == [ana.id]
    ben, members = await other.join("lobby", "10.0.0.2")
    assert sorted(members) == sorted([ana.id, ben.id])
    assert (await next_event(ana, "join"))["id"] == ana.id
    assert (await next_event(ana, "join"))["id"] == ben.id  # announced to the other process

    await one.broadcast("lobby", {"type": "message", "from": ana.id, "text": "hi ben"})
    for member in (ana, ben):
        event = await next_event(member, "message")
        assert (event["text"], event["room"]) == ("hi ben", "lobby") and isinstance(event["ts"], float)

    await other.leave(ben)
    assert (await next_event(ana, "leave"))["id"] == ben.id
    carl, members = await other.join("lobby", "10.0.0.3")  # the seat count went down
    assert sorted(members) == sorted([ana.id, carl.id])


async def test_caps_hold_across_processes_even_when_joins_race(redis_server: RedisServer, prefix: str) -> None:
    limits = Limits(max_rooms=3, max_members=5, max_rooms_per_address=1)
    one, other = await stores(redis_server.url, prefix, limits)
    try:

        async def join(store: RedisRooms, number: int) -> Member | str:
            try:
                return (await store.join("crowded", f"10.0.1.{number}"))[0]
            except Refused as refused:
                return refused.kind

        results = await asyncio.gather(*(join((one, other)[n % 2], n) for n in range(30)))
        assert sum(isinstance(r, Member) for r in results) == 5
        assert {r for r in results if isinstance(r, str)} == {"full"}

        await other.join("second", "10.0.2.1")
        with pytest.raises(Refused, match="your address is in 1 room already"):
            await one.join("third", "10.0.2.1")
        await one.join("second", "10.0.2.1")  # a room the address is in already is fine
        await one.join("third", "10.0.2.2")
        with pytest.raises(Refused, match="3 rooms are open already"):
            await other.join("fourth", "10.0.2.3")
    finally:
        await close(one, other)


async def test_the_seats_of_a_crashed_process_expire_and_are_announced(redis_server: RedisServer, prefix: str) -> None:
    limits = Limits(max_rooms=10, max_members=2, max_rooms_per_address=10)
    crashing, survivor = await stores(redis_server.url, prefix, limits, member_ttl=1.0)
    try:
        gone, _ = await crashing.join("pair", "10.0.3.1")
        stays, _ = await survivor.join("pair", "10.0.3.2")
        await close(crashing)  # no leave: as if the process were killed
        crashed_at = time.monotonic()
        with pytest.raises(Refused, match="is full"):
            await survivor.join("pair", "10.0.3.3")
        # The survivor's heartbeat drops the expired seat and announces it to the room.
        leave = await next_event(stays, "leave")
        assert (leave["id"], leave["expired"]) == (gone.id, True)
        assert time.monotonic() - crashed_at >= 0.9, "the seat expired before its time-to-live"
        newcomer, members = await survivor.join("pair", "10.0.3.3")  # and the seat is free again
        assert sorted(members) == sorted([stays.id, newcomer.id])
    finally:
        await close(survivor)


@pytest.mark.slow
async def test_redis_going_away_is_said_and_survived(prefix: str) -> None:
    with run_redis(free_port()) as server:
        one, other = await stores(server.url, prefix, ROOMY, timeout=1.0)
        try:
            ana, _ = await one.join("lobby", "10.0.4.1")
            ben, _ = await other.join("lobby", "10.0.4.2")

            server.stop()
            for member in (ana, ben):  # every member is told, then closed with 1013
                await asyncio.wait_for(member.ended.wait(), 5)
                assert member.end_code == 1013 and "broker unavailable" in member.end_reason
                assert json.loads(member.last_words or "{}")["reason"] == "broker unavailable"
            with pytest.raises(Refused, match="chat broker unavailable"):
                await one.join("lobby", "10.0.4.3")

            server.start()  # empty, as a restarted Redis without persistence is
            deadline = time.monotonic() + 10
            while True:  # the stores resubscribe with backoff; a client retries like this
                try:
                    carl, _ = await one.join("lobby", "10.0.4.3")
                    dora, _ = await other.join("lobby", "10.0.4.4")
                    break
                except Refused as refused:
                    if refused.kind != "broker" or time.monotonic() >= deadline:
                        raise
                    await asyncio.sleep(0.2)
            await other.broadcast("lobby", {"type": "message", "from": dora.id, "text": "back"})
            assert (await next_event(carl, "message"))["text"] == "back"
        finally:
            await close(one, other)


async def test_after_a_redis_restart_a_burst_of_joins_is_served(prefix: str) -> None:
    """Hole 4: after Redis came back, each stale pooled connection failed once, and each failure
    closed every member of the process: bursts of joins were refused for ~50 s."""
    with run_redis(free_port()) as server:
        (store,) = await stores(server.url, prefix, ROOMY, count=1, timeout=1.0)
        try:
            warm = await asyncio.gather(*(store.join(f"r{n % 8}", f"10.0.5.{n}") for n in range(16)))
            for member, _ in warm:  # 16 joins at once: the pool holds many connections now
                await store.leave(member)
            server.stop()

            async def subscription_lost() -> bool:  # an Event says when it is set, not when cleared
                return not store.available.is_set()

            await until(subscription_lost, deadline_s=10, interval_s=0.02)
            server.start()  # empty; every pooled connection is to the Redis that went away
            # resubscribed (the subscription is its own connection)
            await asyncio.wait_for(store.available.wait(), 10)
            first, _ = await store.join("lobby", "10.0.6.1")  # a member from before the burst
            results = await asyncio.gather(
                *(store.join(f"r{n % 8}", f"10.0.6.{n + 2}") for n in range(16)), return_exceptions=True
            )
            refused = [r for r in results if isinstance(r, BaseException)]
            assert not refused, f"{len(refused)} of 16 joins refused: {refused[0]!r}"
            assert not first.ended.is_set(), f"a member was closed: {first.end_reason}"
        finally:
            await close(store)
