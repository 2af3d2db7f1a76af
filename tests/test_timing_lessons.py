"""A lesson drawn from timings is a checked line: swap the thread and process timings of the CPU
demo and the recorded output no longer matches (recorded_output rule 4)."""

from __future__ import annotations

import runpy
from collections.abc import Callable

from playground.browser.recorded_output import compare, recorded_lines
from tests.paths import SNIPPETS

CPU_DEMO = SNIPPETS / "async_io" / "cpu_bound_processes_terminal.py"
AS_RECORDED = {"on the loop": (0.184, 0.184), "in threads": (0.182, 0.052), "in processes": (0.043, 0.001)}


def cpu_demo_report() -> Callable[[dict[str, tuple[float, float]]], list[str]]:
    namespace = runpy.run_path(str(CPU_DEMO), run_name="cpu_demo_under_test")  # no __main__: no run
    return namespace["report"]  # type: ignore[no-any-return]


def printed(timings: dict[str, tuple[float, float]]) -> str:
    return "GIL switch interval: 5ms (a setting)\n" + "\n".join(cpu_demo_report()(timings)) + "\n"


def test_the_cpu_demo_timings_as_recorded_match() -> None:
    assert compare(recorded_lines(CPU_DEMO.read_text()), printed(AS_RECORDED)).ok


def test_the_cpu_demo_fails_when_threads_and_processes_swap() -> None:
    """Failed before: durations in ms were compared with ±0.25 s, so swapped timings matched."""
    swapped = {**AS_RECORDED, "in threads": AS_RECORDED["in processes"], "in processes": AS_RECORDED["in threads"]}
    result = compare(recorded_lines(CPU_DEMO.read_text()), printed(swapped))
    assert not result.ok
    assert "+#> processes faster than the loop (over 1.3x): False" in result.diff
