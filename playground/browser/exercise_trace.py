"""What an exercise's checks ask of a recorded run: the loop tracer's Chrome trace events
(``loop_trace.py``), read back as facts — which steps blocked and on which line, how many tasks
waited at once, which tasks were still pending when the program ended.

The events are the ones the page draws ("Show the loop"), so a check's verdict and the picture the
reader opens next to it can never disagree. The same events come from CPython and from Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Event = dict[str, Any]


@dataclass(frozen=True)
class BlockingStep:
    """A task step that held the loop longer than the tracer's limit (10 ms)."""

    task: str
    line: int  # in the reader's file; 0 when the step ended outside it
    milliseconds: float
    call: str  # e.g. "time.sleep(0.2)" when the tracer saw the call, else ""
    start: float = 0.0  # seconds from the start of the trace
    end: float = 0.0


class LoopFacts:
    """Queries over one traced run's events."""

    def __init__(self, events: list[Event], filename: str) -> None:
        self.events = events
        self.filename = filename
        self.lanes = {e["tid"]: e["args"]["name"] for e in events if e.get("ph") == "M" and e["name"] == "thread_name"}

    def lane_name(self, tid: int) -> str:
        """The task's own name (``Task-3``), without what the lane label adds after it."""
        return str(self.lanes.get(tid, f"lane {tid}")).split(" ", 1)[0]

    def steps(self) -> list[Event]:
        return [e for e in self.events if e.get("ph") == "X" and e["name"] == "step"]

    def blocking_steps(self, skip_module_body: bool = False) -> list[BlockingStep]:
        """Steps the tracer marked blocking: over 10 ms of the loop's time, GC pauses excluded.
        ``skip_module_body``: not the main task's first step, where the program's module body runs
        its imports and builds its app (tens of ms in Pyodide) before anything awaits."""
        found = []
        root = min((tid for tid in self.lanes if tid > 0), default=None)  # the first task: main
        first_of_root = True
        for event in self.steps():
            args = event["args"]
            if event["tid"] == root and first_of_root:
                first_of_root = False
                if skip_module_body:
                    continue
            if event["cat"] != "blocking":
                continue
            # A step that ended outside the reader's file (in Starlette, after the endpoint
            # returned) has no line of theirs: the check looks for one another way.
            line = int(args.get("blocked_at") or args.get("line") or 0) if args.get("file") == self.filename else 0
            found.append(
                BlockingStep(
                    self.lane_name(event["tid"]),
                    line,
                    event["dur"] / 1000,
                    args.get("blocking_call", ""),
                    event["ts"] / 1e6,
                    (event["ts"] + event["dur"]) / 1e6,
                )
            )
        return found

    def most_waiting_at_once(self, kind: str | None = None) -> int:
        """The largest number of tasks waiting at the same moment (on ``kind`` — "timer",
        "task", "future", … — or on anything but their first turn)."""
        edges: list[tuple[float, int]] = []
        for event in self.events:
            if event.get("cat") != "wait" or event["args"].get("kind") == "ready":
                continue
            if kind is not None and event["args"].get("kind") != kind:
                continue
            edges += [(event["ts"], 1), (event["ts"] + event["dur"], -1)]
        most = now = 0
        for _, change in sorted(edges):  # at equal times an end (-1) sorts before a start
            now += change
            most = max(most, now)
        return most

    def still_pending(self) -> list[str]:
        """Tasks the program left running when its main task ended."""
        return [
            str(self.lanes[e["tid"]]).split(" · ", 1)[0]  # "Task-7 push()"
            for e in self.events
            if e.get("ph") == "i" and e["name"] == "still pending at the end" and e["tid"] in self.lanes
        ]

    def stuck(self) -> list[tuple[str, str, int]]:
        """Tasks still waiting when the run was stopped: (task, what it waited on, the line of
        the reader's file where it began waiting, or 0)."""
        found = []
        for wait in self.events:
            if wait.get("cat") != "wait" or not wait["args"].get("open"):
                continue
            steps = [
                e
                for e in self.steps()
                if e["tid"] == wait["tid"] and e["ts"] <= wait["ts"] and e["args"].get("file") == self.filename
            ]
            line = int(steps[-1]["args"]["line"]) if steps else 0
            found.append((self.lane_name(wait["tid"]), str(wait["name"]), line))
        return found

    def tasks_created(self) -> int:
        return sum(1 for e in self.events if e.get("ph") == "i" and e["name"] == "created")

    def lines_where(self, kind: str) -> list[int]:
        """Lines of the reader's file where a task began waiting on ``kind``."""
        return sorted(
            {
                int(e["args"]["line"])
                for e in self.steps()
                if e["args"].get("kind") == kind and e["args"].get("file") == self.filename
            }
        )
