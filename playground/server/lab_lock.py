"""One lab run at a time across processes and machines: a lock in Redis (`--redis-url`).

Inside one process, runs already take turns in a fair line (`lab_queue`). With several processes
each has its own line, so the run at the head of a line also takes this lock before it starts:
`SET <key> <token> NX PX <ttl>` (only one holder; the random token says which), extended by
`ttl / 3` while the run lasts (a Lua compare-and-`PEXPIRE`), released by a Lua compare-and-delete
(never another holder's lock). A process that dies holding it stops extending it, so the lock
frees itself after `ttl`. A Redis that restarts empty loses the lock under a running run: the
next extension takes it back (the same script sets it when nobody holds it), and when another
run took it first, this run is cancelled (`LabLockLost`, 503) rather than overlap it unseen.
The extension runs on a fresh connection after a connection error (`on_a_fresh_connection`).
A run that finds the lock taken waits, trying again every 50-500 ms
(backoff with jitter): the reader sees a slow answer, as with a local line, and can close the
request to leave. Between processes the order is whoever asks first after a release, not strict
arrival order; within a process the line stays first come, first served.

When Redis is unreachable the run is refused with 503 and Retry-After (`LabLockUnavailable`),
logged at most once a minute: the lab is a demonstration, and a run that might overlap another
server's run would show distorted timings without saying so. Without `--redis-url` there is no
lock (`NoLabLock`): the process's own line is the whole lab.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import secrets
from collections.abc import AsyncIterator, Callable

import redis.asyncio as redis
from redis.exceptions import RedisError

from playground.server.limits import OncePerInterval
from playground.server.redis_client import cancellable, on_a_fresh_connection

# KEYS[1]: the lock. ARGV: token, ttl ms. 1 when this token holds it now for ttl more (taking it
# back when nobody holds it: Redis restarted empty), 0 when another run holds it.
EXTEND = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

# KEYS[1]: the lock. ARGV: token. 1 when this token held it (now deleted), else 0.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LabLockUnavailable(Exception):
    """Redis could not be asked whose turn it is: the run did not start."""


class LabLockLost(Exception):
    """Another run took the lock while this one ran (Redis restarted empty): this run was cancelled."""


class NoLabLock:
    """No lock beyond this process's own line: one process, no Redis."""

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        yield

    async def held(self) -> bool:
        """Whether some process's run holds the lab now (no lock here: never)."""
        return False

    async def close(self) -> None:
        return None


class RedisLabLock(NoLabLock):
    """The lock, through `client`: the process's one Redis client (`redis_client`), whose owner
    closes it (this lock's `close` has nothing of its own to close)."""

    def __init__(self, client: redis.Redis, *, key: str = "playground:lab:turn", ttl: float = 10.0) -> None:
        self.key, self.ttl_ms = key, max(1, round(ttl * 1000))
        self.client = client
        self._extend = self.client.register_script(EXTEND)
        self._release = self.client.register_script(RELEASE)
        self._log = OncePerInterval()

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Wait until this run holds the lock, keep it while the block runs, then release it."""
        token = secrets.token_hex(16)
        try:
            await self._acquire(token)
        except (RedisError, OSError) as error:
            self._log.warning("redis", "lab: Redis unreachable (%s): runs refused with 503 until it answers", error)
            raise LabLockUnavailable(str(error)) from error
        host = asyncio.current_task()
        lost = False

        def cancel_the_run() -> None:
            nonlocal lost
            lost = True
            if host is not None:
                host.cancel()

        keeper = asyncio.get_running_loop().create_task(self._keep(token, cancel_the_run))
        try:
            yield
        except asyncio.CancelledError:
            if lost and host is not None and host.uncancel() == 0:  # cancelled by the keeper alone
                raise LabLockLost("another run took the lab's lock (Redis restarted): this run was cancelled") from None
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(RedisError, OSError):  # if this fails, the lock expires by itself
                await self._release(keys=[self.key], args=[token])

    async def held(self) -> bool:
        """Whether a run on any process holds the lock; False when Redis cannot say."""
        try:
            return bool(await self.client.exists(self.key))
        except (RedisError, OSError):
            return False

    async def _acquire(self, token: str) -> None:
        delay = 0.05
        while not await cancellable(self.client.set(self.key, token, nx=True, px=self.ttl_ms)):
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, 0.5)

    async def _keep(self, token: str, cancel_the_run: Callable[[], None]) -> None:
        extend = functools.partial(self._extend, keys=[self.key], args=[token, self.ttl_ms])
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                held = await on_a_fresh_connection(self.client, extend)
            except (RedisError, OSError) as error:
                self._log.warning("redis", "lab: could not extend the run's lock (%s); it expires by itself", error)
                continue
            if not held:
                self._log.warning("lab-lock", "lab: another run took this run's lock (Redis restarted): cancelled")
                cancel_the_run()
                return


def make_lab_turns(client: redis.Redis | None) -> NoLabLock:
    """The lock every process shares when there is Redis, else none beyond the process's line."""
    return RedisLabLock(client) if client is not None else NoLabLock()
