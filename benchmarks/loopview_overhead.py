"""What the loop tracer costs: one program of 10,000 task steps, run with and without tracing,
side by side in one process, alternating, median of several rounds each.

Two programs of 10 tasks x 1,000 steps each, no waiting, so every microsecond the tracer adds to
a step shows:

* "bare steps": each step formats one line and yields (``await asyncio.sleep(0)``): about 2 us
  of work, the worst case — the tracer's fixed cost per step (two clock reads, finding the
  reader's line in the await chain, one record) is of the same size;
* "JSON steps": each step parses and answers a small JSON request first, as a handler does.

Usage: .venv/bin/python benchmarks/loopview_overhead.py [--rounds 7]
This is a measurement, not a test: nothing here asserts a speed. The aim is a ratio <= 1.25.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.browser.loop_trace import LoopTrace

TASKS, STEPS = 10, 1_000


REQUEST = json.dumps({"user": "ada", "items": [{"id": i, "qty": i % 3 + 1} for i in range(8)], "coupon": None})


async def bare_worker(n: int, lines: list[str]) -> None:
    for i in range(STEPS):
        lines.append(f"worker {n} step {i}: {i * n % 7}")
        await asyncio.sleep(0)


async def json_worker(n: int, lines: list[str]) -> None:
    for i in range(STEPS):
        request = json.loads(REQUEST)
        total = sum(item["qty"] for item in request["items"])
        lines.append(json.dumps({"user": request["user"], "worker": n, "step": i, "total": total}))
        await asyncio.sleep(0)


Worker = Callable[[int, list[str]], Coroutine[Any, Any, None]]
WORKERS: dict[str, Worker] = {"bare steps": bare_worker, "JSON steps": json_worker}


async def program(worker: Worker) -> int:
    lines: list[str] = []
    async with asyncio.TaskGroup() as group:
        for n in range(TASKS):
            group.create_task(worker(n, lines))
    return len(lines)


def run_once(worker: Worker, traced: bool) -> tuple[float, int]:
    """Seconds for one run, and the number of task steps the trace recorded (0 untraced)."""
    trace = LoopTrace(filename=__file__) if traced else None

    def loop_factory() -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        if trace is not None:
            trace.attach(loop)
        return loop

    # CPU time of this process: the machine may be shared, and waiting for a core is not the
    # tracer's cost. (The program never sleeps, so its CPU time is its whole run.)
    start = time.process_time()
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        assert runner.run(program(worker)) == TASKS * STEPS
    elapsed = time.process_time() - start
    steps = 0
    if trace is not None:
        trace.finish()
        steps = sum(1 for e in trace.events if e["ph"] == "X" and e["tid"] != 0 and e["name"] == "step")
    return elapsed, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    print(f"Python {sys.version.split()[0]}, {TASKS} tasks x {STEPS} steps, CPU time, median of {rounds} rounds")
    print(f"{'program':<12} {'untraced us/step':>17} {'traced us/step':>15} {'ratio':>6}  steps recorded")
    for label, worker in WORKERS.items():
        run_once(worker, False), run_once(worker, True)  # warm up: imports, allocator
        plain: list[float] = []
        traced: list[float] = []
        steps = 0
        for _ in range(rounds):
            plain.append(run_once(worker, False)[0])
            seconds, steps = run_once(worker, True)
            traced.append(seconds)
        a, b = statistics.median(plain), statistics.median(traced)
        per_step = 1e6 / (TASKS * STEPS)
        print(f"{label:<12} {a * per_step:17.2f} {b * per_step:15.2f} {b / a:6.2f}  {steps}")
    print("aim: ratio <= 1.25")


if __name__ == "__main__":
    main()
