"""200 requests at once, limit 50: exactly 50 answered 200 and 150 answered 429, the requests
still waiting together (no loop-wide stall), and no step over 10 ms. Whether they wait together
is asked first of 20 requests: queued one behind another, 20 take 2 s (200 would take 5 s more),
so a reader whose lock holds the requests in line hears so in seconds."""

import asyncio
from collections import Counter

from playground.browser.exercise_check import Exercise, Run
from playground.browser.exercise_probes import http_client


async def check(ex: Exercise) -> None:
    program = await ex.run_program(deadline_s=20.0)  # 200 requests: seconds on a loaded machine
    ex.ran_cleanly(program)
    app, store = ex.get("app"), ex.get("store")

    async def burst(requests: int) -> Counter[int]:
        store.counts.clear()
        async with http_client(app) as client:
            responses = await asyncio.gather(
                *(client.get("/search", params={"client": "check"}) for _ in range(requests))
            )
        return Counter(response.status_code for response in responses)

    def wait_together(run: Run, requests: int) -> None:
        searching = run.loop.most_waiting_at_once("timer")
        ex.expect(
            searching >= 5,
            "The requests still wait together",
            "the admitted searches (0.1 s each) waiting together, many at once: only the counter's update "
            "taken in turn",
            f"at most {searching} waited on a timer at once: the requests queued behind one another "
            f"({run.seconds:.1f} s for {requests})",
            ex.line_of(r"async with|with lock"),
        )

    few = await ex.probe(lambda: burst(20), deadline_s=20.0)
    ex.ran_cleanly(few, "The check's 20 requests were answered")
    wait_together(few, 20)

    run = await ex.probe(lambda: burst(200), deadline_s=20.0)
    ex.ran_cleanly(run, "The check's 200 requests were answered")
    ex.expect(
        run.value == Counter({429: 150, 200: 50}),
        "Exactly 50 of 200 concurrent requests get through",
        "50 answered 200 and 150 answered 429",
        lambda: (
            f"{run.value.get(200, 0)} answered 200 and {run.value.get(429, 0)} answered 429: requests read the "
            "count before the others had written it"
        ),
        ex.line_of(r"used = "),
    )
    await ex.never_blocks(run)
    wait_together(run, 200)
