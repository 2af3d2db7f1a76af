"""Four requests at once to the `def` endpoint above, on the playground's real threadpool."""

import asyncio
import time

from playground.browser.client import get_json


async def main() -> None:
    # Four distinct URLs: a browser may hold back a request identical to one still in flight
    # (to reuse its answer), which would look like a server serving one at a time.
    urls = [f"/snippets/async_io/threadpool_server/report?request={n}" for n in range(4)]
    start = time.perf_counter()
    answers = await asyncio.gather(*(get_json(url) for url in urls))
    elapsed = time.perf_counter() - start
    threads = {answer["thread"] for answer in answers}
    print(f"one after another: {4 * 0.5:.1f}s; side by side, under 1s: {elapsed < 1.0}")
    print(f"answered by {len(threads)} different threads")


asyncio.run(main())
#> one after another: 2.0s; side by side, under 1s: True
#> answered by 4 different threads
