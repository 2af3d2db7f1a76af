"""Which snippets ask the reader to predict before running: a snippet declares it with its last
line, `# Predict first: <question>` (the page's rule is the same, in predict-lines.js). Read by
tests/test_predict.py (under CPython) and tests/test_predict_in_browser.py (in the page)."""

from __future__ import annotations

import re

from playground.snippets.catalog import discover
from tests.paths import SNIPPETS

MARKER = re.compile(r"^# Predict first: (.+)$", re.MULTILINE)  # the page's rule, predict-lines.js
PREDICTABLE = [s for s in discover(SNIPPETS) if MARKER.search(s.source())]


def question_of(source: str) -> str:
    """The question a snippet asks; AssertionError when it asks none."""
    found = MARKER.search(source)
    assert found is not None, "the snippet asks for no prediction"
    return found.group(1).strip()
