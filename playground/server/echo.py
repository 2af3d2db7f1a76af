"""`/ws/echo`: every text and binary message comes back as it was received, in order.

Written against ASGI directly, not as a FastAPI endpoint: it is the playground's busiest path, and
a FastAPI websocket endpoint adds Starlette's `WebSocket` state checks and two exception-handling
wrappers to every message received and sent (`benchmarks/echo_throughput.py` measures the cost).
It still sits behind every guard in the app's middleware: the Origin check, the per-address
connection limit, the message size and rate limits, the idle close and the send deadlines.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send


class Echo:
    """The echo as an ASGI app (a class instance: Starlette routes it without wrapping it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        try:
            while True:
                message = await receive()
                if message["type"] != "websocket.receive":
                    return  # websocket.disconnect: the client (or a guard) closed
                text = message.get("text")
                if text is not None:
                    await send({"type": "websocket.send", "text": text})
                else:
                    await send({"type": "websocket.send", "bytes": message.get("bytes") or b""})
        except OSError:
            # The client vanished while its echo was being sent (uvicorn raises ClientDisconnected,
            # an OSError): an ordinary end, not a server error to log with a traceback.
            return


router = APIRouter(routes=[WebSocketRoute("/ws/echo", Echo(), name="echo")])
