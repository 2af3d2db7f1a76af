"""Check a reader's exercise code: run it with the loop tracer on, then let the exercise's
``check.py`` ask about what it printed, how it behaved and what the event loop did.

One ``check.py`` per exercise (``exercises/<topic>/<name>/check.py``) defines
``async def check(ex: Exercise) -> None``. It runs here in two places, unchanged: under CPython
in pytest (``tests/test_exercises.py``: the starter and the solution;
``tests/test_exercise_wrong_answers.py``: each wrong answer) and in the page's worker against the
reader's code (``check_in_page``). Every verdict is written for the learner: what was expected,
what happened, and where in their code (a line number and the line) — the first failed check ends
the run, as a teacher would stop at the first mistake.
"""

from __future__ import annotations

import asyncio
import builtins
import gc
import io
import json
import linecache
import re
import sys
import time
import traceback
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from playground.browser.exercise_trace import BlockingStep, LoopFacts
from playground.browser.loop_hooks import BLOCKING_SECONDS
from playground.browser.loop_trace import LoopTrace
from playground.browser.rewrite import prepare
from playground.browser.tracebacks import format_error

RESULT_MARK = "\x1eexercise-result "  # the one line the page's Check reads from the check's stdout
READER_FILE = "exercise.py"
CHECK_FILE = "check.py"


class CheckFailed(Exception):
    """A check that did not hold; its fields are the learner's feedback."""

    def __init__(self, name: str, expected: str, happened: str, line: int = 0, code: str = "") -> None:
        super().__init__(f"{name}: expected {expected}; happened: {happened}")
        self.name, self.expected, self.happened, self.line, self.code = name, expected, happened, line, code


@dataclass
class Run:
    """One traced run: the reader's program, or a probe the check drove against it."""

    stdout: str = ""
    error: str = ""  # the trimmed traceback, empty when it ended well
    error_line: int = 0
    error_summary: str = ""  # "TypeError: ...": the exception's type and first line
    seconds: float = 0.0
    value: Any = None
    timed_out: bool = False
    is_program: bool = False  # the reader's whole file ran (its module body is the first step)
    warnings: list[str] = field(default_factory=list)  # e.g. "coroutine 'f' was never awaited"
    sleeps: list[tuple[float, int, str]] = field(default_factory=list)  # (since t0, line, call)
    busy: list[tuple[float, float, float]] = field(default_factory=list)  # long callbacks: start, end, CPU s
    events: list[dict[str, Any]] = field(default_factory=list)
    loop: LoopFacts = field(default_factory=lambda: LoopFacts([], READER_FILE))

    def lines(self) -> list[str]:
        return self.stdout.splitlines()


class Exercise:
    """What a ``check.py`` works with: the reader's source, their module once it ran, traced runs,
    and assertions that turn into feedback."""

    def __init__(self, source: str, filename: str = READER_FILE) -> None:
        self.source = source
        self.filename = filename
        self.module = ModuleType("__main__")
        self.passed: list[str] = []
        self.shown: Run | None = None  # the run whose loop the page offers to draw

    # ---- running -------------------------------------------------------------------------

    async def run_program(self, deadline_s: float = 5.0) -> Run:
        """Run the reader's file as ``__main__`` (a top-level ``asyncio.run(x)`` becomes
        ``await x``, as in the page's runner), traced, with its printed output captured."""

        linecache.cache[self.filename] = (len(self.source), None, self.source.splitlines(True), self.filename)
        try:  # compiled before the trace starts, as the page's runner does: not the program's time
            code = prepare(self.source, self.filename)
        except SyntaxError as error:
            return Run(error=format_error(error, self.filename), error_line=error.lineno or 0)

        async def program() -> None:
            self.module.__dict__.update(__name__="__main__", __file__=self.filename, __builtins__=builtins)
            result = eval(code, self.module.__dict__)  # noqa: S307 - the reader's own code, their browser
            if asyncio.iscoroutine(result):
                await result

        run = await self.probe(program, deadline_s)
        run.is_program = True
        return run

    async def probe(self, make: Callable[[], Awaitable[Any]], deadline_s: float = 5.0) -> Run:
        """Run ``make()`` as the main task of a traced run: how a check drives the reader's app
        (requests, websocket messages) and then asks the loop what happened."""
        run = Run()
        loop = asyncio.get_running_loop()
        before = asyncio.all_tasks(loop)
        real_sleep = time.sleep
        real_run = asyncio.events.Handle._run
        trace = LoopTrace(self.filename)
        # Wrapped before the tracer wraps it (and unwrapped after it unwraps): the tracer times
        # the callback with this inside.
        asyncio.events.Handle._run = _timing_cpu(run, real_run, trace.t0)  # type: ignore[method-assign,assignment]
        trace.attach(loop)
        time.sleep = self._noting_sleeps(run, trace.t0)  # type: ignore[assignment]  # typeshed: SupportsIndex too
        captured, real_stdout = io.StringIO(), sys.stdout
        sys.stdout = captured
        started = time.perf_counter()
        box: list[Any] = []  # what the probe returned or raised (the task keeps no reference to it)
        task = loop.create_task(_settle(make, box))  # the trace's root: the first task after attach
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                done, _ = await asyncio.wait({task}, timeout=deadline_s)
                if not done:
                    run.timed_out = True
                    trace.finish()  # first: the picture (and the feedback) show where it was stuck
                    task.cancel()
                    await asyncio.wait({task})
                outcome = box.pop() if box else None
                if isinstance(outcome, BaseException):
                    self._note_error(run, outcome)
                    outcome = None  # its frames hold what the reader never awaited: let it go
            finally:
                run.seconds = time.perf_counter() - started
                trace.finish()
                asyncio.events.Handle._run = real_run  # type: ignore[method-assign]
                time.sleep = real_sleep
                for leftover in asyncio.all_tasks(loop) - before - {task}:
                    leftover.cancel()  # recorded as pending above; they must not leak into the next run
                await asyncio.sleep(0)  # let the cancelled ones end here, their prints still captured
                sys.stdout = real_stdout
                gc.collect()  # a coroutine never awaited says so when it is collected: now, for feedback
        run.warnings += [f"{w.category.__name__}: {w.message}" for w in caught]
        run.stdout, run.events = captured.getvalue(), trace.events
        run.loop = LoopFacts(run.events, self.filename)
        run.value = outcome
        self.shown = run
        return run

    def _note_error(self, run: Run, error: BaseException) -> None:
        run.error = format_error(error, self.filename)
        lines = str(error).strip().splitlines() or [""]
        said = " ".join(lines[:2]) if lines[0].endswith(":") else lines[0]  # "1 validation error:" says little
        run.error_summary = f"{type(error).__name__}: {said}"[:200].rstrip(": ")
        run.error_line = _last_line_in(error, self.filename)
        # An exception that carries a coroutine object (FastAPI's validation error quotes the
        # value it got) keeps it alive, so it may never say "never awaited" itself (Pyodide did
        # not, here): read its name from the message instead.
        for name in re.findall(r"<coroutine object (?:\w+\.)*(\w+) at", f"{error} {error!r}"):
            run.warnings.append(f"RuntimeWarning: coroutine '{name}' was never awaited")
        traceback.clear_frames(error.__traceback__)

    def _noting_sleeps(self, run: Run, t0: float) -> Callable[[float], None]:
        """``time.sleep`` that notes where the reader's file called it: a blocking step that ended
        in a library (after the endpoint returned) is traced back to the line that slept."""
        inner = time.sleep

        def sleep(seconds: float) -> None:
            caller = sys._getframe(1)
            if caller.f_code.co_filename == self.filename:
                run.sleeps.append((time.perf_counter() - t0, caller.f_lineno, f"time.sleep({seconds:g})"))
            inner(seconds)

        return sleep

    # ---- looking things up -----------------------------------------------------------------

    def get(self, name: str) -> Any:
        """A name the reader's module defines (after ``run_program``), or a failed check."""
        if name not in self.module.__dict__:
            raise CheckFailed(f"Your code defines {name}", f"a name `{name}` in your code", f"there is no `{name}`")
        return self.module.__dict__[name]

    def line_of(self, pattern: str) -> int:
        """The first line of the reader's code that matches ``pattern`` (a regex), else 0."""
        for number, text in enumerate(self.source.splitlines(), 1):
            if re.search(pattern, text):
                return number
        return 0

    def code_at(self, line: int) -> str:
        lines = self.source.splitlines()
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""

    # ---- assertions ------------------------------------------------------------------------

    def expect(self, ok: bool, name: str, expected: str, happened: str | Callable[[], str], line: int = 0) -> None:
        """The one assertion: ``name`` says what is checked, in the learner's words."""
        if not ok:
            told = happened() if callable(happened) else happened
            raise CheckFailed(name, expected, told, line, self.code_at(line))
        if name not in self.passed:
            self.passed.append(name)

    def ran_cleanly(self, run: Run, what: str = "Your program runs to the end") -> None:
        if run.timed_out:
            stuck = run.loop.stuck()
            lines = [line for _, _, line in stuck if line]
            waits = sorted({label for _, label, _ in stuck})
            said = f"; {len(stuck)} task(s) were still waiting, on {', '.join(waits[:3])}" if stuck else ""
            self.expect(
                False,
                what,
                "it ends within a few seconds",
                f"it was still running, so it was stopped{said}",
                max(set(lines), key=lines.count) if lines else 0,
            )
        never_awaited = list(dict.fromkeys(w.split(": ", 1)[-1] for w in run.warnings if "never awaited" in w))
        names = [re.findall(r"coroutine '(?:\w+\.)*(\w+)'", w) for w in never_awaited]
        called = [n[0] for n in names if n]
        line = next((self.line_of(rf"^(?!.*\b(await|def)\b).*\b{name}\(") for name in called), 0)
        self.expect(
            not never_awaited,
            "Every coroutine is awaited",
            "every coroutine you call to be awaited (or made a task)",
            "; ".join(never_awaited) + (f", and then it raised {run.error_summary}" if run.error else ""),
            line,
        )
        self.expect(not run.error, what, "no exception", f"it raised {run.error_summary}", run.error_line)

    def printed(self, run: Run, expected: list[str], name: str = "It prints the expected lines") -> None:
        got = run.lines()
        for index, want in enumerate(expected):
            have = got[index] if index < len(got) else None
            if have != want:
                said = "nothing more" if have is None else repr(have)
                self.expect(
                    False,
                    name,
                    f"line {index + 1} of the output to be {want!r}",
                    f"it was {said}",
                    self.line_of(r"print\("),
                )
        if len(got) > len(expected):
            self.expect(False, name, f"{len(expected)} lines", f"{len(got)} lines, then {got[len(expected)]!r}", 0)
        self.passed.append(name)

    async def never_blocks(self, run: Run, name: str = "No step holds the event loop over 10 ms") -> None:
        """No step of the reader's over 10 ms, as the tracer marks them (wall time), counting
        only those that slept in the reader's code or used 10 ms of CPU: on a loaded machine the
        OS preempts steps at random (7 steps of 11-41 ms were seen in a correct answer's 200
        requests, load average 18 on two cores), which is no fault of the reader's."""
        found = self._blocking(run)
        if found:
            worst, line, call = max(found, key=lambda item: item[0].milliseconds)
            call = f" in {call}" if call else ""
            self.expect(
                False,
                name,
                "every step of every task to give the loop back within 10 ms",
                f"{len(found)} step(s) held it; the longest, {worst.milliseconds:.0f} ms{call}, in task "
                f"{worst.task}: the other tasks could not run meanwhile",
                line,
            )
        self.passed.append(name)

    def _blocking(self, run: Run) -> list[tuple[BlockingStep, int, str]]:
        # A blocking step is the reader's when it ended in their file or their code slept in it;
        # one that did neither is a library warming up (a first request in Pyodide can take
        # 10-30 ms on a loaded machine), not something their code can change.
        blocking = []
        for step in run.loop.blocking_steps(skip_module_body=run.is_program):
            slept = [(line, call) for at, line, call in run.sleeps if step.start <= at <= step.end]
            cpu = max((used for start, end, used in run.busy if start < step.end and end > step.start), default=0.0)
            if (step.line or slept) and (slept or cpu > BLOCKING_SECONDS):
                line, call = slept[0] if slept else (step.line, step.call)  # the sleep says most
                blocking.append((step, line, call))
        return blocking

    def nothing_left_running(self, run: Run, name: str = "Nothing is left running at the end") -> None:
        pending = run.loop.still_pending()
        self.expect(
            not pending,
            name,
            "every task you started to be finished or cancelled when your code is done",
            lambda: f"{len(pending)} task(s) still pending: {', '.join(pending)}",
            self.line_of(r"create_task|ensure_future"),
        )


def _cpu_clock() -> Callable[[], float]:
    """The thread's CPU time where the platform measures it (CPython); else wall time."""
    try:
        start = time.thread_time()
        deadline = time.perf_counter() + 0.002
        while time.perf_counter() < deadline:
            pass
        if time.thread_time() > start:
            return time.thread_time
    except (OSError, AttributeError):  # an emscripten build without a thread CPU clock
        pass
    return time.perf_counter


CPU_CLOCK = _cpu_clock()


def _timing_cpu(run: Run, real_run: Callable[[Any], None], t0: float) -> Callable[[Any], None]:
    """``Handle._run`` that notes the CPU time of every callback over the blocking limit."""

    def timed(handle: Any) -> None:
        start, cpu = time.perf_counter(), CPU_CLOCK()
        try:
            real_run(handle)
        finally:
            end = time.perf_counter()
            if end - start > BLOCKING_SECONDS:
                run.busy.append((start - t0, end - t0, CPU_CLOCK() - cpu))

    return timed


async def _settle(make: Callable[[], Awaitable[Any]], box: list[Any]) -> None:
    """Run the probe; its value or exception goes in ``box`` (the trace's root must not fail)."""
    try:
        box.append(await make())
    except (Exception, asyncio.CancelledError) as error:  # the reader's error is feedback
        box.append(error)


def _last_line_in(error: BaseException, filename: str) -> int:
    if isinstance(error, SyntaxError) and error.filename == filename:
        return error.lineno or 0
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return frames[-1].lineno or 0 if frames else 0


@dataclass
class Outcome:
    """A check's verdict, as the tests assert on it and the page shows it."""

    ok: bool
    passed: list[str]
    failed: dict[str, Any] | None
    stdout: str
    events: list[dict[str, Any]]

    def message(self) -> str:
        """The feedback as text: the passed checks, then the failed one with its three parts."""
        lines = [f"✓ {name}" for name in self.passed]
        if self.failed:
            lines.append(f"✗ {self.failed['name']}")
            lines.append(f"  Expected: {self.failed['expected']}.")
            lines.append(f"  Happened: {self.failed['happened']}.")
            if self.failed["line"]:
                lines.append(f"  Where: line {self.failed['line']}: {self.failed['code']}")
        return "\n".join(lines)


def load_check(check_source: str) -> Callable[[Exercise], Awaitable[None]]:
    namespace: dict[str, Any] = {"__name__": "exercise_check_module", "__file__": CHECK_FILE}
    # dont_inherit: not this module's `from __future__ import annotations`, which would turn a
    # check's annotations into strings that FastAPI cannot resolve (a Depends on a local name).
    exec(compile(check_source, CHECK_FILE, "exec", dont_inherit=True), namespace)  # noqa: S102 - the site's own check file
    check: Callable[[Exercise], Awaitable[None]] = namespace["check"]
    return check


async def run_check(check_source: str, source: str, filename: str = READER_FILE) -> Outcome:
    """Run ``check_source``'s ``check`` against the reader's ``source``."""
    exercise = Exercise(source, filename)
    check = load_check(check_source)
    # A coroutine an earlier check left un-awaited must say so now, not in this run's feedback
    # (in Pyodide one lived on, referenced by its exception, and blamed the next answer checked).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()
    previous = sys.modules.get("__main__")
    sys.modules["__main__"] = exercise.module  # pydantic and dataclasses look classes up here
    failed = None
    try:
        await check(exercise)
    except CheckFailed as failure:
        failed = {
            "name": failure.name,
            "expected": failure.expected,
            "happened": failure.happened,
            "line": failure.line,
            "code": failure.code,
        }
    finally:
        if previous is not None:
            sys.modules["__main__"] = previous
    shown = exercise.shown or Run()
    return Outcome(failed is None, exercise.passed, failed, shown.stdout, shown.events)


async def check_in_page(check_source: str, source: str, filename: str = READER_FILE) -> None:
    """The page's Check: print the outcome as one marked JSON line for exercise.js to read."""
    outcome = await run_check(check_source, source, filename)
    payload = {
        "ok": outcome.ok,
        "passed": outcome.passed,
        "failed": outcome.failed,
        "stdout": outcome.stdout[-4000:],
        "events": outcome.events,
        "message": outcome.message(),
    }
    print(RESULT_MARK + json.dumps(payload))
