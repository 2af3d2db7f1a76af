"""Per-address limits the guards enforce: open websockets (`ws_guard`), request rate (`http_guard`).

`AddressLimits` is the one interface both guards talk to, whatever holds the counts:

* `LocalAddressLimits` (the default: one process, no Redis) counts in this process's memory — a
  `Counter` of open connections and an LRU of token buckets (`ClientBuckets`);
* `address_limits_redis.RedisAddressLimits` (with `--redis-url`) counts in Redis, so the limits
  hold for every process and machine that shares it (its docstring says what happens when Redis
  is unreachable: each process falls back to these in-process limits).

`make_address_limits(settings)` picks one. All methods are coroutines: the Redis store awaits
its round trip, the local one never waits.
"""

from __future__ import annotations

import abc
import functools
import ipaddress
import math
from collections import Counter, OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from playground.server.settings import Settings
from playground.server.token_bucket import TokenBucket

if TYPE_CHECKING:
    import redis.asyncio as redis


@functools.lru_cache(maxsize=4096)
def address_key(host: str) -> str:
    """What every per-address limit counts under: an IPv4 address as it is, an IPv6 address by
    its /64. One subscriber is given a whole /64 and can pick any of its 2^64 addresses, so
    counting single IPv6 addresses would give one client limits without end."""
    if ":" not in host:
        return host
    try:
        address = ipaddress.IPv6Address(host.strip("[]"))
    except ValueError:
        return host
    if address.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is that IPv4 client
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, 64), strict=False))


def client_address(scope: Mapping[str, Any]) -> str:
    """The key for the client of an ASGI scope ("unknown" when the server gave none)."""
    client = scope.get("client")
    return address_key(client[0]) if client else "unknown"


class AddressLimits(abc.ABC):
    """Open connections and a request rate, per client address."""

    @abc.abstractmethod
    async def acquire_connection(self, address: str) -> bool:
        """Count one more open websocket for `address`; False (nothing counted) at the cap."""

    @abc.abstractmethod
    async def release_connection(self, address: str) -> None:
        """One websocket counted by `acquire_connection` for `address` has closed."""

    @abc.abstractmethod
    async def take_request(self, address: str) -> tuple[bool, float]:
        """Take one request from `address`'s bucket: (allowed, seconds until one would be)."""

    async def close(self) -> None:
        """Let go of whatever the store holds (connections to Redis, background tasks)."""
        return None  # the local store holds nothing


class ClientBuckets:
    """One token bucket per client address, least recently used forgotten first."""

    def __init__(self, rate: float, burst: int, max_clients: int) -> None:
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self.buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, address: str) -> bool:
        bucket = self.buckets.get(address)
        if bucket is None:
            bucket = self.buckets[address] = TokenBucket(self.rate, self.burst)
            if len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(address)
        return bucket.take()

    def retry_after(self, address: str) -> float:
        """Seconds until `address`'s bucket holds a whole token again (0 when it does)."""
        bucket = self.buckets.get(address)
        return 0.0 if bucket is None else max(0.0, (1 - bucket.tokens) / bucket.rate)

    def __len__(self) -> int:
        return len(self.buckets)


class LocalAddressLimits(AddressLimits):
    """The limits in this process's memory: right for one process, per process with several."""

    def __init__(self, max_connections: int, rate: float, burst: int, max_clients: int) -> None:
        self.max_connections = max_connections
        self.connections: Counter[str] = Counter()
        self.buckets = ClientBuckets(rate, burst, max_clients)

    async def acquire_connection(self, address: str) -> bool:
        return self.acquire_connection_now(address)

    def acquire_connection_now(self, address: str, held_elsewhere: int = 0) -> bool:
        """`acquire_connection` without a suspension point; `held_elsewhere` counts too."""
        if self.connections[address] + held_elsewhere >= self.max_connections:
            return False
        self.connections[address] += 1
        return True

    async def release_connection(self, address: str) -> None:
        self.release_connection_now(address)

    def release_connection_now(self, address: str) -> bool:
        """Release one connection counted here; False when none was."""
        if self.connections[address] <= 0:
            self.connections.pop(address, None)
            return False
        self.connections[address] -= 1
        if self.connections[address] <= 0:
            del self.connections[address]
        return True

    async def take_request(self, address: str) -> tuple[bool, float]:
        return self.take_request_now(address)

    def take_request_now(self, address: str) -> tuple[bool, float]:
        if self.buckets.take(address):
            return True, 0.0
        return False, self.buckets.retry_after(address)


def local_limits(settings: Settings) -> LocalAddressLimits:
    return LocalAddressLimits(
        settings.ws_max_connections_per_ip,
        settings.http_requests_per_second,
        settings.http_request_burst,
        settings.http_max_clients,
    )


def make_address_limits(settings: Settings, client: redis.Redis | None) -> AddressLimits:
    """In Redis through the process's one `client` when there is one (shared by every process),
    else in this process's memory."""
    if client is not None:
        from playground.server.address_limits_redis import RedisAddressLimits

        return RedisAddressLimits(client, local_limits(settings))
    return local_limits(settings)


def retry_after_header(seconds: float) -> bytes:
    """A Retry-After value: whole seconds, at least 1 (a client told 0 would come straight back)."""
    return str(max(1, math.ceil(seconds))).encode()
