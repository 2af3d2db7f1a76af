"""The one Redis client of a playground process (`--redis-url`), shared by the rooms, the address
limits and the lab's lock: one bounded pool for the process, made once by `create_app` and closed
once at shutdown (the users are handed it and never close it). Three clients had three pools: up
to three times the connections the bound promised, and stale connections after a restart were
discarded per user instead of once.

Every user of Redis here wants the same thing from a lost connection: to hear about it, at once.
So the client has a deadline on connecting and on every reply (`timeout`), and redis-py's own
silent retry is turned off (`retries=0`): each caller decides what a failure means for it (the
chat closes its members, the address limits count per process, the lab answers 503).

The client's `timeout` is the longest a user waits (the chat, the lab's lock: 2 s); a user that
must answer sooner puts its own deadline around its calls (the address limits: 0.5 s, on the
request path). A call cut by its deadline is not left half-read: redis-py disconnects that
connection on cancellation.

The pool is bounded (`max_connections`): without a bound, 300 requests in flight opened 208
connections to Redis from one process. At the bound a call waits for a free connection, up to
the same `timeout`, then fails like any unreachable Redis.

After Redis restarts, every idle connection in the pool is to the Redis that went away, and
each fails once when next used. `on_a_fresh_connection` runs a command; on a connection error it
drops the pool's idle connections and runs it once more, on a new one: a restart costs nobody
a refusal, while a Redis that is really gone still fails the second try (within `timeout`).

A cancellation can be lost on the way: redis-py sends each command under `asyncio.wait_for`
(because the client has a socket timeout), and CPython 3.11's `wait_for` returns the command's
result when the cancellation arrives as the command completes, the cancellation gone with it
(CPython gh-86296; 3.12 rewrote `wait_for`). A loop that is ended by cancelling it then runs on:
the lab lock's keeper did, and the lab's turn was never given back (a test hung 300 s on it); the
seats' heartbeats would hold a shutdown the same way. Hence `cancellable`, around every command
those loops send."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

T = TypeVar("T")

DEFAULT_MAX_CONNECTIONS = 32
DEFAULT_TIMEOUT = 2.0


def make_client(
    url: str, timeout: float = DEFAULT_TIMEOUT, max_connections: int = DEFAULT_MAX_CONNECTIONS
) -> redis.Redis:
    """A client for `url` (decoded replies) that fails within `timeout` seconds instead of
    waiting, holding at most `max_connections` connections."""
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,  # waiting for a free connection of the pool
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),  # no silent reconnect: a lost connection is reported
    )
    return redis.Redis.from_pool(pool)  # closing the client closes its pool


async def cancellable(call: Awaitable[T]) -> T:
    """`await call`; if the task was cancelled meanwhile and the call ended anyway (the
    cancellation lost inside it, see the module docstring), raise the CancelledError it lost."""
    task = asyncio.current_task()
    cancels = task.cancelling() if task is not None else 0  # requests to cancel it, so far
    try:
        return await call
    finally:
        if task is not None and task.cancelling() > cancels:  # cancelled since, and not undone
            raise asyncio.CancelledError


async def on_a_fresh_connection(client: redis.Redis, command: Callable[[], Awaitable[T]]) -> T:
    """`await command()`; after a connection error, once more with the pool's idle connections
    dropped (see the module docstring). Connections in use (a subscription) are left alone.
    A cancellation during either try ends it (`cancellable`)."""

    async def twice() -> T:
        try:
            return await command()
        except RedisConnectionError:
            await client.connection_pool.disconnect(inuse_connections=False)
            return await command()

    return await cancellable(twice())
