import asyncio


async def job(name: str, seconds: float) -> str:
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    print(f"{name} finished")
    return name


async def broken() -> str:
    await asyncio.sleep(0.1)
    raise ValueError("broken")


async def run_all() -> list[str]:
    # The first failure cancels every other task of the group; the group then raises an
    # ExceptionGroup with the failure once all of them have ended.
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job("a", 0.5)), group.create_task(job("b", 0.5)), group.create_task(broken())]
    return [task.result() for task in tasks]


async def main() -> None:
    try:
        print(await run_all())
    except* ValueError as group:
        print("failed:", [str(error) for error in group.exceptions])


asyncio.run(main())
