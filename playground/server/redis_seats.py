"""Seats in Redis: how the playground counts what is open across processes (chat members, a
client address's websockets), written once for `rooms_redis` and `address_limits_redis`.

A seat is an entry of a sorted set whose score is its expiry, on Redis's clock (`TIME`): one
clock for every process, so a process whose own clock is off can neither keep a dead seat alive
nor drop a live one. Seats are pruned, counted and taken by Lua scripts that Redis runs
atomically, so two processes taking the last seat at once cannot both win. Every key expires with
its latest seat: a set that nobody refreshes any more disappears from Redis entirely.

The process that holds seats pushes them `ttl` into the future every `ttl / 3` seconds
(`SeatKeeper`): a process that crashes stops refreshing, and its seats expire after `ttl`, so no
count leaks. A refresh also re-adds a seat that Redis lost (a restart without persistence).

What a failure means differs by user, so the keeper only reports it (it raises): the chat closes
its members and subscribes again, the address limits count per process for a while.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, NoReturn, TypeVar

import redis.asyncio as redis

from playground.server.redis_client import on_a_fresh_connection

S = TypeVar("S")

# `now` on Redis's clock, in seconds: the one clock of every process (the token bucket uses it too).
CLOCK = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
"""

# The Lua every seat script starts with: the clock and the three steps of the pattern.
SEAT_FUNCTIONS = (
    CLOCK
    + """
-- The key expires with its latest seat (not with the seat just written: another process's
-- seat may run longer).
local function expire(key)
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if top[2] then redis.call('PEXPIREAT', key, math.ceil(tonumber(top[2]) * 1000)) end
end
-- Drop the expired seats of `key`: their process stopped refreshing them. Returns their ids.
local function prune(key)
  local gone = redis.call('ZRANGEBYSCORE', key, '-inf', now)
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', key, '-inf', now) end
  return gone
end
-- Seat `id` in `key` until `deadline`, never moving a later deadline earlier (GT: a room's entry
-- in the set of rooms is its latest seat's); an id that is missing is added back.
local function seat(key, id, deadline)
  redis.call('ZADD', key, 'GT', deadline, id)
  expire(key)
end
"""
)

# KEYS[1]: the seats. ARGV: cap, ttl, seat id. Returns 1 (seated) or 0 (the cap is reached).
TAKE_SEAT = (
    SEAT_FUNCTIONS
    + """
prune(KEYS[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
seat(KEYS[1], ARGV[3], now + tonumber(ARGV[2]))
return 1
"""
)

# KEYS: one set of seats per seat. ARGV: ttl, then the seat ids (in KEYS' order).
REFRESH = (
    SEAT_FUNCTIONS
    + """
local deadline = now + tonumber(ARGV[1])
for i, key in ipairs(KEYS) do seat(key, ARGV[i + 1], deadline) end
return 0
"""
)

REFRESH_BATCH = 200  # seats per refresh call: a bounded script run time, whatever a process holds


class SeatKeeper(Generic[S]):
    """Keeps the seats this process holds alive: `held()` says which they are now, and
    `refresh(batch)` runs the user's refresh script for up to `REFRESH_BATCH` of them."""

    def __init__(
        self,
        client: redis.Redis,
        ttl: float,
        held: Callable[[], Sequence[S]],
        refresh: Callable[[Sequence[S]], Awaitable[object]],
    ) -> None:
        self.client, self.ttl = client, ttl
        self._held, self._refresh = held, refresh

    async def refresh(self) -> None:
        """Push every held seat `ttl` into the future. After a Redis restart the pool's idle
        connections are stale: each batch runs once more on a fresh one (`on_a_fresh_connection`)."""
        seats = list(self._held())
        for first in range(0, len(seats), REFRESH_BATCH):
            batch = seats[first : first + REFRESH_BATCH]
            await on_a_fresh_connection(self.client, functools.partial(self._refresh, batch))

    async def run(self, refreshed: Callable[[], None] = lambda: None) -> NoReturn:
        """Refresh every `ttl / 3` seconds until cancelled, calling `refreshed()` after each
        success. A failed refresh raises: what it means is its caller's to decide."""
        while True:
            await asyncio.sleep(self.ttl / 3)
            await self.refresh()
            refreshed()
