"""The event-loop picture in Debian's Chromium: for every snippet the pages picture, the trace the
page draws has the same structure as `python -m playground.loopview` records under CPython
(which task steps after which, what each wait is on, which steps block); Stop mid-run leaves a
consistent picture; the picture is reachable by keyboard and has a table of the same events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page

from playground.loopview.structure import outline
from tests.browser import (
    RUN_TIMEOUT_MS,
    GuardedContext,
    block_for,
    open_page,
    run_block,
    set_code,
    wait_settled,
)
from tests.live_server import LiveServer
from tests.loop_traces import PICTURED, cpython_trace
from tests.site_pages import page_of

EVENTS = "el => el.querySelector('.loop').loopEvents()"


@pytest.fixture(scope="module", autouse=True)
def no_console_errors(shared_guard: GuardedContext) -> Iterator[None]:
    yield
    assert shared_guard.console_errors == [], shared_guard.console_errors


@pytest.fixture
def page(shared_page: Page) -> Page:
    """The module's one tab (conftest's ``shared_page``): the runtime stays warm across tests."""
    return shared_page


def picture_on(block: Locator) -> None:
    toggle = block.get_by_role("button", name="Show the loop")
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert block.locator(".loop").is_visible()


def traced_run(page: Page, block: Locator) -> list[dict[str, Any]]:
    state = run_block(page, block)
    assert state == "ok", block.locator(".runner__output").inner_text()
    events: list[dict[str, Any]] = page.evaluate(EVENTS, block.element_handle())
    return events


@pytest.mark.parametrize("relative", PICTURED)
def test_the_page_draws_the_structure_cpython_records(
    page: Page, live_playground: LiveServer, relative: str, tmp_path: Path
) -> None:
    open_page(page, live_playground.base_url, page_of(relative))
    block = block_for(page, relative)
    picture_on(block)
    # The first run after Python loads also times the browser compiling code paths it meets for
    # the first time (a real pause of the loop, tens of ms): compare a warm run.
    traced_run(page, block)
    events = traced_run(page, block)
    assert block.locator(".loop").get_attribute("data-loop-state") == "done"
    assert outline(events) == outline(cpython_trace(relative, tmp_path))


def test_blocking_call_in_the_page_is_red_with_its_line(page: Page, live_playground: LiveServer) -> None:
    relative = "async_io/blocking_call_stalls_loop.py"
    open_page(page, live_playground.base_url, page_of(relative))
    block = block_for(page, relative)
    picture_on(block)
    events = traced_run(page, block)
    blocking = [e for e in events if e["ph"] == "X" and e["tid"] and e["cat"] == "blocking"]
    [step] = [e for e in blocking if e["args"]["blocking_call"]]  # the time.sleep; a busy machine may add stalls
    assert step["args"]["blocked_at"] == 13 and step["args"]["blocking_call"] == "time.sleep(0.5)"
    assert step["dur"] >= 500_000
    assert block.locator(".loop__step--blocking").count() == len(blocking)
    assert block.locator(".loop__blocking").count() == len(
        [e for e in events if e["ph"] == "X" and e["tid"] == 0 and e["cat"] == "blocking"]
    )
    assert f"{len(blocking)} blocking the loop" in block.locator(".loop__caption").inner_text()
    labels = [rect.get_attribute("aria-label") or "" for rect in block.locator(".loop__step--blocking").all()]
    assert any("BLOCKED the loop" in label and "at line 13 (time.sleep(0.5))" in label for label in labels), labels


def test_stop_mid_run_leaves_a_consistent_picture(page: Page, live_playground: LiveServer) -> None:
    open_page(page, live_playground.base_url, "/terminology/")
    block = block_for(page, "terminology/coroutine_object.py")
    picture_on(block)
    set_code(
        page,
        block,
        (
            "import asyncio\n\n\nasync def forever():\n    while True:\n        await asyncio.sleep(0.05)\n\n\n"
            "async def main():\n    task = asyncio.create_task(forever())\n    print('started', flush=True)\n"
            "    await task\n\n\nasyncio.run(main())\n"
        ),
    )
    block.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "el => el.querySelector('.loop').loopEvents()"
        ".filter(e => e.ph === 'X' && e.cat === 'step' && e.tid === 2).length >= 3",
        arg=block.element_handle(),
        timeout=RUN_TIMEOUT_MS,
    )
    block.get_by_role("button", name="Stop", exact=True).click()
    assert wait_settled(page, block) == "stopped"
    assert block.locator(".loop").get_attribute("data-loop-state") == "stopped"
    events = page.evaluate(EVENTS, block.element_handle())
    spans = [e for e in events if e["ph"] == "X"]
    end = max(e["ts"] + e["dur"] for e in spans)
    for tid in {e["tid"] for e in spans if e["tid"]}:
        last = max((e for e in spans if e["tid"] == tid), key=lambda e: e["ts"] + e["dur"])
        # Each task ends in its last step (finished or cancelled there) or in a wait closed at Stop.
        assert last["cat"] == "wait" and last["args"].get("open") or last["args"].get("kind") == "done", last
        assert last["ts"] + last["dur"] <= end
    marks = {(e["tid"], e["name"]) for e in events if e["ph"] == "i"}
    assert (2, "cancelled") in marks or (2, "still pending at the end") in marks, marks
    assert block.locator(".loop__table tbody tr").count() == len([e for e in events if e["ph"] in "Xi"])
    block.get_by_role("button", name="Reset").click()


def test_the_picture_works_by_keyboard_and_reads_as_a_table(page: Page, live_playground: LiveServer) -> None:
    relative = "terminology/await_coroutine_vs_task.py"
    open_page(page, live_playground.base_url, page_of(relative))
    block = block_for(page, relative)
    toggle = block.get_by_role("button", name="Show the loop")
    picture_on(block)
    events = traced_run(page, block)
    steps = [e for e in events if e["ph"] == "X" and e["tid"] and e["cat"] in ("step", "blocking")]
    assert block.locator(".loop__step").count() == len(steps)
    focusable = block.locator(".loop__step[tabindex='0']")
    assert focusable.count() == 1, "one step is in the tab order; arrows move between steps"
    focusable.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith(("top level, step", "Task-")) and "then" in focused, focused
    tip = block.locator(".loop__tip")
    assert tip.is_visible() and tip.inner_text() == focused
    block.locator(".loop__details summary").click()
    rows = block.locator(".loop__table tbody tr")
    assert rows.count() == len([e for e in events if e["ph"] in "Xi"])
    table = block.locator(".loop__table").inner_text()
    assert "ran to line 7; then waits on nothing: sleep(0) gave the loop a turn" in table, table  # the ticker
    toggle.click()  # off again: the figure hides, and the next run is not traced
    assert toggle.get_attribute("aria-pressed") == "false" and block.locator(".loop").is_hidden()
