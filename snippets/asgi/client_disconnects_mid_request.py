"""A client that leaves mid-request: the handler keeps running. Nobody cancels it — not uvicorn,
not Starlette, not FastAPI — so it finishes work whose answer nobody will read. A long handler
asks `await request.is_disconnected()` between its steps and stops.

The harness below plays uvicorn: the request has no body, and 0.45 s in, the client closes the
connection, so `receive` returns `http.disconnect` from then on.
"""

import asyncio

from fastapi import FastAPI, Request

app = FastAPI()
STEP_S = 0.3  # one slice of a long report: a query, a page of rows


@app.get("/report")
async def report() -> dict:
    for step in range(1, 5):
        await asyncio.sleep(STEP_S)
        print(f"  /report: step {step} done")  # goes on after the client left
    return {"steps": 4}


@app.get("/report-checked")
async def report_checked(request: Request) -> dict | None:
    for step in range(1, 5):
        if await request.is_disconnected():  # never waits: answers from what already arrived
            print(f"  /report-checked: the client left; stopped before step {step}")
            return None  # nobody reads the response: no point building one
        await asyncio.sleep(STEP_S)
        print(f"  /report-checked: step {step} done")
    return {"steps": 4}


async def request_and_leave(path: str, leave_after: float) -> None:
    """One GET whose client closes the connection after `leave_after` seconds."""
    inbox: asyncio.Queue[dict] = asyncio.Queue()
    inbox.put_nowait({"type": "http.request", "body": b"", "more_body": False})
    loop = asyncio.get_running_loop()
    loop.call_later(leave_after, inbox.put_nowait, {"type": "http.disconnect"})
    async def send(message: dict) -> None:
        pass  # uvicorn drops what is sent to a closed connection

    print(f"{path} (the client leaves after {leave_after}s)")
    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}
    await app(scope, inbox.get, send)


async def main() -> None:
    await request_and_leave("/report", leave_after=0.45)
    await request_and_leave("/report-checked", leave_after=0.45)


asyncio.run(main())
#> /report (the client leaves after 0.45s)
#>   /report: step 1 done
#>   /report: step 2 done
#>   /report: step 3 done
#>   /report: step 4 done
#> /report-checked (the client leaves after 0.45s)
#>   /report-checked: step 1 done
#>   /report-checked: step 2 done
#>   /report-checked: the client left; stopped before step 3
