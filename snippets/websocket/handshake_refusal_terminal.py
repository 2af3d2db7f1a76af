"""What a client really receives when a websocket is refused before `accept`: an
HTTP response, not a close frame. A real uvicorn on a free port, and a client
that prints the bytes.

A close (or WebSocketException) before accept becomes `403 Forbidden`: the code
and reason are dropped. To say more, send a denial response: any HTTP status,
headers and body. A browser shows neither: its close event says 1006 for every
failed handshake.
"""

import asyncio
import base64
import os
import socket

import uvicorn
from fastapi import FastAPI, Response, WebSocket, WebSocketException

app = FastAPI()


@app.websocket("/ws/closed")
async def refuse_with_close(websocket: WebSocket) -> None:
    raise WebSocketException(code=1008, reason="not signed in")  # closes before accept


@app.websocket("/ws/denied")
async def refuse_with_401(websocket: WebSocket) -> None:
    challenge = {"WWW-Authenticate": 'Bearer realm="chat"'}  # a 401 must say how to authenticate
    await websocket.send_denial_response(Response("sign in first", 401, headers=challenge))


@app.websocket("/ws/open")
async def welcome(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.close()


async def handshake(port: int, path: str, version: str = "13") -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    request = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
               "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", f"Sec-WebSocket-Version: {version}"]
    writer.write("\r\n".join([*request, "", ""]).encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
    wanted = {"upgrade", "connection", "www-authenticate", "content-length", "sec-websocket-version"}
    shown = [line for line in head[1:] if line.split(":")[0].lower() in wanted]
    print(f"{path:11} -> {head[0]}" + ("" if version == "13" else f" (version {version})"))
    for line in shown:
        print(f"{'':15}{line}")
    writer.close()
    await writer.wait_closed()


async def main() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # listening now: clients may connect before the server starts accepting
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    for path in ("/ws/open", "/ws/closed", "/ws/denied"):
        await handshake(port, path)
    await handshake(port, "/ws/open", version="8")  # RFC 6455 4.4: "such as 426", with the versions
    server.should_exit = True
    await serving


asyncio.run(main())
#> /ws/open    -> HTTP/1.1 101 Switching Protocols
#>                Upgrade: websocket
#>                Connection: Upgrade
#> /ws/closed  -> HTTP/1.1 403 Forbidden
#>                Connection: close
#>                Content-Length: 0
#> /ws/denied  -> HTTP/1.1 401 Unauthorized
#>                www-authenticate: Bearer realm="chat"
#>                content-length: 13
#>                Connection: close
#> /ws/open    -> HTTP/1.1 400 Bad Request (version 8)
#>                Connection: close
#>                Content-Length: 80
