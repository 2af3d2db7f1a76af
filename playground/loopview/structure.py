"""The shape of a loop trace, without its times: what the tests compare between CPython and the
page. Two runs of the same program have different durations but, if the picture is right, the
same structure: the same tasks, stepping in the same order, each step ending in the same kind of
wait, and the same steps blocking the loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    """One task step, by what it was and not by when."""

    lane: str  # "root", or the task's coroutine and its rank among tasks of that coroutine: "fetch#2"
    number: int  # the task's n-th step
    waits_on: str  # the kind of what the task waits on after this step ("timer", "task", "done", ...)
    blocking: bool  # longer than the blocking threshold (10 ms)
    line: int | None  # the reader's line the step ran to (None once the task finished)

    def __str__(self) -> str:
        block = " BLOCKING" if self.blocking else ""
        at = f" @{self.line}" if self.line is not None else ""
        return f"{self.lane} step {self.number}{at} -> {self.waits_on}{block}"


def lane_names(events: list[dict[str, Any]]) -> dict[int, str]:
    """Task lanes by tid: the first task is "root" (``main()`` under CPython, the top level of the
    snippet in the page); the others by coroutine, numbered in creation order."""
    created = sorted((e for e in events if e.get("ph") == "i" and e.get("name") == "created"), key=lambda e: e["ts"])
    names: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, event in enumerate(created):
        if index == 0:
            names[event["tid"]] = "root"
            continue
        coroutine = event["args"]["coroutine"]
        seen[coroutine] = seen.get(coroutine, 0) + 1
        names[event["tid"]] = f"{coroutine}#{seen[coroutine]}"
    return names


def steps(events: list[dict[str, Any]]) -> list[Step]:
    """Every task step in the order the loop ran them."""
    names = lane_names(events)
    found = [e for e in events if e.get("ph") == "X" and e.get("tid") and e.get("cat") in ("step", "blocking")]
    found.sort(key=lambda e: e["ts"])
    return [
        Step(
            lane=names.get(e["tid"], f"tid {e['tid']}"),
            number=e["args"]["step"],
            waits_on=e["args"]["kind"],
            blocking=e["cat"] == "blocking",
            line=None if e["args"]["kind"] == "done" else e["args"]["line"],
        )
        for e in found
    ]


def outline(events: list[dict[str, Any]]) -> str:
    """The structure as text, one step a line: what a failing test prints side by side."""
    return "\n".join(str(step) for step in steps(events))
