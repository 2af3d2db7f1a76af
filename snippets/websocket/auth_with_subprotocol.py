"""The one handshake header JavaScript can set: `Sec-WebSocket-Protocol`.

`new WebSocket(url, ["bearer", token])` offers two "subprotocols"; the server
reads them from the scope, and its accept must pick one the client offered, or
the browser fails the connection. The token is then in a header, not in the URL
(though a proxy may still log headers), and checked before `accept`. It must be
an HTTP token: base64url without `=` padding fits, a raw base64 string may not.
"""

import asyncio

from fastapi import FastAPI, WebSocket

app = FastAPI()
TOKENS = {"t-123": "ada"}


@app.websocket("/ws")
async def chat(websocket: WebSocket) -> None:
    offered = websocket.scope.get("subprotocols", [])  # from Sec-WebSocket-Protocol
    user = TOKENS.get(offered[1]) if offered[:1] == ["bearer"] and len(offered) == 2 else None
    if user is None:
        await websocket.close(code=1008)  # before accept: HTTP 403
        return
    await websocket.accept(subprotocol="bearer")  # echo one offered name, never the token
    await websocket.send_text(f"hello, {user}")
    await websocket.close()


async def connect(subprotocols: list[str]) -> None:
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    sent: list[str] = []

    async def send(message: dict) -> None:
        if message["type"] == "websocket.accept":
            sent.append(f"101, Sec-WebSocket-Protocol: {message['subprotocol']}")
        elif message["type"] == "websocket.close" and not sent:
            sent.append("HTTP 403")
        else:
            sent.append(message.get("text") or message["type"])

    scope = {"type": "websocket", "path": "/ws", "query_string": b"", "headers": [],
             "subprotocols": subprotocols}
    await app(scope, inbox.get, send)
    print(f"{subprotocols!s:22} -> {sent}")


async def main() -> None:
    await connect(["bearer", "t-123"])
    await connect(["bearer", "guess"])
    await connect([])


asyncio.run(main())
#> ['bearer', 't-123']    -> ['101, Sec-WebSocket-Protocol: bearer', 'hello, ada', 'websocket.close']
#> ['bearer', 'guess']    -> ['HTTP 403']
#> []                     -> ['HTTP 403']
