"""One human sentence above a traceback, for the errors a reader meets only because the code
runs in a browser tab (or because it does not parse).

The page runs Python in Pyodide, in a Web Worker: there is no keyboard on stdin, no socket, no
file of the reader's, and only the wheels the build pinned. CPython would fail differently or not
at all, so the bare traceback misleads; the sentence says what happened and what to do instead.
Nothing here imports from the rest of ``playground``: this file runs in the worker.
"""

from __future__ import annotations

import builtins
import errno
import json
import socket
import sys
from typing import Any

NO_STDIN = (
    "input() has no keyboard to read in the page (a browser gives Python no stdin): "
    "set the value in the code instead, or run the file with python on your machine."
)
NO_SOCKETS = (
    "A browser gives Python no sockets, so a synchronous client (httpx.get, requests, "
    "socket.connect) cannot connect from the page: use httpx.AsyncClient (in the page it sends "
    "with the browser's fetch), playground_client.py (next to the client snippets) or "
    "pyodide.http.pyfetch."
)
NO_ASYNC_SOCKETS = (
    "A browser gives Python no sockets, so asyncio cannot open a connection from the page "
    "(open_connection, anyio.connect_tcp, a client built on them): use httpx.AsyncClient (in the "
    "page it sends with the browser's fetch), playground_client.py (next to the client snippets) "
    "or pyodide.http.pyfetch."
)
# How the page's event loop (Pyodide's WebLoop) refuses every socket operation.
_WEBLOOP_REFUSAL = "not available in browser environments"
MISSING_FILE = (
    "No such file (errno 2, ENOENT): the page's Python has its own small in-memory "
    "file system, which holds none of your files."
)

# Set on an exception raised by a shim below, so the sentence does not depend on its wording.
HINT_ATTRIBUTE = "__playground_hint__"

# The import names of the wheels the build ships (runtime/packages.json), for ModuleNotFoundError.
_available: list[str] = []


def remember_packages(packages_json: str) -> None:
    """Keep the import names of the shipped wheels: a missing module's sentence lists them."""
    packages: dict[str, dict[str, list[str]]] = json.loads(packages_json)
    _available[:] = sorted({name for info in packages.values() for name in info["imports"]})


def hint(error: BaseException) -> str | None:
    """The sentence for ``error``, or None when the traceback speaks for itself."""
    marked = getattr(error, HINT_ATTRIBUTE, None)
    if marked:
        return str(marked)
    if isinstance(error, SyntaxError):
        kind = "indented wrongly" if isinstance(error, IndentationError) else "not valid Python"
        return f"Line {error.lineno} is {kind}, so Python ran none of the code."
    if isinstance(error, ModuleNotFoundError) and error.name:
        top = error.name.split(".")[0]
        if top not in _available:
            shipped = ", ".join(_available) or "none"
            return (
                f"{top} is not available in the page: it has the standard library and the wheels "
                f"this site pins and serves itself ({shipped}), since nothing is fetched from "
                "elsewhere. Run the file with python on your machine to use other packages."
            )
    if isinstance(error, FileNotFoundError) or (isinstance(error, OSError) and error.errno == errno.ENOENT):
        return MISSING_FILE
    # A library wraps a shim's error (httpx.ConnectError from our ConnectionRefusedError), or an
    # anyio task group wraps the event loop's refusal in an ExceptionGroup.
    seen: set[int] = set()
    causes: list[BaseException] = [error]
    while causes:
        cause = causes.pop()
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        if cause is not error and getattr(cause, HINT_ATTRIBUTE, None):
            return str(getattr(cause, HINT_ATTRIBUTE))
        if isinstance(cause, NotImplementedError) and _WEBLOOP_REFUSAL in str(cause):
            return NO_ASYNC_SOCKETS
        if isinstance(cause, BaseExceptionGroup):
            causes.extend(cause.exceptions)
        causes.extend(c for c in (cause.__cause__, cause.__context__) if c is not None)
    return None


def as_cpython_errno(error: BaseException) -> None:
    """Pyodide numbers errno as WASI does (ENOENT is 44); say CPython's number on Linux (2)."""
    if isinstance(error, OSError) and error.errno == errno.ENOENT and errno.ENOENT != 2:
        error.errno = 2


def _mark(error: BaseException, text: str) -> BaseException:
    setattr(error, HINT_ATTRIBUTE, text)
    return error


def install() -> None:
    """Fail fast, and say why, where the browser has no stdin and no sockets."""

    def page_input(prompt: Any = "") -> str:
        # What CPython does with no stdin (`python x.py < /dev/null`): the prompt, then EOFError.
        # Pyodide's own stdin in a worker calls prompt(), which a worker lacks: [Errno 29].
        sys.stdout.write(str(prompt))
        raise _mark(EOFError("EOF when reading a line"), NO_STDIN)

    builtins.input = page_input

    # Emscripten would tunnel a connect over a WebSocket to the same host and port, which no
    # server speaks: the request then hangs until a timeout, ~60 lines of traceback later.
    def no_connect(self: socket.socket, address: Any) -> None:
        raise _mark(ConnectionRefusedError(f"no sockets in the browser (connect to {address!r})"), NO_SOCKETS)

    def no_connect_ex(self: socket.socket, address: Any) -> int:
        return errno.ECONNREFUSED

    socket.socket.connect = no_connect  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = no_connect_ex  # type: ignore[method-assign, assignment]
