"""The endpoint's exception is thrown into the dependency at its `yield`. An
`except` that does not re-raise swallows it: the exception handler never runs,
and FastAPI reports only that no response was produced. Re-raise (or raise an
HTTPException of your own).
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


class OutOfStock(Exception):
    pass


@app.exception_handler(OutOfStock)
async def out_of_stock(request: Request, error: OutOfStock) -> JSONResponse:
    return JSONResponse({"detail": f"out of stock: {error}"}, status_code=409)


async def transaction_swallowing() -> AsyncIterator[str]:
    try:
        yield "tx"
    except OutOfStock as error:  # the endpoint's exception arrives here, at the yield
        print(f"  rollback after {error!r}")  # ...and stops here: wrong


async def transaction() -> AsyncIterator[str]:
    try:
        yield "tx"
    except OutOfStock as error:
        print(f"  rollback after {error!r}")
        raise  # right: the exception goes on to the handler


@app.post("/swallowing")
async def buy_swallowing(tx: Annotated[str, Depends(transaction_swallowing)]) -> str:
    raise OutOfStock("teapot")


@app.post("/reraising")
async def buy(tx: Annotated[str, Depends(transaction)]) -> str:
    raise OutOfStock("teapot")


async def main() -> None:
    transport = httpx.ASGITransport(app=app)  # raises what the app raises, as a server logs it
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for path in ("/swallowing", "/reraising"):
            print(f"POST {path}")
            try:
                response = await client.post(path)
                print(f"  {response.status_code} {response.json()}")
            except Exception as error:  # a real server answers 500 and logs this
                print(f"  500, and the log says {type(error).__name__}: {str(error)[:21]}")


asyncio.run(main())
#> POST /swallowing
#>   rollback after OutOfStock('teapot')
#>   500, and the log says FastAPIError: Response not awaited.
#> POST /reraising
#>   rollback after OutOfStock('teapot')
#>   409 {'detail': 'out of stock: teapot'}
# Predict first: what does each endpoint answer when the dependency catches the error?
