import asyncio


async def fetch(name: str, seconds: float, fail: bool = False) -> str:
    try:
        await asyncio.sleep(seconds)
        if fail:
            raise ValueError(f"{name} failed")
        print(f"{name} done")
        return name
    except asyncio.CancelledError:
        print(f"{name} cancelled")  # a sibling failed: the group cancels the rest
        raise


async def main() -> None:
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fetch("fast", 0.1))
            group.create_task(fetch("broken", 0.2, fail=True))
            group.create_task(fetch("slow", 1.0))
    except* ValueError as errors:
        print(f"the group raised: {[str(e) for e in errors.exceptions]}")


asyncio.run(main())
#> fast done
#> slow cancelled
#> the group raised: ['broken failed']
# Predict first: one task of the group fails: what prints, in what order?
