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


@dataclass(frozen=True)
class Node:
    """One task in the awaited-by tree at a cursor: who it is, how deep, and what it does."""

    tid: int
    depth: int  # 0 for a task no traced task created (the root)
    state: str  # "running", "ready" (its first turn), or the kind of what it waits on
    label: str  # in words: "running", "waits on a timer: sleep(0.3)"


def cursor_steps(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The task steps a replay's cursor moves over, in the order the loop ran them (the page's
    ``loop-replay.js`` sorts the same way: by start, then lane)."""
    found = [
        e for e in events if e.get("ph") == "X" and e.get("tid") and e.get("cat") in ("step", "blocking", "warmup")
    ]
    return sorted(found, key=lambda e: (e["ts"], e["tid"]))


def awaited_by(events: list[dict[str, Any]], index: int) -> list[Node]:
    """Who awaits whom when the loop runs step ``index`` (of ``cursor_steps``): every task alive
    then, under the task that created it (a gather's or TaskGroup's children under their
    parent, as ``asyncio.capture_call_graph`` and ``python -m asyncio pstree`` draw it), each with
    what it waits on. Built from the trace alone, so CPython's and the page's trees compare.
    ``loop-replay.js`` builds the same tree in the page; the tests hold the two together."""
    step = cursor_steps(events)[index]
    at = step["ts"]
    created = {e["tid"]: e for e in events if e.get("ph") == "i" and e.get("name") == "created"}
    ended = {
        e["tid"]: e["ts"]
        for e in events
        if e.get("ph") == "i" and e.get("name") in ("done", "cancelled", "exception") and e.get("tid")
    }
    alive = [tid for tid, e in created.items() if e["ts"] <= at and (tid not in ended or ended[tid] >= at)]
    alive.sort(key=lambda tid: (created[tid]["ts"], tid))

    def state(tid: int) -> tuple[str, str]:
        if tid == step["tid"]:
            return "running", "running"
        waits = [
            e
            for e in events
            if e.get("ph") == "X"
            and e.get("tid") == tid
            and e.get("cat") == "wait"
            and e["ts"] <= at < e["ts"] + e["dur"]
        ]
        if waits:
            wait = waits[-1]
            return wait["args"]["kind"], f"waits on {wait['name']}"
        return "ready", "waits for its turn"

    nodes: list[Node] = []

    def visit(tid: int, depth: int) -> None:
        kind, label = state(tid)
        nodes.append(Node(tid, depth, kind, label))
        for child in alive:
            if created[child]["args"].get("parent") == tid:
                visit(child, depth + 1)

    for tid in alive:
        if created[tid]["args"].get("parent") not in alive:
            visit(tid, 0)
    return nodes


def tree_outline(events: list[dict[str, Any]], index: int) -> str:
    """The tree at a cursor as text, lanes by structure (``lane_names``): what the tests compare."""
    names = lane_names(events)
    return "\n".join(
        f"{'  ' * node.depth}{names.get(node.tid, node.tid)}: {node.state}" for node in awaited_by(events, index)
    )
