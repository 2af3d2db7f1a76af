"""The concurrency lab: fire N concurrent requests at one target endpoint, from the server side.

A browser opens at most 6 HTTP/1.1 connections per host, so a page cannot itself show 100
concurrent requests. The playground sends them instead, to the target app running in its own
process, and returns when each request started and ended; the Lab page draws the timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from typing import Literal

import httpx
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from playground.server.settings import Settings

Kind = Literal["async", "blocking", "threadpool", "cpu"]


class LabRun(BaseModel):
    kind: Kind = Field(description="async: await asyncio.sleep; blocking: time.sleep in async def; "
                                   "threadpool: time.sleep in def; cpu: a busy loop in async def")
    requests: int = Field(ge=1, description="How many requests to fire at once")
    seconds: float = Field(gt=0, description="How long each request waits or works")


class RequestTiming(BaseModel):
    index: int
    start: float
    end: float | None
    status: int | None
    thread: str | None = None


class LabResult(BaseModel):
    kind: Kind
    requests: int
    seconds: float
    elapsed: float
    timed_out: int
    timings: list[RequestTiming]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LabTarget:
    """The target process: started on the first run, restarted if it died, stopped at shutdown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""
        self.start_lock = asyncio.Lock()

    async def ensure_running(self) -> str:
        async with self.start_lock:
            if self.process is not None and self.process.poll() is None:
                return self.base_url
            port = _free_port()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "playground.server.lab_target", "--port", str(port),
                 "--threadpool-tokens", str(self.settings.lab_threadpool_tokens)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            self.base_url = f"http://127.0.0.1:{port}"
            await self._wait_healthy()
            return self.base_url

    async def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 20
        async with httpx.AsyncClient(timeout=1.0) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    break
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.base_url}/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.05)  # polling a child process: it sends no signal when ready
        raise HTTPException(503, "the lab target process did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


async def fire(base_url: str, run: LabRun, deadline: float) -> LabResult:
    """All requests at once; each one's start and end on one clock, relative to the first start."""
    limits = httpx.Limits(max_connections=run.requests, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=deadline) as client:
        origin = time.perf_counter()

        async def one(index: int) -> RequestTiming:
            start = time.perf_counter() - origin
            try:
                response = await client.get(f"/{run.kind}", params={"seconds": run.seconds})
            except httpx.TimeoutException:
                return RequestTiming(index=index, start=round(start, 4), end=None, status=None)
            thread = response.json().get("thread") if response.status_code == 200 else None
            return RequestTiming(index=index, start=round(start, 4), end=round(time.perf_counter() - origin, 4),
                                 status=response.status_code, thread=thread)

        timings = await asyncio.gather(*(one(i) for i in range(run.requests)))
        elapsed = time.perf_counter() - origin
    return LabResult(kind=run.kind, requests=run.requests, seconds=run.seconds, elapsed=round(elapsed, 4),
                     timed_out=sum(t.end is None for t in timings), timings=list(timings))


def make_router(settings: Settings, target: LabTarget) -> APIRouter:
    router = APIRouter(prefix="/lab", tags=["lab"])
    # One run at a time: runs sharing the target would distort each other's timelines. This
    # also means one run per client at a time, which is the bound the playground promises.
    busy = asyncio.Lock()

    @router.get("/status")
    async def lab_status() -> dict[str, bool | int | float]:
        """Whether a run is in progress, and the bounds a run must keep to."""
        return {"busy": busy.locked(), "max_requests": settings.lab_max_requests,
                "max_seconds": settings.lab_max_seconds}

    @router.post("/run", response_model=LabResult, responses={
        422: {"description": "kind, requests or seconds out of bounds"},
        429: {"description": "another lab run is in progress"}})
    async def lab_run(run: LabRun, request: Request) -> LabResult:
        """Fire `requests` concurrent requests at the target's `kind` endpoint, each taking
        `seconds`; return every request's start and end, in seconds from the first start."""
        if run.requests > settings.lab_max_requests:
            raise HTTPException(422, f"requests must be at most {settings.lab_max_requests}, got {run.requests}")
        if run.seconds > settings.lab_max_seconds:
            raise HTTPException(422, f"seconds must be at most {settings.lab_max_seconds:g}, got {run.seconds:g}")
        if busy.locked():
            raise HTTPException(429, "another lab run is in progress; try again in a few seconds",
                                headers={"Retry-After": str(int(settings.lab_deadline // 3) or 1)})
        async with busy:
            base_url = await target.ensure_running()
            result = await fire(base_url, run, settings.lab_deadline)
            if result.timed_out:
                target.stop()  # requests still queued in a blocked target: start afresh next time
            return result

    return router
