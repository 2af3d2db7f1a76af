"""How fast the in-page runner answers, measured against the built site on loopback.

Prints, from one run, each in a fresh browser context (empty HTTP cache):
  * Run click -> first output, pure asyncio snippet (Python itself must load first);
  * Run click -> first output, FastAPI snippet (Python + fastapi/pydantic wheels);
  * warm re-run of the FastAPI snippet (median of 5);
  * bytes fetched before the first Run, and in total.

Usage: .venv/bin/python benchmarks/runner_cold_start.py   (after `make site`)
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


def first_output_ms(page: Page, path: str, snippet: str, base_url: str) -> float:
    if not page.url.endswith(path):
        page.goto(base_url + path, wait_until="networkidle")
    block = block_for(page, snippet)
    elapsed = page.evaluate(CLICK_TO_FIRST_OUTPUT, block.element_handle())
    state = wait_settled(page, block)
    if state != "ok":
        raise RuntimeError(f"{snippet} ended {state}")
    return float(elapsed)


def cold(browser: Browser, base_url: str, path: str, snippet: str) -> tuple[float, int, int, Page]:
    guard = guarded_context(browser, base_url)
    page = guard.new_page()
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    page.goto(base_url + path, wait_until="networkidle")
    block_for(page, snippet)
    before = sum(sizes)
    elapsed = first_output_ms(page, path, snippet, base_url)
    page.wait_for_load_state("networkidle")
    if guard.refused:
        raise RuntimeError(f"requests left the site: {guard.refused}")
    return elapsed, before, sum(sizes), page


def main() -> None:
    site = ROOT / "site"
    if not (site / "runtime" / "manifest.json").is_file():
        sys.exit("build the site first: make site")
    with run_playground(free_port(), site) as server, launch() as browser:
        asyncio_ms, before, total_asyncio, page_a = cold(browser, server.base_url, *ASYNCIO)
        page_a.context.close()
        fastapi_ms, _, total_fastapi, page = cold(browser, server.base_url, *FASTAPI)
        warm = [first_output_ms(page, FASTAPI[0], FASTAPI[1], server.base_url) for _ in range(5)]
        page.context.close()
    print("in-page runner, headless Chromium, loopback, empty cache per cold row")
    print(f"  Run -> first output, asyncio snippet (cold):  {asyncio_ms:8.0f} ms   (aim <= 1500)")
    print(f"  Run -> first output, FastAPI snippet (cold):  {fastapi_ms:8.0f} ms   (aim <= 2500)")
    runs = ", ".join(f"{w:.0f}" for w in warm)
    warm_ms = statistics.median(warm)
    print(f"  Run -> first output, FastAPI re-run (warm):   {warm_ms:8.0f} ms   (aim <= 50; runs: {runs})")
    print(f"  bytes before the first Run:                    {before / 1e6:8.2f} MB")
    print(f"  bytes in total, asyncio page:                  {total_asyncio / 1e6:8.2f} MB")
    print(f"  bytes in total, FastAPI page:                  {total_fastapi / 1e6:8.2f} MB")


if __name__ == "__main__":
    main()
