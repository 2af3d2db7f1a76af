"""Record what an asyncio event loop does, as Chrome trace events, without changing what it does.

Every asyncio program passes through a few points, and ``loop_hooks.py`` wraps exactly those:

* each callback the loop runs — ``asyncio.events.Handle._run``, pure Python on every version
  (3.11–3.14). A *task step* is such a callback whose function is bound to a task
  (``Task.__step`` or ``__wakeup``; the C ``Task`` hands the loop a ``TaskStepMethWrapper`` or
  ``task_wakeup`` whose ``__self__`` is the task), so the C task needs no patching;
* each wait of the loop for something to happen — the selector's ``select(timeout)`` under
  CPython; Pyodide's ``WebLoop`` has no selector (every callback is a ``setTimeout``), so there
  the gaps between callbacks are the idle time;
* each task created (``loop.create_task``, an attribute of this one loop object), and what it
  waits on when its step ends (``task._fut_waiter``, named by ``loop_waits.classify``);
* the timers ``asyncio.sleep`` arms and the functions sent to threads, to name those waits.

Nothing here prints, and every hook calls the original first-class: the program's output and the
order in which the loop runs its callbacks are unchanged (``tests/test_loopview.py`` checks both).
A step longer than ``BLOCKING_SECONDS`` is *blocking* and carries the line the task was on.

The same file runs under CPython (``python -m playground.loopview``) and in the page's worker.
"""

from __future__ import annotations

import asyncio
import json
import linecache
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from playground.browser.loop_events import ChromeEvents, Records, chrome_events
from playground.browser.loop_hooks import BATCH_ITEMS, BLOCKING_SECONDS, LOOP_LANE, install
from playground.browser.loop_waits import call_text, classify, coroutine_frames

# The runner's own files (the in-page runner, this tracer): a location there means nothing to the
# reader, so the trace names none rather than "rewrite.py:101".
RUNNER_DIR = __file__.rsplit("/", 1)[0] + "/"
# asyncio's own task names ("Task-7"): a lane is named by the call instead, as the reader wrote it.
_DEFAULT_NAME = re.compile(r"Task-\d+")
_INTERNAL_MODULES = ("asyncio", "_asyncio", "pyodide", "playground", "concurrent")
# Runs traced in this interpreter: the page's first run after Python loaded also pays for the
# browser compiling the interpreter's code paths (tens of ms), which is not the reader's program.
_runs = 0


class _Lane:
    """One task's row. Named as the reader knows the task: by ``name=`` when given, else by the
    call with its arguments (``fetch('slow', 1.0)``: three ``fetch`` lanes of a TaskGroup
    differ). Read when asked, not at creation: a 3.11 TaskGroup sets ``name=`` just after."""

    __slots__ = ("tid", "task", "coro", "call", "fixed", "by", "top_frame")

    def __init__(self, tid: int, task: asyncio.Task[Any], call: str) -> None:
        self.tid, self.task, self.call = tid, task, call
        self.fixed: str | None = None  # the page's top level has a name of its own
        self.by = ""  # " · created by …"
        self.coro = task.get_coro()  # the same for the task's life: the hot path reads it here
        self.top_frame: Any = None  # kept: once the task is done, its last line is read here

    @property
    def name(self) -> str:
        if self.fixed is not None:
            return self.fixed
        name = self.task.get_name()
        return self.call if _DEFAULT_NAME.fullmatch(name) else f"{name}: {self.call}"

    def __str__(self) -> str:
        """The lane's label (its "M" record holds the lane itself: see ``loop_events.py``)."""
        return f"{self.fixed or self.name}{self.by}"


class LoopTrace:
    """The events of one run of one loop. ``attach`` it to a loop; the first task created on the
    loop after that is the *root* (the program's main task), and recording ends when it does."""

    def __init__(
        self, filename: str = "", root_label: str | None = None, on_batch: Callable[[str], Any] | None = None
    ) -> None:
        self.filename = filename
        self.root_label = root_label
        self.on_batch = on_batch
        self.streaming = on_batch is not None
        self.records: Records = [("M", LOOP_LANE, "event loop")]
        self.sent = 0
        self.clock = time.perf_counter
        self.t0 = self.clock()
        self.last_flush = self.t0
        self.converter = ChromeEvents(self.t0, filename)
        self.loop: Any = None
        self.webloop = False
        self.lanes: dict[asyncio.Task[Any], _Lane] = {}
        self.root: _Lane | None = None
        self.next_tid = LOOP_LANE + 1
        self.recording = False
        self.timers: dict[Any, float] = {}
        self.executors: dict[Any, str] = {}
        self.blocked_at: tuple[str, int, str, float] | None = None  # file, line, call, when
        self.blocked_stack: list[str] = []  # the reader's calls that led to it (``call_path``)
        self.gc_pauses: list[tuple[float, float]] = []  # the latest collections: (start, end)
        self.new_iteration = False
        self.last_callback_end: float | None = None
        self.ready_shown = -1
        self.soon: set[Any] = set()
        self._restore: list[Callable[[], None]] = []
        self.first_run = False  # set in the page for the first run after Python loaded
        self.sampler: Any = None  # loopview --app: stacks sampled from a thread, ``.during(start, end)``
        # How to name a new task's lane, when the call alone would not say (a server's request)
        self.lane_namer: Callable[[Any], str | None] | None = None

    @property
    def events(self) -> list[dict[str, Any]]:
        """Everything recorded so far, as Chrome trace events."""
        return chrome_events(self.records, self.t0, self.filename)

    def _counter(self, at: float, ready: int) -> None:
        if ready != self.ready_shown:
            self.ready_shown = ready
            self.records.append(("C", at, ready))

    def attach(self, loop: asyncio.AbstractEventLoop) -> LoopTrace:
        """Start recording this loop: hook it (instance attributes only), ``Handle._run`` and
        ``time.sleep`` until ``detach`` (see ``loop_hooks.py``)."""
        self.loop = loop
        self.recording = True
        self.webloop = getattr(loop, "_selector", None) is None  # Pyodide's WebLoop
        self.new_iteration = self.webloop  # under WebLoop every callback is a turn of its own
        install(self, loop)
        return self

    def detach(self) -> None:
        self.recording = False
        while self._restore:
            self._restore.pop()()

    # ---- what happens -----------------------------------------------------------------------

    def task_created(self, task: asyncio.Task[Any]) -> None:
        now = self.clock()
        coro = task.get_coro()
        what = getattr(coro, "__qualname__", type(coro).__name__)
        parent = self.lanes.get(asyncio.current_task(self.loop))  # type: ignore[arg-type]
        named = self.lane_namer(coro) if self.lane_namer is not None else None
        lane = _Lane(self.next_tid, task, named or call_text(coro))
        self.next_tid += 1
        lane.top_frame = getattr(coro, "cr_frame", None)
        if self.root is None:
            self.root = lane
            what = self.root_label or what
        if lane is self.root and self.root_label:  # the page's top level, not "Task-7"
            lane.fixed, _, by = what.partition(" · ")
            lane.by = f" · {by}" if by else ""
        lane.by = f" · created by {parent.name}" if parent else lane.by
        self.lanes[task] = lane
        self.records.append(("M", lane.tid, lane))
        self.records.append(
            (
                "i",
                lane.tid,
                "created",
                "task",
                now,
                {"coroutine": what, "by": parent.name if parent else None, "parent": parent.tid if parent else None},
            )
        )

    def loop_turn(self, handle: Any, start: float) -> None:
        """Bookkeeping at the start of any callback: the ready queue, and WebLoop's idle gaps.
        (Under WebLoop ``new_iteration`` stays True: every callback is a turn of its own.)"""
        if not self.webloop:
            if self.new_iteration:
                self.new_iteration = False
                self._counter(start, len(self.loop._ready) + 1)
        else:
            if handle in self.soon:
                self.soon.discard(handle)
                self._counter(start, len(self.soon) + 1)
            if self.last_callback_end is not None and start - self.last_callback_end > 0.001:
                self.records.append(
                    (
                        "X",
                        LOOP_LANE,
                        "idle",
                        "idle",
                        self.last_callback_end,
                        start,
                        {"via": "the browser's event loop (setTimeout)"},
                    )
                )

    def printed(self, text: str) -> None:
        """The program printed ``text`` (one ``print`` call), on the running task's lane."""
        lane = self.lanes.get(asyncio.current_task(self.loop))  # type: ignore[arg-type]
        self.records.append(("i", lane.tid if lane else LOOP_LANE, "print", "output", self.clock(), {"text": text}))

    def collected(self, start: float, end: float, generation: int) -> None:
        """A garbage collection ran from ``start`` to ``end`` (inside some callback)."""
        self.gc_pauses = [*self.gc_pauses[-7:], (start, end)]
        if end - start >= 0.001:
            self.records.append(("X", LOOP_LANE, "garbage collection", "gc", start, end, {"generation": generation}))

    def own_time(self, start: float, end: float) -> float:
        """How long a callback held the loop, less the garbage collector's pauses inside it."""
        paused = sum(max(0.0, min(end, e) - max(start, s)) for s, e in self.gc_pauses)
        return end - start - paused

    def callback_ran(self, handle: Any, start: float) -> None:
        end = self.last_callback_end = self.clock()
        callback = handle._callback
        name = getattr(callback, "__qualname__", type(callback).__name__)
        if name.endswith("_on_timeout"):
            task = getattr(getattr(callback, "__self__", None), "_task", None)
            lane = self.lanes.get(task) if task is not None else None
            self.records.append(("i", lane.tid if lane else LOOP_LANE, "timeout", "timeout", start, {"callback": name}))
        blocking = self.own_time(start, end) > BLOCKING_SECONDS
        # asyncio's and the runtime's own callbacks (a timer firing, WebLoop's bookkeeping): the
        # picture's table leaves them out, the loop lane and the trace keep them.
        internal = str(getattr(callback, "__module__", None) or "").startswith(_INTERNAL_MODULES)
        args = {"internal": True} if internal else {}
        self.records.append(("X", LOOP_LANE, name, "blocking" if blocking else "callback", start, end, args))
        if self.on_batch is not None:
            self._maybe_flush(end)

    def _where(self, lane: _Lane, frames: list[Any]) -> tuple[str, int]:
        """The deepest frame of the reader's own file in the task's await chain (else the deepest
        frame); for a finished task, the last line its coroutine ran."""
        filename = self.filename
        for frame in reversed(frames):
            if frame.f_code.co_filename == filename:
                return filename, frame.f_lineno
        if frames:
            return frames[-1].f_code.co_filename, frames[-1].f_lineno
        top = lane.top_frame
        if top is None or top.f_code.co_filename.startswith(RUNNER_DIR):
            return "", 0
        return top.f_code.co_filename, top.f_lineno or 0

    def step_ends(self, lane: _Lane, start: float, end: float) -> None:
        """The rare end of a step: the task finished, the step blocked the loop, or the task
        stopped outside the reader's file."""
        self.last_callback_end = end
        task = lane.task
        done = task.done()
        frames = [] if done else coroutine_frames(task.get_coro())
        filename, line = self._where(lane, frames)
        blocked_line: int | None = None
        blocking_call = ""
        extra: dict[str, Any] = {}
        if end - start > BLOCKING_SECONDS and self.own_time(start, end) > BLOCKING_SECONDS:
            # Where it blocked: a time.sleep called during this step (from wherever: a handler
            # that finished in this step has no frame left to ask), else the sampler's stacks
            # (``loopview --app``), else where the task stopped.
            at = self.blocked_at
            sampled = self.sampler.during(start, end) if self.sampler is not None else None
            blocked_file = filename
            if at is not None and at[3] >= start:
                blocked_file, blocked_line, blocking_call = at[0], at[1], at[2]
                stack = self.blocked_stack
            elif sampled is not None:
                blocked_file, blocked_line, stack = sampled
            else:
                blocked_line, stack = line, []
            source = source_text(blocked_file, blocked_line) if blocked_file and blocked_line else ""
            extra = {"source": source} if source else {}
            if blocked_file != filename:
                extra["blocked_file"] = blocked_file
            if stack:
                extra["stack"] = stack
            filename_shown = blocked_file
            if self.first_run and lane is self.root and not blocking_call and not self._stepped(lane.tid):
                # The page's first run: its first step also timed the browser compiling the
                # interpreter's code paths. Drawn neutral and named, not blamed on a line.
                extra["warmup"] = True
                name, cat = WARMUP, "warmup"
                args: dict[str, Any] = {"task": lane.name}
            else:
                if filename_shown == self.filename:
                    where = f" at line {blocked_line}"
                else:
                    where = f" at {filename_shown.rsplit('/', 1)[-1]}:{blocked_line}" if filename_shown else ""
                what = f": {blocking_call or source}" if blocking_call or source else ""
                name, cat = f"blocked by {lane.name}{where}{what}", "blocking"
                args = {"task": lane.name, "line": blocked_line, "code": blocking_call or source}
            self.records.append(("X", LOOP_LANE, name, cat, start, end, args))
        if done:
            self.records.append(
                (
                    "S",
                    lane.tid,
                    start,
                    end,
                    0,
                    line,
                    filename,
                    "done",
                    "nothing: it finished",
                    blocked_line,
                    blocking_call,
                    extra,
                )
            )
            self._task_done(lane, end)
        else:
            waiter = task._fut_waiter  # type: ignore[attr-defined]
            if waiter is None:
                kind, label = "yield", "nothing: sleep(0) gave the loop a turn"
            else:
                kind, label = classify(waiter, task.get_coro(), self.timers, self.executors)
            self.records.append(
                ("S", lane.tid, start, end, 0, line, filename, kind, label, blocked_line, blocking_call, extra)
            )
        if self.streaming:
            self._maybe_flush(end)

    def _stepped(self, tid: int) -> bool:
        """Whether this lane has a step recorded already (asked only on the page's first run)."""
        records = self.records
        for index, record in enumerate(records):
            if type(record) is str and record in ("y", "t", "s") and records[index + 1] == tid:
                return True
            if type(record) is tuple and record[0] == "S" and record[1] == tid:
                return True
        return False

    def _task_done(self, lane: _Lane, at: float) -> None:
        task = lane.task
        del self.lanes[task]
        if task.cancelled():
            self.records.append(("i", lane.tid, "cancelled", "cancel", at, {}))
        else:
            error = getattr(task, "_exception", None)  # not .exception(): that would mark it retrieved
            if error is not None:
                self.records.append(
                    ("i", lane.tid, "exception", "exception", at, {"error": f"{type(error).__name__}: {error}"})
                )
            else:
                self.records.append(("i", lane.tid, "done", "task", at, {}))
        if lane is self.root:
            self.finish()

    # ---- output ---------------------------------------------------------------------------

    def finish(self) -> None:
        """End the recording now: every task still waiting gets its wait closed here, marked
        ``open`` (a Stop mid-run leaves a consistent picture), and the hooks come off."""
        if not self.recording and not self._restore:
            return
        now = self.clock()
        for lane in list(self.lanes.values()):
            self.records.append(("E", lane.tid, now))
            self.records.append(("i", lane.tid, "still pending at the end", "stop", now, {}))
        self.lanes.clear()
        self.timers.clear()
        self.executors.clear()
        self.detach()
        self.flush()

    def _maybe_flush(self, now: float) -> None:
        if len(self.records) - self.sent >= BATCH_ITEMS or now - self.last_flush >= 0.05:
            self.flush()

    def flush(self) -> None:
        """Send the records not sent yet as one batch: ``{"now": µs, "events": [...], "done"}``."""
        if self.on_batch is None:
            return
        self.last_flush = now = self.clock()
        batch, self.sent = self.records[self.sent :], len(self.records)
        self.on_batch(
            json.dumps(
                {
                    "now": round((now - self.t0) * 1e6, 1),
                    "events": self.converter.convert(batch),
                    "done": not self.recording,
                }
            )
        )

    def chrome_trace(self) -> dict[str, Any]:
        return {
            "traceEvents": [{"ph": "M", "name": "process_name", "pid": 1, "args": {"name": "asyncio"}}, *self.events],
            "displayTimeUnit": "ms",
            "otherData": {"python": sys.version.split()[0], "blocking_ms": BLOCKING_SECONDS * 1000},
        }


WARMUP = "warm-up: the first run after Python loaded (the browser compiling Python's own code)"


def source_text(filename: str, line: int) -> str:
    """The code on a line, as the reader wrote it, without a trailing comment (a blocking bar
    shows ``time.sleep(0.5)``, not "line 13"). In the page the runner gives linecache the code."""
    text = linecache.getline(filename, line).strip()
    code = text.split("  #", 1)[0].rstrip()
    return code if len(code) <= 60 else code[:59] + "…"


def start_in_browser(filename: str, on_batch: Callable[[str], Any]) -> LoopTrace:
    """For the worker: trace the run about to start on Pyodide's loop, sending batches."""
    global _runs
    _runs += 1
    trace = LoopTrace(filename, root_label=f"top level · of {filename.rsplit('/', 1)[-1]}", on_batch=on_batch)
    trace.first_run = _runs == 1
    return trace.attach(asyncio.get_event_loop())
