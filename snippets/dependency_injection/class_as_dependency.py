"""A class as a dependency: FastAPI calls the class, so its `__init__`
parameters become query parameters, and the endpoint gets an instance.
`Depends()` with no argument means "call the annotated type".
"""

import asyncio
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI


class ItemFilter:
    def __init__(self, q: str | None = None, skip: int = 0, limit: int = 10) -> None:
        self.q, self.skip, self.limit = q, skip, limit

    def apply(self, items: list[str]) -> list[str]:
        found = [item for item in items if self.q is None or self.q in item]
        return found[self.skip : self.skip + self.limit]


app = FastAPI()
ITEMS = ["plumbus", "portal gun", "portal fluid", "meeseeks box"]


@app.get("/items")
async def list_items(filters: Annotated[ItemFilter, Depends()]) -> list[str]:
    # Depends() here is short for Depends(ItemFilter)
    return filters.apply(ITEMS)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        print((await client.get("/items", params={"q": "portal"})).json())
        print((await client.get("/items", params={"skip": 2})).json())


asyncio.run(main())
#> ['portal gun', 'portal fluid']
#> ['portal fluid', 'meeseeks box']
