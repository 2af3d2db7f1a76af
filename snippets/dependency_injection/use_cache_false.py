import asyncio
import itertools
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI

counter = itertools.count(1)


def request_id() -> int:
    return next(counter)


app = FastAPI()


@app.get("/")
async def index(
    first: Annotated[int, Depends(request_id)],
    again: Annotated[int, Depends(request_id)],  # same dependency: cached, called once
    fresh: Annotated[int, Depends(request_id, use_cache=False)],  # called again
) -> list[int]:
    return [first, again, fresh]


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        print((await client.get("/")).json())
        print((await client.get("/")).json())  # a new request: a new cache


asyncio.run(main())
#> [1, 1, 2]
#> [3, 3, 4]
