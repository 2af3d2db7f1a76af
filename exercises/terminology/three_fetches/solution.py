import asyncio
import time


async def fetch(name: str) -> str:
    await asyncio.sleep(0.3)  # stands for a network round trip
    return f"{name}: done"


async def fetch_all(names: list[str]) -> list[str]:
    # gather wraps each coroutine in a task: all three wait on their timers at once,
    # and it returns the results in the order of its arguments, not of finishing.
    return await asyncio.gather(*(fetch(name) for name in names))


async def main() -> None:
    start = time.perf_counter()
    print(await fetch_all(["a", "b", "c"]))
    print(f"took {time.perf_counter() - start:.1f}s")


asyncio.run(main())
