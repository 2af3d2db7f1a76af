# intended: Nothing is left running at the end
import asyncio
import time


async def slow_service() -> str:
    await asyncio.sleep(1.0)  # today it is slow
    return "answer"


async def answer_or_fallback() -> str:
    task = asyncio.ensure_future(slow_service())
    try:
        return await asyncio.wait_for(asyncio.shield(task), 0.2)  # shield: the timeout cannot cancel it
    except TimeoutError:
        return "fallback"


async def main() -> None:
    start = time.perf_counter()
    print(await answer_or_fallback())
    print(f"after {time.perf_counter() - start:.1f}s")


asyncio.run(main())
