"""Whose turn it is in the lab: one run at a time, first come first served, one place per address.

Runs sharing the target would distort each other's timelines, so they take turns. A plain
"429 while busy" lets the client that asks most often win: it fires its next run the instant
its last one ends, while everyone else keeps finding the lab busy (measured: a second client got
1 run in 29 tries). So runs wait in line instead, in arrival order (asyncio.Lock wakes its
waiters first in, first out), and an address holds at most one place — running or waiting — so
a client that asks again goes to the back, behind everyone who was already waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

MAX_WAITING = 32  # places in line across all addresses; beyond it, 429 (the line is memory)


class LabQueueRefusal(Exception):
    """The run cannot take a place in line; `detail` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class LabQueue:
    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self.max_waiting = max_waiting
        self._turn = asyncio.Lock()
        self._places: set[str] = set()

    @property
    def busy(self) -> bool:
        return self._turn.locked()

    @property
    def waiting(self) -> int:
        """Runs in line that are not running yet."""
        return max(0, len(self._places) - (1 if self.busy else 0))

    @asynccontextmanager
    async def turn(self, address: str) -> AsyncIterator[None]:
        """Wait for this address's turn, run the block, give the turn to the next in line.

        Raises LabQueueRefusal when the address already has a place, or the line is full."""
        if address in self._places:
            raise LabQueueRefusal(
                "your previous lab run is still in progress or waiting (one per "
                "address); try again when it has finished"
            )
        if self.waiting >= self.max_waiting:
            raise LabQueueRefusal(f"{self.waiting} lab runs are waiting already; try again in a few seconds")
        self._places.add(address)
        try:
            async with self._turn:
                yield
        finally:
            self._places.discard(address)
