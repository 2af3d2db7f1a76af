"""The output a page shows, recorded in the snippet, and the one rule for comparing it.

Recording: every line a snippet prints is written in the snippet itself as a ``#>`` comment
(``#> text``; a bare ``#>`` is an empty line). The reader sees them in the code block, so the
page shows the output without a second copy. All ``#>`` lines of a file, in file order, are the
expected stdout, in order. Put them right under the ``print`` when it prints once, or under
``asyncio.run(main())`` for what a whole program prints.

Comparing (the rule, written down only here; the CPython tests and the browser tests both call
:func:`compare`):

1. Lines are compared one by one after stripping trailing white space; the counts must match.
2. Output that depends on timing is printed rounded, as a duration with a unit: ``1.0s`` or
   ``250ms``. A duration in the recorded line matches a duration in the same place of the
   actual line when they differ by at most ``DURATION_TOLERANCE_S`` seconds — enough for a
   busy CI machine or a browser's timer, and still far below the gap a snippet teaches
   (sequential 3.0s against concurrent 1.0s).
3. Everything else must match to the letter.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

MARKER = "#>"
DURATION_TOLERANCE_S = 0.25
_DURATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(ms|s)\b")


def recorded_lines(source: str) -> list[str]:
    """The expected stdout lines, read from the ``#>`` comments of a snippet's source."""
    lines = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == MARKER:
            lines.append("")
        elif stripped.startswith(MARKER + " "):
            lines.append(stripped[len(MARKER) + 1 :].rstrip())
    return lines


def _seconds(number: str, unit: str) -> float:
    return float(number) / 1000 if unit == "ms" else float(number)


def lines_match(recorded: str, actual: str) -> bool:
    recorded, actual = recorded.rstrip(), actual.rstrip()
    if recorded == actual:
        return True
    # Same text once durations are masked, then each duration pair within the tolerance.
    if _DURATION.sub("<t>", recorded) != _DURATION.sub("<t>", actual):
        return False
    pairs = zip(_DURATION.finditer(recorded), _DURATION.finditer(actual))
    return all(
        abs(_seconds(*want.groups()) - _seconds(*got.groups())) <= DURATION_TOLERANCE_S
        for want, got in pairs
    )


@dataclass(frozen=True)
class Comparison:
    ok: bool
    diff: str


def compare(recorded: list[str], actual_stdout: str) -> Comparison:
    """Apply the rule above; on a mismatch, a unified diff recorded → actual to show."""
    actual = actual_stdout.splitlines()
    ok = len(recorded) == len(actual) and all(map(lines_match, recorded, actual))
    if ok:
        return Comparison(True, "")
    diff = "\n".join(
        difflib.unified_diff(
            [MARKER + (" " + line if line else "") for line in recorded],
            [MARKER + (" " + line.rstrip() if line.strip() else "") for line in actual],
            fromfile="recorded in the snippet",
            tofile="printed by a real run",
            lineterm="",
        )
    )
    return Comparison(False, diff)
