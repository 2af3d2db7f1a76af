# intended: The other jobs are cancelled when one fails
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
    results = await asyncio.gather(job("a", 0.5), job("b", 0.5), broken(), return_exceptions=True)
    return [str(result) for result in results]  # the failure becomes a value: nobody is cancelled


async def main() -> None:
    try:
        print(await run_all())
    except* ValueError as group:
        print("failed:", [str(error) for error in group.exceptions])


asyncio.run(main())
