"""The loop tracer under CPython: `python -m playground.loopview` writes a Chrome trace that loads
back with the right lanes and events; tracing changes neither what a program prints nor in what
order; a blocking call shows as blocking and `sleep(0)` does not; each kind of wait is named;
a run stopped mid-way (its main task cancelled) leaves every wait closed; 3.12 and 3.13 record
the same structure as this interpreter."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from playground.browser.loop_trace import LoopTrace
from playground.browser.recorded_output import compare, recorded_lines
from playground.loopview.structure import cursor_steps, outline, steps, tree_outline
from tests.loop_traces import PICTURED, cpython_trace, loopview
from tests.paths import PYTHON, ROOT, SNIPPETS

# Steps are marked BLOCKING over 10 ms of wall time: a test on the other core can lengthen one, so
# this module runs in `make test`'s quiet phase.
pytestmark = pytest.mark.alone

TERMINAL_PICTURED = ["async_io/run_in_threadpool_terminal.py"]
# Printing no durations: tracing must leave their output byte for byte the same.
EXACT = {
    "terminology/await_coroutine_vs_task.py",
    "terminology/taskgroup_fails_together.py",
    "terminology/cancellation.py",
    "terminology/timeouts.py",
}


def trace_of(source: str, tmp_path: Path) -> list[dict[str, Any]]:
    """Trace a small program in-process, as the terminal command would."""
    path = tmp_path / "program.py"
    path.write_text(textwrap.dedent(source))
    trace = LoopTrace(filename=str(path))

    def loop_factory() -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop = trace.attach(asyncio.new_event_loop()).loop
        return loop

    namespace: dict[str, Any] = {"__name__": "program"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - the test's own program
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(namespace["main"]())
    trace.finish()
    return trace.events


@pytest.mark.slow
def test_loopview_writes_a_chrome_trace_that_loads_back(tmp_path: Path) -> None:
    events = cpython_trace("terminology/gather_runs_concurrently.py", tmp_path)
    lanes = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert lanes[0] == "event loop"
    assert lanes[1] == "main()"
    assert [lanes[tid] for tid in (2, 3, 4)] == [f"fetch({name!r}, 0.3) · created by main()" for name in "abc"]
    assert len(lanes) == 5
    for event in events:
        assert event["ph"] in {"M", "X", "i", "C"}, event
        if event["ph"] != "M":
            assert event["ts"] >= 0 and event["pid"] == 1 and event["tid"] in lanes, event
        if event["ph"] == "X":
            assert event["dur"] >= 0, event
    waits = {e["name"] for e in events if e["ph"] == "X" and e["cat"] == "wait"}
    assert {"a timer: sleep(0.3)", "gather of 3", "its first turn"} <= waits
    assert any(e["ph"] == "X" and e["name"] == "select" and e["args"]["timeout"] != "none" for e in events)
    assert any(e["ph"] == "C" and e["name"] == "ready queue" for e in events)
    # Sequential: main steps four times on its own; then gather: three tasks that finish together.
    assert outline(events).splitlines() == [
        "root step 1 @6 -> timer",
        "root step 2 @6 -> timer",
        "root step 3 @6 -> timer",
        "root step 4 @15 -> gather",
        "fetch#1 step 1 @6 -> timer",
        "fetch#2 step 1 @6 -> timer",
        "fetch#3 step 1 @6 -> timer",
        "fetch#1 step 2 -> done",
        "fetch#2 step 2 -> done",
        "fetch#3 step 2 -> done",
        "root step 5 -> done",
    ]


@pytest.mark.parametrize("relative", PICTURED + TERMINAL_PICTURED)
@pytest.mark.slow
def test_tracing_changes_neither_output_nor_order(relative: str, tmp_path: Path) -> None:
    snippet = SNIPPETS / relative
    plain = subprocess.run([PYTHON, str(snippet)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    traced = loopview(snippet, tmp_path / "trace.json")
    assert plain.returncode == traced.returncode == 0, traced.stderr
    for run in (plain, traced):
        comparison = compare(recorded_lines(snippet.read_text()), run.stdout)
        assert comparison.ok, comparison.diff
    if relative in EXACT:
        assert traced.stdout == plain.stdout


def test_a_blocking_call_shows_as_blocking_and_sleep_0_does_not(tmp_path: Path) -> None:
    events = trace_of(
        """
        import asyncio
        import time


        async def blocker():
            await asyncio.sleep(0)
            time.sleep(0.05)
            await asyncio.sleep(0)


        async def polite():
            for _ in range(3):
                await asyncio.sleep(0)


        async def main():
            await asyncio.gather(blocker(), polite())
    """,
        tmp_path,
    )
    found = steps(events)
    blocking = [step for step in found if step.blocking]
    assert [str(step) for step in blocking] == ["blocker#1 step 2 @9 -> yield BLOCKING"]
    polite = [step for step in found if step.lane == "polite#1"]
    assert [step.waits_on for step in polite] == ["yield", "yield", "yield", "done"]
    assert not any(step.blocking for step in polite)
    [bar] = [e for e in events if e["ph"] == "X" and e["tid"] == 0 and e["cat"] == "blocking"]
    [step] = [e for e in events if e["ph"] == "X" and e["cat"] == "blocking" and e["tid"] != 0]
    # The bar names the blocking task as the reader wrote the call (not "Task-2"), its line, and
    # the code on that line.
    [lane] = [
        e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name" and e["tid"] == step["tid"]
    ]
    assert lane == "blocker() · created by main()"
    assert bar["name"] == "blocked by blocker() at line 8: time.sleep(0.05)" and bar["dur"] >= 50_000
    assert step["args"]["blocked_at"] == 8 and step["args"]["blocking_call"] == "time.sleep(0.05)"
    assert step["args"]["source"] == "time.sleep(0.05)"


@pytest.mark.slow
def test_a_garbage_collection_is_drawn_apart_and_not_blamed_on_the_step(tmp_path: Path) -> None:
    events = trace_of(
        """
        import asyncio
        import gc

        HEAP = [[i] for i in range(1_500_000)]  # enough objects for a collection to take a while


        async def main():
            await asyncio.sleep(0)
            gc.collect()  # the collector, not this code, holds the loop
            await asyncio.sleep(0)
    """,
        tmp_path,
    )
    [pause] = [e for e in events if e["ph"] == "X" and e["cat"] == "gc"]
    assert pause["tid"] == 0 and pause["name"] == "garbage collection" and pause["args"]["generation"] == 2
    [step] = [e for e in events if e["ph"] == "X" and e["tid"] == 1 and e["args"].get("step") == 2]
    assert pause["dur"] > 10_000 and step["dur"] >= pause["dur"], "the collection should take over 10 ms here"
    assert step["cat"] == "step", "the step is not blocking: the collector held the loop, not its code"


def test_each_kind_of_wait_is_named(tmp_path: Path) -> None:
    events = trace_of(
        """
        import asyncio


        def work():
            return 1


        async def consumer(queue, ready, lock):
            await ready.wait()
            async with lock:
                return await queue.get()


        async def main():
            queue, ready, lock = asyncio.Queue(), asyncio.Event(), asyncio.Lock()
            task = asyncio.create_task(consumer(queue, ready, lock))
            await asyncio.sleep(0.01)
            async with lock:
                ready.set()
                await asyncio.sleep(0)
            await asyncio.sleep(0.01)  # the consumer gets the lock, then waits on the queue
            await queue.put("item")
            await task
            await asyncio.to_thread(work)
    """,
        tmp_path,
    )
    waits = [(e["tid"], e["args"]["kind"], e["name"]) for e in events if e["ph"] == "X" and e["cat"] == "wait"]
    kinds = {(tid, kind) for tid, kind, _ in waits}
    assert {(1, "timer"), (1, "yield"), (1, "task"), (1, "thread")} <= kinds, waits
    assert {(2, "event"), (2, "lock"), (2, "queue")} <= kinds, waits
    labels = {name for _, _, name in waits}
    assert {"Event.wait()", "Lock.acquire()", "Queue.get()", "a thread running work()"} <= labels, labels


def test_stop_mid_run_closes_every_wait(tmp_path: Path) -> None:
    """What Stop does in the page: the run's main task is cancelled while tasks still wait."""
    events = trace_of(
        """
        import asyncio


        async def forever():
            await asyncio.sleep(3600)


        async def main():
            asyncio.create_task(forever())
            me = asyncio.current_task()
            asyncio.get_running_loop().call_later(0.05, me.cancel)
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                return
    """,
        tmp_path,
    )
    end = max(e["ts"] + e.get("dur", 0) for e in events if e["ph"] in "Xi")
    [open_wait] = [e for e in events if e["ph"] == "X" and e["cat"] == "wait" and e["args"].get("open")]
    assert open_wait["tid"] == 2 and open_wait["name"] == "a timer: sleep(3600)"
    assert open_wait["ts"] + open_wait["dur"] == pytest.approx(end, abs=1000)
    assert any(e["ph"] == "i" and e["tid"] == 2 and e["name"] == "still pending at the end" for e in events)
    # Every step of every lane is followed by a wait or the task's end: nothing is left dangling.
    for tid in {e["tid"] for e in events if e["ph"] == "X" and e["tid"]}:
        last = max((e for e in events if e["ph"] == "X" and e["tid"] == tid), key=lambda e: e["ts"] + e["dur"])
        assert last["cat"] == "wait" or last["args"]["kind"] == "done", last


@pytest.mark.slow
def test_taskgroup_marks_the_exception_and_the_cancellation(tmp_path: Path) -> None:
    events = cpython_trace("terminology/taskgroup_fails_together.py", tmp_path)
    names = {e["tid"]: e["args"]["coroutine"] for e in events if e["ph"] == "i" and e["name"] == "created"}
    marks = {(e["name"], e["args"].get("error")) for e in events if e["ph"] == "i" and e["tid"] in (3, 4)}
    assert names[3] == names[4] == "fetch"
    assert ("exception", "ValueError: broken failed") in marks and ("cancelled", None) in marks
    root_waits = [e["name"] for e in events if e["ph"] == "X" and e["cat"] == "wait" and e["tid"] == 1]
    assert "the tasks of its TaskGroup" in root_waits


@pytest.mark.slow
def test_a_timeout_is_marked_where_it_fires(tmp_path: Path) -> None:
    events = cpython_trace("terminology/timeouts.py", tmp_path)
    [mark] = [e for e in events if e["ph"] == "i" and e["name"] == "timeout"]
    assert mark["tid"] == 1 and mark["args"]["callback"] == "Timeout._on_timeout"
    steps = sorted(
        (e for e in events if e["ph"] == "X" and e["tid"] == 1 and e["cat"] == "step"), key=lambda e: e["ts"]
    )
    waits = [
        e["name"] for e in sorted((e for e in events if e["ph"] == "X" and e["cat"] == "wait"), key=lambda e: e["ts"])
    ]
    assert waits == ["its first turn", "a timer: sleep(0.1)", "a timer: sleep(2)"]
    # The step after the timeout comes when it fires (0.5 s after the second wait began), not at 2 s.
    assert 0 <= steps[2]["ts"] - mark["ts"] < 100_000


@pytest.mark.parametrize("version", ["3.12.1", "3.13.0"])
@pytest.mark.slow
def test_other_pythons_record_the_same_structure(version: str, tmp_path: Path) -> None:
    python = f"/root/.pyenv/versions/{version}/bin/python"
    assert Path(python).exists(), f"{python} is missing: the 3.12/3.13 check cannot run"
    for relative in ("terminology/await_coroutine_vs_task.py", "async_io/blocking_call_stalls_loop.py"):
        assert outline(cpython_trace(relative, tmp_path, python)) == outline(cpython_trace(relative, tmp_path))


def test_lanes_are_named_by_name_or_by_the_call(tmp_path: Path) -> None:
    """A lane reads as the reader wrote the task: ``name=`` when given (a 3.11 TaskGroup sets it
    just after creating the task), else the call with its arguments; the order is unchanged."""
    events = trace_of(
        """
        import asyncio


        class Client:
            async def get(self, path, retries=2):
                await asyncio.sleep(0)


        async def fetch(name, seconds, fail=False):
            await asyncio.sleep(seconds)


        async def main():
            async with asyncio.TaskGroup() as group:
                group.create_task(fetch("fast", 0.01))
                group.create_task(fetch("slow", 0.02), name="the slow one")
                group.create_task(Client().get("/" + "x" * 60))
    """,
        tmp_path,
    )
    lanes = [e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"]
    assert lanes == [
        "event loop",
        "main()",
        "fetch('fast', 0.01, False) · created by main()",
        "the slow one: fetch('slow', 0.02, False) · created by main()",
        "get('/xxxxxxxxxxxxx…, 2) · created by main()",
    ]
    assert [e["args"]["coroutine"] for e in events if e["ph"] == "i" and e["name"] == "created"][1:] == [
        "fetch",
        "fetch",
        "Client.get",
    ]


# ---- beyond the page: an offline HTML picture, and a real server ------------------------------

BLOCKING_APP = """
import asyncio
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/blocking")
async def blocking() -> dict[str, str]:
    time.sleep(0.2)  # a sync call in an async handler: every other request waits
    return {"slept": "on the loop"}


@app.get("/fine")
async def fine() -> dict[str, str]:
    await asyncio.sleep(0.2)
    return {"slept": "off the loop"}
"""


def loopview_app(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "blocking_app.py").write_text(BLOCKING_APP)
    return subprocess.run(
        [PYTHON, "-m", "playground.loopview", "--app", "blocking_app:app", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_app_names_the_request_that_blocked_the_loop_and_its_line(tmp_path: Path) -> None:
    result = loopview_app(
        tmp_path, "--requests", "4", "--path", "/blocking", "--path", "/fine", "-o", "trace.json", "--html", "app.html"
    )
    assert result.returncode == 0, result.stderr
    assert "4 requests sent, statuses [200]" in result.stderr
    report = result.stdout
    named = [line.strip() for line in report.splitlines() if "blocked the loop" in line]
    # Both /blocking requests, at the time.sleep line; /fine never for the length of its sleep
    # (a loaded machine may still stretch one of its steps past 10 ms: a step, not the handler).
    blocking = [line for line in named if line.startswith("GET /blocking blocked the loop for")]
    assert len(blocking) == 2, report
    assert all(line.endswith("at blocking_app.py:12 (time.sleep(0.2))") for line in blocking), report
    assert all(int(line.split(" for ")[1].split(" ms")[0]) >= 190 for line in blocking), report
    fine = [line for line in named if line.startswith("GET /fine")]
    assert all(int(line.split(" for ")[1].split(" ms")[0]) < 150 for line in fine), report
    events = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    lanes = [e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"]
    assert sum(name.startswith("GET /blocking") for name in lanes) == 2, lanes
    assert sum(name.startswith("GET /fine") for name in lanes) == 2, lanes
    assert "GET /blocking" in (tmp_path / "app.html").read_text()


def test_html_is_one_offline_file_with_the_page_renderer(tmp_path: Path) -> None:
    snippet = SNIPPETS / "async_io/blocking_call_stalls_loop.py"
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "playground.loopview",
            str(snippet),
            "-o",
            str(tmp_path / "t.json"),
            "--html",
            str(tmp_path / "t.html"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "t.html").read_text()
    # Self-contained: no src=, href= or url( that would fetch anything; the renderer inlined.
    assert not re.search(r"""<[^>]*\s(src|href)\s*=|url\(\s*['"]?(https?:|//|\.)|@import""", page)
    for module in ("loop-model.js", "loop-table.js", "loop-legend.js", "loop-replay.js", "loop-picture.js"):
        assert f'modules["{module}"] = ' in page
    assert '<script type="module">' in page and "import {" not in page


def test_a_blocking_step_carries_the_call_path_to_its_line(tmp_path: Path) -> None:
    events = trace_of(
        """
        import asyncio
        import time


        def load_settings():
            time.sleep(0.03)


        async def handler():
            await asyncio.sleep(0)
            load_settings()


        async def main():
            await asyncio.gather(handler())
    """,
        tmp_path,
    )
    [step] = [e for e in events if e["ph"] == "X" and e["cat"] == "blocking" and e["tid"]]
    assert step["args"]["blocked_at"] == 7 and step["args"]["source"] == "time.sleep(0.03)"
    assert step["args"]["stack"] == ["handler:12", "load_settings:7"]


def test_the_awaited_by_tree_at_a_step(tmp_path: Path) -> None:
    """The tree the replay shows: the TaskGroup's tasks under the task that opened it, each with
    what it waits on; a finished task leaves the tree."""
    events = cpython_trace("terminology/taskgroup_fails_together.py", tmp_path)
    trees = [tree_outline(events, index) for index in range(len(cursor_steps(events)))]
    assert trees[0] == "root: running"
    assert trees[3] == "root: taskgroup\n  fetch#1: timer\n  fetch#2: timer\n  fetch#3: running"
    assert trees[5] == "root: taskgroup\n  fetch#2: running\n  fetch#3: timer"  # fetch#1 finished
    assert trees[-1] == "root: running"
