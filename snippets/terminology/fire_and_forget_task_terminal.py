"""`asyncio.create_task(...)` with the task thrown away: two ways to lose it.

1. Its exception: nobody awaits the task, so nobody sees the error. asyncio reports it only
   when the task object is garbage-collected ("Task exception was never retrieved"), to a log.
2. The task itself: the loop keeps only a *weak* reference to a task. A task that nothing else
   references can be collected while it still waits ("Task was destroyed but it is pending!").

Here the loop's exception handler prints what asyncio would log. The right ways: keep a
reference and look at the result when the task ends, or let a TaskGroup own it.

(A terminal snippet: what is reported, and when, depends on the event loop. The page's Pyodide
loop reported neither line in Chromium: there the exception is lost without even a log line.)
"""

import asyncio
import gc


async def send_welcome_mail(user: str) -> None:
    await asyncio.sleep(0.01)
    raise ConnectionError(f"mail server refused {user}")


async def wait_for_reply() -> None:
    reply = asyncio.get_running_loop().create_future()  # held only by this task
    await reply


def report(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    print(f"  the loop's log: {context['message']}")


async def wrong() -> None:
    asyncio.get_running_loop().set_exception_handler(report)
    asyncio.create_task(send_welcome_mail("ada"))  # the signup answered; the error goes to a log
    await asyncio.sleep(0.05)
    asyncio.create_task(wait_for_reply())
    await asyncio.sleep(0)  # it starts, and waits
    gc.collect()  # any collection, at any time: the pending task is gone


background: set[asyncio.Task] = set()  # strong references, for as long as each task runs


def finished(task: asyncio.Task) -> None:
    background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        print(f"  handled: {task.exception()!r}")  # log it, retry it, alert: your choice


async def right() -> None:
    task = asyncio.create_task(send_welcome_mail("ada"))
    background.add(task)
    task.add_done_callback(finished)
    await asyncio.sleep(0.05)
    try:
        async with asyncio.TaskGroup() as group:  # or let the group own it: its errors come back
            group.create_task(send_welcome_mail("bob"))
    except* ConnectionError as errors:
        print(f"  the TaskGroup raised: {errors.exceptions[0]!r}")


print("thrown away:")
#> thrown away:
asyncio.run(wrong())
#>   the loop's log: Task exception was never retrieved
#>   the loop's log: Task was destroyed but it is pending!
print("kept:")
#> kept:
asyncio.run(right())
#>   handled: ConnectionError('mail server refused ada')
#>   the TaskGroup raised: ConnectionError('mail server refused bob')
