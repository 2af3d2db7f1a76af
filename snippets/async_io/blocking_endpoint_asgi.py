"""The same three requests to two FastAPI endpoints: one awaits, one calls `time.sleep`."""

import asyncio
import time

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/awaits")
async def awaits() -> str:
    await asyncio.sleep(0.3)  # the loop serves the other requests meanwhile
    return "ok"


@app.get("/blocks")
async def blocks() -> str:
    time.sleep(0.3)  # a sync call in async def: the loop, and every request on it, stops
    return "ok"


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for path in ("/awaits", "/blocks"):
            start = time.perf_counter()
            await asyncio.gather(*(client.get(path) for _ in range(3)))
            print(f"3 requests to {path}: {time.perf_counter() - start:.1f}s")


asyncio.run(main())
#> 3 requests to /awaits: 0.3s
#> 3 requests to /blocks: 0.9s
