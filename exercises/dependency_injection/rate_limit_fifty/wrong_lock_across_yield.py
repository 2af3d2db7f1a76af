# intended: The requests still wait together
import asyncio
from collections import Counter
from collections.abc import AsyncIterator

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


lock = asyncio.Lock()


async def rate_limit(client: str = "anon") -> AsyncIterator[None]:
    async with lock:  # held across the yield: until the response, every other request waits
        used = await store.get(client)
        if used >= LIMIT:
            raise HTTPException(status_code=429, detail="too many requests")
        await store.set(client, used + 1)
        yield


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
