"""A run as Stop sees it: where it is (:class:`Phase`), how it ends, and how Stop ends it.

Stop reaches a run two ways (protocol.js tells the page's side): while the program awaits, the
worker cancels the run's task (:func:`cancel_current`); while Python is busy, the page sets the
interrupt buffer and Python raises SIGINT at its next check (:func:`install_stop_signal`). Either
can land before the program's first line or after its last, so the phase decides what it does.
"""

from __future__ import annotations

import asyncio
import enum
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import FrameType

from playground.browser import rewrite, tracebacks


class Phase(enum.Enum):
    """Where the worker is with a run, as Stop's SIGINT handler needs to know it."""

    IDLE = "idle"  # no run: a SIGINT now is late (set for a run that has ended), and ignored
    PENDING = "pending"  # a run is on its way (wheels, its task not stepped yet): it will not start
    PROGRAM = "program"  # the reader's program runs or awaits: KeyboardInterrupt, as Ctrl+C


@dataclass
class _RunState:
    """Where the current run is, for Stop (see :func:`cancel_current` and :func:`_stop_signal`)."""

    phase: Phase = Phase.IDLE
    stop_before_start: bool = False  # Stop came while the run was PENDING


_state = _RunState()

STOPPED_BEFORE_START = "Stopped before the program started, so none of it ran."


def begin_run() -> None:
    """Called by the worker as it takes a run, before its wheels load: from here on a Stop
    ends this run, even one that lands before the program's first line."""
    _state.phase = Phase.PENDING
    _state.stop_before_start = False


def end_run() -> None:
    """Called by the worker once the run reported: a SIGINT from now on is late."""
    _state.phase = Phase.IDLE


_announce_start: list[Callable[[], object]] = []


def on_program_start(announce: Callable[[], object]) -> None:
    """The worker's way to show "running": called as a run enters PROGRAM, so the page's
    "running" means the reader's first line is next and a Stop from then on raises
    KeyboardInterrupt or cancels the program. Announced any earlier (as the worker did, before
    the task's first step), a Stop could still find the run PENDING and say "none of it ran"
    while the page had shown it running."""
    _announce_start[:] = [announce]


Program = Callable[[str, str], Awaitable[None]]  # runs code: `run`, or the console's session
ExplainError = Callable[[BaseException, str], str]  # says what failed: `format_error`, or the console's


async def run_reporting(
    source: str, filename: str, program: Program | None = None, explain_error: ExplainError | None = None
) -> list[str]:
    """Run a snippet and say how it ended, as ``[status, text]`` for the page: ``ok``,
    ``stopped`` (Stop: KeyboardInterrupt in running code, or the task cancelled while it
    awaited) or ``error`` with the trimmed traceback. Nothing escapes into the event loop.
    ``program`` and ``explain_error`` replace ``rewrite.run`` and ``tracebacks.format_error``
    (the console)."""
    try:
        try:
            # PROGRAM first, then the check: a SIGINT before this line set stop_before_start,
            # one after it raises KeyboardInterrupt here. None falls between (it did: 1 in 27).
            _state.phase = Phase.PROGRAM
            if _state.stop_before_start:
                return ["stopped", STOPPED_BEFORE_START]
            for announce in _announce_start:
                announce()
            await (program or rewrite.run)(source, filename)
        finally:
            _state.phase = Phase.IDLE
            _state.stop_before_start = False
    except (KeyboardInterrupt, asyncio.CancelledError) as stop:
        if isinstance(stop, KeyboardInterrupt):
            return ["stopped", "Stopped: KeyboardInterrupt was raised in the running code."]
        return ["stopped", "Stopped: the program was cancelled where it awaited (asyncio.CancelledError)."]
    except SystemExit as exit_:
        if exit_.code in (None, 0):
            return ["ok", ""]
        return ["error", f"SystemExit: {exit_.code}\n"]
    except BaseException as error:  # every failure is the reader's to see
        return ["error", (explain_error or tracebacks.format_error)(error, filename)]
    return ["ok", ""]


_current: list[asyncio.Future[list[str]]] = []


def start(
    source: str, filename: str, program: Program | None = None, explain_error: ExplainError | None = None
) -> asyncio.Future[list[str]]:
    """Schedule a run as a task, so Stop can cancel it while it awaits. A run the worker did not
    announce with :func:`begin_run` (the tests) is PENDING from here."""
    if _state.phase is Phase.IDLE:
        begin_run()
    task = asyncio.ensure_future(run_reporting(source, filename, program, explain_error))
    _current[:] = [task]
    task.add_done_callback(lambda done: _current.remove(done) if done in _current else None)
    return task


def cancel_current() -> bool:
    """Stop, while the worker idles in the JavaScript event loop (the program awaits): cancel
    the run's task, and the tasks it started, in place. The interrupt buffer cannot do this: it
    is only checked while Python code runs. True when there was a run to cancel.

    Stop can arrive after Run but before the task's first step (the worker idles between the
    two): a task cancelled then ends without entering run_reporting's ``try``, and the page got
    CancelledError as an error. So the run is told instead, and ends as stopped at its start."""
    if not _current:
        return False
    if _state.phase is Phase.PENDING:
        _state.stop_before_start = True
        return True
    _current[0].cancel()
    cancel_leftover_tasks()
    return True


def cancel_leftover_tasks() -> int:
    """Tasks a stopped or finished snippet left running would keep printing: cancel them."""
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        return 0
    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    return len(leftovers)


def _stop_signal(signum: int, frame: FrameType | None) -> None:
    """SIGINT, as Stop's interrupt buffer delivers it at Python's next check (the page sets the
    buffer when the worker did not answer Stop within its interrupt delay, see protocol.js):

    * PROGRAM: KeyboardInterrupt in the reader's program, as Ctrl+C in CPython.
    * PENDING: the run ends before its first line. Ignored here, as it was, the signal was lost
      and the program then ran on: the page replaced Python after its grace period and said the
      program had caught KeyboardInterrupt (1 in 27 Stops of ``while True: pass`` pressed as it
      started; the signal landed in the task's scheduling, before the program's first line).
    * IDLE: nothing. A program that ended on its own just before the buffer was set would get
      KeyboardInterrupt in the event loop's own callbacks (those that hand the outcome to the
      worker): the run never reported its end (2 and 4 of 300 Stops pressed as a run ended).

    What it did goes to the page through ``_report`` (shared memory, read while Python is busy),
    so a message after a restart can say what really happened."""
    phase = _state.phase
    _report(phase.value)
    if phase is Phase.PROGRAM:
        raise KeyboardInterrupt
    if phase is Phase.PENDING:
        _state.stop_before_start = True


_reporters: list[Callable[[str], None]] = []


def _report(phase: str) -> None:
    for report in _reporters:
        report(phase)


def install_stop_signal(report: Callable[[str], None] | None = None) -> None:
    """``report(phase)`` is told, at each SIGINT, which phase it found (a :class:`Phase` value)."""
    _reporters[:] = [report] if report else []
    signal.signal(signal.SIGINT, _stop_signal)
