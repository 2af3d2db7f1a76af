# intended: It prints the three results in order
import asyncio
import time


async def fetch(name: str) -> str:
    await asyncio.sleep(0.3)  # stands for a network round trip
    return f"{name}: done"


async def fetch_all(names: list[str]) -> list[str]:
    return asyncio.gather(*(fetch(name) for name in names))  # no await: a future, not the results


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_all(["a", "b", "c"]))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
