"""The exercises, and their check run under CPython with the loop tracer: for the tests that
prove each check on the starter, the solution and every wrong answer."""

from __future__ import annotations

import asyncio

from playground.browser.exercise_check import Outcome, run_check
from playground.runtime.exercises import ExerciseFiles, discover

EXERCISES = discover()


def check(exercise: ExerciseFiles, source: str) -> Outcome:
    return asyncio.run(run_check(exercise.text("check.py"), source))
