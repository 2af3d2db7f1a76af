"""Waiting for a state another process holds (a Redis key, a server's counters), where there is no
event to await: ask again until it holds, with a deadline so a state that never comes fails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def until(condition: Callable[[], Awaitable[bool]], deadline_s: float, interval_s: float = 0.05) -> None:
    """Return once ``condition()`` is true; TimeoutError after ``deadline_s``."""
    async with asyncio.timeout(deadline_s):
        # The state is in another process: there is no asyncio.Event to wait on, hence polling.
        while not await condition():  # noqa: ASYNC110
            await asyncio.sleep(interval_s)


def until_now(condition: Callable[[], bool], deadline_s: float, interval_s: float = 0.05) -> None:
    """``until`` for a test without an event loop (a Playwright test): return once ``condition()``
    is true; TimeoutError after ``deadline_s``."""
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {deadline_s} s: {condition.__doc__ or condition}")
        time.sleep(interval_s)  # the state is in another process: no event to wait on
