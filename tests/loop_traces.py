"""The event-loop traces the terminal command records under CPython, for the tests that compare
them (tests/test_loopview.py) and the page's picture with them (tests/test_loop_structure_in_browser.py,
tests/test_loopview_in_browser.py), and the steps every picture test takes in the page."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

from tests.browser import block_for, open_page, run_block
from tests.paths import PYTHON, ROOT, SNIPPETS
from tests.site_pages import page_of

# The snippets whose pictures the pages talk about (tests/test_loop_structure_in_browser.py runs the
# browser ones in Chromium and compares the structure with CPython's).
PICTURED = [
    "terminology/gather_runs_concurrently.py",
    "terminology/await_coroutine_vs_task.py",
    "terminology/taskgroup_fails_together.py",
    "terminology/cancellation.py",
    "terminology/timeouts.py",
    "async_io/blocking_call_stalls_loop.py",
]


def loopview(snippet: Path, output: Path, python: str = PYTHON) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "playground.loopview", str(snippet), "-o", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def cpython_trace(relative: str, tmp_path: Path, python: str = PYTHON) -> list[dict[str, Any]]:
    """The trace `python -m playground.loopview` writes for a snippet."""
    output = tmp_path / (relative.replace("/", "_") + ".json")
    result = loopview(SNIPPETS / relative, output, python)
    assert result.returncode == 0, result.stderr
    events: list[dict[str, Any]] = json.loads(output.read_text())["traceEvents"]
    return events


# ---- the page's picture: shown, and the events of a run ------------------------------------

EVENTS = "el => el.querySelector('.loop').loopEvents()"


def picture_on(block: Locator) -> None:
    toggle = block.get_by_role("button", name="Show the loop")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert block.locator(".loop").is_visible()


def picture_of(page: Page, base_url: str, relative: str) -> Locator:
    """The snippet's block on its page (the tab stays if it is there already), its picture shown."""
    open_page(page, base_url, page_of(relative))
    block = block_for(page, relative)
    picture_on(block)
    return block


def traced_run(page: Page, block: Locator) -> list[dict[str, Any]]:
    state = run_block(page, block)
    assert state == "ok", block.locator(".runner__output").inner_text()
    events: list[dict[str, Any]] = page.evaluate(EVENTS, block.element_handle())
    return events
