"""The concurrency lab: fire N concurrent requests at one target endpoint, from the server side.

A browser opens at most 6 HTTP/1.1 connections per host, so a page cannot itself show 100
concurrent requests. The playground sends them instead, to the target app running in its own
process (`lab_process`), and returns for each request when it was sent, when its handler started
and ended in the target, and when it was answered: the Lab page draws waiting apart from being
served. Runs take turns (`lab_queue`), across processes too with `--redis-url` (`lab_lock`); a
reader who leaves (closes the request) stops the run.
"""

# No `from __future__ import annotations`: the request model is built per app (its bounds come
# from the settings), and FastAPI resolves the endpoint's annotations at definition time.

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Coroutine
from typing import Any, Literal

import httpx
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from playground.server.address_limits import client_address
from playground.server.lab_lock import LabLockLost, LabLockUnavailable, NoLabLock
from playground.server.lab_process import LabTargetProcess
from playground.server.lab_queue import LabQueue, LabQueueRefusal
from playground.server.settings import Settings

__all__ = ["make_router", "fire"]

Kind = Literal["async", "blocking", "threadpool", "cpu"]


def run_model(settings: Settings) -> type[BaseModel]:
    """The body of POST /lab/run, bounded by these settings (so the OpenAPI schema shows them)."""

    class LabRun(BaseModel):
        kind: Kind = Field(
            description="async: await asyncio.sleep; blocking: time.sleep in async def; "
            "threadpool: time.sleep in def; cpu: a busy loop in async def"
        )
        requests: int = Field(ge=1, le=settings.lab_max_requests, description="How many requests to fire at once")
        seconds: float = Field(
            gt=0, le=settings.lab_max_seconds, allow_inf_nan=False, description="How long each request waits or works"
        )

    return LabRun


class RequestTiming(BaseModel):
    """One request, in seconds from the run's first send. `served_start`/`served_end` are its
    handler's start and end in the target: `served_start - start` is time spent waiting."""

    index: int
    start: float
    end: float | None
    status: int | None
    thread: str | None = None
    served_start: float | None = None
    served_end: float | None = None
    error: str | None = Field(None, description="why there is no answer: timeout, or the connection failed")


class LabResult(BaseModel):
    kind: Kind
    requests: int
    seconds: float
    elapsed: float
    timed_out: int
    timings: list[RequestTiming]


async def fire(base_url: str, kind: str, requests: int, seconds: float, deadline: float) -> list[RequestTiming]:
    """All requests at once; each one's times on one clock, relative to the first send."""
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=deadline) as client:
        origin, wall_origin = time.perf_counter(), time.time()

        def served(body: dict[str, Any], key: str) -> float | None:
            value = body.get(key)
            return round(value - wall_origin, 4) if isinstance(value, (int, float)) else None

        async def one(index: int) -> RequestTiming:
            start = round(time.perf_counter() - origin, 4)
            try:
                response = await client.get(f"/{kind}", params={"seconds": seconds})
            except httpx.TimeoutException:
                return RequestTiming(index=index, start=start, end=None, status=None, error="timeout")
            except httpx.TransportError as error:
                return RequestTiming(
                    index=index, start=start, end=None, status=None, error=f"connection failed: {type(error).__name__}"
                )
            end = round(time.perf_counter() - origin, 4)
            body = response.json() if response.status_code == 200 else {}
            return RequestTiming(
                index=index,
                start=start,
                end=end,
                status=response.status_code,
                thread=body.get("thread"),
                served_start=served(body, "handler_started"),
                served_end=served(body, "handler_ended"),
            )

        return list(await asyncio.gather(*(one(i) for i in range(requests))))


def _encodable(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError):  # NaN/Infinity, a lone surrogate (UnicodeEncodeError), objects
        return False
    return True


def _text(value: object) -> str | int:
    return value if isinstance(value, int) else str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 422 detail, always encodable: the input is echoed only when JSON can carry it
    (`1e999` parses to infinity, `"\\ud800"` is a lone surrogate: echoing either made a 500)."""
    detail = []
    for error in errors:
        item: dict[str, Any] = {
            "type": error["type"],
            "loc": [_text(part) for part in error["loc"]],
            "msg": _text(error["msg"]),
        }
        if _encodable(error.get("input")):
            item["input"] = error.get("input")
        detail.append(item)
    return detail


class LabRoute(APIRoute):
    """Routes whose 422 never fails to encode (FastAPI's own echoes the input as it came)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                return JSONResponse({"detail": validation_errors(list(error.errors()))}, status_code=422)

        return handle


async def _until_disconnected(request: Request) -> None:
    """Returns when the client goes away. The body is read already, so the server's next
    `http.disconnect` message means exactly that (or that the response is complete)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def worst_case_seconds(run: Any, deadline: float) -> float:
    """The longest a run can hold the lab: its requests overlap when they await (async), and
    otherwise may take their turns one after another; the deadline ends any run."""
    worst: float = run.seconds if run.kind == "async" else run.requests * run.seconds
    return min(deadline, worst)


def make_router(settings: Settings, target: LabTargetProcess, turns: NoLabLock | None = None) -> APIRouter:
    router = APIRouter(prefix="/lab", tags=["lab"], route_class=LabRoute)
    queue = LabQueue(settings.lab_max_line_seconds, settings.lab_budget_seconds)
    across = turns or NoLabLock()  # the lock other processes' runs take too (Redis), or none
    LabRun = run_model(settings)

    @router.get("/status")
    async def lab_status() -> dict[str, bool | int | float]:
        """Whether a run is in progress (here or, with Redis, on another server), how many wait
        here, and the bounds a run must keep to."""
        return {
            "busy": queue.busy or await across.held(),
            "waiting": queue.waiting,
            "max_requests": settings.lab_max_requests,
            "max_seconds": settings.lab_max_seconds,
        }

    async def take_turn_and_run(run: Any, address: str) -> LabResult:
        async with queue.turn(address, worst_case_seconds(run, settings.lab_deadline)), across.hold():
            started = time.perf_counter()
            try:
                base_url = await target.ensure_running()
                timings = await fire(base_url, run.kind, run.requests, run.seconds, settings.lab_deadline)
            except asyncio.CancelledError:
                # The reader left: the target may still be working through queued requests.
                await asyncio.shield(target.stop())
                raise
            if any(t.error and t.error != "timeout" for t in timings) and await target.exited_within(1.0):
                code = target.process.returncode if target.process else None
                await target.stop()
                raise HTTPException(
                    503,
                    f"the lab target process died during the run (exit code {code}); the next run starts a new one",
                    headers={"Retry-After": "1"},
                )
            timed_out = sum(t.end is None for t in timings)
            if timed_out:
                await target.stop()  # requests still queued in a blocked target: start afresh next time
            return LabResult(
                kind=run.kind,
                requests=run.requests,
                seconds=run.seconds,
                elapsed=round(time.perf_counter() - started, 4),
                timed_out=timed_out,
                timings=timings,
            )

    @router.post(
        "/run",
        response_model=LabResult,
        responses={
            422: {"description": "kind, requests or seconds out of bounds (the schema shows the bounds)"},
            429: {"description": "this address has a run in progress or waiting, or the line is full"},
            503: {
                "description": "the lab target process died or did not start (the next run restarts it), "
                "or Redis, where runs on several servers take turns, is unreachable"
            },
        },
    )
    async def lab_run(run: LabRun, request: Request) -> LabResult:  # type: ignore[valid-type]
        """Fire `requests` concurrent requests at the target's `kind` endpoint, each taking
        `seconds`; return every request's times, in seconds from the first send. Runs take
        turns, one place per client address; closing the request cancels the run."""
        address = client_address(request.scope)
        work = asyncio.ensure_future(take_turn_and_run(run, address))
        gone = asyncio.ensure_future(_until_disconnected(request))
        try:
            await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, gone):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        if not work.done() or work.cancelled():
            raise HTTPException(499, "the client closed the request; the run was cancelled")
        try:
            return work.result()
        except LabQueueRefusal as refusal:
            raise HTTPException(429, refusal.detail, headers={"Retry-After": str(refusal.retry_after)}) from None
        except LabLockLost as lost:
            raise HTTPException(503, str(lost), headers={"Retry-After": "1"}) from None
        except LabLockUnavailable:
            raise HTTPException(
                503,
                "the lab cannot reach Redis, where runs on several servers take turns; try again shortly",
                headers={"Retry-After": "5"},
            ) from None

    return router
