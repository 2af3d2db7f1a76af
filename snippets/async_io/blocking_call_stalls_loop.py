import asyncio
import time


async def heartbeat(beats: list[float], start: float) -> None:
    for _ in range(3):
        beats.append(time.perf_counter() - start)
        await asyncio.sleep(0.1)


async def handler(blocking: bool) -> None:
    if blocking:
        time.sleep(0.5)  # a sync call: the whole loop stops here
    else:
        await asyncio.sleep(0.5)  # gives the loop back while waiting


async def main() -> None:
    for blocking in (False, True):
        beats: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(handler(blocking), heartbeat(beats, start))
        gaps = ", ".join(f"{beat:.1f}s" for beat in beats)
        label = "time.sleep   " if blocking else "asyncio.sleep"
        print(f"{label}: heartbeats at {gaps}")


asyncio.run(main())
#> asyncio.sleep: heartbeats at 0.0s, 0.1s, 0.2s
#> time.sleep   : heartbeats at 0.5s, 0.6s, 0.7s
