"""One job fails: the others must be cancelled at once (the trace shows them cancelled, not
finished), the failure reported, nothing left running, all over in about 0.1 s."""

from playground.browser.exercise_check import Exercise


async def check(ex: Exercise) -> None:
    run = await ex.run_program()
    ex.ran_cleanly(run)
    cancelled = sum(1 for e in run.events if e.get("ph") == "i" and e["name"] == "cancelled")
    ex.expect(
        cancelled >= 2,
        "The other jobs are cancelled when one fails",
        "jobs a and b to end cancelled (✕ in the loop picture) as soon as broken() raises",
        f"{cancelled} of them ended cancelled; the output was {run.lines()}",
        ex.line_of(r"return name  |return name$" if "TaskGroup" in ex.source else r"gather\("),
    )
    ex.nothing_left_running(run)
    lines = run.lines()
    ex.expect(
        sorted(lines[:2]) == ["a cancelled", "b cancelled"] and lines[2:] == ["failed: ['broken']"],
        "It reports the failure",
        "'a cancelled' and 'b cancelled' (in either order: a TaskGroup keeps its tasks in a set), "
        "then \"failed: ['broken']\"",
        f"the output was {lines}",
        ex.line_of(r"except\*|print\("),
    )
    ex.expect(run.seconds < 0.45, "It is over in about 0.1 s", "about 0.1 s", f"{run.seconds:.1f} s")
