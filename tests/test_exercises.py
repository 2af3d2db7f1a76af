"""Every exercise's check checks: under CPython, with the loop tracer, the starter fails and the
reference solution passes (each wrong answer: test_exercise_wrong_answers.py)."""

from __future__ import annotations

import pytest

from playground.runtime.exercises import TOPICS, ExerciseFiles
from tests.exercise_checks import EXERCISES, check


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


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_each_exercise_has_two_wrong_answers_hints_and_a_page(exercise: ExerciseFiles) -> None:
    assert len(exercise.wrong_answers()) >= 2
    assert exercise.for_page()["hints"] and exercise.for_page()["remarks"]
    assert exercise.page(), f"no page includes exercises/{exercise.id}/task.md"
