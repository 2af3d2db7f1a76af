import asyncio
import time


async def fetch(page: int) -> str:
    await asyncio.sleep(0.1)  # the partner's API: it allows 3 requests at a time from us
    return f"page {page}"


async def fetch_pages(pages: list[int]) -> list[str]:
    limit = asyncio.Semaphore(3)  # one semaphore shared by all the fetches of this call

    async def fetch_limited(page: int) -> str:
        async with limit:  # the fourth waits here until one of the three is done
            return await fetch(page)

    return await asyncio.gather(*(fetch_limited(page) for page in pages))


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_pages(list(range(10))))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
