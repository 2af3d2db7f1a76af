"""`websocket.receive()` hands you the raw message, disconnect included. A loop
that does not check the type calls `receive` again, and Starlette refuses: a
disconnect is the last message. `receive_text()` (and `iter_text()`) raise
WebSocketDisconnect instead, which ends the loop.
"""

import asyncio

from fastapi import FastAPI, WebSocket

app = FastAPI()


@app.websocket("/wrong")
async def wrong(websocket: WebSocket) -> None:
    await websocket.accept()
    while True:
        message = await websocket.receive()  # after the disconnect: one more call...
        print(f"  got {message['type']}")


@app.websocket("/right")
async def right(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        async for text in websocket.iter_text():  # ends quietly at the disconnect
            print(f"  got {text!r}")
    finally:
        print("  cleanup runs")


async def session(path: str) -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    for message in ({"type": "websocket.connect"}, {"type": "websocket.receive", "text": "hi"},
                    {"type": "websocket.disconnect", "code": 1001}):
        inbox.put_nowait(message)

    async def send(message: dict) -> None:
        pass

    print(path)
    try:
        scope = {"type": "websocket", "path": path, "headers": [], "query_string": b""}
        await app(scope, inbox.get, send)
    except RuntimeError as error:
        print(f"  {type(error).__name__}: {error}")


async def main() -> None:
    await session("/wrong")
    await session("/right")


asyncio.run(main())
#> /wrong
#>   got websocket.receive
#>   got websocket.disconnect
#>   WebSocketDisconnected: Cannot call "receive" once a disconnect message has been received.
#> /right
#>   got 'hi'
#>   cleanup runs
# Predict first: what does each endpoint get after the client leaves?
