"""The hooks of the loop tracer: where ``loop_trace.LoopTrace`` taps into a running loop.

Each hook calls what it replaces and only then records, so nothing about the program changes:

* ``asyncio.events.Handle._run`` (a class attribute: every callback of every loop passes here,
  the C ``Task``'s steps too). The task-step path is written out inline, with locals, on
  purpose: it runs once per step of every task, and each method call there would show in
  ``benchmarks/loopview_overhead.py``. Anything rare goes to a ``LoopTrace`` method;
* ``loop.create_task``, ``loop.call_later`` (the timer ``asyncio.sleep`` arms),
  ``loop.run_in_executor`` and, under CPython, ``loop._selector.select`` — attributes of this one
  loop object, so other loops are untouched; under Pyodide's WebLoop ``loop.call_soon`` instead;
* ``time.sleep``, to name the line of the blocking call readers try first;
* ``gc.callbacks``, to tell the garbage collector's pauses from the program's own.
"""

from __future__ import annotations

import asyncio
import builtins
import gc
import sys
import time
import types
from typing import TYPE_CHECKING, Any

from playground.browser.loop_waits import classify, function_name

if TYPE_CHECKING:
    from playground.browser.loop_trace import LoopTrace

BLOCKING_SECONDS = 0.010  # a step longer than this is "blocking"
_Handle = asyncio.events.Handle
_original_run = _Handle._run
_set_result_unless_cancelled = asyncio.futures._set_result_unless_cancelled  # type: ignore[attr-defined]
LOOP_LANE = 0
PRINT_CHARS = 200  # a printed line kept in the trace is cut here
BATCH_ITEMS = 3000  # a batch goes out when this many items wait (about 500 steps), or after 50 ms


def install(trace: LoopTrace, loop: asyncio.AbstractEventLoop) -> None:
    """Hook ``loop`` (instance attributes only), ``Handle._run`` and ``time.sleep`` for ``trace``;
    each hook's undo goes on ``trace._restore`` (``trace.detach()`` runs them)."""

    def create_task(coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        task = original_create_task(coro, **kwargs)
        if trace.recording:
            trace.task_created(task)
        return task

    def call_later(delay: float, callback: Any, *args: Any, **kwargs: Any) -> Any:
        handle = original_call_later(delay, callback, *args, **kwargs)
        if callback is _set_result_unless_cancelled and args and trace.recording:
            trace.timers[args[0]] = delay
        return handle

    def run_in_executor(executor: Any, func: Any, *args: Any) -> Any:
        future = original_run_in_executor(executor, func, *args)
        trace.executors[future] = function_name(func)
        return future

    original_create_task = loop.create_task
    original_call_later = loop.call_later
    original_run_in_executor = loop.run_in_executor
    _patch(trace, loop, "create_task", create_task)
    _patch(trace, loop, "call_later", call_later)
    _patch(trace, loop, "run_in_executor", run_in_executor)
    selector = getattr(loop, "_selector", None)
    if selector is not None:
        original_select = selector.select

        def select(timeout: float | None = None) -> Any:
            if timeout == 0:  # a poll between two rounds of callbacks: the loop does not wait
                try:
                    return original_select(timeout)
                finally:
                    trace.new_iteration = True
            start = trace.clock()
            try:
                return original_select(timeout)
            finally:
                trace.new_iteration = True
                if trace.recording:
                    trace.records.append(
                        (
                            "X",
                            LOOP_LANE,
                            "select",
                            "idle",
                            start,
                            trace.clock(),
                            {"timeout": "none" if timeout is None else round(timeout, 6)},
                        )
                    )

        _patch(trace, selector, "select", select)
    else:  # Pyodide's WebLoop: no selector, every callback is its own setTimeout
        original_call_soon = loop.call_soon

        def call_soon(callback: Any, *args: Any, **kwargs: Any) -> Any:
            handle = original_call_soon(callback, *args, **kwargs)
            trace.soon.add(handle)
            return handle

        _patch(trace, loop, "call_soon", call_soon)
    _hook_handles(trace)
    _hook_time_sleep(trace)
    _hook_print(trace)
    _hook_gc(trace)


def _patch(trace: LoopTrace, owner: Any, name: str, replacement: Any) -> None:
    had = name in vars(owner)
    previous = vars(owner).get(name)
    setattr(owner, name, replacement)
    trace._restore.append(lambda: setattr(owner, name, previous) if had else delattr(owner, name))


def _hook_handles(trace: LoopTrace) -> None:
    """Replace ``Handle._run`` (the inline task-step path: see the module's docstring).

    A task step that ends in the reader's file, neither finished nor blocking (nearly all of
    them), adds the few items it saw to the records, flat, and does nothing else: the line, the
    step's number, the file, a timer's label are worked out when the events go out
    (``loop_events.py``).
    The task is done exactly when its coroutine is (a ``Task`` sets its result or exception
    only as its coroutine returns or raises), and a finished coroutine has no frame: so a step
    whose reader frame still has one did not finish, and ``task.done()`` is not asked."""
    lanes, clock, filename, streaming = trace.lanes, trace.clock, trace.filename, trace.streaming
    records = trace.records
    extend = records.extend  # a short step's items, flat (see ``loop_events.py``)
    timers_pop = trace.timers.pop
    coroutine, generator = types.CoroutineType, types.GeneratorType

    def _run(handle: Any) -> None:
        if not trace.recording:
            return _original_run(handle)
        task: Any = getattr(handle._callback, "__self__", None)
        try:
            lane = lanes.get(task)
        except TypeError:  # bound to something unhashable (a list's append): not a task
            lane = None
        start = clock()
        if lane is None:
            trace.loop_turn(handle, start)
            try:
                return _original_run(handle)
            finally:
                trace.callback_ran(handle, start)
        if trace.new_iteration:
            trace.loop_turn(handle, start)
        try:
            return _original_run(handle)
        finally:
            end = clock()
            # Where the task stopped: the deepest coroutine of the reader's file in its await
            # chain, found by code object (a frame object is made only for it).
            coro: Any = lane.coro
            found: Any = None
            while True:
                kind = type(coro)
                if kind is coroutine:
                    code = coro.cr_code
                    if code.co_filename == filename:
                        found, found_code = coro, code
                    elif found is not None:
                        break
                    coro = coro.cr_await
                elif kind is generator:
                    code = coro.gi_code
                    if code.co_filename == filename:
                        found, found_code = coro, code
                    elif found is not None:
                        break
                    coro = coro.gi_yieldfrom
                else:
                    break
            frame: Any = None if found is None else found.cr_frame if type(found) is coroutine else found.gi_frame
            if frame is None or end - start > BLOCKING_SECONDS:
                trace.step_ends(lane, start, end)  # finished, blocking, or not in the reader's file
            else:
                # The line is resolved from (code, offset) when the events go out: ``f_lineno``
                # scans the line table, too slow to pay on every step.
                waiter = task._fut_waiter
                if waiter is None:
                    extend(("y", lane.tid, start, end, found_code, frame.f_lasti))
                else:
                    delay = timers_pop(waiter, None)
                    if delay is not None:
                        extend(("t", lane.tid, start, end, found_code, frame.f_lasti, delay))
                    else:
                        wait_kind, label = classify(waiter, lane.coro, trace.timers, trace.executors)
                        extend(("s", lane.tid, start, end, found_code, frame.f_lasti, wait_kind, label))
                if streaming:
                    trace.last_callback_end = end
                    if len(records) - trace.sent >= BATCH_ITEMS or end - trace.last_flush >= 0.05:
                        trace.flush()

    _Handle._run = _run  # type: ignore[method-assign,assignment]
    trace._restore.append(lambda: setattr(_Handle, "_run", _original_run))


def _hook_time_sleep(trace: LoopTrace) -> None:
    """``time.sleep`` is the blocking call readers try first: note the line it was called on."""
    original_sleep = time.sleep

    def sleep(seconds: Any) -> None:
        if trace.recording:
            caller = sys._getframe(1)
            trace.blocked_at = (caller.f_code.co_filename, caller.f_lineno, f"time.sleep({seconds:g})", trace.clock())
            trace.blocked_stack = call_path(caller, trace.filename)
        return original_sleep(seconds)

    time.sleep = sleep
    trace._restore.append(lambda: setattr(time, "sleep", original_sleep))


def _hook_print(trace: LoopTrace) -> None:
    """What the program prints, and when (the replay shows the output printed so far): ``print``
    runs first, unchanged; then its text (to stdout only, cut at ``PRINT_CHARS``) is recorded on
    the lane of the task that printed."""
    original_print = builtins.print

    def print_(
        *values: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None, flush: bool = False
    ) -> None:
        original_print(*values, sep=sep, end=end, file=file, flush=flush)
        if trace.recording and (file is None or file is sys.stdout):
            try:
                text = (" " if sep is None else sep).join(str(value) for value in values)
            except Exception:  # printed already; a str() that fails twice is not ours to raise
                return
            trace.printed(text[:PRINT_CHARS])

    builtins.print = print_
    trace._restore.append(lambda: setattr(builtins, "print", original_print))


def call_path(frame: Any, filename: str, most: int = 8) -> list[str]:
    """The calls that led to a blocking call, outermost first, as far out as the reader's file
    goes (``main:22 → handler:13``): inside a blocking step, the path to the line that held it."""
    path: list[str] = []
    while frame is not None and len(path) < most:
        code = frame.f_code
        if code.co_filename == filename:
            path.append(f"{code.co_name}:{frame.f_lineno}")
        elif path:
            break
        frame = frame.f_back
    return path[::-1]


def _hook_gc(trace: LoopTrace) -> None:
    """The garbage collector's pauses: drawn on the loop lane, and not blamed on the step they
    fall in (in the page a collection can take 10 ms or more: a step is blocking when its own
    code held the loop that long)."""
    began = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = trace.clock()
        elif trace.recording and began[0]:
            trace.collected(began[0], trace.clock(), info.get("generation", -1))

    gc.callbacks.append(on_gc)
    trace._restore.append(lambda: gc.callbacks.remove(on_gc) if on_gc in gc.callbacks else None)
