"""When a background task runs: after the response is sent, in the same request's task, on the
same event loop.

Starlette's `Response.__call__` sends `http.response.start` and `http.response.body`, then awaits
the background tasks. The client already has its answer; the ASGI call has not returned yet.
"""

import asyncio
import time

from fastapi import BackgroundTasks, FastAPI

app = FastAPI()
started = [time.perf_counter()]


def log(event: str) -> None:
    print(f"{time.perf_counter() - started[0]:.1f}s {event}")


async def send_receipt(email: str) -> None:
    log(f"background task starts: mailing {email}")
    await asyncio.sleep(0.5)  # an async mail client: the loop serves others meanwhile
    log("background task done")


@app.post("/orders")
async def create_order(background_tasks: BackgroundTasks) -> dict[str, str]:
    background_tasks.add_task(send_receipt, "ana@example.com")
    log("endpoint returns")
    return {"status": "ordered"}


async def main() -> None:
    scope = {"type": "http", "method": "POST", "path": "/orders", "headers": [],
             "query_string": b"", "root_path": "", "scheme": "http", "server": ("app", 80)}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        log(f"sent {message['type']}")

    started[0] = time.perf_counter()
    await app(scope, receive, send)
    log("the ASGI call returns: the server's task for this request ends")


asyncio.run(main())
#> 0.0s endpoint returns
#> 0.0s sent http.response.start
#> 0.0s sent http.response.body
#> 0.0s background task starts: mailing ana@example.com
#> 0.5s background task done
#> 0.5s the ASGI call returns: the server's task for this request ends
# Predict first: when does the background task run, against the response?
