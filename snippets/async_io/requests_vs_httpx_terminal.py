"""Calling another service from an endpoint: `requests` blocks, `httpx.AsyncClient` awaits.

A slow upstream service (0.3 s per answer) runs on a real socket; three requests at once go to
each endpoint. `requests.get` inside `async def` holds the loop for the whole round trip. In a
`def` endpoint it is fine (the threadpool). `await client.get` gives the loop back while waiting.
"""

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import requests
from fastapi import FastAPI

UPSTREAM_WAIT = 0.3  # seconds the upstream takes to answer


class SlowUpstream(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server calls
        time.sleep(UPSTREAM_WAIT)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"42")

    def log_message(self, *args: object) -> None:  # keep the demo's output quiet
        pass


upstream = ThreadingHTTPServer(("127.0.0.1", 0), SlowUpstream)
threading.Thread(target=upstream.serve_forever, daemon=True).start()
UPSTREAM = f"http://127.0.0.1:{upstream.server_address[1]}/"

app = FastAPI()
upstream_client = httpx.AsyncClient(timeout=5)  # one shared client (a real app opens it in the lifespan)


@app.get("/async-requests")
async def async_with_requests() -> str:
    return requests.get(UPSTREAM, timeout=5).text  # blocks the loop for the round trip


@app.get("/def-requests")
def def_with_requests() -> str:
    return requests.get(UPSTREAM, timeout=5).text  # blocks one threadpool thread


@app.get("/async-httpx")
async def async_with_httpx() -> str:
    return (await upstream_client.get(UPSTREAM)).text  # gives the loop back while it waits


async def main() -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for path in ("/async-requests", "/def-requests", "/async-httpx"):
            three = [client.get(path) for _ in range(3)]
            await asyncio.gather(*three)  # once first: imports, threads and connections get going
            start = time.perf_counter()
            await asyncio.gather(*(client.get(path) for _ in range(3)))
            # In units of the upstream's wait: 3 means one after another, 1 means all at once.
            waits = round((time.perf_counter() - start) / UPSTREAM_WAIT)
            print(f"3 requests to {path}: {waits} x the upstream's {UPSTREAM_WAIT} s")
    await upstream_client.aclose()
    upstream.shutdown()


asyncio.run(main())
#> 3 requests to /async-requests: 3 x the upstream's 0.3 s
#> 3 requests to /def-requests: 1 x the upstream's 0.3 s
#> 3 requests to /async-httpx: 1 x the upstream's 0.3 s
