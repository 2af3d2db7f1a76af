# intended: No step holds the event loop over 10 ms
import asyncio
import time


async def fetch(name: str) -> str:
    time.sleep(0.3)  # "it is async def, so it does not block" - it does
    return f"{name}: done"


async def fetch_all(names: list[str]) -> list[str]:
    return await asyncio.gather(*(fetch(name) for name in names))


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_all(["a", "b", "c"]))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
