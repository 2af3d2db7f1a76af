import asyncio
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException

app = FastAPI()
admin = APIRouter(prefix="/admin")
checks: list[str] = []  # one entry per time the key was checked


async def require_admin_key(x_admin_key: Annotated[str | None, Header()] = None) -> None:
    checks.append(x_admin_key or "")
    if x_admin_key != "s3cret":
        raise HTTPException(status_code=401, detail="admin key required")


@admin.get("/users", dependencies=[Depends(require_admin_key)])
async def list_users() -> list[str]:
    return ["ada", "grace"]


@admin.delete("/users/{name}")  # forgotten: anyone may delete
async def delete_user(name: str) -> dict[str, str]:
    return {"deleted": name}


app.include_router(admin)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        print((await client.get("/admin/users")).status_code)
        print((await client.delete("/admin/users/ada")).status_code)


asyncio.run(main())
