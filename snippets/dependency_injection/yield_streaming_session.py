"""A `yield` dependency's session used by a `StreamingResponse`: the stream runs *after* the
endpoint returned. With `scope="function"` the session is closed before the first row is sent;
with the default (`scope="request"`) it closes after the last one. And nested `yield`
dependencies finish in the reverse order they started: the session before the engine it uses.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI
from fastapi.responses import StreamingResponse

app = FastAPI()


class Session:
    """A stand-in for a database session: rows come lazily, and only while it is open."""

    def __init__(self) -> None:
        self.is_open = True

    async def rows(self) -> AsyncIterator[str]:
        for n in range(1, 3):
            if not self.is_open:
                raise RuntimeError("the session is closed")
            yield f"row {n}\n"


async def engine() -> AsyncIterator[str]:
    print("  engine: connect")
    try:
        yield "engine"
    finally:
        print("  engine: dispose")  # last: the session below still used it


async def session(db_engine: Annotated[str, Depends(engine)]) -> AsyncIterator[Session]:
    print("  session: open")
    db = Session()
    try:
        yield db
    finally:
        db.is_open = False
        print("  session: close")


@app.get("/short")
async def short(db: Annotated[Session, Depends(session, scope="function")]) -> StreamingResponse:
    return StreamingResponse(db.rows())  # the rows are read after this returns


@app.get("/whole-request")
async def whole_request(db: Annotated[Session, Depends(session)]) -> StreamingResponse:
    return StreamingResponse(db.rows())


async def get(path: str) -> None:
    """Play uvicorn: hand the app a request, print what it sends back."""
    print(f"GET {path}")

    async def receive() -> dict:
        await asyncio.Event().wait()  # no disconnect while the response streams
        return {}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            print(f"  sent: status {message['status']}")
        elif message["body"]:
            print(f"  sent: {message['body']!r}")

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    try:
        await app(scope, receive, send)
    except RuntimeError as error:
        print(f"  the stream broke after the 200: {error}")


async def main() -> None:
    await get("/short")
    await get("/whole-request")


asyncio.run(main())
#> GET /short
#>   engine: connect
#>   session: open
#>   session: close
#>   sent: status 200
#>   engine: dispose
#>   the stream broke after the 200: the session is closed
#> GET /whole-request
#>   engine: connect
#>   session: open
#>   sent: status 200
#>   sent: b'row 1\n'
#>   sent: b'row 2\n'
#>   session: close
#>   engine: dispose
