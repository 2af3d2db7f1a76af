"""FastAPI sends to the threadpool only what *it* calls: `def` endpoints and `def` dependencies.
A `def` helper that your `async def` endpoint calls is an ordinary call, on the loop.

The wrapper counts the trips to the threadpool; it changes nothing else.
"""

import asyncio
import functools
import time

import anyio.to_thread
import httpx
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

trips: list[str] = []
real_run_sync = anyio.to_thread.run_sync


async def counting_run_sync(func, *args, **kwargs):
    call = func.func if isinstance(func, functools.partial) else func
    inner = func.keywords.get("function") if isinstance(func, functools.partial) else None
    trips.append((inner or call).__qualname__)
    return await real_run_sync(func, *args, **kwargs)


def load_report() -> str:
    time.sleep(0.1)  # a sync database call
    return "report"


app = FastAPI()


@app.get("/calls-helper")
async def calls_helper():  # no return type, so no response validation trip
    return load_report()  # an ordinary call: blocks the loop for 0.1 s


@app.get("/hands-helper-over")
async def hands_helper_over():
    return await run_in_threadpool(load_report)  # a thread waits, the loop serves others


@app.get("/def-endpoint")
def def_endpoint():
    return load_report()  # FastAPI called def_endpoint in the threadpool, so this is there too


async def main() -> None:
    anyio.to_thread.run_sync = counting_run_sync  # Starlette looks it up on every call
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            for path in ("/calls-helper", "/hands-helper-over", "/def-endpoint"):
                trips.clear()
                await client.get(path)
                print(f"GET {path}: sent to the threadpool: {trips or 'nothing'}")
    finally:
        anyio.to_thread.run_sync = real_run_sync


asyncio.run(main())
#> GET /calls-helper: sent to the threadpool: nothing
#> GET /hands-helper-over: sent to the threadpool: ['load_report']
#> GET /def-endpoint: sent to the threadpool: ['def_endpoint']
