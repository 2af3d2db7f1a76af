"""Per-address limits counted in Redis (`--redis-url`): one cap for every process and machine.

Open websockets: each one is a *seat* of its address (`redis_seats`, the pattern the chat rooms
use too): a sorted-set entry whose score is its expiry on Redis's clock, taken by one atomic Lua
script (prune expired, count, add), so two processes taking the last seat at once cannot both
win; refreshed by its process every `seat_ttl / 3` seconds, so the seats of a process that
crashes expire after `seat_ttl` and no count leaks. A refresh re-adds a seat Redis lost.

Request rate: one token bucket per address (a hash of tokens and stamp) in one Lua script on
Redis's clock, with the semantics of `token_bucket.TokenBucket` (a sustained rate with a burst
on top; `benchmarks/redis_rate_limit.py` measured it against the `limits` library: no speed
difference, and only this one has the burst). The key expires once the bucket would be full.

    <prefix>conns:<address>   zset  seat id -> expiry
    <prefix>bucket:<address>  hash  tokens, stamp

When Redis is unreachable (refused, or no reply within `timeout`): the limits are *not* lifted
and nothing is refused for Redis's sake — each process falls back to counting in its own memory
(`LocalAddressLimits`: the same caps, per process, so N processes admit at most N times the cap),
logs a warning at most once a minute, and tries Redis again after `retry_interval` seconds (no
request waits on a Redis known to be down). Seats this process holds in Redis count against its
fallback cap too. Connections admitted during the gap are counted only by their own process
until they close.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections.abc import Awaitable, Sequence
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from playground.server.address_limits import AddressLimits, LocalAddressLimits
from playground.server.limits import OncePerInterval
from playground.server.redis_seats import CLOCK, REFRESH, TAKE_SEAT, SeatKeeper

# KEYS[1]: the bucket. ARGV: rate per second, burst. Returns {1 or 0, milliseconds until a token}.
TAKE = (
    CLOCK
    + """
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens, stamp = tonumber(state[1]) or burst, tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local allowed, wait = 0, 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 else wait = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, wait}
"""
)


class RedisAddressLimits(AddressLimits):
    """Limits counted through `client`, the process's one Redis client (`redis_client`), which its
    owner closes. `timeout` is this store's own deadline on each request-time call: a request waits
    at most that long on a Redis that stopped answering before it is counted per process."""

    def __init__(
        self,
        client: redis.Redis,
        fallback: LocalAddressLimits,
        *,
        prefix: str = "playground:limits:",
        seat_ttl: float = 15.0,
        timeout: float = 0.5,
        retry_interval: float = 1.0,
    ) -> None:
        self.fallback = fallback
        self.prefix, self.seat_ttl, self.timeout, self.retry_interval = prefix, seat_ttl, timeout, retry_interval
        self.client = client
        self._acquire = self.client.register_script(TAKE_SEAT)
        self._refresh = self.client.register_script(REFRESH)
        self._take = self.client.register_script(TAKE)
        self._process = secrets.token_hex(6)
        self._numbers = itertools.count()
        self.seats: dict[str, list[str]] = {}  # address -> ids of the seats this process holds in Redis
        self._down_until = 0.0
        self._heartbeat: asyncio.Task[None] | None = None
        self._log = OncePerInterval()
        self._seats = SeatKeeper(client, seat_ttl, self._held, self._refresh_batch)

    def _seats_key(self, address: str) -> str:
        return self.prefix + "conns:" + address

    @property
    def reachable(self) -> bool:
        """False while a recent failure says Redis is down (until `retry_interval` has passed)."""
        return time.monotonic() >= self._down_until

    async def _within_timeout(self, call: Awaitable[Any]) -> Any:
        """`await call`, cut at `timeout` (TimeoutError, an OSError): the client's own deadline is
        the process's, longer than a request should wait."""
        async with asyncio.timeout(self.timeout):
            return await call

    def _failed(self, error: BaseException) -> None:
        self._down_until = time.monotonic() + self.retry_interval
        self._log.warning(
            "redis", "Redis unreachable (%s): per-address limits counted per process until it answers", error
        )

    async def acquire_connection(self, address: str) -> bool:
        if self.reachable:
            seat = f"{self._process}:{next(self._numbers)}"
            try:
                seated = await self._within_timeout(
                    self._acquire(
                        keys=[self._seats_key(address)], args=[self.fallback.max_connections, self.seat_ttl, seat]
                    )
                )
            except (RedisError, OSError) as error:
                self._failed(error)
            else:
                if not seated:
                    return False
                self.seats.setdefault(address, []).append(seat)
                if self._heartbeat is None:
                    self._heartbeat = asyncio.get_running_loop().create_task(self._keep_seats())
                return True
        return self.fallback.acquire_connection_now(address, held_elsewhere=len(self.seats.get(address, ())))

    async def release_connection(self, address: str) -> None:
        if self.fallback.release_connection_now(address):
            return  # it was admitted while Redis was down
        held = self.seats.get(address)
        if not held:
            return
        seat = held.pop()  # forgotten at once: not refreshed any more, so it expires if ZREM fails
        if not held:
            del self.seats[address]
        try:
            await self._within_timeout(self.client.zrem(self._seats_key(address), seat))
        except (RedisError, OSError) as error:
            self._failed(error)

    async def take_request(self, address: str) -> tuple[bool, float]:
        if self.reachable:
            try:
                allowed, wait = await self._within_timeout(
                    self._take(
                        keys=[self.prefix + "bucket:" + address],
                        args=[self.fallback.buckets.rate, self.fallback.buckets.burst],
                    )
                )
            except (RedisError, OSError) as error:
                self._failed(error)
            else:
                return bool(allowed), int(wait) / 1000
        return self.fallback.take_request_now(address)

    def _held(self) -> list[tuple[str, str]]:
        return [(address, seat) for address, held in list(self.seats.items()) for seat in held]

    async def _refresh_batch(self, batch: Sequence[tuple[str, str]]) -> None:
        await self._within_timeout(
            self._refresh(
                keys=[self._seats_key(address) for address, _ in batch],
                args=[self.seat_ttl, *(seat for _, seat in batch)],
            )
        )

    async def _keep_seats(self) -> None:
        while True:
            try:
                await self._seats.run(refreshed=self._answered)
            except (RedisError, OSError) as error:
                self._failed(error)

    def _answered(self) -> None:
        self._down_until = 0.0  # it answers again: stop falling back

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        with contextlib.suppress(RedisError, OSError):  # shutting down: unreleased seats expire
            for address, held in list(self.seats.items()):
                await self._within_timeout(self.client.zrem(self._seats_key(address), *held))
        self.seats.clear()
