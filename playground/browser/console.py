"""The asyncio console of the page: Python with top-level ``await``, like ``python -m asyncio``.

CPython's asyncio REPL compiles each input with ``ast.PyCF_ALLOW_TOP_LEVEL_AWAIT`` and, when the
code object turns out to be a coroutine, awaits it on the loop that keeps running between inputs.
This module does the same inside the runner's worker, on the worker's own loop, so a command is
one more run for the runner: Stop cancels it, the loop picture traces it, and wheels load for its
imports (``worker.js`` starts a command through :func:`start` instead of ``stop_state.start``).

What a command defines stays defined for the next one (one namespace per visit of the runtime,
like one REPL session). An expression's value is shown as the REPL shows it (``sys.displayhook``:
its ``repr``, and ``_``). Several statements may be sent at once (the page's multi-line input);
each top-level expression among them is shown. A top-level ``asyncio.run(x)`` becomes ``await x``,
the rule the page's Run follows (``rewrite.prepare``), so a block's code continues here as it
ran there; inside a running loop a real ``asyncio.run`` would raise.

An error is one line for the reader: what was raised, and where in the code they typed.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import inspect
import linecache
import sys
import traceback
from dataclasses import dataclass, field
from types import CodeType, ModuleType
from typing import Any

from playground.browser import explain, rewrite, stop_state


def compile_command(source: str, filename: str) -> CodeType:
    """Compile what the reader typed as the REPL does (``single``: expression statements are
    shown), but for any number of statements and with top-level ``await``."""
    tree = rewrite.rewrite_asyncio_run(ast.parse(source, filename=filename))
    interactive = ast.Interactive(body=tree.body)
    code: CodeType = compile(interactive, filename, "single", flags=rewrite.TOP_LEVEL_AWAIT, dont_inherit=True)
    return code


@dataclass
class Session:
    """One console: its namespace lives as long as the worker's Python does."""

    module: ModuleType = field(default_factory=lambda: ModuleType("__main__"))
    sources: set[str] = field(default_factory=set)  # the file names of code run here

    def __post_init__(self) -> None:
        # What `python -m asyncio` starts with: asyncio imported, __name__ == "__main__".
        self.module.__dict__.update({"__builtins__": builtins, "asyncio": asyncio})

    @property
    def namespace(self) -> dict[str, Any]:
        return self.module.__dict__

    async def run(self, source: str, filename: str) -> None:
        """Run one command in the session's namespace; raises what the command raises."""
        # Tracebacks and the loop picture read lines through linecache (no file exists here).
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        self.sources.add(filename)
        code = compile_command(source, filename)
        previous = sys.modules.get("__main__")
        sys.modules["__main__"] = self.module  # pydantic and dataclasses look classes up here
        try:
            result = eval(code, self.namespace)  # noqa: S307 - the reader's own code, in their browser
            if inspect.iscoroutine(result):
                await result
        finally:
            if previous is not None:
                sys.modules["__main__"] = previous
            sys.stdout.flush()

    def explain_error(self, error: BaseException, filename: str) -> str:
        """One line: the exception, where it was raised in code run here, and (for what fails
        only because this is a browser) the sentence that says why."""
        if isinstance(error, KeyboardInterrupt):
            return "KeyboardInterrupt: stopped\n"
        sentence = explain.hint(error)
        explain.as_cpython_errno(error)
        what = "".join(traceback.format_exception_only(type(error), error)).strip().splitlines()[-1]
        where = self._where(error, filename)
        parts = [what + (f" ({where})" if where else "")]
        if sentence and not isinstance(error, SyntaxError):
            parts.append(sentence)
        return " — ".join(parts) + "\n"

    def _where(self, error: BaseException, filename: str) -> str:
        if isinstance(error, SyntaxError):
            return f"line {error.lineno}" if error.lineno else ""
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in self.sources]
        if not frames:
            return ""
        last = frames[-1]
        of = "" if last.filename == filename else f" of {last.filename}"
        return f"line {last.lineno}{of}"


SESSION = Session()


def start(source: str, filename: str) -> asyncio.Future[list[str]]:
    """Run a command as the runner runs a block (one task, which Stop cancels), in the session."""
    return stop_state.start(source, filename, program=SESSION.run, explain_error=SESSION.explain_error)
