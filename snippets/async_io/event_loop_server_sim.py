"""The same two people, served by an event loop: waiting on I/O no longer holds the worker."""

import asyncio
import time

WORK = {"person 1": 0.4, "person 2": 0.0}


async def handle(person: str, start: float) -> None:
    await asyncio.sleep(WORK[person])  # an async driver: the loop serves others meanwhile
    print(f"{person} answered at {time.perf_counter() - start:.1f}s")


async def main() -> None:
    start = time.perf_counter()
    await asyncio.gather(*(handle(person, start) for person in WORK))


asyncio.run(main())
#> person 2 answered at 0.0s
#> person 1 answered at 0.4s
