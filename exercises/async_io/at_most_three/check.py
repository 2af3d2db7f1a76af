"""Ten fetches, at most three at a time: the loop trace counts the requests waiting at once (3,
never more, and not fewer), the results in order, about 0.4 s in all."""

from playground.browser.exercise_check import Exercise


async def check(ex: Exercise) -> None:
    run = await ex.run_program()
    ex.ran_cleanly(run)
    want = str([f"page {page}" for page in range(10)])
    first = run.lines()[0] if run.lines() else "(nothing)"
    ex.expect(
        first == want,
        "It prints the ten pages in order",
        want,
        first,
        ex.line_of(r"print\(await"),
    )
    most = run.loop.most_waiting_at_once("timer")
    ex.expect(
        most <= 3,
        "At most 3 requests wait at once",
        "never more than 3 fetches waiting on the API at the same time",
        f"{most} waited at once",
        ex.line_of(r"Semaphore|gather"),
    )
    ex.expect(
        most == 3,
        "3 requests wait at once",
        "3 fetches at a time, so the ten take about 0.4 s",
        f"at most {most} at a time: the run took {run.seconds:.1f} s",
        ex.line_of(r"async with|for page"),
    )
    await ex.never_blocks(run)
