"""One thread, and still a race: state read before an `await` may be stale after it.

Ten tasks each take one ticket from a stock of 5. Between reading the stock and writing it back,
each awaits (a database call, say), and the loop runs the other tasks, which read the same old
value. An `asyncio.Lock` makes read-await-write one step that no other task can interleave.
"""

import asyncio


class Box:
    def __init__(self) -> None:
        self.stock, self.sold = 5, 0


async def buy_naive(box: Box) -> None:
    if box.stock > 0:
        await asyncio.sleep(0.01)  # the loop runs the other tasks here...
        box.stock -= 1  # ...and they all saw stock > 0
        box.sold += 1


async def buy_locked(box: Box, lock: asyncio.Lock) -> None:
    async with lock:  # one task at a time from the check to the write
        if box.stock > 0:
            await asyncio.sleep(0.01)
            box.stock -= 1
            box.sold += 1


async def main() -> None:
    box = Box()
    await asyncio.gather(*(buy_naive(box) for _ in range(10)))
    print(f"without a lock: sold {box.sold} of 5, stock now {box.stock}")

    box, lock = Box(), asyncio.Lock()
    await asyncio.gather(*(buy_locked(box, lock) for _ in range(10)))
    print(f"with a lock:    sold {box.sold} of 5, stock now {box.stock}")


asyncio.run(main())
#> without a lock: sold 10 of 5, stock now -5
#> with a lock:    sold 5 of 5, stock now 0
