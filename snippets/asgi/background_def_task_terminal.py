"""A `def` background task runs in the threadpool, and holds a token while it runs.

The limiter is cut to 1 token so one task is enough to show it (with 40, it takes 40 slow
tasks). While the task sleeps in its thread, the loop is free: an `async def` endpoint answers
at once, a `def` endpoint queues for the token.
"""

import asyncio
import time

import anyio.to_thread
from fastapi import BackgroundTasks, FastAPI

app = FastAPI()


def send_receipt() -> None:
    time.sleep(0.5)  # a sync mail client: fine in a def task, it blocks only its thread


@app.post("/orders")
async def create_order(background_tasks: BackgroundTasks) -> str:
    background_tasks.add_task(send_receipt)
    return "ordered"


@app.get("/menu-def")
def menu_def() -> str:
    return "tea, coffee"


@app.get("/menu-async")
async def menu_async() -> str:
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
            answered_at[0] = time.perf_counter()
            answered.set()

    server_task = asyncio.create_task(app(scope, receive, send))
    await answered.wait()
    return answered_at[0], server_task


async def main() -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1
    for path in ("/menu-async", "/menu-def"):
        order_answered, order_task = await request("POST", "/orders")
        menu_answered, _ = await request("GET", path)
        print(f"def task holding the token: {path} answered {menu_answered - order_answered:.1f}s later")
        await order_task


asyncio.run(main())
#> def task holding the token: /menu-async answered 0.0s later
#> def task holding the token: /menu-def answered 0.5s later
