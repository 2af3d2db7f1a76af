import asyncio


async def download() -> None:
    print("download: started")
    try:
        await asyncio.sleep(10)  # cancellation arrives here, as CancelledError
    finally:
        print("download: cleaning up")  # runs whether it finished or was cancelled


async def main() -> None:
    task = asyncio.create_task(download())
    await asyncio.sleep(0.1)
    task.cancel()  # a request, delivered at the task's next await
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: the task was cancelled: {task.cancelled()}")


asyncio.run(main())
#> download: started
#> download: cleaning up
#> main: the task was cancelled: True
# Predict first: in what order do the cancelled download and main print?
