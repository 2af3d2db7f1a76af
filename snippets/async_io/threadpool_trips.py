"""How many times one request goes through the threadpool: a `def` endpoint with two `def`
dependencies and a return type.

Every trip borrows a token from AnyIO's default `CapacityLimiter` (40 per event loop) and gives
it back when the function returns. The wrapper below only counts the trips; FastAPI, Starlette
and AnyIO run as they always do.
"""

import asyncio
import functools

import anyio.to_thread
import httpx
from fastapi import Depends, FastAPI

trips: list[str] = []
real_run_sync = anyio.to_thread.run_sync


async def counting_run_sync(func, *args, **kwargs):
    call = func.func if isinstance(func, functools.partial) else func  # Starlette wraps in a partial
    inner = func.keywords.get("function") if isinstance(func, functools.partial) else None
    trips.append((inner or call).__qualname__)
    return await real_run_sync(func, *args, **kwargs)


def get_db() -> str:
    return "db session"


def get_user() -> str:
    return "ana"


app = FastAPI()


@app.get("/orders")
def orders(db: str = Depends(get_db), user: str = Depends(get_user)) -> dict[str, str]:
    return {"user": user, "db": db}


@app.get("/orders-async")
async def orders_async(db: str = Depends(get_db), user: str = Depends(get_user)) -> dict[str, str]:
    return {"user": user, "db": db}


async def main() -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    print(f"tokens in this event loop's threadpool: {limiter.total_tokens:.0f}")
    anyio.to_thread.run_sync = counting_run_sync  # Starlette looks it up on every call
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            for path in ("/orders", "/orders-async"):
                trips.clear()
                await client.get(path)
                print(f"GET {path}: {len(trips)} trips: {', '.join(trips)}")
    finally:
        anyio.to_thread.run_sync = real_run_sync


asyncio.run(main())
#> tokens in this event loop's threadpool: 40
#> GET /orders: 4 trips: get_db, get_user, orders, ModelField.validate
#> GET /orders-async: 2 trips: get_db, get_user
