"""The same wait written three ways, three requests at once to each.

`async def` + `await`: the loop serves the others while it waits.
`def` + a blocking call: FastAPI runs it in the threadpool; a thread waits, not the loop.
`async def` + a blocking call: runs on the loop itself; the requests take turns.
"""

import asyncio
import time

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/async-awaits")
async def async_awaits() -> str:
    await asyncio.sleep(0.3)  # an async driver (httpx.AsyncClient, asyncpg, ...)
    return "ok"


@app.get("/def-blocks")
def def_blocks() -> str:
    time.sleep(0.3)  # a sync driver (requests, psycopg2, ...): fine in def
    return "ok"


@app.get("/async-blocks")
async def async_blocks() -> str:
    time.sleep(0.3)  # the same sync driver in async def: the mistake
    return "ok"


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for path in ("/async-awaits", "/def-blocks", "/async-blocks"):
            start = time.perf_counter()
            await asyncio.gather(*(client.get(path) for _ in range(3)))
            print(f"3 requests to {path:<13}: {time.perf_counter() - start:.1f}s")


asyncio.run(main())
#> 3 requests to /async-awaits: 0.3s
#> 3 requests to /def-blocks  : 0.3s
#> 3 requests to /async-blocks: 0.9s
