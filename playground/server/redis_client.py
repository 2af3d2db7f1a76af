"""The one way the playground makes a Redis client (`--redis-url`): rooms, address limits, lab.

Every user of Redis here wants the same thing from a lost connection: to hear about it, at once.
So the client has a deadline on connecting and on every reply (`timeout`), and redis-py's own
silent retry is turned off (`retries=0`): each caller decides what a failure means for it (the
chat closes its members, the address limits count per process, the lab answers 503).

The pool is bounded (`max_connections`): without a bound, 300 requests in flight opened 208
connections to Redis from one process. At the bound a call waits for a free connection, up to
the same `timeout`, then fails like any unreachable Redis."""

from __future__ import annotations

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

DEFAULT_MAX_CONNECTIONS = 32


def make_client(url: str, timeout: float, max_connections: int = DEFAULT_MAX_CONNECTIONS) -> redis.Redis:
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
