"""Four requests at once to the `def` endpoint above, on the playground's real threadpool.

What is measured is printed as measured; what follows from the server's code is printed as that.
"""

import asyncio
import time

from playground_client import get_json  # ../playground_client.py: httpx here, fetch in the page

SLEEP_S = 0.5  # what `report()` in threadpool_server.py sleeps: a constant of that code

# Distinct URLs: a browser may hold back a request identical to one still in flight (to reuse
# its answer), which would look like a server serving one at a time.
URLS = [f"/snippets/async_io/threadpool_server/report?request={n}" for n in range(4)]


async def main() -> None:
    await get_json("/snippets/async_io/threadpool_server/openapi.json")  # warm-up, not timed
    start = time.perf_counter()
    answers = await asyncio.gather(*(get_json(url) for url in URLS))
    elapsed = time.perf_counter() - start
    print(f"one after another, by the server's code: 4 x {SLEEP_S}s = {4 * SLEEP_S:.1f}s")
    print(f"4 at once, measured: {elapsed:.1f}s")
    print(f"answered by {len({answer['thread'] for answer in answers})} different threads (measured)")


asyncio.run(main())
#> one after another, by the server's code: 4 x 0.5s = 2.0s
#> 4 at once, measured: 0.5s
#> answered by 4 different threads (measured)
