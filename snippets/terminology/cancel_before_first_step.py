"""A task cancelled before its first step never starts its coroutine: asyncio throws
`CancelledError` into a coroutine that has not begun, which ends it before its first line — so
not even its `finally` runs."""

import asyncio


async def download() -> None:
    print("download: started")
    try:
        await asyncio.sleep(10)
    finally:
        print("download: cleaning up")


async def main() -> None:
    task = asyncio.create_task(download())
    task.cancel()  # before the loop ran the task's first step
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: cancelled: {task.cancelled()}; download printed nothing")


asyncio.run(main())
#> main: cancelled: True; download printed nothing
