"""Whose turn it is in the lab: one run at a time, first come first served, one place per address,
and a line measured in seconds of lab time, not in places.

Runs sharing the target would distort each other's timelines, so they take turns. A plain
"429 while busy" lets the client that asks most often win: it fires its next run the instant
its last one ends, while everyone else keeps finding the lab busy (measured: a second client got
1 run in 29 tries). So runs wait in line instead, in arrival order (asyncio.Lock wakes its
waiters first in, first out), and an address holds at most one place — running or waiting — so
a client that asks again goes to the back, behind everyone who was already waiting.

Each run costs at most `cost` seconds of the lab (its requests x seconds, capped by the run's
deadline). Counting places let 33 addresses queue 30 s runs: the next reader was told "try again
in a few seconds" for a real wait of ~16 minutes. So:

* the line holds at most `max_line_seconds` of lab time; a run that does not fit gets 429 with a
  Retry-After that is the worst-case time until it would (the runs ahead of it finishing);
* each address has a budget of lab time (`budget_seconds`, refilled over `BUDGET_WINDOW`); a run
  over it gets 429 with the time until the budget holds the run again.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playground.server.token_bucket import TokenBucket

BUDGET_WINDOW = 600.0  # seconds over which an address's lab-time budget refills
MAX_BUDGETS = 10_000  # addresses whose budget is remembered (LRU): a full budget is what a stranger has


class LabQueueRefusal(Exception):
    """The run cannot take a place in line; `detail` says why, `retry_after` when to ask again."""

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = max(1, math.ceil(retry_after))


class LabQueue:
    def __init__(self, max_line_seconds: float, budget_seconds: float) -> None:
        self.max_line_seconds = max_line_seconds
        self.budget_seconds = budget_seconds
        self._turn = asyncio.Lock()
        self._places: OrderedDict[str, float] = OrderedDict()  # address -> worst-case seconds, in line order
        self._running_since = 0.0
        self._budgets: OrderedDict[str, TokenBucket] = OrderedDict()

    @property
    def busy(self) -> bool:
        """A run holds the turn or is about to: the line is not empty. (Not the lock's `locked()`:
        between one run's release and the next waiter's acquire, which happens when the loop
        runs that waiter, the lock reads free with a run about to start.)"""
        return bool(self._places)

    @property
    def waiting(self) -> int:
        """Runs in line behind the one that holds the turn or is about to."""
        return max(0, len(self._places) - 1)

    def _remaining(self) -> list[float]:
        """The worst-case seconds each place in line still needs, in order."""
        costs = list(self._places.values())
        if self._turn.locked() and costs:  # the head of the line is running (not only about to)
            costs[0] = max(0.0, costs[0] - (time.monotonic() - self._running_since))
        return costs

    def _wait_to_fit(self, cost: float) -> float:
        """Seconds until the line has room for `cost`, if the runs ahead take their worst case."""
        remaining = self._remaining()
        total, waited = sum(remaining), 0.0
        for ahead in remaining:
            if total + cost <= self.max_line_seconds:
                break
            total -= ahead
            waited += ahead
        return waited

    def _budget(self, address: str) -> TokenBucket:
        bucket = self._budgets.get(address)
        if bucket is None:
            bucket = self._budgets[address] = TokenBucket(self.budget_seconds / BUDGET_WINDOW, self.budget_seconds)
            if len(self._budgets) > MAX_BUDGETS:
                self._budgets.popitem(last=False)
        else:
            self._budgets.move_to_end(address)
        return bucket

    @asynccontextmanager
    async def turn(self, address: str, cost: float) -> AsyncIterator[None]:
        """Wait for this address's turn, run the block, give the turn to the next in line.

        Raises LabQueueRefusal when the address already has a place, the line has no room for
        `cost` seconds, or the address has spent its budget."""
        if address in self._places:
            ahead = self._remaining()[: list(self._places).index(address) + 1]
            raise LabQueueRefusal(
                "your previous lab run is still in progress or waiting (one per address); "
                f"it ends within {math.ceil(sum(ahead))} s",
                sum(ahead),
            )
        wait = self._wait_to_fit(cost)
        if wait > 0:
            raise LabQueueRefusal(
                f"the lab's line is full ({math.ceil(sum(self._remaining()))} s of runs); "
                f"room for yours within {math.ceil(wait)} s",
                wait,
            )
        budget = self._budget(address)
        if not budget.take(cost):
            refill = (cost - budget.tokens) / budget.rate
            raise LabQueueRefusal(
                f"your address has used its lab time ({self.budget_seconds:g} s per "
                f"{BUDGET_WINDOW / 60:g} minutes); enough for this run in {math.ceil(refill)} s",
                refill,
            )
        self._places[address] = cost
        try:
            async with self._turn:
                self._running_since = time.monotonic()
                yield
        finally:
            del self._places[address]
