import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()
opened: list["Connection"] = []  # every connection made, to see which were closed


class Connection:
    def __init__(self) -> None:
        self.closed = False
        opened.append(self)

    async def close(self) -> None:
        self.closed = True


async def get_connection() -> AsyncIterator[Connection]:
    connection = Connection()
    try:
        yield connection  # the endpoint's exception is raised here, at the yield
    finally:
        await connection.close()  # runs on success and on error alike


@app.get("/items/{item_id}")
async def read_item(item_id: int, connection: Annotated[Connection, Depends(get_connection)]) -> dict[str, int]:
    if item_id > 100:
        raise HTTPException(status_code=404, detail="no such item")
    return {"item_id": item_id}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for item_id in (1, 404):
            response = await client.get(f"/items/{item_id}")
            print(item_id, response.status_code)
    print("closed:", [connection.closed for connection in opened])


asyncio.run(main())
