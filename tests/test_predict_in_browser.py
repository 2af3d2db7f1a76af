"""'Predict first' in Debian's Chromium: the reader orders a block's output lines with the keyboard
only, runs, and sees their order against the run's; a wrong order shows which lines differ; the
skip is one key and is remembered; axe finds nothing on the new UI, light and dark, at 375 px too."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from playground.browser.recorded_output import recorded_lines
from tests.accessibility import in_each_scheme
from tests.browser import MOUNTED, RUN_TIMEOUT_MS, Guarded, load_page
from tests.live_server import LiveServer
from tests.paths import SNIPPETS
from tests.predictions import PREDICTABLE, question_of

AWAIT_VS_TASK = "terminology/await_coroutine_vs_task.py"
CANCELLATION = "terminology/cancellation.py"


def predict_block(page: Page, relative: str) -> Locator:
    block = page.locator(".runner", has=page.locator(".filename", has_text=relative))
    expect(block).to_have_attribute("data-predict-state", "predicting")
    return block


def order_of(block: Locator) -> list[str]:
    return [text if text != "(empty line)" else "" for text in block.locator(".predict__line").all_text_contents()]


def order_with_keyboard(page: Page, block: Locator, wanted: list[str]) -> None:
    """Put the lines in ``wanted`` order with the Up buttons, pressed by Enter: the focus stays on
    the moved line's Up button, so each press moves the same line on."""
    for place, line in enumerate(wanted):
        current = order_of(block)
        if current[place] == line:
            continue
        index = next(i for i in range(place, len(current)) if current[i] == line)
        block.locator(f'.predict__move[data-move="up"][data-index="{index}"]').focus()
        for _ in range(index - place):
            page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.dataset.index") == str(place), "focus left the moved line"
    assert order_of(block) == wanted


def run_and_compare(page: Page, block: Locator) -> None:
    block.get_by_role("button", name="Run and compare").focus()
    page.keyboard.press("Enter")
    expect(block).to_have_attribute("data-predict-state", "compared", timeout=RUN_TIMEOUT_MS)


def test_right_prediction(guarded: Guarded, live_playground: LiveServer) -> None:
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    block = predict_block(page, AWAIT_VS_TASK)
    recorded = recorded_lines((SNIPPETS / AWAIT_VS_TASK).read_text())
    code = block.locator(":scope > pre")
    # The answer is hidden while the reader predicts; the lines offered are the recorded ones.
    expect(code).not_to_contain_text("#> coroutine starts")
    expect(code).to_contain_text("#> ?")
    assert sorted(order_of(block)) == sorted(recorded) and order_of(block) != recorded
    block.dispatch_event("pointerenter")  # the editor (which shows the answer) waits meanwhile
    assert block.get_attribute("data-runner-editor") is None

    order_with_keyboard(page, block, recorded)
    expect(block.locator(".predict__status")).to_contain_text("is now line")
    run_and_compare(page, block)
    assert block.get_attribute("data-predict-result") == "right"
    expect(block.locator(".predict__table caption")).to_have_text(
        f"Right: all {len(recorded)} lines in the order they ran."
    )
    expect(block.locator(".predict__status")).to_have_text(f"Right: all {len(recorded)} lines in order.")
    expect(code).to_contain_text("#> coroutine starts")  # revealed
    # The loop picture of this run is one keypress away.
    block.locator(".predict__loop-link").focus()
    page.keyboard.press("Enter")
    figure = block.locator("figure.loop")
    expect(figure).to_be_visible()
    expect(figure).to_be_focused()
    expect(figure).to_have_attribute("data-loop-state", "done")
    found = in_each_scheme(page)
    assert found == [], "\n".join(found)


def test_wrong_prediction_shows_which_lines_differ(guarded: Guarded, live_playground: LiveServer) -> None:
    page = guarded(live_playground.base_url, viewport={"width": 375, "height": 800}).new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    block = predict_block(page, CANCELLATION)
    recorded = recorded_lines((SNIPPETS / CANCELLATION).read_text())
    predicted = order_of(block)  # as dealt: never the recorded order
    assert predicted != recorded
    run_and_compare(page, block)
    assert block.get_attribute("data-predict-result") == "wrong"
    rows = block.locator(".predict__table tbody tr")
    expect(rows).to_have_count(len(recorded))
    for i, (guess, ran) in enumerate(zip(predicted, recorded, strict=True)):
        cells = rows.nth(i).locator("td").all_text_contents()
        assert cells[1:] == [guess, ran, "✓ right" if guess == ran else "✗ differs"], cells
    right = sum(g == r for g, r in zip(predicted, recorded, strict=True))
    expect(block.locator(".predict__status")).to_have_text(
        f"{right} of {len(recorded)} lines in the place they ran: the table shows which differ."
    )
    # At 375 px the panel fits the screen (no sideways scrolling of the page).
    box = block.locator(".predict").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    found = in_each_scheme(page)
    assert found == [], "\n".join(found)


def test_skip_is_one_key_and_is_remembered(guarded: Guarded, live_playground: LiveServer) -> None:
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    block = predict_block(page, CANCELLATION)
    block.locator('.predict__move[data-move="down"]').first.focus()
    page.keyboard.press("Escape")
    toggle = block.get_by_role("button", name="Predict first")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(block.locator(".predict")).to_be_hidden()
    expect(block.locator(":scope > pre")).to_contain_text("#> download: started")
    # Every block follows, now and after a reload.
    other = page.locator(".runner", has=page.locator(".filename", has_text=AWAIT_VS_TASK))
    expect(other).to_have_attribute("data-predict-state", "skipped")
    page.reload()
    page.wait_for_function(MOUNTED)
    for relative in (CANCELLATION, AWAIT_VS_TASK):
        again = page.locator(".runner", has=page.locator(".filename", has_text=relative))
        expect(again).to_have_attribute("data-predict-state", "skipped")
        expect(again.locator(".predict")).to_be_hidden()
    # The reader can still edit and run as usual, and turn predicting back on.
    block = page.locator(".runner", has=page.locator(".filename", has_text=CANCELLATION))
    block.dispatch_event("pointerenter")
    block.locator(".cm-content").wait_for()
    toggle = block.get_by_role("button", name="Predict first")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(block.locator(".predict")).to_be_visible()


def test_the_page_reads_the_marker_and_lines_as_python_does_and_never_deals_them_right(
    guarded: Guarded, live_playground: LiveServer
) -> None:
    """predict-lines.js against recorded_output.recorded_lines and tests/test_predict.py's marker,
    for every predictable snippet: same question, same lines, and a first order that is wrong."""
    assert len(PREDICTABLE) >= 8
    page = guarded(live_playground.base_url).new_page()
    load_page(page, live_playground.base_url + "/terminology/")
    for snippet in PREDICTABLE:
        source = snippet.source()
        question, lines, dealt = page.evaluate(
            """async ([source, name]) => {
                const m = await import("/assets/javascripts/runner/predict-lines.js");
                const lines = m.recordedLines(source);
                return [m.predictQuestion(source), lines, m.shuffled(lines, name)];
            }""",
            [source, snippet.relative],
        )
        assert question == question_of(source), snippet.relative
        assert lines == recorded_lines(source), snippet.relative
        assert sorted(dealt) == sorted(lines) and dealt != lines, f"{snippet.relative} is dealt in order"
