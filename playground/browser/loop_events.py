"""The tracer's records, turned into Chrome trace events.

``loop_trace.py`` records tuples while the program runs, and a task step's few items flat (a
dict per event would cost more than the step it describes); this module turns them into the
Chrome trace event format only when they are sent or written: ``"X"`` complete events for
steps, waits, callbacks and idle time, ``"i"`` instants for created / done / cancelled /
exception / timeout, ``"C"`` for the ready queue, ``"M"`` for lane names. Times are
microseconds from the start of the trace.
"""

from __future__ import annotations

from typing import Any

# Record shapes (first item says which):
#   ("M", tid, lane name)   (or the lane itself: its str() is its name, read when it goes out)
#   ("S", tid, start, end, step, line, file, kind, awaits, blocked_line, blocking_call, extra)  a task step
#       (extra: more args; {"warmup": True} marks the page's first-run warm-up, not a blocking step)
#   "y", tid, start, end, code, offset                    a step of the reader's file that yielded
#   "t", tid, start, end, code, offset, delay             ... that waits on asyncio.sleep's timer
#   "s", tid, start, end, code, offset, kind, awaits      ... that waits on anything else
#   ("W", tid, since, until, kind, label, open)                                          a task's wait
#   ("X", tid, name, cat, start, end, args)                                              anything else
#   ("i", tid, name, cat, at, args)
#   ("C", at, ready)
#   ("E", tid, at)                              the recording ended with this task still waiting
# The tracer does not record waits ("W") on the hot path: a step says what its task waits on next,
# and the wait ends where the task's next step starts, so ``ChromeEvents`` pairs them up.
# "y", "t" and "s" are the hot path's short forms of "S" (a step that stopped in the reader's
# file, neither finished nor blocking), laid out flat in the list of records, no tuple: a tuple
# kept per step is an object the garbage collector counts, and 10,000 of them set off dozens of
# collections. ``ChromeEvents`` reads them back and writes them out as "S" records.
Record = tuple[Any, ...]
Records = list[Any]  # record tuples, and the short steps' items, one after the other
_SHORT_SIZES = {"y": 6, "t": 7, "s": 8}
YIELD_LABEL = "nothing: sleep(0) gave the loop a turn"
_NO_EXTRA: dict[str, Any] = {}


def full_step(record: Record, filename: str) -> Record:
    """A hot-path step record ("y", "t", "s") as the "S" record it stands for (step number 0:
    ``ChromeEvents`` counts them)."""
    kind, tid, start, end, code, offset = record[:6]
    if kind == "y":
        wait_kind, label = "yield", YIELD_LABEL
    elif kind == "t":
        wait_kind, label = "timer", f"a timer: sleep({record[6]:g})"
    else:
        wait_kind, label = record[6], record[7]
    return ("S", tid, start, end, 0, (code, offset), filename, wait_kind, label, None, "", _NO_EXTRA)


class ChromeEvents:
    """Turns records into Chrome trace events, batch after batch: it remembers, per task lane,
    where the last step ended and what the task waits on, to emit each wait when it closes."""

    def __init__(self, t0: float, filename: str = "") -> None:
        self.t0 = t0
        self.filename = filename  # the reader's file: the file of every short step record
        self.waiting: dict[int, tuple[float, str, str]] = {}
        self.steps: dict[int, int] = {}  # steps seen per lane: the tracer does not count them

    def convert(self, records: Records) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        index, count = 0, len(records)
        while index < count:
            record = records[index]
            if type(record) is str:  # a short step: its items follow it
                size = _SHORT_SIZES[record]
                record = full_step(tuple(records[index : index + size]), self.filename)
                index += size
            else:
                index += 1
            kind = record[0]
            if kind == "S":
                tid, start, end, wait_kind, label = record[1], record[2], record[3], record[7], record[8]
                self._close(events, tid, start, False)
                self.steps[tid] = self.steps.get(tid, 0) + 1
                record = (*record[:4], self.steps[tid], *record[5:])
                if wait_kind != "done":
                    self.waiting[tid] = (end, wait_kind, label)
            elif kind == "i" and record[2] == "created":
                self.waiting[record[1]] = (record[4], "ready", "its first turn")
            elif kind == "E":
                self._close(events, record[1], record[2], True)
                continue
            events.extend(to_chrome(record, self.t0))
        return events

    def _close(self, events: list[dict[str, Any]], tid: int, until: float, still_open: bool) -> None:
        waiting = self.waiting.pop(tid, None)
        if waiting is not None:
            since, kind, label = waiting
            events.extend(to_chrome(("W", tid, since, until, kind, label, still_open), self.t0))


_LINES: dict[tuple[Any, int], int] = {}


def line_of(where: Any) -> int:
    """A step's line: recorded as ``(code, f_lasti)`` on the hot path, resolved here (cached)."""
    if not isinstance(where, tuple):
        return int(where or 0)
    line = _LINES.get(where)
    if line is None:
        code, offset = where
        line = next((number for start, end, number in code.co_lines() if start <= offset < end and number), 0)
        line = line or code.co_firstlineno
        _LINES[where] = line
    return line


def _us(t: float, t0: float) -> float:
    return round((t - t0) * 1e6, 1)


def to_chrome(record: Record, t0: float) -> list[dict[str, Any]]:
    """One record as Chrome trace events (a lane name is two: its name and its sort order)."""
    kind = record[0]
    if kind == "S":
        _, tid, start, end, step, line, file, wait_kind, awaits, blocked_line, blocking_call, extra = record
        blocking = blocked_line is not None
        args: dict[str, Any] = {"step": step, "line": line_of(line), "file": file, "awaits": awaits, "kind": wait_kind}
        if blocking:
            args |= {"blocked_at": blocked_line, "blocking_call": blocking_call}
        args |= extra
        return [
            {
                "ph": "X",
                "name": "step",
                "cat": "warmup" if extra.get("warmup") else "blocking" if blocking else "step",
                "pid": 1,
                "tid": tid,
                "ts": _us(start, t0),
                "dur": round((end - start) * 1e6, 1),
                "args": args,
            }
        ]
    if kind == "W":
        _, tid, since, until, wait_kind, label, still_open = record
        args = {"kind": wait_kind, "open": True} if still_open else {"kind": wait_kind}
        return [
            {
                "ph": "X",
                "name": label,
                "cat": "wait",
                "pid": 1,
                "tid": tid,
                "ts": _us(since, t0),
                "dur": round((until - since) * 1e6, 1),
                "args": args,
            }
        ]
    if kind == "X":
        _, tid, name, cat, start, end, args = record
        return [
            {
                "ph": "X",
                "name": name,
                "cat": cat,
                "pid": 1,
                "tid": tid,
                "ts": _us(start, t0),
                "dur": round((end - start) * 1e6, 1),
                "args": args,
            }
        ]
    if kind == "i":
        _, tid, name, cat, at, args = record
        return [{"ph": "i", "s": "t", "name": name, "cat": cat, "pid": 1, "tid": tid, "ts": _us(at, t0), "args": args}]
    if kind == "C":
        _, at, ready = record
        return [{"ph": "C", "name": "ready queue", "pid": 1, "tid": 0, "ts": _us(at, t0), "args": {"ready": ready}}]
    _, tid, name = record
    return [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": tid, "args": {"name": str(name)}},
        {"ph": "M", "name": "thread_sort_index", "pid": 1, "tid": tid, "args": {"sort_index": tid}},
    ]


def chrome_events(records: Records, t0: float, filename: str = "") -> list[dict[str, Any]]:
    """All records at once (the terminal's trace file)."""
    return ChromeEvents(t0, filename).convert(records)
