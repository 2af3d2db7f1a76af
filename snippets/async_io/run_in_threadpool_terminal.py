"""A blocking call you cannot avoid (a sync library) inside async code: hand it to a thread.

`run_in_threadpool` is what FastAPI uses for `def` endpoints; the loop keeps beating meanwhile.
"""

import asyncio
import time

from starlette.concurrency import run_in_threadpool


def legacy_sync_call() -> str:
    time.sleep(0.5)
    return "legacy result"


async def heartbeat(beats: list[float], start: float) -> None:
    for _ in range(5):
        beats.append(time.perf_counter() - start)
        await asyncio.sleep(0.1)


async def main() -> None:
    beats: list[float] = []
    start = time.perf_counter()
    result, _ = await asyncio.gather(run_in_threadpool(legacy_sync_call), heartbeat(beats, start))
    print(result)
    print("heartbeats at " + ", ".join(f"{beat:.1f}s" for beat in beats))


asyncio.run(main())
#> legacy result
#> heartbeats at 0.0s, 0.1s, 0.2s, 0.3s, 0.4s
