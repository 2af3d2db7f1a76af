"""A per-address rate limit shared by every process, counted in Redis: the `limits` library's
Redis storage against a token bucket written as one Lua script, on the same redis-server.

The question (issue 11): when the guards' per-address limits must hold across processes, use
`limits` or our own Lua? Both are measured doing the same job — one `hit` per request, for many
addresses, from many concurrent tasks through redis-py's asyncio client — and the table shows
hits per second and latency (p50/p99) for each:

* `limits` moving window (`MovingWindowRateLimiter`, exact, a Lua script over a list per key);
* `limits` fixed window (`FixedWindowRateLimiter`, INCR + EXPIRE: cheapest, bursts at edges);
* our token bucket (`address_limits_redis.TAKE`, the one the guards use with `--redis-url`: the
  semantics of `token_bucket.TokenBucket` — a sustained rate with a burst on top — in one EVALSHA
  on Redis's clock).

It also shows that each one refuses what it should: of twice `burst` hits sent at once from
one address, about `burst` are allowed (the token bucket a few more: it refills while they
run). A redis-server is started on a free loopback port and stopped at the end.

Usage: .venv/bin/python benchmarks/redis_rate_limit.py [--hits 20000] [--concurrency 50]
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis.asyncio as redis  # noqa: E402
from limits import RateLimitItemPerSecond  # noqa: E402
from limits.aio.storage import RedisStorage  # noqa: E402
from limits.aio.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter  # noqa: E402

from playground.server.address_limits_redis import TAKE as TOKEN_BUCKET  # noqa: E402
from tests.ports import free_port  # noqa: E402
from tests.redis_server import run_redis  # noqa: E402

RATE, BURST = 50, 300  # the playground's HTTP defaults: 50 requests/s, bursts of 300
ADDRESSES = 1000

Hit = Callable[[str], Awaitable[bool]]


async def limiters(url: str) -> dict[str, Hit]:
    storage = RedisStorage("async+" + url, implementation="redispy")
    item = RateLimitItemPerSecond(BURST, 1)  # limits has no burst: BURST per 1-second window
    moving, fixed = MovingWindowRateLimiter(storage), FixedWindowRateLimiter(storage)
    client = redis.Redis.from_url(url)
    bucket = client.register_script(TOKEN_BUCKET)

    async def ours(address: str) -> bool:
        allowed, _wait = await bucket(keys=[f"bench:bucket:{address}"], args=[RATE, BURST])
        return bool(allowed)

    return {
        "limits moving window": lambda address: moving.hit(item, "moving", address),
        "limits fixed window": lambda address: fixed.hit(item, "fixed", address),
        "own Lua token bucket": ours,
    }


async def run(hit: Hit, hits: int, concurrency: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    queue = iter(range(hits))

    async def worker() -> None:
        for number in queue:
            started = time.perf_counter()
            await hit(f"10.0.{number % ADDRESSES // 256}.{number % 256}")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return hits / elapsed, cuts[49] * 1000, cuts[98] * 1000


async def allowed_of_a_flood(hit: Hit, concurrency: int) -> int:
    allowed = 0
    left = iter(range(2 * BURST))

    async def worker() -> None:
        nonlocal allowed
        for _ in left:
            ok = await hit("192.0.2.1")  # awaited first: `allowed += await ...` would lose updates
            allowed += ok

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return allowed


async def measure(hits: int, concurrency: int) -> None:
    with run_redis(free_port()) as server:
        table = await limiters(server.url)
        print(f"{hits} hits over {ADDRESSES} addresses, {concurrency} concurrent tasks, one redis-server on loopback")
        print(f"{'limiter':<24} {'hits/s':>9} {'p50 ms':>8} {'p99 ms':>8}  allowed of {2 * BURST} at once")
        for name, hit in table.items():
            await run(hit, min(hits, 2000), concurrency)  # warm up: scripts loaded, pool filled
            rate, p50, p99 = await run(hit, hits, concurrency)
            print(f"{name:<24} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f}  {await allowed_of_a_flood(hit, concurrency)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(measure(arguments.hits, arguments.concurrency))


if __name__ == "__main__":
    main()
