import asyncio
import time

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request


class RateLimiter:
    """At most `limit` requests per client in any `window` seconds. A class instance is a
    dependency too: FastAPI calls it like a function, and it keeps its state between requests."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.seen: dict[str, list[float]] = {}

    def __call__(self, request: Request) -> None:
        client = request.headers.get("x-client-id", "anonymous")  # real code: the API key or IP
        now = time.monotonic()
        recent = [t for t in self.seen.get(client, []) if now - t < self.window]
        if len(recent) >= self.limit:
            retry = self.window - (now - recent[0])
            raise HTTPException(429, "too many requests", headers={"Retry-After": str(int(retry) + 1)})
        self.seen[client] = [*recent, now]


app = FastAPI()
limited = Depends(RateLimiter(limit=3, window=60))


@app.get("/search", dependencies=[limited])
async def search() -> dict[str, str]:
    return {"results": "..."}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for client_id in ("ana", "ana", "ana", "ana", "ben"):
            response = await client.get("/search", headers={"X-Client-Id": client_id})
            print(client_id, response.status_code, response.headers.get("retry-after", "-"))


asyncio.run(main())
#> ana 200 -
#> ana 200 -
#> ana 200 -
#> ana 429 60
#> ben 200 -
