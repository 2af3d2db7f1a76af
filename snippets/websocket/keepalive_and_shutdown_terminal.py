"""Keepalive pings, a client that stops answering, and a server that shuts down,
against a real uvicorn: a ping every 0.2 s, 0.2 s to answer (the defaults are
20 s and 20 s).

* A client that never answers pings is dropped: uvicorn sends close 1011 and
  ends the TCP connection; the endpoint's receive returns a disconnect. On a
  dead network that close frame never arrives: the client's close code is then
  1006, "closed without a close frame".
* At shutdown, uvicorn itself closes every open websocket with 1012 (service
  restart).
* A connection that just ends, with no close frame (the network died): the
  client reports 1006. RFC 6455 reserves 1006 for exactly this; it never travels
  in a frame.
"""

import asyncio
import base64
import hashlib
import os
import socket
import struct

import uvicorn
import websockets
from fastapi import FastAPI, WebSocket

app = FastAPI()
endings: asyncio.Queue[dict] = asyncio.Queue()  # what the endpoint's last receive returned
OPCODES = {0x1: "text", 0x8: "close", 0x9: "ping", 0xA: "pong"}


@app.websocket("/ws")
async def hold(websocket: WebSocket) -> None:
    await websocket.accept()
    endings.put_nowait(await websocket.receive())  # the client sends nothing: waits for the end


async def silent_client(port: int) -> None:
    """Handshake by hand, then never answer a ping: a frozen laptop, a cut cable."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    request = ["GET /ws HTTP/1.1", "Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
               f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    writer.write("\r\n".join([*request, "", ""]).encode())
    await reader.readuntil(b"\r\n\r\n")
    while header := await reader.read(2):  # server frames: unmasked, short here
        opcode, length = header[0] & 0x0F, header[1] & 0x7F
        payload = await reader.readexactly(length)
        if opcode == 0x8:  # close: a 2-byte code, then the reason
            code, reason = struct.unpack("!H", payload[:2])[0], payload[2:].decode()
            print(f"  silent client got: close {code} {reason}")
        else:
            print(f"  silent client got: {OPCODES[opcode]}")
    print("  silent client: the server ended the TCP connection")
    writer.close()


async def vanishing_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Complete the handshake, then drop the connection: no close frame, as on a dead network."""
    headers = (await reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
    key = next(h.split(": ")[1] for h in headers if h.lower().startswith("sec-websocket-key"))
    digest = hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
    response = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                f"Sec-WebSocket-Accept: {base64.b64encode(digest).decode()}"]
    writer.write("\r\n".join([*response, "", ""]).encode())
    await writer.drain()
    writer.transport.abort()  # no close frame, no goodbye


async def main() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", ws_ping_interval=0.2, ws_ping_timeout=0.2)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))

    print("a client that stops answering pings:")
    await silent_client(port)
    ending = await endings.get()
    print(f"  endpoint: {ending['type']} {ending['code']}")

    print("a server that shuts down:")
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:  # answers pings itself
        server.should_exit = True
        try:
            await ws.recv()
        except websockets.ConnectionClosed:
            print(f"  client: closed with {ws.close_code}")
    ending = await endings.get()
    print(f"  endpoint: {ending['type']} {ending['code']}")
    await serving

    print("a connection that dies:")
    dying = await asyncio.start_server(vanishing_server, "127.0.0.1", 0)
    dying_port = dying.sockets[0].getsockname()[1]
    async with dying, websockets.connect(f"ws://127.0.0.1:{dying_port}/ws") as ws:
        try:
            await ws.recv()
        except websockets.ConnectionClosed as closed:
            print(f"  client: {closed}; its close code: {ws.close_code}")


asyncio.run(main())
#> a client that stops answering pings:
#>   silent client got: ping
#>   silent client got: close 1011 keepalive ping timeout
#>   silent client: the server ended the TCP connection
#>   endpoint: websocket.disconnect 1005
#> a server that shuts down:
#>   client: closed with 1012
#>   endpoint: websocket.disconnect 1012
#> a connection that dies:
#>   client: no close frame received or sent; its close code: 1006
