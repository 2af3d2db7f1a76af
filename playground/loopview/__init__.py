"""The event-loop picture from a terminal: run a program under the loop tracer and write its
trace in the Chrome trace event format (Perfetto and ``chrome://tracing`` open it).

The tracer itself is ``playground/browser/loop_trace.py``: the same file runs in the page's
worker, so the terminal and the page record the same events.
"""

from playground.browser.loop_trace import LoopTrace
from playground.loopview.record import trace_file

__all__ = ["LoopTrace", "trace_file"]
