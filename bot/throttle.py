"""Per-user token buckets for updates anyone on Telegram can send (inline queries).

Each user may spend `burst` requests at once and gets `rate` more per second; past that the
caller answers cheaply instead of doing the work, so one user's flood cannot take the shop's
database time from everyone else. Only the most recently seen users are remembered (a user
forgotten starts again with a full bucket), so memory stays flat whoever sends.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.max_users = max_users
        self._clock = clock
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()  # tokens, when

    def take(self, user_id: int) -> bool:
        """Spend one of the user's tokens: True if there was one, False if over the limit."""
        now = self._clock()
        tokens, then = self._buckets.pop(user_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[user_id] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self.max_users:
            self._buckets.popitem(last=False)  # the user seen longest ago
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)
