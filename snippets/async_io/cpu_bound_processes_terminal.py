"""CPU-bound work three ways: on the loop, in threads, in processes.

Two jobs of pure-Python arithmetic, while a ticker task stands in for every other request the
server has. On the loop, the ticker stops. In threads, the ticker keeps going (a waiting thread
gets the GIL after `sys.getswitchinterval()`, so the loop gets its turns), but the two jobs still
take turns on one interpreter: no faster. In processes, each job has its own interpreter and
core: both finish in the time of one (on a machine with two cores to spare).

The durations vary with the machine (`~`); the lessons are printed as lines of their own, so a
run where they stop holding prints something else.
"""

import asyncio
import itertools
import multiprocessing
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor

JOB_SECONDS = 0.1  # each job is sized to take this long on its own, on this machine, now


def crunch(cpu_seconds: float) -> int:
    """Pure-Python arithmetic until this thread has used `cpu_seconds` of CPU time."""
    start, total = time.thread_time(), 0
    while time.thread_time() - start < cpu_seconds:
        for n in range(1000):
            total += n * n % 7
    return total


def cpu_seconds_for(wall_seconds: float) -> float:
    """The CPU time that takes `wall_seconds` here right now. On a busy machine a process gets
    only a share of a core (and every process of this demo the same share): measure it."""
    stretches = []
    for _ in range(5):
        start = time.perf_counter()
        crunch(0.01)
        stretches.append((time.perf_counter() - start) / 0.01)
    return wall_seconds / sorted(stretches)[2]  # the median: one unlucky sample is noise


async def longest_pause(work: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """Run `work()` while ticking every millisecond; return its duration and the loop's longest
    pause (the longest gap between two ticks)."""
    ticks = [time.perf_counter()]

    async def ticker() -> None:
        while True:
            await asyncio.sleep(0.001)
            ticks.append(time.perf_counter())

    background = asyncio.create_task(ticker())
    await asyncio.sleep(0)  # let the ticker start
    start = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - start
    background.cancel()
    ticks.append(time.perf_counter())
    pause = max(b - a for a, b in itertools.pairwise(ticks))
    return elapsed, pause


async def main() -> None:
    loop = asyncio.get_running_loop()
    job = cpu_seconds_for(JOB_SECONDS)
    print(f"GIL switch interval: {sys.getswitchinterval() * 1000:.0f}ms (a setting)")

    async def inline() -> None:
        crunch(job)  # no await inside: nothing else runs until it returns
        crunch(job)

    async def threads() -> None:
        await asyncio.gather(*(asyncio.to_thread(crunch, job) for _ in range(2)))

    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, on every OS
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        # Start both processes before timing: starting one is not the point here.
        await asyncio.gather(*(loop.run_in_executor(pool, crunch, 0) for _ in range(2)))

        async def processes() -> None:
            await asyncio.gather(*(loop.run_in_executor(pool, crunch, job) for _ in range(2)))

        ways = {"on the loop": inline, "in threads": threads, "in processes": processes}
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        for _ in range(3):  # the three ways in turn, three times: each meets the same machine
            for name, work in ways.items():
                runs[name].append(await longest_pause(work))
        # Each measure's least disturbed run: the shortest time and, apart, the shortest pause.
        timings = {name: (min(took for took, _ in measured), min(pause for _, pause in measured))
                   for name, measured in runs.items()}
    for line in report(timings):
        print(line)


def report(timings: dict[str, tuple[float, float]]) -> list[str]:
    """One line per way (duration, the loop's longest pause), then the lessons as checked lines.
    Speed is measured against the loop doing both jobs in turn, on the same machine moments
    apart: a busy machine slows every way alike."""
    lines = [f"2 jobs {name:<12}: ~{took * 1000:.0f}ms; the loop's longest pause: ~{pause * 1000:.0f}ms"
             for name, (took, pause) in timings.items()]
    (loop_took, loop_pause), (threads_took, threads_pause), (processes_took, _) = timings.values()
    lines.append(f"with threads the loop paused under half as long: {threads_pause < loop_pause / 2}")
    lines.append(f"threads faster than the loop (over 1.3x): {loop_took / threads_took > 1.3}")
    lines.append(f"processes faster than the loop (over 1.3x): {loop_took / processes_took > 1.3}")
    return lines


if __name__ == "__main__":  # the pool's processes import this file: guard the entry point
    asyncio.run(main())
#> GIL switch interval: 5ms (a setting)
#> 2 jobs on the loop : ~184ms; the loop's longest pause: ~184ms
#> 2 jobs in threads  : ~182ms; the loop's longest pause: ~52ms
#> 2 jobs in processes: ~43ms; the loop's longest pause: ~1ms
#> with threads the loop paused under half as long: True
#> threads faster than the loop (over 1.3x): False
#> processes faster than the loop (over 1.3x): True
