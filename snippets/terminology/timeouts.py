import asyncio


async def query(seconds: float) -> str:
    await asyncio.sleep(seconds)  # a database that may be slow today
    return f"answer after {seconds}s"


async def main() -> None:
    for seconds in (0.1, 2.0):
        try:
            async with asyncio.timeout(0.5):  # give up after half a second
                print(await query(seconds))
        except TimeoutError:
            print(f"gave up on the {seconds}s query after 0.5s")


asyncio.run(main())
#> answer after 0.1s
#> gave up on the 2.0s query after 0.5s
