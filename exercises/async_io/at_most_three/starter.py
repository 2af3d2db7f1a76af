import asyncio
import time


async def fetch(page: int) -> str:
    await asyncio.sleep(0.1)  # the partner's API: it allows 3 requests at a time from us
    return f"page {page}"


async def fetch_pages(pages: list[int]) -> list[str]:
    return await asyncio.gather(*(fetch(page) for page in pages))  # all ten at once: too many


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_pages(list(range(10))))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
