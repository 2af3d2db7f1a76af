"""Three requests at once to an endpoint that must not block: statuses and bodies, an async
endpoint, no step over 10 ms, three requests waiting together."""

import asyncio
import inspect

from playground.browser.exercise_check import Exercise
from playground.browser.exercise_probes import http_client


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    ex.ran_cleanly(program)
    app = ex.get("app")

    async def three_requests() -> list[tuple[int, str]]:
        async with http_client(app) as client:
            responses = await asyncio.gather(*(client.get(f"/stock/{sku}") for sku in ("x", "yy", "zzz")))
        return [(response.status_code, response.text) for response in responses]

    run = await ex.probe(three_requests)
    ex.ran_cleanly(run, "The check's three requests were answered")
    want = [(200, '{"count":1}'), (200, '{"count":2}'), (200, '{"count":3}')]
    ex.expect(
        run.value == want,
        "Three requests get their counts",
        'status 200 with {"count":1}, {"count":2} and {"count":3}',
        f"{run.value}",
        ex.line_of(r'return \{"count"'),
    )
    route = next(r for r in app.routes if getattr(r, "path", "") == "/stock/{sku}")
    ex.expect(
        inspect.iscoroutinefunction(route.endpoint),
        "The endpoint is async def",
        "async def stock(...): this exercise is about the event loop (a def endpoint would run in "
        "FastAPI's threadpool on a server, and the page has no threads)",
        "def stock(...)",
        ex.line_of(r"def stock"),
    )
    await ex.never_blocks(run)
    waiting = run.loop.most_waiting_at_once("timer")
    ex.expect(
        waiting >= 3,
        "The three requests wait at the same time",
        "3 requests waiting on the inventory service at once",
        f"at most {waiting} at a time",
        ex.line_of(r'return \{"count"'),
    )
