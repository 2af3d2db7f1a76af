import asyncio
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI

calls: list[str] = []


async def settings() -> dict[str, str]:
    calls.append("settings")
    return {"db_url": "sqlite://"}


async def database(config: Annotated[dict[str, str], Depends(settings)]) -> str:
    calls.append("database")
    return f"connection to {config['db_url']}"


async def repository(
    db: Annotated[str, Depends(database)],
    config: Annotated[dict[str, str], Depends(settings)],  # asked for twice...
) -> str:
    calls.append("repository")
    return f"repository over {db}"


app = FastAPI()


@app.get("/")
async def index(repo: Annotated[str, Depends(repository)]) -> str:
    return repo


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        print((await client.get("/")).json())
    print(calls)  # ...built once per request: the result is cached for the request


asyncio.run(main())
#> repository over connection to sqlite://
#> ['settings', 'database', 'repository']
