"""Every exercise's check checks: under CPython, with the loop tracer, the starter fails, the
reference solution passes, and each wrong answer fails at the check its first line names."""

from __future__ import annotations

import asyncio

import pytest

from playground.browser.exercise_check import Outcome, run_check
from playground.runtime.exercises import TOPICS, ExerciseFiles, discover

EXERCISES = discover()


def check(exercise: ExerciseFiles, source: str) -> Outcome:
    return asyncio.run(run_check(exercise.text("check.py"), source))


def test_there_are_enough_exercises_per_topic() -> None:
    per_topic = {topic: sum(1 for e in EXERCISES if e.id.startswith(f"{topic}/")) for topic in TOPICS}
    assert all(count >= 3 for count in per_topic.values()), per_topic


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_the_solution_passes(exercise: ExerciseFiles) -> None:
    outcome = check(exercise, exercise.text("solution.py"))
    assert outcome.ok, outcome.message()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_the_starter_fails(exercise: ExerciseFiles) -> None:
    outcome = check(exercise, exercise.text("starter.py"))
    assert not outcome.ok, outcome.message()


WRONG = [(e, name) for e in EXERCISES for name in e.wrong_answers()]


# A wrong answer that never awaits a coroutine is that mistake: the checker reports it (from the
# warnings it records), and the coroutine object may be collected again later, in another test's
# time, where pytest would turn Python's "never awaited" notice into that test's failure.
@pytest.mark.filterwarnings("ignore:Exception ignored in. <coroutine object:pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(("exercise", "name"), WRONG, ids=[f"{e.id}/{n}" for e, n in WRONG])
def test_a_wrong_answer_fails_where_intended(exercise: ExerciseFiles, name: str) -> None:
    source, intended = exercise.wrong_answers()[name]
    assert intended, f"{name}: the first line must say `# intended: <the check it fails>`"
    outcome = check(exercise, source)
    assert outcome.failed is not None, f"{name} passed every check:\n{outcome.message()}"
    assert outcome.failed["name"] == intended, outcome.message()
    assert outcome.failed["expected"] and outcome.failed["happened"]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_each_exercise_has_two_wrong_answers_hints_and_a_page(exercise: ExerciseFiles) -> None:
    assert len(exercise.wrong_answers()) >= 2
    assert exercise.for_page()["hints"] and exercise.for_page()["remarks"]
    assert exercise.page(), f"no page includes exercises/{exercise.id}/task.md"
