"""`def` and `async def` dependencies mix freely. FastAPI runs a `def` dependency in its
threadpool (in the browser, which has no threads, it runs inline on the loop)."""

import asyncio
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI


def load_settings() -> dict[str, str]:  # sync: e.g. reads a file
    return {"greeting": "hello"}


async def current_user() -> str:  # async: e.g. awaits a database
    await asyncio.sleep(0)
    return "ada"


app = FastAPI()


@app.get("/greet")
async def greet(
    settings: Annotated[dict[str, str], Depends(load_settings)],
    user: Annotated[str, Depends(current_user)],
) -> str:
    return f"{settings['greeting']}, {user}"


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        print((await client.get("/greet")).json())


asyncio.run(main())
#> hello, ada
