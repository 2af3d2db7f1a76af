"""A rate limiter as a class dependency: correct under concurrency, and with
bounded memory.

`async def __call__` runs on the event loop, one request at a time between
awaits, and there is no await between reading a client's window and writing it
back: no race, no lock. (A `def __call__` would run in FastAPI's threadpool,
where threads interleave: see rate_limiter_race_terminal.py.) Memory stays
bounded: clients are kept in least-recently-seen order, those idle for a whole
window are forgotten, and at most `max_clients` are remembered.
"""

import asyncio
import time
from collections import OrderedDict, deque

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request


class RateLimiter:
    """At most `limit` requests per client in any `window` seconds."""

    def __init__(self, limit: int, window: float, max_clients: int = 10_000) -> None:
        self.limit, self.window, self.max_clients = limit, window, max_clients
        self.seen: OrderedDict[str, deque[float]] = OrderedDict()  # oldest-seen client first

    async def __call__(self, request: Request) -> None:
        client = request.headers.get("x-client-id", "anonymous")  # real code: the API key or IP
        now = time.monotonic()
        times = self.seen.get(client)
        if times is None:  # a new client: make room first, so memory never grows past the cap
            self._make_room(now)
            times = self.seen[client] = deque()
        self.seen.move_to_end(client)  # most recently seen last
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.limit:
            retry = int(self.window - (now - times[0])) + 1
            raise HTTPException(429, "too many requests", headers={"Retry-After": str(retry)})
        times.append(now)

    def _make_room(self, now: float) -> None:
        while self.seen:
            oldest, times = next(iter(self.seen.items()))
            idle = not times or now - times[-1] >= self.window
            if not idle and len(self.seen) < self.max_clients:
                return
            del self.seen[oldest]  # idle for a whole window (nothing to forget), or over the cap


app = FastAPI()
limiter = RateLimiter(limit=3, window=60, max_clients=2)


@app.get("/search", dependencies=[Depends(limiter)])
async def search() -> dict[str, str]:
    return {"results": "..."}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for client_id in ("ana", "ana", "ana", "ana", "ben", "cy"):
            response = await client.get("/search", headers={"X-Client-Id": client_id})
            print(client_id, response.status_code, response.headers.get("retry-after", "-"))
    print("remembered:", list(limiter.seen))  # the cap of 2 pushed ana out


asyncio.run(main())
#> ana 200 -
#> ana 200 -
#> ana 200 -
#> ana 429 60
#> ben 200 -
#> cy 200 -
#> remembered: ['ben', 'cy']
