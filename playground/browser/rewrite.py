"""Snippets as the page runs them: a top-level ``asyncio.run(x)`` becomes ``await x``.

``asyncio.run`` needs JSPI to block; without it, it raises. The module is run with top-level
await instead, which works in every browser and keeps the run a cancellable task (Stop cancels
it, see ``stop_state.py``). The console compiles its commands by the same rule (``console.py``).
"""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import sys
from types import CodeType, ModuleType
from typing import Any

from playground.browser import verdict

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
    recorder = verdict.trace_stdout(source, filename)  # who printed what, for the verdict
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
