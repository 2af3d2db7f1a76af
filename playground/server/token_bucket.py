"""A token bucket: a sustained rate with a burst on top, the one rate limit every guard uses."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, amount: float = 1, now: float | None = None) -> bool:
        """Take `amount` tokens if there are that many. `now`: a `time.monotonic()` reading the
        caller already has (a websocket message takes from two buckets on one clock read)."""
        if now is None:
            now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < amount:
            return False
        self.tokens -= amount
        return True
