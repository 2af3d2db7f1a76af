"""Talk to the echo server above, as it runs on the playground.

`playground_client.connect` (../playground_client.py, one file to save next to this one) opens a
websocket the same way in a terminal (the `websockets` library) and in this page (the browser's
own WebSocket).
"""

import asyncio

from playground_client import connect


async def main() -> None:
    async with connect("/snippets/websocket/echo_server/ws/echo") as ws:
        for text in ("hello", "echo?", "bye"):
            await ws.send(text)
            print(f"sent {text!r:8} got back {await ws.recv()!r}")


asyncio.run(main())
#> sent 'hello'  got back 'hello'
#> sent 'echo?'  got back 'echo?'
#> sent 'bye'    got back 'bye'
