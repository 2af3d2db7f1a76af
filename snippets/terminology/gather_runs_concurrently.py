import asyncio
import time


async def fetch(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)  # stands in for a database or network call
    return name


async def one_after_another() -> list[str]:
    return [await fetch("a", 0.3), await fetch("b", 0.3), await fetch("c", 0.3)]


async def all_at_once() -> list[str]:
    return await asyncio.gather(fetch("a", 0.3), fetch("b", 0.3), fetch("c", 0.3))


async def main() -> None:
    for strategy in (one_after_another, all_at_once):
        start = time.perf_counter()
        names = await strategy()
        elapsed = time.perf_counter() - start
        print(f"{strategy.__name__}: {names} in {elapsed:.1f}s")


asyncio.run(main())
#> one_after_another: ['a', 'b', 'c'] in 0.9s
#> all_at_once: ['a', 'b', 'c'] in 0.3s
