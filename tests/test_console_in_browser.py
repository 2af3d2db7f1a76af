"""The asyncio console in Debian's Chromium, used with the keyboard only: top-level await, names
that persist, multi-line input, history, Stop of a `while True` command (the interpreter and its
names survive), the loop picture of the last command, "Continue in the console" from a block, and
axe (light and dark) on the console in use, at 375 px too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.accessibility import in_each_scheme
from tests.browser import RUN_TIMEOUT_MS, Guarded, load_page
from tests.live_server import LiveServer

TOPIC_PAGES = ["/terminology/", "/async-io/", "/dependency-injection/", "/websockets/"]


def console_on(page: Page) -> Locator:
    console = page.locator(".console")
    expect(console).to_have_count(1)
    return console


def send(page: Page, console: Locator, *lines: str) -> str:
    """Type a command line by line with Enter (as a reader does), and wait for its end."""
    console.evaluate("el => { el.dataset.consoleState = 'not-sent-yet'; }")
    field = console.get_by_role("textbox", name="Python command")
    field.focus()
    for line in lines:
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    expect(console, "Enter sent no command").not_to_have_attribute("data-console-state", "not-sent-yet")
    expect(console).not_to_have_attribute("data-console-state", "loading", timeout=RUN_TIMEOUT_MS)
    expect(console).not_to_have_attribute("data-console-state", "running", timeout=RUN_TIMEOUT_MS)
    return console.get_attribute("data-console-state") or ""


def transcript(console: Locator) -> Locator:
    return console.get_by_role("log", name="Console transcript")


@pytest.mark.parametrize("path", TOPIC_PAGES)
def test_every_topic_page_has_a_console(guarded: Guarded, live_playground: LiveServer, path: str) -> None:
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + path)
    console_on(page)


def test_console_with_the_keyboard(guarded: Guarded, live_playground: LiveServer) -> None:
    page = guarded(live_playground.base_url, viewport={"width": 375, "height": 800}).new_page()
    load_page(page, live_playground.base_url + "/async-io/")
    console = console_on(page)
    log = transcript(console)

    # Top-level await, and a value shown as the REPL shows it.
    assert send(page, console, "x = await asyncio.sleep(0.1, result=41)") == "ok"
    assert send(page, console, "x + 1") == "ok"
    expect(log).to_contain_text(">>> x + 1\n42", use_inner_text=True)

    # Multi-line: Enter after "...:" adds an indented line; an empty line ends the block.
    assert send(page, console, "async def f():", "return x", "") == "ok"
    expect(log).to_contain_text(">>> async def f():\n...     return x", use_inner_text=True)
    assert send(page, console, "await f()") == "ok"
    expect(log).to_contain_text(">>> await f()\n41", use_inner_text=True)

    # An error is one line, and the names survive it.
    assert send(page, console, "print(y)") == "error"
    expect(log.locator('[data-stream="stderr"]').last).to_have_text("NameError: name 'y' is not defined (line 1)\n")

    # History: Up walks back, Down walks forward to the draft.
    field = console.get_by_role("textbox", name="Python command")
    field.focus()
    page.keyboard.type("draft")
    page.keyboard.press("ArrowUp")
    expect(field).to_have_value("print(y)")
    page.keyboard.press("ArrowUp")
    expect(field).to_have_value("await f()")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(field).to_have_value("draft")
    field.fill("")

    # Stop a command that never awaits: Tab from the input reaches Stop (Run is disabled meanwhile).
    console.evaluate("el => { el.dataset.consoleState = 'not-sent-yet'; }")
    field.focus()
    page.keyboard.type("while True:")
    page.keyboard.press("Enter")
    page.keyboard.type("pass")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(console).to_have_attribute("data-console-state", "running", timeout=RUN_TIMEOUT_MS)
    page.keyboard.press("Tab")
    expect(console.get_by_role("button", name="Stop")).to_be_focused()
    page.keyboard.press("Enter")
    expect(console).to_have_attribute("data-console-state", "stopped")
    expect(field).to_be_focused()
    expect(log).to_contain_text("KeyboardInterrupt", use_inner_text=True)
    assert send(page, console, "x") == "ok"  # stopped in place: the names are still there
    expect(log).to_contain_text(">>> x\n41", use_inner_text=True)

    # The loop picture of the last command.
    console.get_by_role("button", name="Show the loop").focus()
    page.keyboard.press("Enter")
    assert send(page, console, "await asyncio.gather(asyncio.sleep(0.05), asyncio.sleep(0.05))") == "ok"
    figure = console.locator("figure.loop")
    expect(figure).to_have_attribute("data-loop-state", "done")
    expect(figure.locator(".loop__caption")).to_contain_text("3 tasks")

    box = console.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    found = in_each_scheme(page)
    assert found == [], "\n".join(found)


def test_stop_a_command_that_awaits_forever(guarded: Guarded, live_playground: LiveServer) -> None:
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/websockets/")
    console = console_on(page)
    console.evaluate("el => { el.dataset.consoleState = 'not-sent-yet'; }")
    console.get_by_role("textbox", name="Python command").focus()
    page.keyboard.type("while True: await asyncio.sleep(0.01)")
    page.keyboard.press("Enter")
    expect(console).to_have_attribute("data-console-state", "running", timeout=RUN_TIMEOUT_MS)
    console.get_by_role("button", name="Stop").click()
    expect(console).to_have_attribute("data-console-state", "stopped")
    expect(transcript(console)).to_contain_text("cancelled")


def test_continue_a_block_in_the_console(guarded: Guarded, live_playground: LiveServer) -> None:
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    block = page.locator(".runner", has=page.locator(".filename", has_text="terminology/gather_runs_concurrently.py"))
    block.get_by_role("button", name="Continue in the console").focus()
    page.keyboard.press("Enter")
    console = console_on(page)
    field = console.get_by_role("textbox", name="Python command")
    expect(field).to_be_focused()
    expect(console).to_have_attribute("data-console-state", "ok", timeout=RUN_TIMEOUT_MS)
    log = transcript(console)
    expect(log).to_contain_text("# terminology/gather_runs_concurrently.py runs here", use_inner_text=True)
    expect(log).to_contain_text("all_at_once: ['a', 'b', 'c']", use_inner_text=True)
    # The block's names are defined: its coroutine function answers.
    assert send(page, console, "await fetch('z', 0)") == "ok"
    expect(log).to_contain_text(">>> await fetch('z', 0)\n'z'", use_inner_text=True)
