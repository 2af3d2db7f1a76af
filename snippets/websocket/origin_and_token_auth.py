"""Browsers cannot set headers on a websocket, and they send cookies cross-site: check the
Origin, then authenticate with the first message (or a short-lived token in the query)."""

import asyncio
import json

from fastapi import FastAPI, WebSocket

app = FastAPI()
ALLOWED_ORIGINS = {"https://app.example"}
TOKENS = {"t-123": "ada"}  # real code: a signed, short-lived token from your HTTP login


@app.websocket("/ws")
async def secured(websocket: WebSocket) -> None:
    if websocket.headers.get("origin") not in ALLOWED_ORIGINS:
        await websocket.close(code=1008)  # before accept: the handshake fails with HTTP 403
        return
    await websocket.accept()
    first = json.loads(await websocket.receive_text())  # the token travels as the first message,
    user = TOKENS.get(first.get("token"))  # so it never lands in a URL or a server log
    if user is None:
        await websocket.close(code=1008, reason="invalid token")
        return
    await websocket.send_text(f"welcome, {user}")
    await websocket.close()


async def attempt(origin: str, token: str) -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    inbox.put_nowait({"type": "websocket.receive", "text": json.dumps({"token": token})})
    replies: list[str] = []

    async def send(message: dict) -> None:
        kind = message["type"].removeprefix("websocket.")
        replies.append(message.get("text") or f"{kind} {message.get('code', '')}".strip())

    scope = {"type": "websocket", "path": "/ws", "query_string": b"",
             "headers": [(b"origin", origin.encode())]}
    await app(scope, inbox.get, send)
    print(f"{origin:22} {token:6} -> {replies}")


async def main() -> None:
    await attempt("https://evil.example", "t-123")
    await attempt("https://app.example", "t-999")
    await attempt("https://app.example", "t-123")


asyncio.run(main())
#> https://evil.example   t-123  -> ['close 1008']
#> https://app.example    t-999  -> ['accept', 'close 1008']
#> https://app.example    t-123  -> ['accept', 'welcome, ada', 'close 1000']
