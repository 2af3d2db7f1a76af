import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI

app = FastAPI()


async def session() -> AsyncIterator[str]:
    print("open session")
    try:
        yield "session-1"  # the endpoint runs while the dependency is suspended here
    finally:
        print("close session")  # runs after the endpoint, even when it raised


@app.get("/orders")
async def orders(db: Annotated[str, Depends(session)]) -> dict[str, str]:
    print(f"endpoint uses {db}")
    return {"db": db}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        response = await client.get("/orders")
    print(response.status_code, response.json())


asyncio.run(main())
#> open session
#> endpoint uses session-1
#> close session
#> 200 {'db': 'session-1'}
