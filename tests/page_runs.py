"""A snippet run as the page's worker runs it (``stop_state.run_reporting``), under CPython: the
tests of the runner's Python modules (tests/test_rewrite.py, test_stop_state.py, ...) share it."""

from __future__ import annotations

import asyncio

import pytest

from playground.browser import stop_state

# The runner's own modules (playground/browser/): a traceback the reader sees names none of them.
RUNNER_FILES = ("rewrite.py", "stop_state.py", "verdict.py", "tracebacks.py", "needed_wheels.py", "shims.py")


def runner_frames(text: str) -> list[str]:
    """The runner's files that ``text`` names."""
    return [name for name in RUNNER_FILES if name in text]


def run_source(source: str, capsys: pytest.CaptureFixture[str]) -> tuple[list[str], str]:
    outcome = asyncio.run(stop_state.run_reporting(source, "topic/example.py"))
    return outcome, capsys.readouterr().out
