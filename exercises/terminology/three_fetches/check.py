"""Three fetches that wait together: the results in order, three timers pending at once, no
blocking step, and the whole in about one fetch's time."""

from playground.browser.exercise_check import Exercise


async def check(ex: Exercise) -> None:
    run = await ex.run_program()
    ex.ran_cleanly(run)
    first = run.lines()[0] if run.lines() else "(nothing)"
    ex.expect(
        first == "['a: done', 'b: done', 'c: done']",
        "It prints the three results in order",
        "the first line to be ['a: done', 'b: done', 'c: done']",
        f"it was {first}",
        ex.line_of(r"print\(await fetch_all"),
    )
    await ex.never_blocks(run)
    waiting = run.loop.most_waiting_at_once("timer")
    ex.expect(
        waiting >= 3,
        "The three fetches wait at the same time",
        "3 fetches waiting on their sleep(0.3) at once (the loop picture: three lanes side by side)",
        f"at most {waiting} waited at a time: each fetch started only after the one before had finished",
        ex.line_of(r"await (fetch|task)\b"),
    )
    ex.expect(
        run.seconds < 0.85,  # one after the other cannot take less than 0.9 s
        "All three take less than three fetches' time",
        "about 0.3 s for the three, and less than 0.9 s (three fetches of 0.3 s one after the other)",
        f"{run.seconds:.1f} s",
    )
