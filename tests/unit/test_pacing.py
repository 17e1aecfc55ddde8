"""The rate limiter: replies go out at once, bulk sends are paced, Telegram's 429 is obeyed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot import pacing
from bot.pacing import BULK, Pacer, ShopRateLimiter


class FakeTime:
    """A clock that moves only when the limiter sleeps, so tests see every wait exactly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(pacing.time, "monotonic", fake.monotonic)
    monkeypatch.setattr(pacing.asyncio, "sleep", fake.sleep)
    return fake


class Telegram:
    """The Bot API as the limiter sees it: a callback; `flood` makes its next answers 429s."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, float]] = []
        self.flood: list[int] = []

    async def call(self, chat_id: Any, clock: FakeTime) -> bool:
        if self.flood:
            raise RetryAfter(self.flood.pop(0))
        self.sent.append((chat_id, clock.now))
        return True


async def send(
    limiter: ShopRateLimiter,
    telegram: Telegram,
    clock: FakeTime,
    chat_id: Any,
    rate_limit_args: dict[str, Any] | None = None,
) -> Any:
    return await limiter.process_request(
        telegram.call,
        (chat_id, clock),
        {},
        "sendMessage",
        {"chat_id": chat_id, "text": "hi"},
        rate_limit_args,
    )


async def test_replies_to_many_chats_go_out_at_once_far_above_the_bulk_rate(
    clock: FakeTime,
) -> None:
    limiter, telegram = ShopRateLimiter(bulk_rate=5), Telegram()
    await asyncio.gather(*(send(limiter, telegram, clock, chat) for chat in range(100)))
    assert len(telegram.sent) == 100
    assert clock.sleeps == []  # nobody waited: no bot-wide cap on replies


async def test_bulk_sends_are_paced_at_the_bulk_rate(clock: FakeTime) -> None:
    limiter, telegram = ShopRateLimiter(bulk_rate=5), Telegram()
    await asyncio.gather(*(send(limiter, telegram, clock, chat, BULK) for chat in range(20)))
    times = [at for _, at in telegram.sent]
    assert len(times) == 20
    assert times[-1] - times[0] >= 19 / 5
    assert max(sum(1 for t in times if s <= t < s + 1.0) for s in times) <= 5


async def test_a_reply_answered_429_is_sent_again_after_retry_after(clock: FakeTime) -> None:
    limiter, telegram = ShopRateLimiter(bulk_rate=5), Telegram()
    telegram.flood = [3]
    assert await send(limiter, telegram, clock, 42) is True
    assert telegram.sent == [(42, 1003.0)]
    assert clock.sleeps == [3.0]


async def test_a_429_holds_that_chat_only(clock: FakeTime) -> None:
    limiter, telegram = ShopRateLimiter(bulk_rate=5), Telegram()
    telegram.flood = [4]
    await send(limiter, telegram, clock, 42)  # waits 4 s, then goes
    start = clock.now
    await send(limiter, telegram, clock, 7)  # another chat: at once
    assert telegram.sent[-1] == (7, start)


async def test_a_request_still_flooded_after_the_retries_raises(clock: FakeTime) -> None:
    limiter, telegram = ShopRateLimiter(bulk_rate=5, max_retries=2), Telegram()
    telegram.flood = [1, 1, 1]
    with pytest.raises(RetryAfter):
        await send(limiter, telegram, clock, 42)
    assert telegram.sent == [] and clock.sleeps == [1.0, 1.0]


def test_pacer_never_lets_more_than_rate_into_a_second() -> None:
    now = [0.0]
    pacer = Pacer(10, clock=lambda: now[0])
    sent = []
    for _ in range(35):
        now[0] += max(pacer.delay(), 0.0)
        pacer.sent_at(now[0])
        sent.append(now[0])
    assert max(sum(1 for t in sent if s <= t < s + 1.0) for s in sent) <= 10
    assert sent[-1] - sent[0] >= 34 / 10
