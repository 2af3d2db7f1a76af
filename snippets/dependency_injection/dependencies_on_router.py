"""Dependencies whose value nobody needs: `dependencies=[...]` on a path
operation, on an APIRouter (every route in it), or on the app. And an
`Annotated` alias, written once.
"""

import asyncio
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException

calls: list[str] = []


async def verify_key(x_key: Annotated[str, Header()] = "") -> None:
    calls.append("verify_key")
    if x_key != "secret":
        raise HTTPException(401, "bad key", headers={"WWW-Authenticate": "APIKey"})


async def audit() -> None:
    calls.append("audit")


async def current_user() -> str:
    calls.append("current_user")
    return "ada"


CurrentUser = Annotated[str, Depends(current_user)]  # an alias: reuse it in every signature

admin = APIRouter(prefix="/admin", dependencies=[Depends(verify_key)])  # every admin route


@admin.delete("/cache", dependencies=[Depends(audit)])  # this path operation only
async def clear_cache(user: CurrentUser) -> str:
    return f"cleared by {user}"


app = FastAPI()
app.include_router(admin)


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for key in ("secret", "guess"):
            calls.clear()
            response = await client.delete("/admin/cache", headers={"X-Key": key})
            print(response.status_code, response.json(), calls)


asyncio.run(main())
#> 200 cleared by ada ['verify_key', 'audit', 'current_user']
#> 401 {'detail': 'bad key'} ['verify_key']
