"""When does the code after `yield` run? Drive the app with raw ASGI messages
and watch.

FastAPI 0.165 (since 0.118): after the response is sent *and* after the
background tasks. With `Depends(..., scope="function")` (since 0.121): right
after the endpoint returns, before the response is sent. (0.106-0.117 ran it
before sending; before 0.106, after everything.)
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, FastAPI

app = FastAPI()


async def session() -> AsyncIterator[str]:
    yield "session"
    print("  cleanup after yield (scope='request', the default)")


async def short_session() -> AsyncIterator[str]:
    yield "session"
    print("  cleanup after yield (scope='function')")


def send_email(to: str) -> None:
    print(f"  background task: email {to}")


@app.post("/default")
async def default(db: Annotated[str, Depends(session)], tasks: BackgroundTasks) -> str:
    tasks.add_task(send_email, "ana")
    return db


@app.post("/function")
async def function(
    db: Annotated[str, Depends(short_session, scope="function")], tasks: BackgroundTasks
) -> str:
    tasks.add_task(send_email, "ben")
    return db


async def post(path: str) -> None:
    """Play uvicorn: hand the app a request, print every message it sends back."""
    print(f"POST {path}")

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            print(f"  http.response.start  status {message['status']}")
        else:
            print(f"  http.response.body   {message['body']!r}: the client has its answer")

    scope = {"type": "http", "method": "POST", "path": path, "headers": [], "query_string": b""}
    await app(scope, receive, send)


async def main() -> None:
    await post("/default")
    await post("/function")


asyncio.run(main())
#> POST /default
#>   http.response.start  status 200
#>   http.response.body   b'"session"': the client has its answer
#>   background task: email ana
#>   cleanup after yield (scope='request', the default)
#> POST /function
#>   cleanup after yield (scope='function')
#>   http.response.start  status 200
#>   http.response.body   b'"session"': the client has its answer
#>   background task: email ben
# Predict first: when does the cleanup after yield run, for each scope?
