"""CPU-bound work holds the loop whether it is `async def` or not, and a thread does not help
(the GIL). A process pool runs it beside the loop, which keeps serving meanwhile."""

import asyncio
from concurrent.futures import ProcessPoolExecutor

LIMIT = 200_000


def count_primes(limit: int) -> int:
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


async def main() -> None:
    ticks = 0

    async def ticker() -> None:  # stands in for every other request the server has
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    background = asyncio.create_task(ticker())
    await asyncio.sleep(0)

    ticks = 0
    primes = count_primes(LIMIT)  # in the loop's own thread
    print(f"in the loop:  {primes} primes; other work done meanwhile: {ticks} ticks")

    ticks = 0
    with ProcessPoolExecutor(max_workers=1) as pool:
        primes = await asyncio.get_running_loop().run_in_executor(pool, count_primes, LIMIT)
    print(f"in a process: {primes} primes; other work went on meanwhile: {ticks > 5}")
    background.cancel()


if __name__ == "__main__":  # the pool's process re-imports this file: guard the entry point
    asyncio.run(main())
#> in the loop:  17984 primes; other work done meanwhile: 0 ticks
#> in a process: 17984 primes; other work went on meanwhile: True
