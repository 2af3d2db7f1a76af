"""A class used as a dependency is called in the threadpool. `Depends(ItemFilter)` calls the class,
and a class is not a coroutine function, so FastAPI runs `ItemFilter(...)` with
`run_in_threadpool`: one of the 40 thread tokens per request, for an `__init__` that only stores
two numbers. `Depends(..., max_concurrency=N)` (FastAPI 0.165) caps how many calls of one
dependency run at once; the others wait on a semaphore, holding no thread.
"""

import asyncio
import threading
import time
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI

app = FastAPI()
running, most = 0, 0  # calls of the slow dependency in progress, and the most at once


class ItemFilter:
    def __init__(self, q: str = "", limit: int = 10) -> None:
        self.q, self.limit = q, limit
        self.thread = threading.current_thread().name


def slow_client() -> str:
    """A sync SDK call: blocks its thread for 0.1 s."""
    global running, most
    running += 1
    most = max(most, running)
    time.sleep(0.1)
    running -= 1
    return "client"


@app.get("/items")
async def items(f: Annotated[ItemFilter, Depends()]) -> dict[str, str]:
    return {"built in": f.thread}


@app.get("/unlimited")
async def unlimited(client: Annotated[str, Depends(slow_client)]) -> str:
    return client


@app.get("/limited")
async def limited(client: Annotated[str, Depends(slow_client, max_concurrency=2)]) -> str:
    return client


async def main() -> None:
    global most
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        built_in = (await client.get("/items?q=lamp")).json()["built in"]
        print(f"ItemFilter.__init__ ran in: {built_in}; the loop runs in: {threading.current_thread().name}")
        for path in ("/unlimited", "/limited"):
            most = 0
            await asyncio.gather(*(client.get(path) for _ in range(6)))
            print(f"6 requests to {path}: at most {most} calls of slow_client at once")


asyncio.run(main())
#> ItemFilter.__init__ ran in: AnyIO worker thread; the loop runs in: MainThread
#> 6 requests to /unlimited: at most 6 calls of slow_client at once
#> 6 requests to /limited: at most 2 calls of slow_client at once
