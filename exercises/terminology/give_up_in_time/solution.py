import asyncio
import time


async def slow_service() -> str:
    await asyncio.sleep(1.0)  # today it is slow
    return "answer"


async def answer_or_fallback() -> str:
    try:
        async with asyncio.timeout(0.2):  # cancels slow_service() when the time is up
            return await slow_service()
    except TimeoutError:
        return "fallback"


async def main() -> None:
    start = time.perf_counter()
    print(await answer_or_fallback())
    print(f"after {time.perf_counter() - start:.1f}s")


asyncio.run(main())
