"""Why a `def __call__` limiter needs a lock: FastAPI runs `def` dependencies in
its threadpool.

200 requests from one client arrive at once; the limit is 50. Each thread reads
the count, checks it and writes it back. Between the read and the write another
thread may run — here `time.sleep(0)` stands for anything that lets it (a log
line, any I/O, or simply the GIL's switch interval running out) — so several
threads see the same count and all pass.
"""

import asyncio
import threading
import time

import httpx
from fastapi import Depends, FastAPI, HTTPException


class NaiveLimiter:
    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0

    def __call__(self) -> None:  # `def`: FastAPI runs it in a worker thread
        seen = self.count  # read...
        if seen >= self.limit:  # ...check...
            raise HTTPException(429, "too many requests")
        time.sleep(0)  # another thread may run here
        self.count = seen + 1  # ...write: maybe over another thread's write


class LockedLimiter(NaiveLimiter):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:  # read-check-write as one step: one thread at a time
            super().__call__()


class AsyncLimiter(NaiveLimiter):
    async def __call__(self) -> None:  # `async def`: runs on the event loop, never in a thread
        seen = self.count  # no await until the write: no other request can run in between
        if seen >= self.limit:
            raise HTTPException(429, "too many requests")
        self.count = seen + 1


async def let_through(limiter: NaiveLimiter) -> int:
    app = FastAPI()

    @app.get("/search", dependencies=[Depends(limiter)])
    async def search() -> str:
        return "results"

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        responses = await asyncio.gather(*(client.get("/search") for _ in range(200)))
    return sum(response.status_code == 200 for response in responses)


async def main() -> None:
    naive = await let_through(NaiveLimiter(limit=50))
    print(f"def, no lock:     more than 50 let through: {naive > 50}")
    print(f"def + Lock:       {await let_through(LockedLimiter(limit=50))} let through")
    print(f"async def:        {await let_through(AsyncLimiter(limit=50))} let through")


asyncio.run(main())
#> def, no lock:     more than 50 let through: True
#> def + Lock:       50 let through
#> async def:        50 let through
