"""A yield dependency that closes its connection after every request, the failing one too: the
statuses, one connection per request (also when two parameters depend on it), open during the
endpoint, closed after, nothing left running."""

from typing import Annotated, Any

from fastapi import Depends

from playground.browser.exercise_check import Exercise
from playground.browser.exercise_probes import http_client


async def check(ex: Exercise) -> None:
    program = await ex.run_program()
    ex.ran_cleanly(program)
    app, opened, get_connection = ex.get("app"), ex.get("opened"), ex.get("get_connection")
    seen_open: list[bool] = []

    # One more route, the check's own: two parameters on the same dependency, as a sub-dependency
    # would. FastAPI calls it once per request and hands both the same value.
    @app.get("/check/{item_id}")
    async def both(
        item_id: int, a: Annotated[Any, Depends(get_connection)], b: Annotated[Any, Depends(get_connection)]
    ) -> dict[str, Any]:
        seen_open.append(not a.closed)
        if item_id > 100:
            raise ValueError("the endpoint failed")
        return {"same": a is b}

    async def requests() -> list[tuple[int, str]]:
        opened.clear()
        async with http_client(app) as client:
            return [
                ((r := await client.get(path)).status_code, r.text)
                for path in ("/items/1", "/items/404", "/check/1", "/check/500")
            ]

    run = await ex.probe(requests)
    ex.ran_cleanly(run, "The check's requests were answered")
    statuses = [status for status, _ in run.value]
    ex.expect(
        statuses[0] == 200,
        "A request that succeeds answers 200",
        "200 for /items/1",
        f"{statuses[0]}: {run.value[0][1]}",
        ex.line_of(r"yield"),
    )
    ex.expect(
        statuses[1] == 404,
        "An error in the endpoint still answers 404",
        "404 for /items/404: the endpoint's HTTPException must reach FastAPI",
        f"{statuses[1]}: {run.value[1][1][:120]} (an except that does not re-raise swallows it)",
        ex.line_of(r"except"),
    )
    ex.expect(
        len(opened) == 4 and len({id(c) for c in opened}) == 4,
        "Each request gets a connection of its own",
        "4 connections made for the check's 4 requests (FastAPI calls the dependency once per request)",
        f"{len({id(c) for c in opened})} distinct connection(s) made",
        ex.line_of(r"yield"),
    )
    ex.expect(
        all(seen_open),
        "The connection is open while the endpoint runs",
        "connection.closed is False inside the endpoint",
        "the endpoint got a closed connection",
        ex.line_of(r"close\(\)"),
    )
    paths = ["GET /items/1", "GET /items/404 (HTTPException)", "GET /check/1", "GET /check/500 (ValueError)"]
    still_open = [paths[i] if i < len(paths) else str(i + 1) for i, c in enumerate(opened) if not c.closed]
    ex.expect(
        not still_open,
        "Every connection is closed, after errors too",
        "all 4 connections closed once their request ended",
        f"the connection of {', '.join(still_open)} is still open: when an endpoint raises, the code after "
        "yield is not reached",
        ex.line_of(r"yield"),
    )
    ex.nothing_left_running(run)
