import asyncio
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI


def get_database() -> str:
    return "production database"


def make_database_dependency():  # a factory: each call returns a *new* function
    def database() -> str:
        return "production database"

    return database


app = FastAPI()


@app.get("/a")
async def route_a(db: Annotated[str, Depends(get_database)]) -> str:
    return db


@app.get("/b")
async def route_b(db: Annotated[str, Depends(make_database_dependency())]) -> str:
    return db


async def main() -> None:
    # In a test: replace the dependency, keyed by the very function the route depends on.
    app.dependency_overrides[get_database] = lambda: "test database"
    # This override never applies: it names a new function, not the one route_b captured.
    app.dependency_overrides[make_database_dependency()] = lambda: "test database"

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        print("a:", (await client.get("/a")).json())
        print("b:", (await client.get("/b")).json())
    app.dependency_overrides.clear()


asyncio.run(main())
#> a: test database
#> b: production database
