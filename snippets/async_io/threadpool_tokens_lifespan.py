"""Changing the threadpool's size: set `total_tokens` in the lifespan.

The limiter belongs to the running event loop (AnyIO keeps it in a `RunVar`), so it must be set
from code that runs on the server's loop, once: the lifespan is that place. Each worker process
has its own loop, hence its own limiter: `--workers 4` means 4 x 40 threads.
"""

import asyncio
from contextlib import asynccontextmanager

import anyio.to_thread
import httpx
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = 100
    yield
    limiter.total_tokens = 40  # only matters where the loop outlives the app: tests, this page


app = FastAPI(lifespan=lifespan)


@app.get("/tokens")
async def tokens() -> dict[str, int]:
    return {"total_tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}


async def main() -> None:
    print(f"before startup: {anyio.to_thread.current_default_thread_limiter().total_tokens:.0f}")
    async with app.router.lifespan_context(app):  # what the server runs at startup and shutdown
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            print(f"during requests: {(await client.get('/tokens')).json()}")
    print(f"after shutdown: {anyio.to_thread.current_default_thread_limiter().total_tokens:.0f}")


asyncio.run(main())
#> before startup: 40
#> during requests: {'total_tokens': 100}
#> after shutdown: 40
