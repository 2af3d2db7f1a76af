"""Authenticate a non-browser websocket client (a service, a CLI, a mobile app) with the
`Authorization` header. A browser's `WebSocket` cannot set headers; every other client can —
`websockets.connect(url, additional_headers=...)` here. A `Header()` dependency checks it before
`accept`, as an HTTP route would.

The wrong way for such a client is the browser's workaround, the token in the query string:
uvicorn writes the path *with its query string* to its log for every websocket, so the token ends
up in the server's logs. Against a real uvicorn, its log lines captured:
"""

import asyncio
import logging
import socket
from typing import Annotated

import uvicorn
import websockets
from fastapi import Depends, FastAPI, Header, Query, WebSocket, WebSocketException, status

app = FastAPI()
TOKENS = {"secret-ada": "ada"}  # real code: verify a signed token, or look it up
log_lines: list[str] = []


def user_from(token: str | None) -> str:
    if (user := TOKENS.get(token or "")) is None:
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="not signed in")
    return user


def query_user(token: Annotated[str | None, Query()] = None) -> str:
    return user_from(token)


def header_user(authorization: Annotated[str | None, Header()] = None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    return user_from(token if scheme.lower() == "bearer" else None)


@app.websocket("/ws-query")
async def with_query(websocket: WebSocket, user: Annotated[str, Depends(query_user)]) -> None:
    await websocket.accept()
    await websocket.send_text(f"hello, {user}")
    await websocket.close()


@app.websocket("/ws-header")
async def with_header(websocket: WebSocket, user: Annotated[str, Depends(header_user)]) -> None:
    await websocket.accept()
    await websocket.send_text(f"hello, {user}")
    await websocket.close()


class Captured(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if '"WebSocket ' in message:
            log_lines.append(message.partition(" - ")[2])  # without the client's port


async def main() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None))  # keep our handler
    logging.getLogger("uvicorn.error").addHandler(Captured())
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)
    logging.getLogger("uvicorn.error").propagate = False  # ours only: nothing to stderr
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    base = f"ws://127.0.0.1:{port}"

    async with websockets.connect(f"{base}/ws-query?token=secret-ada") as ws:
        print(f"query string: {await ws.recv()}")
    async with websockets.connect(f"{base}/ws-header", additional_headers={"Authorization": "Bearer secret-ada"}) as ws:
        print(f"header      : {await ws.recv()}")
    try:
        async with websockets.connect(f"{base}/ws-header", additional_headers={"Authorization": "Bearer wrong"}):
            pass
    except websockets.InvalidStatus as refused:
        print(f"wrong token : refused with HTTP {refused.response.status_code}")
    server.should_exit = True
    await serving
    print("uvicorn's log:")
    for line in log_lines:
        print(f"  {line}")


asyncio.run(main())
#> query string: hello, ada
#> header      : hello, ada
#> wrong token : refused with HTTP 403
#> uvicorn's log:
#>   "WebSocket /ws-query?token=secret-ada" [accepted]
#>   "WebSocket /ws-header" [accepted]
#>   "WebSocket /ws-header" 403
