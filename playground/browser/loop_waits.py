"""What a suspended asyncio task is waiting on, in words a reader knows.

When a task's step ends without finishing, the task has handed the loop a future to wait for
(``task._fut_waiter``) or nothing at all (a bare ``yield``: ``asyncio.sleep(0)``). The future
alone rarely says what it stands for — a sleep's timer, a queue's getter and a lock's waiter are
all plain futures — so the innermost coroutine frame the task stopped in names it: ``Queue.get``
in ``asyncio/queues.py`` is a queue, ``Event.wait`` in ``asyncio/locks.py`` an event.

Pure Python and standard library only: this file runs in the page's worker under Pyodide too
(see ``loop_trace.py``), where the C-accelerated ``Task`` is used, so nothing here patches a task.
"""

from __future__ import annotations

import asyncio
import functools
import types
from typing import Any

# (kind, label): kind is one word the picture colours by; label is what the reader reads.
Wait = tuple[str, str]

_LOCK_KINDS = {
    "Lock": "lock",
    "Event": "event",
    "Condition": "condition",
    "Semaphore": "semaphore",
    "BoundedSemaphore": "semaphore",
    "Barrier": "barrier",
}
_THREAD_FUNCTIONS = {"to_thread", "run_in_executor", "run_sync_in_worker_thread", "run_sync", "run_in_threadpool"}
_IO_FUNCTIONS = {
    "sock_recv",
    "sock_recv_into",
    "sock_sendall",
    "sock_accept",
    "sock_connect",
    "sock_recvfrom",
    "_wait_for_data",
    "drain",
    "_drain_helper",
    "readline",
    "read",
    "readexactly",
}


def coroutine_frames(coro: Any) -> list[types.FrameType]:
    """The frames of a task's await chain, outermost first: ``main`` → ``fetch`` → ``sleep``."""
    frames: list[types.FrameType] = []
    while coro is not None:
        kind = type(coro)
        if kind is types.CoroutineType:
            frame, coro = coro.cr_frame, coro.cr_await
        elif kind is types.GeneratorType:
            frame, coro = coro.gi_frame, coro.gi_yieldfrom
        elif kind is types.AsyncGeneratorType:
            frame, coro = coro.ag_frame, coro.ag_await
        else:
            break  # a future's iterator: the chain ends at what the task waits on
        if frame is None:
            break
        frames.append(frame)
    return frames


def call_text(coro: Any, width: int = 40) -> str:
    """A new task's coroutine as the call that made it: ``fetch('slow', 1.0)``. Read before its
    first step, when the frame's locals are exactly its arguments (``self`` left out)."""
    name = getattr(coro, "__qualname__", type(coro).__name__).rsplit(".", 1)[-1]
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return f"{name}()"
    code = frame.f_code
    count = code.co_argcount + code.co_kwonlyargcount
    values = frame.f_locals
    shown = []
    for arg in code.co_varnames[:count]:
        if arg in ("self", "cls") or arg not in values:
            continue
        try:
            text = repr(values[arg])
        except Exception:  # a lane label is not worth failing the reader's program
            text = "?"
        shown.append(text if len(text) <= 16 else text[:15] + "…")
    text = f"{name}({', '.join(shown)})"
    return text if len(text) <= width else text[: width - 2] + "…)"


def function_name(func: Any) -> str:
    """The function a thread runs, through the wrappers asyncio puts around it:
    ``to_thread`` sends ``partial(context.run, func, *args)``."""
    while True:
        if isinstance(func, functools.partial):
            func = func.func if not (isinstance(func.func, types.BuiltinMethodType) and func.args) else func.args[0]
            continue
        return getattr(func, "__qualname__", type(func).__name__)


def _qualname(frame: types.FrameType) -> str:
    code = frame.f_code
    return getattr(code, "co_qualname", code.co_name)


def _file_descriptor(frame: types.FrameType) -> int | None:
    """The socket an I/O wait is on, when the waiting frame holds it (sock_* or a stream)."""
    try:
        local = frame.f_locals
        sock = local.get("sock")
        if sock is None and "self" in local:
            transport = getattr(local["self"], "_transport", None)
            sock = transport.get_extra_info("socket") if transport is not None else None
        return sock.fileno() if sock is not None else None
    except Exception:  # a label is not worth failing the reader's program
        return None


def _by_frame(frame: types.FrameType) -> Wait | None:
    filename = frame.f_code.co_filename.replace("\\", "/")
    name = _qualname(frame)
    short = name.rsplit(".", 1)[-1]
    if filename.endswith("asyncio/queues.py"):
        return "queue", f"{name}()"
    if filename.endswith("asyncio/locks.py"):
        owner = name.split(".", 1)[0]
        return _LOCK_KINDS.get(owner, "lock"), f"{name}()"
    if short in _THREAD_FUNCTIONS:
        return "thread", f"a thread ({name})"
    if short in _IO_FUNCTIONS or filename.endswith(("asyncio/selector_events.py", "asyncio/streams.py")):
        fd = _file_descriptor(frame)
        return "io", f"socket readiness ({name}{f', fd {fd}' if fd is not None else ''})"
    if filename.endswith("asyncio/taskgroups.py"):
        return "taskgroup", "the tasks of its TaskGroup"
    if filename.endswith("asyncio/tasks.py") and short in {"wait", "_wait", "wait_for", "as_completed"}:
        return "wait", f"asyncio.{short}()"
    return None


def classify(waiter: Any, coro: Any, timers: dict[Any, float], executors: dict[Any, str]) -> Wait:
    """Say what a task that just yielded waits on.

    ``timers`` maps the futures ``asyncio.sleep`` armed to their delay, ``executors`` the futures
    ``run_in_executor`` returned to the function's name; both are filled by the tracer's hooks
    on the loop, and the entry used is removed here (each future is waited on once).
    """
    if waiter is None:
        return "yield", "nothing: sleep(0) gave the loop a turn"
    if isinstance(waiter, asyncio.Task):
        coro = waiter.get_coro()
        return "task", f"task {waiter.get_name()} ({getattr(coro, '__qualname__', '?')})"
    delay = timers.pop(waiter, None)
    if delay is not None:
        return "timer", f"a timer: sleep({delay:g})"
    function = executors.pop(waiter, None)
    if function is not None:
        return "thread", f"a thread running {function}()"
    children = getattr(waiter, "_children", None)
    if type(waiter).__name__ == "_GatheringFuture" and children is not None:
        return "gather", f"gather of {len(children)}"
    for frame in reversed(coroutine_frames(coro)):
        found = _by_frame(frame)
        if found is not None:
            return found
        if "/asyncio/" not in frame.f_code.co_filename.replace("\\", "/"):
            break  # the innermost frame outside asyncio awaited a plain future itself
    return "future", f"a future ({type(waiter).__name__})"
