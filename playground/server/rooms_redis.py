"""Rooms in Redis: one room across worker processes and machines (`--redis-url`).

Events: each process publishes a room's events on the channel `<prefix>events:<room>` and
listens to all of them with one pattern subscription; what arrives is handed to this process's
members of that room (`RoomStore.deliver`). Redis pub/sub delivers at most once, so the one thing
this store promises about a lost connection is to say so (below).

Seats: the caps hold for every process because they are counted in Redis, as seats
(`redis_seats`: sorted sets scored by expiry on Redis's clock, taken by atomic Lua scripts,
refreshed by their process every `member_ttl / 3` seconds, expiring after `member_ttl` when it
crashes). A member holds three: in the set of rooms, in its room, in its address's rooms. What is
the rooms' own: the script that drops an expired seat of a room (the next join or refresh there)
publishes its `leave` (with `"expired": true`) to the room.

    <prefix>rooms            zset  room -> expiry of its latest seat
    <prefix>room:<room>      zset  member id -> expiry
    <prefix>address:<addr>   zset  "<member id>:<room>" -> expiry (rooms per address)

When Redis goes away (the subscription breaks, or a heartbeat fails or times out): every member
of this process gets `{"type": "error", "reason": "broker unavailable", ...}` and is closed with
1013 (try again later); new joins are refused with 1013 until the subscription is back, which is
retried with exponential backoff (0.1 s doubling to 5 s, with jitter). One failed call is its
caller's alone: a message whose publish failed is reported to its sender as not delivered, a join
whose admission failed is refused, nobody else is closed (after a restart each stale pooled
connection fails once: `redis_client.on_a_fresh_connection` retries on a new one). redis-py's own
silent reconnect and resubscribe is turned off (`retries=0`): it would hide exactly this gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError
from starlette.status import WS_1013_TRY_AGAIN_LATER

from playground.server.redis_client import on_a_fresh_connection
from playground.server.redis_seats import SEAT_FUNCTIONS, SeatKeeper
from playground.server.rooms import (
    BROKER_LOST_NOTICE,
    BrokerUnavailable,
    Limits,
    Member,
    Refused,
    RoomStore,
)

log = logging.getLogger("playground.chat")

# Announce each expired seat of a room as a leave: their process stopped refreshing them.
_ROOM_FUNCTIONS = """
local function announce(gone, room, channel)
  local ts = math.floor(now * 1000 + 0.5) / 1000
  for _, id in ipairs(gone) do
    redis.call('PUBLISH', channel, cjson.encode({type = 'leave', id = id, room = room, ts = ts, expired = true}))
  end
end
"""

# KEYS: rooms, room, address. ARGV: room, member, max_rooms, max_members, max_per_address, ttl,
# the room's channel.
ADMIT = (
    SEAT_FUNCTIONS
    + _ROOM_FUNCTIONS
    + """
local room, member = ARGV[1], ARGV[2]
local deadline = now + tonumber(ARGV[6])
prune(KEYS[1])
announce(prune(KEYS[2]), room, ARGV[7])
prune(KEYS[3])
local present = redis.call('ZCARD', KEYS[2])
if present == 0 then
  redis.call('ZREM', KEYS[1], room)
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {'rooms'} end
elseif present >= tonumber(ARGV[4]) then
  return {'full'}
end
local held, count = {}, 0
for _, entry in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  local name = string.sub(entry, string.find(entry, ':', 1, true) + 1)
  if not held[name] then held[name] = true; count = count + 1 end
end
if not held[room] and count >= tonumber(ARGV[5]) then return {'address'} end
seat(KEYS[1], room, deadline)
seat(KEYS[2], member, deadline)
seat(KEYS[3], member .. ':' .. room, deadline)
local seated = redis.call('ZRANGE', KEYS[2], 0, -1)
table.insert(seated, 1, 'ok')
return seated
"""
)

# KEYS: rooms, room, address. ARGV: room, member.
RELEASE = (
    SEAT_FUNCTIONS
    + """
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2] .. ':' .. ARGV[1])
prune(KEYS[2])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
"""
)

# KEYS: rooms, then (room, address) per seat. ARGV: ttl, channel prefix, then (room, member) per seat.
REFRESH = (
    SEAT_FUNCTIONS
    + _ROOM_FUNCTIONS
    + """
local deadline = now + tonumber(ARGV[1])
for i = 2, #KEYS, 2 do
  local room, member = ARGV[i + 1], ARGV[i + 2]
  announce(prune(KEYS[i]), room, ARGV[2] .. room)
  seat(KEYS[1], room, deadline)
  seat(KEYS[i], member, deadline)
  seat(KEYS[i + 1], member .. ':' .. room, deadline)
end
return 0
"""
)


class RedisRooms(RoomStore):
    """Rooms shared through `client`, the process's one Redis client (`redis_client`), which its
    owner closes: `close()` ends this store's subscription and tasks, not the client."""

    def __init__(
        self,
        client: redis.Redis,
        limits: Limits,
        *,
        prefix: str = "playground:chat:",
        member_ttl: float = 15.0,
        timeout: float = 2.0,
    ) -> None:
        super().__init__(limits)
        self.prefix, self.member_ttl, self.timeout = prefix, member_ttl, timeout
        self.client = client
        self._admit_script = self.client.register_script(ADMIT)
        self._release_script = self.client.register_script(RELEASE)
        self._refresh_script = self.client.register_script(REFRESH)
        self.available = asyncio.Event()
        self.connected_once = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._connected: asyncio.Task[None] | None = None
        self._was_up = False
        self._seats = SeatKeeper(client, member_ttl, self._seated, self._refresh)

    # ---- keys ------------------------------------------------------------------------------------

    def _keys(self, member: Member) -> list[str]:
        return [self.prefix + "rooms", self.prefix + "room:" + member.room, self.prefix + "address:" + member.address]

    def _channel(self, room: str) -> str:
        return self.prefix + "events:" + room

    # ---- the three hooks -------------------------------------------------------------------------

    async def _admit(self, member: Member) -> list[str]:
        await self._ready()
        limits = self.limits
        reply = await self._call(
            lambda: self._admit_script(
                keys=self._keys(member),
                args=[
                    member.room,
                    member.id,
                    limits.max_rooms,
                    limits.max_members,
                    limits.max_rooms_per_address,
                    self.member_ttl,
                    self._channel(member.room),
                ],
            )
        )
        if reply[0] != "ok":
            raise Refused(reply[0], limits, member.room)
        return sorted(reply[1:])

    async def _release(self, member: Member) -> None:
        if not self.available.is_set():
            raise BrokerUnavailable("not subscribed")  # the seat expires with its time-to-live
        await self._call(lambda: self._release_script(keys=self._keys(member), args=[member.room, member.id]))

    async def _publish(self, room: str, text: str) -> None:
        if not self.available.is_set():
            raise BrokerUnavailable("not subscribed")
        await self._call(lambda: self.client.publish(self._channel(room), text))

    async def _call(self, command: Callable[[], Awaitable[Any]]) -> Any:
        """Run one Redis command, once more on a fresh connection after a connection error (a
        stale pooled connection after a restart). A failure then is this caller's alone (its join
        refused, its message not delivered): one failed call does not close every member. The
        subscription and the heartbeat are what say the broker is gone for everyone (`_lost`)."""
        try:
            return await on_a_fresh_connection(self.client, command)
        except (RedisError, OSError) as error:
            raise BrokerUnavailable(str(error)) from error

    # ---- connection ------------------------------------------------------------------------------

    async def _ready(self) -> None:
        """Start listening on first use; refuse at once while the broker is known to be down."""
        if self._supervisor is None:
            self._supervisor = asyncio.get_running_loop().create_task(self._supervise())
        if not self.connected_once.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.timeout):
                    await self.available.wait()
        if not self.available.is_set():
            raise BrokerUnavailable("not subscribed")

    async def _supervise(self) -> None:
        """Keep one subscription alive: after each failure, retry with exponential backoff."""
        delay = 0.1
        while True:
            self._was_up = False
            self._connected = asyncio.get_running_loop().create_task(self._run_connected())
            try:
                await self._connected
            except asyncio.CancelledError:
                if self._supervisor is not None and self._supervisor.cancelling():  # by close()
                    raise
                # else `_lost` cancelled the connection: it has told the members already
            except Exception as error:  # whatever broke the subscription, retry it
                self._lost(error)
            if self._was_up:
                delay = 0.1
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, 5.0)

    async def _run_connected(self) -> None:
        """Subscribe, then listen and keep seats alive until something fails."""
        # After a failure the pool's idle connections may be to a Redis that restarted since: the
        # subscription must not take one of those (it would fail at its first read).
        await self.client.connection_pool.disconnect(inuse_connections=False)
        pubsub = self.client.pubsub()
        try:
            pattern = self._channel("*")
            await pubsub.psubscribe(pattern)
            async with asyncio.timeout(self.timeout):
                while await pubsub.get_message(timeout=self.timeout) is None:
                    pass  # the subscription is live once Redis confirms it
            self.available.set()
            self.connected_once.set()
            self._was_up = True
            log.info("chat broker: subscribed to %s", pattern)
            async with asyncio.TaskGroup() as group:
                group.create_task(self._listen(pubsub))
                group.create_task(self._seats.run())  # a failed refresh ends the subscription
        finally:
            self.available.clear()
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _listen(self, pubsub: Any) -> None:
        start = len(self._channel(""))
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is not None and message["type"] == "pmessage":
                self.deliver(message["channel"][start:], message["data"])

    def _seated(self) -> list[Member]:
        return [m for members in list(self.local.values()) for m in members.values() if m.seated]

    async def _refresh(self, batch: Sequence[Member]) -> None:
        keys: list[str] = [self.prefix + "rooms"]
        args: list[str | float] = [self.member_ttl, self._channel("")]
        for member in batch:
            keys += self._keys(member)[1:]
            args += [member.room, member.id]
        await self._refresh_script(keys=keys, args=args)

    def _lost(self, error: BaseException) -> None:
        """The broker is gone: say so to every member here and close them; listen again later."""
        if self.available.is_set() or any(self.local.values()):
            log.warning("chat broker unavailable (%s): closing this process's chat members", error)
        self.available.clear()
        self.end_all(WS_1013_TRY_AGAIN_LATER, "chat broker unavailable: reconnect later", BROKER_LOST_NOTICE)
        if self._connected is not None and not self._connected.done():
            self._connected.cancel()

    async def close(self) -> None:
        for task in (self._connected, self._supervisor):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):  # shutting down: it is over
                    await task
