"""Check the Origin, then authenticate with the first message.

A browser sends the page's Origin with every websocket handshake, and JavaScript
cannot set headers on it (no `Authorization`). Cookies do go along when the page
and the server are the same site; a cookie marked SameSite=None goes along from
*any* site. So: refuse origins you do not serve, then check a token the page
sends as its first message.
"""

import asyncio
import json

from fastapi import FastAPI, WebSocket

app = FastAPI()
ALLOWED_ORIGINS = {"https://app.example"}
TOKENS = {"t-123": "ada"}  # real code: a signed, short-lived token from your HTTP login


@app.websocket("/ws")
async def secured(websocket: WebSocket) -> None:
    if websocket.headers.get("origin") not in ALLOWED_ORIGINS:
        await websocket.close(code=1008)  # before accept: the server answers HTTP 403
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
    """Play the server: deliver the messages, and report what the client would see."""
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    inbox.put_nowait({"type": "websocket.receive", "text": json.dumps({"token": token})})
    seen: list[str] = []

    async def send(message: dict) -> None:
        if message["type"] == "websocket.close" and not seen:  # closed before accept
            seen.append("HTTP 403, no websocket (a browser's close event says 1006)")
        elif message["type"] == "websocket.accept":
            seen.append("101")
        elif message["type"] == "websocket.close":
            seen.append(f"close {message['code']} {message['reason']}".strip())
        else:
            seen.append(message["text"])

    scope = {"type": "websocket", "path": "/ws", "query_string": b"",
             "headers": [(b"origin", origin.encode())]}
    await app(scope, inbox.get, send)
    print(f"{origin:20} {token}: {seen}")


async def main() -> None:
    await attempt("https://evil.example", "t-123")
    await attempt("https://app.example", "t-999")
    await attempt("https://app.example", "t-123")


asyncio.run(main())
#> https://evil.example t-123: ["HTTP 403, no websocket (a browser's close event says 1006)"]
#> https://app.example  t-999: ['101', 'close 1008 invalid token']
#> https://app.example  t-123: ['101', 'welcome, ada', 'close 1000']
