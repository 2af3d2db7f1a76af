"""A websocket endpoint is an ASGI app that trades messages: drive one by hand to see them."""

import asyncio

from fastapi import FastAPI, WebSocket

app = FastAPI()


@app.websocket("/ws")
async def shout(websocket: WebSocket) -> None:
    await websocket.accept()
    text = await websocket.receive_text()
    await websocket.send_text(text.upper())
    await websocket.close(code=1000)


async def main() -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()  # what the "server" (uvicorn) delivers

    async def send(message: dict) -> None:  # what the app hands back to the server
        print("app sent   ", message)

    for message in ({"type": "websocket.connect"}, {"type": "websocket.receive", "text": "hi"}):
        inbox.put_nowait(message)
    scope = {"type": "websocket", "path": "/ws", "headers": [], "query_string": b""}
    await app(scope, inbox.get, send)


asyncio.run(main())
#> app sent    {'type': 'websocket.accept', 'subprotocol': None, 'headers': []}
#> app sent    {'type': 'websocket.send', 'text': 'HI'}
#> app sent    {'type': 'websocket.close', 'code': 1000, 'reason': ''}
