"""Authenticate with the first message, and do not wait for it forever.

Accept, then give the client a few seconds to send its token. A client that
connects and says nothing would otherwise hold a connection (and a task) open
for as long as it likes.
"""

import asyncio
import json

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()
TOKENS = {"t-123": "ada"}
FIRST_MESSAGE_TIMEOUT_S = 0.2  # real code: a few seconds


@app.websocket("/ws")
async def secured(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        async with asyncio.timeout(FIRST_MESSAGE_TIMEOUT_S):
            first = json.loads(await websocket.receive_text())
    except TimeoutError:
        await websocket.close(code=1008, reason="no token in time")
        return
    except (WebSocketDisconnect, ValueError):
        return  # gone, or not JSON: nothing to answer
    user = TOKENS.get(first.get("token"))
    if user is None:
        await websocket.close(code=1008, reason="invalid token")
        return
    await websocket.send_text(f"welcome, {user}")
    await websocket.close()


async def client(label: str, *messages: dict) -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    for message in ({"type": "websocket.connect"}, *messages):
        inbox.put_nowait(message)
    seen: list[str] = []

    async def send(message: dict) -> None:
        if message["type"] == "websocket.close":
            seen.append(f"close {message['code']} {message['reason']}".strip())
        else:
            seen.append(message.get("text") or message["type"])

    scope = {"type": "websocket", "path": "/ws", "query_string": b"", "headers": []}
    started = asyncio.get_running_loop().time()
    await app(scope, inbox.get, send)
    elapsed = asyncio.get_running_loop().time() - started
    print(f"{label:12} after {elapsed:.1f}s: {seen[1:]}")  # seen[0] is the accept


async def main() -> None:
    await client("token", {"type": "websocket.receive", "text": '{"token": "t-123"}'})
    await client("wrong token", {"type": "websocket.receive", "text": '{"token": "guess"}'})
    await client("silent")  # connects, never speaks


asyncio.run(main())
#> token        after 0.0s: ['welcome, ada', 'close 1000']
#> wrong token  after 0.0s: ['close 1008 invalid token']
#> silent       after 0.2s: ['close 1008 no token in time']
