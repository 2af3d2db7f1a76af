"""The concurrency lab's target: four ways for an endpoint to spend time.

It runs in its own process (`python -m playground.server.lab_target --port N`), started by the
playground, so a demonstration that blocks *this* event loop never stalls the playground.
Every answer says when its handler started and ended, on the wall clock (`time.time()`): the one
clock two processes are sure to share (`perf_counter` and `monotonic` have an undefined reference
point), so the playground can tell a request that waited in line from one being served.

* ``/async``      — ``await asyncio.sleep``: the loop serves others while it waits.
* ``/blocking``   — ``time.sleep`` inside ``async def``: the loop itself stops.
* ``/threadpool`` — ``time.sleep`` inside ``def``: FastAPI runs it in the threadpool.
* ``/cpu``        — a busy loop inside ``async def``: the loop is busy computing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import uvicorn
from fastapi import FastAPI, Query

Seconds = Query(ge=0, le=30)


def create_target(threadpool_tokens: int = 40) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # FastAPI's threadpool is anyio's default limiter: 40 tokens unless told otherwise.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threadpool_tokens
        yield

    app = FastAPI(title="Concurrency lab target", lifespan=lifespan)

    def report(started: float, wall_started: float) -> dict[str, float | int | str]:
        return {
            "pid": os.getpid(),
            "thread": f"{threading.current_thread().name} #{threading.get_native_id()}",
            "server_seconds": round(time.perf_counter() - started, 4),
            "handler_started": wall_started,
            "handler_ended": time.time(),
        }

    @app.get("/healthz")
    async def healthz() -> str:
        return "ok"

    @app.get("/async")
    async def async_sleep(seconds: float = Seconds) -> dict[str, float | int | str]:
        wall_started, started = time.time(), time.perf_counter()
        await asyncio.sleep(seconds)
        return report(started, wall_started)

    @app.get("/blocking")
    async def blocking_sleep(seconds: float = Seconds) -> dict[str, float | int | str]:
        wall_started, started = time.time(), time.perf_counter()
        time.sleep(seconds)  # the mistake this endpoint exists to show
        return report(started, wall_started)

    @app.get("/threadpool")
    def threadpool_sleep(seconds: float = Seconds) -> dict[str, float | int | str]:
        wall_started, started = time.time(), time.perf_counter()
        time.sleep(seconds)
        return report(started, wall_started)

    @app.get("/cpu")
    async def cpu(seconds: float = Seconds) -> dict[str, float | int | str]:
        wall_started, started = time.time(), time.perf_counter()
        count = 0
        while time.perf_counter() - started < seconds:
            count += 1
        return report(started, wall_started)

    return app


def exit_when_stdin_closes() -> None:
    """Exit the moment the parent is gone, however it went (kill -9 included).

    The playground holds the only write end of our stdin and never writes: end of file means it
    closed it (stop) or died. A thread waits for it, so even a loop blocked by `/blocking` or
    `/cpu` cannot delay the exit; `os._exit` skips a graceful shutdown nobody is waiting for.
    Portable, unlike Linux's PR_SET_PDEATHSIG."""

    def watch() -> None:
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m playground.server.lab_target")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threadpool-tokens", type=int, default=40)
    parser.add_argument(
        "--exit-with-stdin", action="store_true", help="exit when stdin reaches end of file (the playground's pipe)"
    )
    args = parser.parse_args()
    if args.exit_with_stdin:
        exit_when_stdin_closes()
    uvicorn.run(
        create_target(args.threadpool_tokens),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        backlog=512,
        timeout_keep_alive=30,
    )


if __name__ == "__main__":
    main()
