"""``loopview --app module:app``: a real uvicorn server with the loop tracer around it, to see
which request's handler blocked the loop, and where.

The question behind many FastAPI outages is a blocking call in an ``async def`` handler: every
other request waits while it runs. Here the app runs under uvicorn on the traced loop (the same
tracer as the page's, ``playground/browser/loop_trace.py``), each request on its own lane named
by its method and path, for ``--seconds`` (you send the requests) or for ``--requests N`` sent by
a small built-in load (threads with ``http.client``, off the traced loop, so the load is not
part of the picture). A blocking step names the line: the ``time.sleep`` call when there is one,
else the deepest line of the app's own file in stacks a sampler thread takes every 2 ms (the
handler has usually finished, and its frame is gone, by the time the step ends).
"""

from __future__ import annotations

import asyncio
import http.client
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.browser.loop_trace import RUNNER_DIR, LoopTrace

SAMPLE_SECONDS = 0.002
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
LOAD_THREADS = 4


@dataclass
class Blocked:
    """One step that held the loop past the blocking threshold."""

    request: str  # the lane: "GET /slow #3", or another task's call
    ms: float
    file: str
    line: int
    code: str  # the call or the line's source
    stack: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"{Path(self.file).name}:{self.line}" if self.file else "an unknown line"
        what = f" ({self.code})" if self.code else ""
        path = "".join(f"\n    {frame}" for frame in self.stack)
        return f"{self.request} blocked the loop for {self.ms:.0f} ms at {where}{what}{path}"


class Sampler:
    """Stacks of the loop's thread, every ``SAMPLE_SECONDS``, kept as (time, frames) for the
    tracer to ask which line was running during a blocking step (``during``)."""

    def __init__(self, thread_id: int, clock: Callable[[], float], app_file: str) -> None:
        self.thread_id, self.clock, self.app_file = thread_id, clock, app_file
        self.samples: list[tuple[float, list[tuple[str, int, str]]]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="loopview-sampler", daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(SAMPLE_SECONDS):
            frame = sys._current_frames().get(self.thread_id)
            stack: list[tuple[str, int, str]] = []
            while frame is not None and len(stack) < 40:
                stack.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
                frame = frame.f_back
            self.samples.append((self.clock(), stack[::-1]))

    def during(self, start: float, end: float) -> tuple[str, int, list[str]] | None:
        """The app's own line seen most often during [start, end], with the call path to it."""
        counts: dict[tuple[str, int], int] = {}
        paths: dict[tuple[str, int], list[str]] = {}
        for at, stack in self.samples:
            if not start <= at <= end:
                continue
            ours = [index for index, (file, _, _) in enumerate(stack) if file == self.app_file]
            if not ours:
                continue
            file, line, _ = stack[ours[-1]]
            counts[(file, line)] = counts.get((file, line), 0) + 1
            paths[(file, line)] = [
                f"{Path(f).name}:{n} in {name}" for f, n, name in stack[ours[0] :] if not f.startswith(RUNNER_DIR)
            ]
        if not counts:
            return None
        best = max(counts, key=lambda key: counts[key])
        return best[0], best[1], paths[best][-8:]


def request_lane(coro: Any) -> str | None:
    """A uvicorn request task (``RequestResponseCycle.run_asgi``, h11 and httptools alike) is
    named by its request: ``GET /slow``."""
    if not getattr(coro, "__qualname__", "").endswith("RequestResponseCycle.run_asgi"):
        return None
    frame = getattr(coro, "cr_frame", None)
    scope = getattr(frame.f_locals.get("self"), "scope", None) if frame is not None else None
    if not isinstance(scope, dict):
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{scope.get('method', '?')} {scope.get('path', '?')}{'?' + query if query else ''}"


def drive_load(port: int, paths: list[str], requests: int) -> list[int]:
    """Send ``requests`` GETs, the paths in turn, from a few threads; return the statuses."""

    def one(index: int) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", paths[index % len(paths)])
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        return list(pool.map(one, range(requests)))


async def _serve(app: Any, port: int, seconds: float | None, requests: int, paths: list[str]) -> None:
    import uvicorn  # only this mode needs it

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # uvicorn's own readiness flag; nothing to await for it
        if serving.done():
            await serving  # failed to start: its error, as uvicorn reports it
            raise SystemExit("loopview: the server stopped before it started")
        await asyncio.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    print(f"loopview: serving on http://127.0.0.1:{bound}", file=sys.stderr)
    if requests:
        statuses = await asyncio.get_running_loop().run_in_executor(None, drive_load, bound, paths, requests)
        print(f"loopview: {len(statuses)} requests sent, statuses {sorted(set(statuses))}", file=sys.stderr)
    else:
        await asyncio.sleep(seconds or 0)
    server.should_exit = True
    await serving


def trace_app(app_ref: str, *, seconds: float | None, requests: int, paths: list[str], port: int) -> LoopTrace:
    """Serve ``app_ref`` ("module:attribute") under the tracer until done; return the trace."""
    from uvicorn.importer import import_from_string

    sys.path.insert(0, ".")
    app = import_from_string(app_ref)
    module = sys.modules[app_ref.split(":", 1)[0]]
    app_file = str(Path(module.__file__ or "").resolve())
    trace = LoopTrace(filename=app_file, root_label=f"loopview --app {app_ref}")
    trace.lane_namer = request_lane
    sampler = trace.sampler = Sampler(threading.get_ident(), trace.clock, app_file)
    loop = asyncio.new_event_loop()
    trace.attach(loop)
    sampler.thread.start()
    try:
        loop.run_until_complete(_serve(app, port, seconds, requests, paths))  # the root task
    finally:
        sampler.stop.set()
        sampler.thread.join()
        trace.finish()
        loop.close()
    return trace


def blocked_requests(events: list[dict[str, Any]]) -> list[Blocked]:
    """The blocking steps of a trace, by lane, in time order."""
    lanes = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    found = []
    for event in sorted(events, key=lambda e: e.get("ts", 0)):
        if event["ph"] != "X" or not event.get("tid") or event.get("cat") != "blocking":
            continue
        args = event["args"]
        found.append(
            Blocked(
                request=lanes.get(event["tid"], "?").split(" · ", 1)[0],
                ms=event["dur"] / 1000,
                file=args.get("blocked_file", args.get("file", "")),
                line=args.get("blocked_at") or 0,
                code=args.get("blocking_call") or args.get("source", ""),
                stack=args.get("stack", []),
            )
        )
    return found


def report(events: list[dict[str, Any]]) -> str:
    """What the terminal prints after ``--app``: each blocking step, or that none blocked."""
    found = blocked_requests(events)
    tasks = sum(1 for e in events if e["ph"] == "i" and e["name"] == "created")
    by_request = [blocked for blocked in found if blocked.request.split(" ", 1)[0] in _METHODS]
    others = [blocked for blocked in found if blocked not in by_request]
    lines = [f"loopview: {tasks} tasks traced; requests whose handler held the loop over 10 ms:"]
    lines += [f"  {blocked}" for blocked in by_request] or ["  none"]
    if others:  # the server's own start-up and shutdown, the load's tasks: not a request
        lines += ["other steps over 10 ms (not a request's):", *[f"  {blocked}" for blocked in others]]
    return "\n".join(lines)
