"""A background task runs on the same event loop as every request: an `async def` task that
blocks (here `time.sleep`; a sync SMTP client, a CPU loop) stalls everyone, after its own
client has been answered.

`request()` plays the server: it returns as soon as the response body is sent, as uvicorn's
client would see it, while the ASGI call (and its background task) carries on.
"""

import asyncio
import time

from fastapi import BackgroundTasks, FastAPI

app = FastAPI()


async def receipt_that_awaits() -> None:
    await asyncio.sleep(0.5)


async def receipt_that_blocks() -> None:
    time.sleep(0.5)  # blocking in async def: the loop can run nothing else meanwhile


@app.post("/orders/{how}")
async def create_order(how: str, background_tasks: BackgroundTasks) -> str:
    background_tasks.add_task(receipt_that_blocks if how == "blocks" else receipt_that_awaits)
    return "ordered"


@app.get("/menu")
async def menu() -> str:
    return "tea, coffee"


async def request(method: str, path: str) -> tuple[float, asyncio.Task[None]]:
    """Send one request; return when its response is sent (the time, and the server's task)."""
    answered, answered_at = asyncio.Event(), [0.0]
    scope = {"type": "http", "method": method, "path": path, "headers": [],
             "query_string": b"", "root_path": "", "scheme": "http", "server": ("app", 80)}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body"):
            answered_at[0] = time.perf_counter()  # the moment the client has its answer
            answered.set()

    server_task = asyncio.create_task(app(scope, receive, send))  # serves this one connection
    await answered.wait()
    return answered_at[0], server_task


async def main() -> None:
    for how in ("awaits", "blocks"):
        order_answered, order_task = await request("POST", f"/orders/{how}")
        menu_answered, _ = await request("GET", "/menu")  # another client, right after
        later = menu_answered - order_answered
        print(f"background task that {how}: the next request answered {later:.1f}s later")
        await order_task  # the order's background task is done


asyncio.run(main())
#> background task that awaits: the next request answered 0.0s later
#> background task that blocks: the next request answered 0.5s later
