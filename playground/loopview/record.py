"""Run a Python file as ``__main__`` with the loop tracer attached to the first event loop it
creates (``asyncio.run`` makes one through ``asyncio.events.new_event_loop``)."""

from __future__ import annotations

import asyncio
import runpy
import sys
from pathlib import Path

from playground.browser.loop_trace import LoopTrace


def trace_file(path: Path, argv: list[str] | None = None, trace: LoopTrace | None = None) -> LoopTrace:
    """Run ``path`` like ``python path`` would and return its trace. What the program raises
    propagates; the trace (pass your own to keep it then) is finished either way:
    ``trace.finish()`` closes what was still open."""
    trace = trace or LoopTrace(filename=str(path))
    original = asyncio.events.new_event_loop

    def new_event_loop() -> asyncio.AbstractEventLoop:
        loop = original()
        if trace.loop is None:
            trace.attach(loop)
        return loop

    saved_argv, saved_path = sys.argv[:], sys.path[:]
    asyncio.events.new_event_loop = asyncio.new_event_loop = new_event_loop
    sys.argv = [str(path), *(argv or [])]
    sys.path.insert(0, str(path.resolve().parent))
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        asyncio.events.new_event_loop = asyncio.new_event_loop = original
        sys.argv, sys.path[:] = saved_argv, saved_path
        trace.finish()
    return trace
