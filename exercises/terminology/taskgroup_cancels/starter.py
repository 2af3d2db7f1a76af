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
    # gather lets the others run on when one fails: their results are lost, their work is not
    return await asyncio.gather(job("a", 0.5), job("b", 0.5), broken())


async def main() -> None:
    try:
        print(await run_all())
    except* ValueError as group:
        print("failed:", [str(error) for error in group.exceptions])


asyncio.run(main())
