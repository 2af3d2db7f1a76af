"""The event-loop picture in Debian's Chromium, as a reader uses it: a blocking call is red with its
line, Stop mid-run leaves a consistent picture, the picture is reachable by keyboard and has a
table of the same events, a newcomer's first sight (legend, lane names, phone, dark mode), the
replay by keyboard, the offline HTML picture, axe. That the page draws the structure CPython
records is tests/test_loop_structure_in_browser.py (run alone: it compares 10 ms steps)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Locator, Page, Route, expect

from playground.loopview.structure import awaited_by, cursor_steps, tree_outline
from tests.accessibility import violations
from tests.browser import (
    RUN_TIMEOUT_MS,
    GuardedContext,
    block_for,
    open_page,
    set_code,
    stdout_of,
    wait_settled,
)
from tests.live_server import LiveServer
from tests.loop_traces import EVENTS, cpython_trace, picture_of, picture_on, traced_run
from tests.paths import PYTHON, ROOT, SNIPPETS
from tests.site_pages import page_of


@pytest.fixture
def page(shared_page: Page) -> Page:
    """The module's one tab (conftest's ``shared_page``): the runtime stays warm across tests."""
    return shared_page


def contrast(page: Page, element: Locator) -> float:
    """The WCAG contrast ratio of an element's text on its own background (both computed)."""
    ratio: float = page.evaluate(
        """el => {
            const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
                .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
            const style = getComputedStyle(el);
            const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }""",
        element.element_handle(),
    )
    return ratio


def test_the_first_run_after_loading_is_not_a_red_line_0(guard: GuardedContext, live_playground: LiveServer) -> None:
    """Item 1: Python's first run in a fresh tab also pays for the browser compiling the
    interpreter's code paths; that is not the reader's program blocking the loop."""
    page = guard.new_page()
    relative = "terminology/coroutine_object.py"
    block = picture_of(page, live_playground.base_url, relative)
    events = traced_run(page, block)
    assert not [e for e in events if e["ph"] == "X" and e.get("cat") == "blocking"], events
    assert block.locator(".loop__step--blocking, .loop__blocking").count() == 0
    figure = block.locator(".loop")
    assert "line 0" not in figure.inner_text() and "blocking the loop" not in figure.inner_text()
    warm = [e for e in events if e["ph"] == "X" and e.get("cat") == "warmup"]
    # Drawn (when the warm-up was long enough to mark) in its own style, and named.
    assert block.locator(".loop__step--warmup").count() == len([e for e in warm if e["tid"]])
    for rect in block.locator(".loop__step--warmup").all():
        assert "warm-up" in (rect.get_attribute("aria-label") or ""), rect.get_attribute("aria-label")


def test_on_a_phone_the_red_part_is_in_view(
    guarded: Callable[..., GuardedContext], live_playground: LiveServer
) -> None:
    """Item 5: at 375 px the labels take a narrow column and the blocking step is on screen, or
    the sideways scroll is marked."""
    guard = guarded(live_playground.base_url, viewport={"width": 375, "height": 800})
    page = guard.new_page()
    relative = "async_io/blocking_call_stalls_loop.py"
    block = picture_of(page, live_playground.base_url, relative)
    traced_run(page, block)
    scroller = block.locator(".loop__scroller")
    box = scroller.bounding_box()
    assert box is not None
    widest = max(label.bounding_box()["width"] for label in block.locator(".loop__label").all())  # type: ignore[index]
    assert widest <= 0.32 * box["width"], (widest, box)
    sizes = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    if sizes[0] > sizes[1] + 1:
        assert block.locator(".loop__scroll-hint").is_visible()
    for red in block.locator(".loop__step--blocking").all():
        rect = red.bounding_box()
        assert (
            rect is not None and rect["x"] >= box["x"] - 1 and rect["x"] + rect["width"] <= box["x"] + box["width"] + 1
        )
    assert guard.console_errors == [], guard.console_errors


def test_the_pressed_toggle_is_readable_in_dark_mode(
    guarded: Callable[..., GuardedContext], live_playground: LiveServer
) -> None:
    """Item 6: the pressed "Show the loop" button, both schemes, computed contrast and axe."""
    guard = guarded(live_playground.base_url)
    page = guard.new_page()
    relative = "terminology/coroutine_object.py"
    block = picture_of(page, live_playground.base_url, relative)
    toggle = block.get_by_role("button", name="Show the loop")
    page.mouse.move(0, 0)  # not hovered: the hover style is another state
    schemes: tuple[tuple[Literal["light", "dark"], str], ...] = (("light", "default"), ("dark", "slate"))
    for scheme, material in schemes:
        page.emulate_media(color_scheme=scheme)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material)
        ratio = contrast(page, toggle)
        assert ratio >= 4.5, f"{scheme}: pressed toggle {ratio:.2f}:1"
        found = violations(page, ["color-contrast"])
        assert not [line for line in found if "loop__toggle" in line], found


def test_loopview_html_draws_offline(new_context: Callable[..., BrowserContext], tmp_path: Path) -> None:
    """`loopview --html`: the file opens from disk with every network request refused, and the
    page's own renderer draws the CPython trace: the lanes, every step, the red one named."""
    relative = "async_io/blocking_call_stalls_loop.py"
    trace = tmp_path / "trace.json"
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "playground.loopview",
            str(SNIPPETS / relative),
            "-o",
            str(trace),
            "--html",
            str(tmp_path / "loop.html"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    events = json.loads(trace.read_text())["traceEvents"]
    context = new_context()
    refused: list[str] = []
    errors: list[str] = []

    def offline(route: Route) -> None:  # the file itself, and nothing else
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", offline)
    page = context.new_page()

    def note_error(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", note_error)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((tmp_path / "loop.html").as_uri())
    expect(page.locator("body")).to_have_attribute("data-loop-state", "done")
    steps = [e for e in events if e["ph"] == "X" and e["tid"] and e["cat"] in ("step", "blocking")]
    assert page.locator(".loop__svg .loop__step").count() == len(steps)
    lanes = [e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "thread_name" and e["tid"]]
    drawn = page.locator(".loop__label:not(.loop__label--by)").evaluate_all(
        "els => els.map((el) => el.firstChild.nodeValue)"
    )
    assert [name.split(" · ")[0] for name in lanes] == drawn[2:], drawn  # after the loop and ready-queue lanes
    assert "time.sleep(0.5)" in " ".join(page.locator(".loop__inlabel--on-step").all_text_contents())
    assert refused == [] and errors == [], (refused, errors)


# The tests on the module's one tab, in the order of the pages they visit: Terminology, then Async
# I/O (each move to another page starts Python again: 2 starts here, not 8). The first one needs to
# arrive on a page no test has shown a picture on; the legend's follows a link away, so it is last.


def test_a_page_load_makes_no_picture_until_one_is_shown(page: Page, live_playground: LiveServer) -> None:
    """Each block's figure is empty until its Show the loop is pressed: Terminology's 11 blocks
    carried 1,260 hidden elements of pictures nobody had asked for on every page load."""
    open_page(page, live_playground.base_url, "/terminology/")
    figures = page.locator(".runner figure.loop")
    assert figures.count() > 5
    assert page.evaluate("() => [...document.querySelectorAll('.runner figure.loop *')].length") == 0
    block = block_for(page, "terminology/gather_runs_concurrently.py")
    picture_on(block)
    expect(block.locator("figure.loop .loop__legend-toggle")).to_be_visible()
    shown = page.evaluate(
        "() => [...document.querySelectorAll('.runner figure.loop')].filter(f => f.childElementCount).length"
    )
    assert shown == 1, f"{shown} figures were made; only the shown one should be"


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
    listed = [e for e in events if e["ph"] in "Xi" and not e["args"].get("internal")]
    assert block.locator(".loop__table tbody tr").count() == len(listed)
    block.get_by_role("button", name="Reset").click()


def test_the_picture_works_by_keyboard_and_reads_as_a_table(page: Page, live_playground: LiveServer) -> None:
    relative = "terminology/await_coroutine_vs_task.py"
    open_page(page, live_playground.base_url, page_of(relative))
    block = block_for(page, relative)
    toggle = block.get_by_role("button", name="Show the loop")
    picture_on(block)
    events = traced_run(page, block)
    # (A warm-up step too: this can be the tab's first run.)
    steps = [e for e in events if e["ph"] == "X" and e["tid"] and e["cat"] in ("step", "blocking", "warmup")]
    assert block.locator(".loop__step").count() == len(steps)
    focusable = block.locator(".loop__step[tabindex='0']")
    assert focusable.count() == 1, "one step is in the tab order; arrows move between steps"
    focusable.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith(("top level", "ticker()", "busy('task')")), focused  # as the reader called them
    assert "then" in focused, focused
    tip = block.locator(".loop__tip")
    assert tip.is_visible() and tip.inner_text() == focused
    block.locator(".loop__details summary").click()
    rows = block.locator(".loop__table tbody tr")
    assert rows.count() == len([e for e in events if e["ph"] in "Xi" and not e["args"].get("internal")])
    table = block.locator(".loop__table").inner_text()
    assert "ran to line 7; then waits on nothing: sleep(0) gave the loop a turn" in table, table  # the ticker
    toggle.click()  # off again: the figure hides, and the next run is not traced
    assert toggle.get_attribute("aria-pressed") == "false" and block.locator(".loop").is_hidden()


def test_replay_steps_by_keyboard_and_its_tree_is_the_tracers(
    page: Page, live_playground: LiveServer, tmp_path: Path
) -> None:
    """Keyboard only: Step forward / back / Play are buttons in the tab order; each move is said
    in an aria-live line and drawn as a cursor on the picture. The awaited-by tree at each step is
    the one structure.py builds from the same events, and its shape is CPython's."""
    relative = "terminology/taskgroup_fails_together.py"
    block = picture_of(page, live_playground.base_url, relative)
    events = traced_run(page, block)
    steps = cursor_steps(events)
    replay = block.locator(".loop__replay")
    expect(replay).to_be_visible()
    status = replay.locator(".loop__replay-status")
    assert status.get_attribute("aria-live") == "polite"
    forward = replay.get_by_role("button", name="Step forward")
    forward.focus()
    cpython = cpython_trace(relative, tmp_path)
    marked = 0
    for index in range(len(steps)):
        page.keyboard.press("Enter")
        expect(status).to_contain_text(f"Step {index + 1} of {len(steps)}")
        lane = steps[index]["tid"]
        assert (
            block.locator(".loop__step--current").get_attribute("data-key") == f"{lane}:{steps[index]['args']['step']}"
        )
        assert block.locator(".loop__cursor").count() == 1
        tree = page.evaluate("([el, i]) => el.querySelector('.loop').loopTree(i)", [block.element_handle(), index])
        assert [(n["tid"], n["depth"], n["state"]) for n in tree] == [
            (n.tid, n.depth, n.state) for n in awaited_by(events, index)
        ]
        assert replay.locator(".loop__tree li").count() == len(tree)
        assert tree_outline(events, index) == tree_outline(cpython, index), index
        if index == 0:
            expect(replay.locator(".loop__printed")).to_have_text("(nothing yet)")
        # The step's line of the reader's code is marked in the editor (none once a task finished).
        line = block.locator(".loop").get_attribute("data-loop-line")
        if line:
            source = block.evaluate("el => el.runnerSource()").splitlines()
            expect(block.locator(".cm-loop-line")).to_have_text(source[int(line) - 1])
        else:
            expect(block.locator(".cm-loop-line")).to_have_count(0)
        marked += bool(line)
        if index < len(steps) - 1:
            expect(forward).to_be_focused()
    assert forward.is_disabled()
    assert marked >= len(steps) // 2, marked  # most steps stop on a line of the reader's
    # At the last step, everything the run printed, in order (the tracer records each print).
    printed = ["fast done", "slow cancelled", "the group raised: ['broken failed']"]
    assert stdout_of(block).splitlines() == printed
    expect(replay.locator(".loop__printed")).to_have_text("\n".join(printed))
    back = replay.get_by_role("button", name="Step back")
    back.focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text(f"Step {len(steps) - 1} of {len(steps)}")
    # The arrows, Home and End from any replay button; focus stays in the controls.
    page.keyboard.press("ArrowLeft")
    expect(status).to_contain_text(f"Step {len(steps) - 2} of {len(steps)}")
    page.keyboard.press("ArrowRight")
    expect(status).to_contain_text(f"Step {len(steps) - 1} of {len(steps)}")
    page.keyboard.press("Home")
    expect(status).to_contain_text(f"Step 1 of {len(steps)}")
    expect(replay.get_by_role("button", name="Play")).to_be_focused()  # Back is disabled at step 1
    page.keyboard.press("End")
    expect(status).to_contain_text(f"Step {len(steps)} of {len(steps)}")
    assert replay.get_by_role("group").get_attribute("aria-keyshortcuts") == "ArrowLeft ArrowRight Home End"
    back.focus()
    page.keyboard.press("ArrowLeft")
    expect(status).to_contain_text(f"Step {len(steps) - 1} of {len(steps)}")
    # Mid-run the top level waits on its TaskGroup, the fetch tasks under it.
    middle = tree_outline(events, 2).splitlines()
    assert middle[0] == "root: taskgroup" and all(line.startswith("  fetch#") for line in middle[1:]), middle
    replay.get_by_role("button", name="Play").click()
    expect(status).to_contain_text(f"Step {len(steps)} of {len(steps)}", timeout=20_000)
    expect(replay.get_by_role("button", name="Play")).to_be_visible()  # paused itself at the end


def test_lanes_are_named_as_the_reader_called_them(page: Page, live_playground: LiveServer) -> None:
    """Item 3: TaskGroup lanes told apart by their arguments; the created marks clear of the
    wait labels; a blocking bar shows the code on its line."""
    relative = "terminology/taskgroup_fails_together.py"
    block = picture_of(page, live_playground.base_url, relative)
    traced_run(page, block)
    labels = block.locator(".loop__label:not(.loop__label--by)").evaluate_all(
        "els => els.map((el) => el.firstChild.nodeValue)"
    )
    assert {"fetch('fast', 0.1, False)", "fetch('broken', 0.2, True)", "fetch('slow', 1.0, False)"} <= set(labels), (
        labels
    )
    boxes = page.evaluate(
        """el => [...el.querySelectorAll('.loop__mark, .loop__inlabel')].map((n) => {
            const b = n.getBBox();
            return [n.classList.contains('loop__mark'), n.textContent, b.x, b.y, b.width, b.height];
        })""",
        block.locator(".loop__svg").element_handle(),
    )
    marks = [b for b in boxes if b[0]]
    words = [b for b in boxes if not b[0]]
    assert marks and words
    for _, glyph, x, y, w, h in marks:
        for _, text, x2, y2, w2, h2 in words:
            overlap = x < x2 + w2 and x2 < x + w and y < y2 + h2 and y2 < y + h
            assert not overlap, f"mark {glyph!r} sits on the label {text!r}"

    relative = "async_io/blocking_call_stalls_loop.py"
    block = picture_of(page, live_playground.base_url, relative)
    traced_run(page, block)
    on_bars = block.locator(".loop__inlabel--on-step, .loop__inlabel--blocking").all_text_contents()
    # The code itself (cut with "…" when the bar is short: a loaded machine stretches the run).
    assert any(text.startswith("time.sleep(0") for text in on_bars), on_bars
    assert not [text for text in on_bars if text.startswith("line ")], on_bars


def test_blocking_call_in_the_page_is_red_with_its_line(page: Page, live_playground: LiveServer) -> None:
    relative = "async_io/blocking_call_stalls_loop.py"
    block = picture_of(page, live_playground.base_url, relative)
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


def test_the_table_lists_the_program_not_the_runtime(page: Page, live_playground: LiveServer) -> None:
    """Item 4: no WebLoop bookkeeping in the table; its summary is not an admonition with a pencil."""
    relative = "async_io/blocking_call_stalls_loop.py"
    block = picture_of(page, live_playground.base_url, relative)
    events = traced_run(page, block)
    assert any(e["name"].startswith("WebLoop.") for e in events)  # the trace keeps them (Perfetto shows all)
    summary = block.locator(".loop__details summary")
    icon = page.evaluate(
        "el => { const s = getComputedStyle(el, '::before');"
        " return [s.content, s.display, s.maskImage || s.webkitMaskImage]; }",
        summary.element_handle(),
    )
    assert icon[0] in ("none", "normal") or icon[1] == "none" or icon[2] in ("none", ""), icon
    if not block.locator(".loop__details").get_attribute("open"):
        summary.click()
    table = block.locator(".loop__table").inner_text()
    assert "WebLoop" not in table and "_decrement_in_progress" not in table, table
    assert "time.sleep(0.5)" in table


def test_axe_finds_nothing_in_the_picture_in_use(page: Page, live_playground: LiveServer) -> None:
    """The picture as a reader leaves it: toggle pressed, legend open, a replay step chosen, the
    table open; axe's every rule in light, its colour rules in dark (the pressed states included)."""
    relative = "async_io/blocking_call_stalls_loop.py"
    block = picture_of(page, live_playground.base_url, relative)
    traced_run(page, block)
    legend = block.get_by_role("button", name="Legend")
    if legend.get_attribute("aria-expanded") != "true":
        legend.click()
    block.get_by_role("button", name="Step forward").click()
    block.get_by_role("button", name="Step forward").click()
    details = block.locator(".loop__details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.mouse.move(0, 0)
    found = []
    checks: tuple[tuple[Literal["light", "dark"], str, list[str] | None], ...] = (
        ("light", "default", None),
        ("dark", "slate", ["color-contrast"]),
    )
    for scheme, material, rules in checks:
        page.emulate_media(color_scheme=scheme)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material)
        found += [f"[{scheme}] {line}" for line in violations(page, rules)]
    page.emulate_media(color_scheme="light")
    assert found == [], "\n".join(found)


def test_the_figure_has_a_compact_legend_linking_the_long_one(page: Page, live_playground: LiveServer) -> None:
    """Item 2: the marks and line patterns are explained where the picture is (toggleable)."""
    relative = "async_io/blocking_call_stalls_loop.py"
    block = picture_of(page, live_playground.base_url, relative)
    toggle = block.get_by_role("button", name="Legend")
    legend = block.locator(".loop__legend")
    if toggle.get_attribute("aria-expanded") == "true":
        toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and legend.is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and legend.is_visible()
    text = legend.inner_text()
    for words in (
        "step",
        "blocking",
        "timer",
        "turn",
        "other tasks",
        "socket or thread",
        "ready queue",
        "idle",
        "created",
    ):
        assert words in text, (words, text)
    link = legend.get_by_role("link", name="How to read the loop picture")
    page.goto(link.get_attribute("href") or "", wait_until="networkidle")
    expect(page.get_by_role("heading", name="Reading the loop picture", level=1)).to_be_visible()
