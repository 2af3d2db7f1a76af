"""A model of a WSGI server with 2 workers: each worker holds one request until it is answered.

Four people arrive at once; each request waits 0.2s on the database. Two are served, two queue.
More workers help until memory runs out: each sync worker is a thread or a process.
"""

import asyncio
import time

WORKERS = 2


async def handle(person: int, workers: asyncio.Semaphore, start: float) -> None:
    async with workers:  # wait for a free worker
        await asyncio.sleep(0.2)  # the worker is held while the database works
        print(f"person {person} answered at {time.perf_counter() - start:.1f}s")


async def main() -> None:
    workers = asyncio.Semaphore(WORKERS)
    start = time.perf_counter()
    await asyncio.gather(*(handle(person, workers, start) for person in range(1, 5)))


asyncio.run(main())
#> person 1 answered at 0.2s
#> person 2 answered at 0.2s
#> person 3 answered at 0.4s
#> person 4 answered at 0.4s
