"""Every exercise's check is proven on wrong answers, not only right ones: under CPython, with
the loop tracer, each wrong answer fails at the check its first line names. (A file of its own:
the longest of the server tests' files when it was part of test_exercises.py, 58 s on one worker.)"""

from __future__ import annotations

import pytest

from playground.runtime.exercises import ExerciseFiles
from tests.exercise_checks import EXERCISES, check

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
