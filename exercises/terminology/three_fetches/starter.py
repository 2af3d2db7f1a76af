import asyncio
import time


async def fetch(name: str) -> str:
    await asyncio.sleep(0.3)  # stands for a network round trip
    return f"{name}: done"


async def fetch_all(names: list[str]) -> list[str]:
    results = []
    for name in names:
        results.append(await fetch(name))  # one after the other: 0.9 s for three
    return results


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_all(["a", "b", "c"]))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
