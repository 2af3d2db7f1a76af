"""The one way the playground makes a Redis client (`--redis-url`): rooms, address limits, lab.

Every user of Redis here wants the same thing from a lost connection: to hear about it, at once.
So the client has a deadline on connecting and on every reply (`timeout`), and redis-py's own
silent retry is turned off (`retries=0`): each caller decides what a failure means for it (the
chat closes its members, the address limits count per process, the lab answers 503)."""

from __future__ import annotations

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def make_client(url: str, timeout: float) -> redis.Redis:
    """A client for `url` (decoded replies) that fails within `timeout` seconds instead of waiting."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),  # no silent reconnect: a lost connection is reported
    )
