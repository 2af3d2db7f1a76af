"""A server that pushes updates *and* listens at the same time: two tasks on one connection.

A plain `while True: receive()` loop cannot send until a message arrives. Run a reader and a
writer side by side in a TaskGroup; when the client leaves, the reader ends and the group
cancels the writer.
"""

import asyncio

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()


@app.websocket("/ws/prices")
async def prices(websocket: WebSocket) -> None:
    await websocket.accept()
    subscribed = asyncio.Event()

    async def reader() -> None:
        while True:
            text = await websocket.receive_text()  # raises WebSocketDisconnect when they leave
            print(f"server got {text!r}")
            subscribed.set()

    async def writer() -> None:
        await subscribed.wait()
        for price in (101, 102, 103):
            await websocket.send_text(f"price {price}")
            await asyncio.sleep(0.05)

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(reader())
            group.create_task(writer())
    except* WebSocketDisconnect:
        print("client left: reader and writer are both done")


async def main() -> None:
    to_server: asyncio.Queue[dict] = asyncio.Queue()
    received = 0

    async def from_server(message: dict) -> None:
        nonlocal received
        if message["type"] == "websocket.send":
            print(f"client got {message['text']!r}")
            received += 1
            if received == 3:
                to_server.put_nowait({"type": "websocket.disconnect", "code": 1000})

    to_server.put_nowait({"type": "websocket.connect"})
    to_server.put_nowait({"type": "websocket.receive", "text": "subscribe"})
    scope = {"type": "websocket", "path": "/ws/prices", "headers": [], "query_string": b""}
    await app(scope, to_server.get, from_server)


asyncio.run(main())
#> server got 'subscribe'
#> client got 'price 101'
#> client got 'price 102'
#> client got 'price 103'
#> client left: reader and writer are both done
# Predict first: in what order do the reader and the writer print?
