"""Give up on a slow call after 0.2 s: the fallback printed, in time, and the slow call cancelled
(not left running in the background)."""

from playground.browser.exercise_check import Exercise


async def check(ex: Exercise) -> None:
    run = await ex.run_program()
    ex.ran_cleanly(run)
    first = run.lines()[0] if run.lines() else "(nothing)"
    ex.expect(
        first == "fallback",
        "It falls back when the service is slow",
        "'fallback' printed, since slow_service() takes 1 s",
        f"it printed {first!r} after {run.seconds:.1f} s",
        ex.line_of(r"await slow_service\(\)|wait_for|timeout\("),
    )
    ex.expect(
        run.seconds < 0.45,  # the wrong deadline (0.5 s) cannot come sooner
        "It answers within 0.2 s",
        "the fallback after about 0.2 s",
        f"it came after {run.seconds:.1f} s",
        ex.line_of(r"wait_for|timeout\(|sleep\(0"),
    )
    ex.nothing_left_running(run)
    await ex.never_blocks(run)
