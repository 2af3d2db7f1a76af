# intended: At most 3 requests wait at once
import asyncio
import time


async def fetch(page: int) -> str:
    await asyncio.sleep(0.1)  # the partner's API: it allows 3 requests at a time from us
    return f"page {page}"


async def fetch_pages(pages: list[int]) -> list[str]:
    async def fetch_limited(page: int) -> str:
        async with asyncio.Semaphore(3):  # a new semaphore for each fetch: limits nothing
            return await fetch(page)

    return await asyncio.gather(*(fetch_limited(page) for page in pages))


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_pages(list(range(10))))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
