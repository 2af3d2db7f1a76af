"""An app-level heartbeat, for browser clients. A browser sends no pings, and its JavaScript sees
neither uvicorn's pings nor their pongs: on a network that died silently (a laptop lid, a train
tunnel) the page's websocket can stay "open" for minutes. If the server sends a small message
every few seconds, the page can treat silence as death and reconnect — and the traffic also keeps
idle-timeout proxies from dropping a quiet connection.

The harness plays the network and the page's JavaScript: the page reconnects once it hears
nothing for three heartbeats. The endpoint that only speaks when there is news gives silence no
meaning; the one with a heartbeat does. Both keep a reader.
"""

import asyncio
import contextlib

from fastapi import FastAPI, WebSocket

app = FastAPI()
HEARTBEAT_S = 0.1  # in production: a few seconds, below every proxy's idle timeout
SILENCE_S = 3 * HEARTBEAT_S  # the page's rule: this long without a message means gone


async def read_until_gone(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass


@app.websocket("/quiet")
async def quiet(websocket: WebSocket) -> None:
    await websocket.accept()
    await read_until_gone(websocket)  # news would be sent from elsewhere; none comes here


@app.websocket("/heartbeat")
async def heartbeat(websocket: WebSocket) -> None:
    await websocket.accept()

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            await websocket.send_json({"type": "heartbeat"})

    beater = asyncio.create_task(beat())
    try:
        await read_until_gone(websocket)
    finally:
        beater.cancel()


async def page(path: str, network_dies_at: float | None, watch_for: float = 1.0) -> None:
    """The page's JavaScript, in Python: listen, and reconnect after SILENCE_S without a word."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    to_app: asyncio.Queue[dict] = asyncio.Queue()
    to_app.put_nowait({"type": "websocket.connect"})

    async def send(message: dict) -> None:  # the network: delivers until it dies
        if network_dies_at is None or loop.time() - start < network_dies_at:
            inbox.put_nowait(message)

    scope = {"type": "websocket", "path": path, "headers": [], "query_string": b""}
    server = asyncio.create_task(app(scope, to_app.get, send))
    await inbox.get()  # websocket.accept
    dies = "healthy network" if network_dies_at is None else f"network dies at {network_dies_at}s"
    try:
        async with asyncio.timeout(watch_for):
            while True:
                try:  # asyncio.timeout, not wait_for: on 3.11 wait_for can lose a cancellation
                    async with asyncio.timeout(SILENCE_S):
                        await inbox.get()
                except TimeoutError:
                    print(f"{path}, {dies}: silent for {SILENCE_S:.1f}s, reconnects at "
                          f"{loop.time() - start:.1f}s")
                    break
    except TimeoutError:
        print(f"{path}, {dies}: still connected after {watch_for}s")
    server.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await server


async def main() -> None:
    await page("/quiet", network_dies_at=None)  # a false alarm: silence is normal here
    await page("/heartbeat", network_dies_at=None)
    await page("/heartbeat", network_dies_at=0.55)  # found within three heartbeats


asyncio.run(main())
#> /quiet, healthy network: silent for 0.3s, reconnects at 0.3s
#> /heartbeat, healthy network: still connected after 1.0s
#> /heartbeat, network dies at 0.55s: silent for 0.3s, reconnects at 0.8s
