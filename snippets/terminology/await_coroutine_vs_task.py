import asyncio


async def ticker() -> None:
    for _ in range(3):
        print("tick")
        await asyncio.sleep(0)


async def busy(label: str) -> None:
    print(f"{label} starts")
    print(f"{label} ends")


async def main() -> None:
    background = asyncio.create_task(ticker())

    # Awaiting a coroutine is a plain call: the loop gets no turn, the ticker stays silent.
    await busy("coroutine")

    # Awaiting a task suspends main(): the loop runs whatever is ready, the ticker included.
    await asyncio.create_task(busy("task"))

    await background


asyncio.run(main())
#> coroutine starts
#> coroutine ends
#> tick
#> task starts
#> task ends
#> tick
#> tick
# Predict first: when do the ticks print, around the coroutine and the task?
