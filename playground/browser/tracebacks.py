"""A failed run's traceback, as the page shows it: trimmed to the reader's own frames, under the
sentence ``explain.py`` has for the error when it has one."""

from __future__ import annotations

import traceback

from playground.browser import explain

# The runner's own files: where a run passes through (compiled and run in rewrite.py, reported
# in stop_state.py, a def endpoint run inline by shims.py), never the reader's concern.
_RUNNER_MODULES = ("rewrite", "stop_state", "verdict", "tracebacks", "needed_wheels", "shims", "explain")
_OWN_FILES = tuple(f"/playground/browser/{name}.py" for name in _RUNNER_MODULES)


def format_error(error: BaseException, filename: str) -> str:
    """A traceback trimmed to the reader's own frames: the runner's and the libraries' frames
    above the first frame of the snippet are noise; frames below it stay (they say where in a
    library the snippet's call failed)."""
    if isinstance(error, KeyboardInterrupt):
        return "KeyboardInterrupt: stopped\n"
    sentence = explain.hint(error)
    explain.as_cpython_errno(error)
    hint = f"{sentence}\n\n" if sentence else ""
    if isinstance(error, SyntaxError):
        # The snippet never ran: the frames are the runner's compile step (rewrite.py, ast.py).
        return hint + "".join(traceback.format_exception_only(error))
    report = traceback.TracebackException.from_exception(error)
    if sentence:
        # The sentence says what the chain of library errors under it would (httpx wraps
        # httpcore wraps the socket's refusal; anyio's task group wraps the loop's): keep the
        # last one only.
        report.__cause__ = report.__context__ = None
        report.exceptions = None
    frames = [f for f in report.stack if not f.filename.endswith(_OWN_FILES)]
    first = next((i for i, f in enumerate(frames) if f.filename == filename), None)
    if first is not None:
        frames = frames[first:]
    if sentence:
        # The sentence names the cause; the library's frames between would only bury it.
        frames = [f for f in frames if f.filename == filename] or frames
    report.stack = traceback.StackSummary.from_list(frames)
    return hint + "".join(report.format())
