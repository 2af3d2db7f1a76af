"""Authenticate a websocket the FastAPI way: a dependency reads a cookie or a
query parameter before `accept`, and refuses with WebSocketException(code=1008).

What the *client* gets from a refusal before `accept` is not that 1008: the
server (uvicorn) answers the handshake with HTTP 403, and a browser's close
event reports 1006. The code and reason reach only clients that see the HTTP
answer, like a test client.
"""

import asyncio
from typing import Annotated

from fastapi import Cookie, Depends, FastAPI, Query, WebSocket, WebSocketException, status

app = FastAPI()
SESSIONS = {"s-ada": "ada"}  # session cookie -> user (real code: your session store)
TICKETS = {"t-ben": "ben"}  # one-time ticket -> user (real code: issued by an HTTP endpoint)


async def websocket_user(
    session: Annotated[str | None, Cookie()] = None,
    ticket: Annotated[str | None, Query()] = None,
) -> str:
    user = SESSIONS.get(session or "") or TICKETS.pop(ticket or "", None)  # a ticket works once
    if user is None:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="not signed in")
    return user


@app.websocket("/ws")
async def chat(websocket: WebSocket, user: Annotated[str, Depends(websocket_user)]) -> None:
    await websocket.accept()  # reached only when the dependency returned a user
    await websocket.send_text(f"hello, {user}")
    await websocket.close()


async def connect(label: str, query: bytes = b"", cookie: bytes = b"") -> None:
    """Play the server: what does the app send, and what would the client see?"""
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    sent: list[str] = []

    async def send(message: dict) -> None:
        if message["type"] == "websocket.close" and not sent:
            sent.append(f"close {message['code']} {message['reason']!r} before accept = HTTP 403")
        else:
            sent.append(message["type"].removeprefix("websocket."))

    headers = [(b"cookie", cookie)] if cookie else []
    scope = {"type": "websocket", "path": "/ws", "query_string": query, "headers": headers}
    await app(scope, inbox.get, send)
    print(f"{label:17} {sent}")


async def main() -> None:
    await connect("cookie", cookie=b"session=s-ada")
    await connect("ticket", query=b"ticket=t-ben")
    await connect("same ticket again", query=b"ticket=t-ben")
    await connect("nothing")


asyncio.run(main())
#> cookie            ['accept', 'send', 'close']
#> ticket            ['accept', 'send', 'close']
#> same ticket again ["close 1008 'not signed in' before accept = HTTP 403"]
#> nothing           ["close 1008 'not signed in' before accept = HTTP 403"]
