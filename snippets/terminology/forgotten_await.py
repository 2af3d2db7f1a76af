import asyncio
import warnings


async def save(record: str) -> None:
    print(f"saved {record}")


async def main() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save("wrong")  # no await: a coroutine is made, never run, and thrown away
    print(f"nothing saved; Python warns: {caught[0].message}")

    await save("right")  # awaited: it runs


asyncio.run(main())
#> nothing saved; Python warns: coroutine 'save' was never awaited
#> saved right
