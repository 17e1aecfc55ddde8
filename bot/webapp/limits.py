"""Per-user rate limits for the storefront's API: a token bucket for each Telegram user.

A shopper tapping quickly makes a few requests a second; a script replaying one initData makes
hundreds. Each user may make `burst` requests at once and `rate` a second after that; beyond
it the answer is 429 with how long to wait. Buckets live in this process (each worker keeps
its own), and full ones are forgotten when many users have come and gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_TRACKED_USERS = 10_000


class RateLimiter:
    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # user -> (tokens, when counted)

    def wait_needed(self, user_id: int) -> float:
        """0 if the user may go ahead now (a token is taken), else seconds until they may."""
        now = self._clock()
        tokens, then = self._buckets.get(user_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens < 1.0:
            self._buckets[user_id] = (tokens, now)
            return (1.0 - tokens) / self.rate
        if len(self._buckets) >= MAX_TRACKED_USERS and user_id not in self._buckets:
            self._forget_idle(now)
        self._buckets[user_id] = (tokens - 1.0, now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        """Drop every bucket that has filled up again: those users are as good as new."""
        refill = self.burst / self.rate
        self._buckets = {
            user: (tokens, then)
            for user, (tokens, then) in self._buckets.items()
            if now - then < refill
        }
