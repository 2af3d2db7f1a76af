"""Every exercise's check in Chromium, in the page's worker, through the page's Check button:
the starter fails, the solution passes, each wrong answer fails at the check it names — the
same verdicts as under CPython (tests/test_exercises.py, tests/test_exercise_wrong_answers.py).
One warm tab for the module."""

from __future__ import annotations

from itertools import groupby

import pytest
from playwright.sync_api import Page, expect

from playground.runtime.exercises import ExerciseFiles, discover
from tests.accessibility import in_each_scheme
from tests.browser import RUN_TIMEOUT_MS, block_for, set_code
from tests.live_server import LiveServer

EXERCISES = discover()
BY_PAGE = [
    (page, list(group)) for page, group in groupby(sorted(EXERCISES, key=lambda e: e.page()), key=lambda e: e.page())
]


def check_code(page: Page, exercise: ExerciseFiles, code: str) -> tuple[str, str, str]:
    """Put ``code`` in the exercise's editor, press Check, return (verdict, failed check, feedback)."""
    container = page.locator(f'.exercise[data-exercise="{exercise.id}"]')
    block = block_for(page, f"exercises/{exercise.id}/starter.py")
    set_code(page, block, code)
    feedback = container.locator(".exercise__feedback")
    container.get_by_role("button", name="Check", exact=True).click()
    expect(feedback).to_have_attribute("data-verdict", timeout=RUN_TIMEOUT_MS)
    return (
        feedback.get_attribute("data-verdict") or "",
        feedback.get_attribute("data-failed") or "",
        feedback.inner_text(),
    )


@pytest.mark.parametrize(("path", "exercises"), BY_PAGE, ids=[p for p, _ in BY_PAGE])
def test_each_check_gives_the_cpython_verdicts_in_the_page(
    shared_page: Page, live_playground: LiveServer, path: str, exercises: list[ExerciseFiles]
) -> None:
    """20-45 s per page: every exercise on it is checked in the page's Python with its starter,
    each wrong answer and its solution (4-5 traced runs each, some with 200 requests; the longest
    is rate_limit_fifty's wrong answer that queues its requests: 50 x 0.1 s in its own run, then
    20 x 0.1 s in the check's first probe)."""
    page = shared_page
    page.goto(f"{live_playground.base_url}/{path}")
    page.evaluate("() => localStorage.clear()")
    for exercise in exercises:
        verdict, failed, said = check_code(page, exercise, exercise.text("starter.py"))
        assert verdict == "fail", f"{exercise.id}: the starter passed\n{said}"
        for name, (source, intended) in exercise.wrong_answers().items():
            verdict, failed, said = check_code(page, exercise, source)
            assert (verdict, failed) == ("fail", intended), f"{exercise.id}/{name}\n{said}"
        verdict, failed, said = check_code(page, exercise, exercise.text("solution.py"))
        assert verdict == "pass", f"{exercise.id}: the solution failed\n{said}"


def test_a_check_gives_feedback_hints_solution_loop_and_keeps_progress(
    shared_page: Page, live_playground: LiveServer
) -> None:
    page = shared_page
    exercise = next(e for e in EXERCISES if e.id == "terminology/three_fetches")
    page.goto(f"{live_playground.base_url}/{exercise.page()}")
    page.evaluate("() => localStorage.clear()")
    container = page.locator(f'.exercise[data-exercise="{exercise.id}"]')
    check_code(page, exercise, exercise.text("starter.py"))
    feedback = container.locator(".exercise__feedback")
    expect(feedback).to_have_attribute("role", "status")
    expect(feedback).to_contain_text("Expected")
    expect(feedback).to_contain_text("line 13: results.append(await fetch(name))")  # the sequential await
    # Hints one at a time
    hint = container.get_by_role("button", name="Hint (0 of 3)")
    hint.click()
    expect(container.locator(".exercise__hints li")).to_have_count(1)
    # The loop of the checked run, one click away: three fetch lanes would be there, here one.
    toggle = container.get_by_role("button", name="Show the loop of the check")
    toggle.click()
    figure = container.locator(".exercise__panel figure.loop")
    expect(figure).to_be_visible()
    assert figure.evaluate("el => el.loopEvents().length") > 10
    # The solution on request, then progress and code survive a reload (localStorage).
    container.get_by_role("button", name="Show solution").click()
    expect(container.locator(".exercise__solution")).to_contain_text("asyncio.gather")
    block = block_for(page, f"exercises/{exercise.id}/starter.py")
    set_code(page, block, exercise.text("solution.py"))
    container.get_by_role("button", name="Check", exact=True).press("Enter")
    expect(feedback).to_have_attribute("data-verdict", "pass", timeout=RUN_TIMEOUT_MS)
    page.reload()
    container = page.locator(f'.exercise[data-exercise="{exercise.id}"]')
    expect(container).to_have_attribute("data-exercise-state", "passed")
    page.goto(f"{live_playground.base_url}/exercises/")
    listed = page.locator(f'.exercise-list a[href$="#{exercise.anchor}"]')
    expect(listed).to_have_count(1)
    expect(page.locator(".exercise-list__summary")).to_contain_text("1 of")
    page.get_by_role("button", name="Forget all my progress and code").click()
    expect(page.locator(".exercise-list__summary")).to_contain_text("0 of")


def test_an_exercise_in_use_has_no_axe_violations(shared_page: Page, live_playground: LiveServer) -> None:
    """Feedback, a hint, the solution and the checked loop open, in light and dark."""
    page = shared_page
    exercise = next(e for e in EXERCISES if e.id == "async_io/unblock_handler")
    page.goto(f"{live_playground.base_url}/{exercise.page()}")
    page.evaluate("() => localStorage.clear()")
    container = page.locator(f'.exercise[data-exercise="{exercise.id}"]')
    check_code(page, exercise, exercise.text("starter.py"))
    container.get_by_role("button", name="Hint (0 of 3)").click()
    container.get_by_role("button", name="Show solution").click()
    container.get_by_role("button", name="Show the loop of the check").click()
    expect(container.locator(".exercise__solution")).to_be_visible()
    found = in_each_scheme(page)
    assert found == [], "\n".join(found)
