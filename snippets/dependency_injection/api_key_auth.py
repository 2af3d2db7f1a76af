import asyncio
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException

KEYS = {"k-ada": "ada", "k-linus": "linus"}  # in real life: a database lookup


async def current_user(x_api_key: Annotated[str | None, Header()] = None) -> str:
    """Declared once; FastAPI calls it for every endpoint that depends on it."""
    if x_api_key not in KEYS:
        # A 401 must say how to authenticate (RFC 9110, 15.5.2): FastAPI's own APIKeyHeader
        # sends the same non-standard "APIKey" scheme.
        challenge = {"WWW-Authenticate": "APIKey"}
        raise HTTPException(401, "missing or unknown API key", headers=challenge)
    return KEYS[x_api_key]


app = FastAPI()


@app.get("/me")
async def me(user: Annotated[str, Depends(current_user)]) -> dict[str, str]:
    return {"user": user}


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for headers in ({"X-API-Key": "k-ada"}, {"X-API-Key": "wrong"}, {}):
            response = await client.get("/me", headers=headers)
            challenge = response.headers.get("www-authenticate", "")
            print(response.status_code, response.json(), challenge)


asyncio.run(main())
#> 200 {'user': 'ada'}
#> 401 {'detail': 'missing or unknown API key'} APIKey
#> 401 {'detail': 'missing or unknown API key'} APIKey
