"""What a browser lacks, bridged once as the worker starts, so snippets run unchanged:

* ``time.sleep`` must block the event loop as it does in CPython, or a "blocking call" demo
  would lie. It is replaced by a wait on the worker's thread (``Atomics.wait``), which Stop can
  interrupt.
* There are no threads: ``anyio.to_thread.run_sync`` (how Starlette runs ``def`` endpoints and
  dependencies in its threadpool) runs the function inline, and the page is told so.
* There are no sockets: ``httpx.AsyncClient`` sends through the browser's fetch
  (``fetch_transport.py``); ``input()`` and sockets fail with a reason (``explain.py``).
* Stop's interrupt buffer raises SIGINT: its handler is ``stop_state.py``'s.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from playground.browser import explain, fetch_transport
from playground.browser.stop_state import install_stop_signal


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


def install_shims(
    wait_ms: Callable[[float], bool],
    notice: Callable[[str], None],
    stop_seen: Callable[[str], None] | None = None,
) -> None:
    """``wait_ms(ms)`` blocks the worker's thread and returns True when Stop interrupted it;
    ``notice(text)`` tells the page something the reader should know (not part of stdout);
    ``stop_seen(phase)`` is told what each Stop signal found (see ``stop_state._stop_signal``)."""

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
