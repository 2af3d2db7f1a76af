# intended: Exactly 50 of 200 concurrent requests get through
import asyncio
from collections import Counter

import httpx
from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()
LIMIT = 50


class Store:
    """A counter store (think Redis): each call is a round trip, so it awaits."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    async def get(self, key: str) -> int:
        await asyncio.sleep(0.001)
        return self.counts.get(key, 0)

    async def set(self, key: str, value: int) -> None:
        await asyncio.sleep(0.001)
        self.counts[key] = value


store = Store()


async def rate_limit(client: str = "anon") -> None:
    async with asyncio.Lock():  # a new lock each request: nobody else ever waits on it
        used = await store.get(client)
        if used >= LIMIT:
            raise HTTPException(status_code=429, detail="too many requests")
        await store.set(client, used + 1)


@app.get("/search", dependencies=[Depends(rate_limit)])
async def search() -> dict[str, str]:
    await asyncio.sleep(0.1)  # the search itself
    return {"results": "..."}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        responses = await asyncio.gather(*(client.get("/search") for _ in range(200)))
    print(Counter(response.status_code for response in responses))


asyncio.run(main())
