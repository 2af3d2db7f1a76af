# intended: Nothing is left running at the end
import asyncio
import time


async def slow_service() -> str:
    await asyncio.sleep(1.0)  # today it is slow
    return "answer"


async def answer_or_fallback() -> str:
    task = asyncio.create_task(slow_service())
    await asyncio.sleep(0.2)  # waited long enough...
    if task.done():
        return task.result()
    return "fallback"  # ...but the task goes on running


async def main() -> None:
    start = time.perf_counter()
    print(await answer_or_fallback())
    print(f"after {time.perf_counter() - start:.1f}s")


asyncio.run(main())
