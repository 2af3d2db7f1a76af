import asyncio

from fastapi import FastAPI, WebSocket

app = FastAPI()


@app.websocket("/ticker")
async def ticker(websocket: WebSocket) -> None:
    await websocket.accept()
    n = 0
    while True:  # pushes a tick every 0.1 s, and never reads what the client says
        await websocket.send_text(f"tick {n}")
        n += 1
        await asyncio.sleep(0.1)


async def main() -> None:
    # A client, by hand (ASGI messages, as uvicorn would deliver them): it says "hi", listens
    # for a quarter of a second, then leaves.
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    outbox: asyncio.Queue[dict] = asyncio.Queue()
    scope = {"type": "websocket", "path": "/ticker", "headers": [], "query_string": b""}
    server = asyncio.create_task(app(scope, inbox.get, outbox.put))
    inbox.put_nowait({"type": "websocket.connect"})
    inbox.put_nowait({"type": "websocket.receive", "text": "hi"})
    await asyncio.sleep(0.25)
    while not outbox.empty():
        message = outbox.get_nowait()
        print(message["type"], message.get("text", ""))
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(server, 1.0)  # the endpoint must notice that the client left, and return


asyncio.run(main())
