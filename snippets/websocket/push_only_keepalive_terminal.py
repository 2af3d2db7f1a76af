"""A push-only endpoint and uvicorn's keepalive, against a real uvicorn (pings every 0.2 s,
0.2 s to answer; the defaults are 20 s and 20 s).

uvicorn's default websocket implementation (`--ws auto` picks `websockets-sansio` when the
`websockets` package is installed) stops reading the socket after each client message until the
app calls `receive` (`transport.pause_reading()` in `websockets_sansio_impl.py`). An endpoint
that never calls `receive` then never reads the client's pongs either: after one client message,
the keepalive closes a perfectly healthy client with 1011. The same endpoint with a reader stays
open as long as the client wants.
"""

import asyncio
import contextlib
import socket

import uvicorn
import websockets
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

PING_S = 0.2  # ws_ping_interval and ws_ping_timeout: a dead client is dropped after 0.4 s
app = FastAPI()


async def push(websocket: WebSocket) -> None:
    """Prices, progress, logs: something to send every 50 ms."""
    for tick in range(1000):
        await websocket.send_text(f"tick {tick}")
        await asyncio.sleep(0.05)


@app.websocket("/push-only")
async def push_only(websocket: WebSocket) -> None:
    await websocket.accept()
    with contextlib.suppress(WebSocketDisconnect):  # the send after the 1011 fails
        await push(websocket)  # never calls receive: uvicorn stops reading after a message


@app.websocket("/push-and-read")
async def push_and_read(websocket: WebSocket) -> None:
    await websocket.accept()
    pusher = asyncio.create_task(push(websocket))
    try:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass  # nothing to do with what the client says, but reading keeps the socket read
    finally:
        pusher.cancel()


async def client(port: int, path: str, say_hello: bool) -> None:
    """A healthy client (websockets answers every ping) that listens for 1.5 s, 7 ping rounds."""
    async with websockets.connect(f"ws://127.0.0.1:{port}{path}") as ws:
        if say_hello:
            await ws.send("hello")  # one message from the client: a subscription, a "ready"
        try:
            async with asyncio.timeout(1.5):
                while True:
                    await ws.recv()
        except TimeoutError:
            print(f"  {path}, hello={say_hello}: still open after 1.5s")
        except websockets.ConnectionClosed:
            print(f"  {path}, hello={say_hello}: closed by the server: {ws.close_code} {ws.close_reason}")


async def main() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", ws_ping_interval=PING_S, ws_ping_timeout=PING_S)
    config.load()  # resolves --ws auto to a class (serve would do it too)
    print(f"--ws {config.ws}: {config.ws_protocol_class.__name__}")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    await client(port, "/push-only", say_hello=False)
    await client(port, "/push-only", say_hello=True)
    await client(port, "/push-and-read", say_hello=True)
    server.should_exit = True
    await serving


asyncio.run(main())
#> --ws auto: WebSocketsSansIOProtocol
#>   /push-only, hello=False: still open after 1.5s
#>   /push-only, hello=True: closed by the server: 1011 keepalive ping timeout
#>   /push-and-read, hello=True: still open after 1.5s
