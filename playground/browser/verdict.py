"""The verdict after a run: does what it printed match the ``#>`` lines of the code that ran?

The same rule as the test suite (``recorded_output.py``), statement by statement: ``run``
(``rewrite.py``) puts a recorder around ``sys.stdout`` through :func:`trace_stdout`, which says
which statement printed what.
"""

from __future__ import annotations

import sys

from playground.browser.output_trace import MAX_CHUNKS, StdoutRecorder

_last_output: list[tuple[str, StdoutRecorder]] = []  # the last run's source and its traced stdout


def trace_stdout(source: str, filename: str) -> StdoutRecorder:
    """A recorder of the current ``sys.stdout`` for a run of ``source``, kept for :func:`verdict`
    (the caller installs it as ``sys.stdout`` and puts back its ``stream`` when the run ends)."""
    recorder = StdoutRecorder(sys.stdout, filename)
    _last_output[:] = [(source, recorder)]
    return recorder


def verdict(source: str, stdout: str) -> list[str] | None:
    """How a run's stdout compares with the ``#>`` lines of the code that ran, by the same rule
    as the test suite (``playground/browser/recorded_output.py``): each ``#>`` group against what
    the statement above it printed, as traced by the last run. ``["match", note]``,
    ``["differ", diff]``, or None when the code records no output. When that run's trace does
    not account for ``stdout`` (another source, or text written around ``sys.stdout``), the
    check falls back to the whole-file rule (all ``#>`` lines in order) and the note says why."""
    from playground.browser.recorded_output import check, compare, recorded_lines

    recorded = recorded_lines(source)
    if not recorded:
        return None
    traced = _last_output[0] if _last_output else None
    if traced is not None and traced[0] == source and traced[1].text() == stdout:
        result = check(source, traced[1].chunks)
        return ["match", ""] if result.ok else ["differ", result.diff]
    if traced is None or traced[0] != source:
        why = "no run of this code was traced"
    elif traced[1].overflowed:
        why = f"it printed more than {MAX_CHUNKS:,} times"
    else:
        why = "some output did not pass through sys.stdout"
    note = f"Checked as a whole, in file order, not statement by statement: {why}."
    result = compare(recorded, stdout)
    return ["match", note] if result.ok else ["differ", f"{note}\n{result.diff}"]
