"""A send-only endpoint never reads, so it never sees the client's goodbye: the
disconnect message waits, unread, and the endpoint learns only when a later send
fails. Watch `receive` in a second task and stop at once.

The fake server below does what uvicorn does: after the client left, a send
raises an OSError, which Starlette turns into WebSocketDisconnect(1006).
"""

import asyncio

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
TICK_S = 0.3


@app.websocket("/naive")
async def naive(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        for tick in range(1, 100):
            await websocket.send_text(f"tick {tick}")  # the only place it can notice
            await asyncio.sleep(TICK_S)  # meanwhile: queries, work, for a client long gone
    except WebSocketDisconnect as gone:
        print(f"  naive: noticed at its next send, code {gone.code}")


@app.websocket("/watching")
async def watching(websocket: WebSocket) -> None:
    await websocket.accept()

    async def ticks() -> None:
        for tick in range(1, 100):
            await websocket.send_text(f"tick {tick}")
            await asyncio.sleep(TICK_S)

    sender = asyncio.create_task(ticks())
    while (message := await websocket.receive())["type"] != "websocket.disconnect":
        pass  # a send-only endpoint ignores what the client sends, but still reads
    sender.cancel()  # the client left: stop working for it
    print(f"  watching: noticed at once, code {message['code']}")


async def session(path: str) -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    loop = asyncio.get_running_loop()
    left_at = 0.0

    async def send(message: dict) -> None:
        nonlocal left_at
        if left_at:
            raise OSError("the client is gone")  # what uvicorn raises: ClientDisconnected
        if message["type"] == "websocket.send":  # the client reads one tick and closes the tab
            left_at = loop.time()
            inbox.put_nowait({"type": "websocket.disconnect", "code": 1001})

    print(path)
    scope = {"type": "websocket", "path": path, "headers": [], "query_string": b""}
    await app(scope, inbox.get, send)
    print(f"  {loop.time() - left_at:.1f}s after the client left")


async def main() -> None:
    await session("/naive")
    await session("/watching")


asyncio.run(main())
#> /naive
#>   naive: noticed at its next send, code 1006
#>   0.3s after the client left
#> /watching
#>   watching: noticed at once, code 1001
#>   0.0s after the client left
# Predict first: which close code does each endpoint see, and when?
