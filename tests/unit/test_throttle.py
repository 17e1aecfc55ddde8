"""Per-user token buckets: a burst, then a steady rate; other users untouched; memory flat."""

from __future__ import annotations

from bot.throttle import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_user_gets_a_burst_then_tokens_back_at_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, clock=clock)

    assert [buckets.take(1) for _ in range(4)] == [True, True, True, False]
    clock.now += 0.4  # 0.8 of a token: not yet
    assert not buckets.take(1)
    clock.now += 0.1
    assert buckets.take(1) and not buckets.take(1)
    clock.now += 60  # a long pause refills only up to the burst
    assert [buckets.take(1) for _ in range(4)] == [True, True, True, False]


def test_one_users_flood_leaves_others_their_own_bucket() -> None:
    buckets = TokenBuckets(rate=0.0, burst=2, clock=Clock())
    assert [buckets.take(1) for _ in range(50)].count(True) == 2
    assert buckets.take(2) and buckets.take(2) and not buckets.take(2)


def test_only_the_most_recent_users_are_remembered() -> None:
    buckets = TokenBuckets(rate=0.0, burst=1, max_users=3, clock=Clock())
    for user in range(1, 1001):
        buckets.take(user)
    assert len(buckets) == 3
    assert not buckets.take(1000)  # still remembered: its token is spent
    assert buckets.take(1)  # forgotten long ago: a fresh bucket
