import asyncio
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel


class Page(BaseModel):
    offset: int
    limit: int


def pagination(
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Page:
    """Any callable is a dependency: this one turns query parameters into a checked object."""
    return Page(offset=offset, limit=limit)


app = FastAPI()
ITEMS = [f"item-{number}" for number in range(100)]


@app.get("/items")
async def list_items(page: Annotated[Page, Depends(pagination)]) -> list[str]:
    return ITEMS[page.offset : page.offset + page.limit]


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        ok = await client.get("/items", params={"offset": 98})
        print(ok.status_code, ok.json())
        too_big = await client.get("/items", params={"limit": 500})
        error = too_big.json()["detail"][0]
        print(too_big.status_code, error["loc"], error["msg"])


asyncio.run(main())
#> 200 ['item-98', 'item-99']
#> 422 ['query', 'limit'] Input should be less than or equal to 50
