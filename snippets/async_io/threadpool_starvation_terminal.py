"""Threadpool starvation: `def` endpoints that wait on another request, with too few tokens.

`/wait` holds its thread until a `/signal` request arrives (or its timeout passes). With 2 tokens,
two waiting requests hold both; `/signal` queues for a token that only a timeout frees. One more
token, and everyone is answered at once. (The real server has 40; 40 waiting requests do the
same to it.)
"""

import asyncio
import threading
import time

import anyio.to_thread
import httpx
from fastapi import FastAPI

app = FastAPI()
signalled = threading.Event()


@app.get("/wait")
def wait_for_signal(timeout: float) -> str:
    return "signalled" if signalled.wait(timeout) else "timed out"  # blocks this thread


@app.get("/signal")
def send_signal() -> str:
    signalled.set()
    return "sent"


async def main() -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        for tokens in (2, 3):
            limiter.total_tokens = tokens
            signalled.clear()
            start = time.perf_counter()
            waits = [asyncio.create_task(client.get(f"/wait?timeout={t}")) for t in (1.0, 1.5)]
            while limiter.borrowed_tokens < 2:  # until both waiting requests hold a thread
                await asyncio.sleep(0.01)
            await client.get("/signal")
            signal_at = time.perf_counter() - start
            answers = [(await wait).json() for wait in waits]
            print(f"{tokens} tokens: /signal answered at {signal_at:.1f}s; the waits: {answers}")


asyncio.run(main())
#> 2 tokens: /signal answered at 1.0s; the waits: ['timed out', 'signalled']
#> 3 tokens: /signal answered at 0.0s; the waits: ['signalled', 'signalled']
