"""A client that goes away is a `websocket.disconnect` message; Starlette turns it into
`WebSocketDisconnect` at the next receive, with the close code the client sent."""

import asyncio

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
online: set[str] = set()


@app.websocket("/ws/{user}")
async def presence(websocket: WebSocket, user: str) -> None:
    await websocket.accept()
    online.add(user)
    try:
        while True:
            print(f"{user} says {await websocket.receive_text()!r}")
    except WebSocketDisconnect as gone:
        online.discard(user)  # clean up, or the user stays "online" forever
        print(f"{user} left with code {gone.code}; online now: {sorted(online)}")


async def main() -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    for message in ({"type": "websocket.connect"}, {"type": "websocket.receive", "text": "hi"},
                    {"type": "websocket.disconnect", "code": 1001}):  # 1001: the tab was closed
        inbox.put_nowait(message)

    async def send(message: dict) -> None:
        pass

    scope = {"type": "websocket", "path": "/ws/ana", "headers": [], "query_string": b""}
    await app(scope, inbox.get, send)


asyncio.run(main())
#> ana says 'hi'
#> ana left with code 1001; online now: []
