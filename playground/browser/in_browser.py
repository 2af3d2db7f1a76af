"""The Python half of the in-page runner: runs inside Pyodide, in the runner's Web Worker.

Snippets are plain CPython scripts and must run unchanged in the page. Three things differ in a
browser, and each is bridged here rather than in the snippets:

* ``asyncio.run`` needs JSPI to block; without it, it raises. A top-level ``asyncio.run(x)`` is
  rewritten to ``await x`` and the module is run with top-level await, which works in every
  browser and keeps the run a cancellable task (Stop cancels it).
* ``time.sleep`` must block the event loop as it does in CPython, or a "blocking call" demo
  would lie. It is replaced by a wait on the worker's thread (``Atomics.wait``), which Stop can
  interrupt.
* There are no threads: ``anyio.to_thread.run_sync`` (how Starlette runs ``def`` endpoints and
  dependencies in its threadpool) runs the function inline, and the page is told so.

This module is copied into the built site (``runtime/browser/in_browser.py``); the parts that do not need
a browser are tested under CPython.
"""

from __future__ import annotations

import ast
import asyncio
import enum
import functools
import importlib.abc
import importlib.util
import inspect
import json
import linecache
import signal
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import CodeType, FrameType, ModuleType
from typing import Any

from playground.browser import explain, fetch_transport
from playground.browser.output_trace import MAX_CHUNKS, StdoutRecorder

TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


class _AsyncioRunToAwait(ast.NodeTransformer):
    """Rewrites ``asyncio.run(x)`` in module-level statements to ``await x``."""

    def __init__(self, run_names: set[str], asyncio_names: set[str]) -> None:
        self.run_names = run_names
        self.asyncio_names = asyncio_names
        self.rewritten = 0

    def _is_asyncio_run(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call) or not node.args:
            return False
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "run":
            return isinstance(func.value, ast.Name) and func.value.id in self.asyncio_names
        return isinstance(func, ast.Name) and func.id in self.run_names

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        if self._is_asyncio_run(node):
            self.rewritten += 1
            return ast.copy_location(ast.Await(value=node.args[0]), node)
        return node

    # Code inside functions and classes keeps its asyncio.run: it is not module level.
    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node


def _asyncio_aliases(tree: ast.Module) -> tuple[set[str], set[str]]:
    asyncio_names, run_names = set(), set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            asyncio_names |= {a.asname or a.name for a in node.names if a.name == "asyncio"}
        elif isinstance(node, ast.ImportFrom) and node.module == "asyncio":
            run_names |= {a.asname or a.name for a in node.names if a.name == "run"}
    return run_names, asyncio_names


def rewrite_asyncio_run(tree: ast.Module) -> ast.Module:
    """Top-level ``asyncio.run(x)`` as ``await x`` (the page's Run, and the console's commands)."""
    run_names, asyncio_names = _asyncio_aliases(tree)
    rewritten: ast.Module = ast.fix_missing_locations(_AsyncioRunToAwait(run_names, asyncio_names).visit(tree))
    return rewritten


@functools.lru_cache(maxsize=4)
def prepare(source: str, filename: str) -> CodeType:
    """Compile a snippet for the browser: top-level ``asyncio.run(x)`` becomes ``await x``.
    Cached: the loop picture compiles first (loop-stream.js), so its first step is the program's."""
    tree = rewrite_asyncio_run(ast.parse(source, filename=filename))
    code: CodeType = compile(tree, filename, "exec", flags=TOP_LEVEL_AWAIT, dont_inherit=True)
    return code


async def run(source: str, filename: str) -> None:
    """Run a snippet as ``__main__``, with top-level await; raises what the snippet raises."""
    # Tracebacks read source lines through linecache: give it the code as the reader wrote it
    # (no mtime, so checkcache keeps it; the file does not exist in the page).
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    code = prepare(source, filename)
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__}
    main = ModuleType("__main__")
    main.__dict__.update(namespace)
    previous = sys.modules.get("__main__")
    sys.modules["__main__"] = main  # pydantic and dataclasses look classes up here
    recorder = StdoutRecorder(sys.stdout, filename)  # who printed what, for `verdict`
    _last_output[:] = [(source, recorder)]
    sys.stdout = recorder
    try:
        result = eval(code, main.__dict__)  # noqa: S307 - the reader's own code, in their browser
        if inspect.iscoroutine(result):
            # Tasks the module starts run from the loop, not from its frame: ask the frame.
            recorder.module_frame = result.cr_frame
            await result
    finally:
        sys.stdout = recorder.stream
        if previous is not None:
            sys.modules["__main__"] = previous
        sys.stdout.flush()
        sys.stderr.flush()


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
    ``program`` and ``explain_error`` replace :func:`run` and :func:`format_error` (the console)."""
    try:
        try:
            # PROGRAM first, then the check: a SIGINT before this line set stop_before_start,
            # one after it raises KeyboardInterrupt here. None falls between (it did: 1 in 27).
            _state.phase = Phase.PROGRAM
            if _state.stop_before_start:
                return ["stopped", STOPPED_BEFORE_START]
            for announce in _announce_start:
                announce()
            await (program or run)(source, filename)
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
        return ["error", (explain_error or format_error)(error, filename)]
    return ["ok", ""]


_last_output: list[tuple[str, StdoutRecorder]] = []  # the last run's source and its traced stdout


def verdict(source: str, stdout: str) -> list[str] | None:
    """How a run's stdout compares with the ``#>`` lines of the code that ran, by the same rule
    as the test suite (``playground/browser/recorded_output.py``): each ``#>`` group against what
    the statement above it printed, as traced by the last :func:`run`. ``["match", note]``,
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


_OWN_FILES = ("/playground/browser/in_browser.py", "/playground/browser/explain.py")


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
        # The snippet never ran: the frames are the runner's compile step (in_browser.py, ast.py).
        return hint + "".join(traceback.format_exception_only(error))
    report = traceback.TracebackException.from_exception(error)
    if sentence:
        # The sentence says what the chain of library errors under it would (httpx wraps
        # httpcore wraps the socket's refusal; anyio's task group wraps the loop's): keep the
        # last one only.
        report.__cause__ = report.__context__ = None
        report.exceptions = None
    # The runner's own files (this one, the shims) are never the reader's concern.
    frames = [f for f in report.stack if not f.filename.endswith(_OWN_FILES)]
    first = next((i for i, f in enumerate(frames) if f.filename == filename), None)
    if first is not None:
        frames = frames[first:]
    if sentence:
        # The sentence names the cause; the library's frames between would only bury it.
        frames = [f for f in frames if f.filename == filename] or frames
    report.stack = traceback.StackSummary.from_list(frames)
    return hint + "".join(report.format())


# ---------------------------------------------------------------------------------------------
# Which wheels a snippet needs


remember_packages = explain.remember_packages


def wheels_for(source: str, packages_json: str, loaded: list[str]) -> list[str]:
    """Wheel files to load before running ``source``: what its imports need, with their
    dependencies, minus those already loaded. ``packages_json`` is the build's
    ``runtime/packages.json``: {wheel file: {"imports": [...], "depends": [wheel files]}}."""
    packages: dict[str, dict[str, list[str]]] = json.loads(packages_json)
    by_import = {name: wheel for wheel, info in packages.items() for name in info["imports"]}
    wanted = [by_import[name] for name in imported_top_levels(source) if name in by_import]
    needed: list[str] = []
    while wanted:
        wheel = wanted.pop()
        if wheel in needed or wheel in loaded:
            continue
        needed.append(wheel)
        wanted.extend(packages[wheel]["depends"])
    return sorted(needed)


def imported_top_levels(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the run reports the syntax error itself
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return sorted(names)


# ---------------------------------------------------------------------------------------------
# Browser shims


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Calls a patch function right after a module is first imported."""

    def __init__(self, patches: dict[str, Callable[[ModuleType], None]]) -> None:
        self.patches = patches

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        patch = self.patches.get(fullname)
        if patch is None:
            return None
        sys.meta_path.remove(self)  # find the real spec without finding ourselves
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        original_exec = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            patch(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


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


def install_shims(
    wait_ms: Callable[[float], bool],
    notice: Callable[[str], None],
    stop_seen: Callable[[str], None] | None = None,
) -> None:
    """``wait_ms(ms)`` blocks the worker's thread and returns True when Stop interrupted it;
    ``notice(text)`` tells the page something the reader should know (not part of stdout);
    ``stop_seen(phase)`` is told what each Stop signal found (see :func:`_stop_signal`)."""

    def blocking_sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if wait_ms(seconds * 1000.0):
            raise KeyboardInterrupt

    time.sleep = blocking_sleep  # type: ignore[assignment]  # typeshed's sleep also takes SupportsIndex
    explain.install()
    install_stop_signal(stop_seen)

    told: list[bool] = []

    def patch_to_thread(module: ModuleType) -> None:
        async def run_sync(func: Callable[..., Any], *args: Any, **_options: Any) -> Any:
            if not told:
                told.append(True)
                notice(
                    "The browser has no threads: a def endpoint or dependency ran inline on "
                    "the event loop instead of in FastAPI's threadpool."
                )
            return func(*args)

        module.run_sync = run_sync  # type: ignore[attr-defined]

    # httpx.AsyncClient sends through the browser's fetch (fetch_transport.py): no sockets here.
    patches = {"anyio.to_thread": patch_to_thread, "httpx": fetch_transport.patch_httpx}
    for name in [name for name in patches if name in sys.modules]:
        patches.pop(name)(sys.modules[name])
    if patches:
        sys.meta_path.insert(0, _PatchOnImport(patches))


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
