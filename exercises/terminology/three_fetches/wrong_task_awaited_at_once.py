# intended: The three fetches wait at the same time
import asyncio
import time


async def fetch(name: str) -> str:
    await asyncio.sleep(0.3)  # stands for a network round trip
    return f"{name}: done"


async def fetch_all(names: list[str]) -> list[str]:
    results = []
    for name in names:
        task = asyncio.create_task(fetch(name))
        results.append(await task)  # awaited before the next one is even created
    return results


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_all(["a", "b", "c"]))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
