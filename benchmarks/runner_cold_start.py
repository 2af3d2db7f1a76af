"""How fast the in-page runner answers, measured against the built site on loopback.

Prints, from one run, each in a fresh browser context (empty HTTP cache), with the build's
memory snapshot of the interpreter (`?snapshot=on`), without it (`?snapshot=off`), and as the
page chooses (no snapshot where the page's blocks import packages), side by side:
  * Run click -> first output, pure asyncio snippet (Python itself must load first);
  * Run click -> first output, FastAPI snippet (Python + fastapi/pydantic wheels), clicked as the
    pointer reaches the block, and 1 s after it did (pointing at a block loads Python and the
    block's wheels, and imports them: runtime-client.js prepare);
  * the same two on a slow network: 10 Mbit/s down and up, 40 ms latency (Chromium's own network
    emulation, as DevTools applies it: the page's and its worker's requests alike);
  * warm re-run of the FastAPI snippet (median of 5);
  * bytes fetched before the first Run, and in total.

Usage: .venv/bin/python benchmarks/runner_cold_start.py [site dir]   (after `make site`)
This is a measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page  # noqa: E402

from tests.browser import block_for, guarded_context, launch, wait_settled  # noqa: E402
from tests.live_server import run_playground  # noqa: E402
from tests.ports import free_port  # noqa: E402

ASYNCIO = ("/terminology/", "terminology/coroutine_object.py")  # prints at once: no sleep in the figure
FASTAPI = ("/dependency-injection/", "dependency_injection/api_key_auth.py")

# Measured inside the page: the click and the first output node, on the page's own clock.
CLICK_TO_FIRST_OUTPUT = """async (block) => {
  const output = block.querySelector('.runner__output');
  const first = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (output.querySelector('[data-stream]')) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(output, { childList: true, subtree: true, characterData: true });
  });
  const start = performance.now();
  block.querySelector('.runner__run').click();
  return (await first) - start;
}"""


def first_output_ms(page: Page, path: str, snippet: str, base_url: str, pointed_ms: int = 0) -> float:
    """Run -> first output. The pointer enters the block (block_for), then Run is clicked at once,
    or after ``pointed_ms`` (a reader who reads the block before pressing Run)."""
    if not page.url.endswith(path):
        page.goto(base_url + path, wait_until="networkidle")
    block = block_for(page, snippet)
    if pointed_ms:
        page.wait_for_timeout(pointed_ms)  # the reader's pause, not a wait for the page
    elapsed = page.evaluate(CLICK_TO_FIRST_OUTPUT, block.element_handle())
    state = wait_settled(page, block)
    if state != "ok":
        raise RuntimeError(f"{snippet} ended {state}")
    return float(elapsed)


# Chromium's network emulation (the DevTools protocol's units: bytes per second, milliseconds).
SLOW_NETWORK: dict[str, object] = {
    "offline": False,
    "latency": 40,
    "downloadThroughput": 10e6 / 8,
    "uploadThroughput": 10e6 / 8,
}


def cold(
    browser: Browser,
    base_url: str,
    path: str,
    snippet: str,
    network: dict[str, object] | None = None,
    pointed_ms: int = 0,
) -> tuple[float, int, int, Page]:
    guard = guarded_context(browser, base_url)
    page = guard.new_page()
    if network is not None:
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", network)
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    page.goto(base_url + path, wait_until="networkidle")
    block_for(page, snippet)
    before = sum(sizes)
    elapsed = first_output_ms(page, path, snippet, base_url, pointed_ms)
    page.wait_for_load_state("networkidle")
    if guard.refused:
        raise RuntimeError(f"requests left the site: {guard.refused}")
    return elapsed, before, sum(sizes), page


POINTED_MS = 1000  # a reader reads the block before pressing Run: Python and its wheels load meanwhile
COLD_RUNS = 3  # cold starts per loopback cell (the median): one alone varies by half


def measure(browser: Browser, base_url: str, query: str) -> dict[str, float]:
    """One column of the table: every figure for one way of starting Python."""
    asyncio_runs, fastapi_runs, pointed_runs = [], [], []
    for _ in range(COLD_RUNS):
        asyncio_ms, before, total_asyncio, page_a = cold(browser, base_url, ASYNCIO[0] + query, ASYNCIO[1])
        page_a.context.close()
        asyncio_runs.append(asyncio_ms)
        fastapi_ms, _, total_fastapi, page = cold(browser, base_url, FASTAPI[0] + query, FASTAPI[1])
        fastapi_runs.append(fastapi_ms)
        warm = [first_output_ms(page, FASTAPI[0] + query, FASTAPI[1], base_url) for _ in range(5)]
        page.context.close()
        pointed_ms, _, _, page = cold(browser, base_url, FASTAPI[0] + query, FASTAPI[1], pointed_ms=POINTED_MS)
        page.context.close()
        pointed_runs.append(pointed_ms)
    # At 10 Mbit/s the bytes decide, not the machine: one run each.
    slow_asyncio, _, _, page_a = cold(browser, base_url, ASYNCIO[0] + query, ASYNCIO[1], SLOW_NETWORK)
    page_a.context.close()
    slow_fastapi, _, _, page = cold(browser, base_url, FASTAPI[0] + query, FASTAPI[1], SLOW_NETWORK)
    page.context.close()
    return {
        "asyncio": statistics.median(asyncio_runs),
        "fastapi": statistics.median(fastapi_runs),
        "pointed": statistics.median(pointed_runs),
        "slow_asyncio": slow_asyncio,
        "slow_fastapi": slow_fastapi,
        "warm": statistics.median(warm),
        "before": before / 1e6,
        "total_asyncio": total_asyncio / 1e6,
        "total_fastapi": total_fastapi / 1e6,
    }


ROWS = [
    ("Run -> first output, asyncio snippet (cold)", "asyncio", "ms", "aim <= 800, median of 3"),
    ("Run -> first output, FastAPI snippet (cold)", "fastapi", "ms", "aim <= 1200, median of 3"),
    ("  the pointer on the block 1 s before Run", "pointed", "ms", "aim <= 1200, median of 3"),
    ("Run -> first output, asyncio, 10 Mbit/s 40 ms", "slow_asyncio", "ms", "aim <= 4000"),
    ("Run -> first output, FastAPI, 10 Mbit/s 40 ms", "slow_fastapi", "ms", "aim <= 5000"),
    ("Run -> first output, FastAPI re-run (warm)", "warm", "ms", "median of the last 5"),
    ("bytes before the first Run", "before", "MB", ""),
    ("bytes in total, asyncio page", "total_asyncio", "MB", ""),
    ("bytes in total, FastAPI page", "total_fastapi", "MB", ""),
]


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"  # another built site: its path
    if not (site / "runtime" / "manifest.json").is_file():
        sys.exit("build the site first: make site")
    with run_playground(free_port(), site) as server, launch() as browser:
        # With the build's memory snapshot, without it, and as the page chooses (snapshot-choice.js:
        # not on a page whose blocks import packages): seconds against bytes.
        columns = {
            "snapshot": measure(browser, server.base_url, "?snapshot=on"),
            "no snapshot": measure(browser, server.base_url, "?snapshot=off"),
            "as chosen": measure(browser, server.base_url, ""),
        }
    print("in-page runner, headless Chromium, the site on loopback, empty cache per cold row")
    print(f"  {'':46}" + "".join(f"{name:>14}" for name in columns))
    for label, key, unit, note in ROWS:
        digits = 0 if unit == "ms" else 2
        cells = "".join(f"{column[key]:>11.{digits}f} {unit}" for column in columns.values())
        print(f"  {label:46}{cells}   {note}")


if __name__ == "__main__":
    main()
