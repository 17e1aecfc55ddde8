"""Broadcast a message to every customer who has not blocked the bot, paced under the limits.

Telegram allows about 30 messages per second overall; `settings.broadcast_rate` (25 by
default) keeps us under it. A 403 (the customer blocked the bot) marks the customer so the
next broadcast skips them. The sending runs outside any unit of work: only the short reads
and writes around it touch the database.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.store.uow import Store

log = logging.getLogger(__name__)

WINDOW_MARGIN = 0.05  # seconds of slack per window, so HTTP jitter never squeezes rate+1 sends in
MAX_TEXT = 4096


@dataclass
class BroadcastReport:
    total: int
    sent: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed

    def summary(self) -> str:
        return f"{self.sent} sent, {self.blocked} blocked the bot, {self.failed} failed"


ProgressCallback = Callable[[BroadcastReport], Awaitable[None]]


class Pacer:
    """Spaces sends evenly at `rate` per second and never lets more than `rate` into any second."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.burst = max(1, math.floor(rate))
        self._clock = clock
        self._recent: deque[float] = deque(maxlen=self.burst)
        self._next = 0.0

    def delay(self) -> float:
        """Seconds to wait before the next send may start."""
        now = self._clock()
        start = max(now, self._next)
        if len(self._recent) == self.burst:
            start = max(start, self._recent[0] + 1.0 + WINDOW_MARGIN)
        return start - now

    def sent_at(self, moment: float) -> None:
        self._recent.append(moment)
        self._next = moment + self.interval

    async def wait(self) -> None:
        delay = self.delay()
        if delay > 0:
            await asyncio.sleep(delay)
        self.sent_at(self._clock())


async def audience(store: Store) -> list[int]:
    """Telegram ids of customers who have not blocked the bot."""
    async with store.uow() as uow:
        return [c.telegram_id for c in await uow.customers.list_reachable()]


def check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("The broadcast text is empty. Send the text to broadcast.")
    if len(cleaned) > MAX_TEXT:
        raise ValueError(
            f"That text has {len(cleaned)} characters; a message can hold {MAX_TEXT}. Shorten it."
        )
    return cleaned


async def run_broadcast(
    bot: Bot,
    store: Store,
    text: str,
    *,
    rate: float,
    actor: int,
    on_progress: ProgressCallback | None = None,
    progress_every: float = 1.0,
) -> BroadcastReport:
    """Send `text` to every reachable customer; returns how many were sent, blocked, failed."""
    recipients = await audience(store)
    report = BroadcastReport(total=len(recipients))
    async with store.uow() as uow:
        await uow.audit.record(actor, "broadcast.start", None, {"recipients": len(recipients)})
    pacer = Pacer(rate)
    last_progress = time.monotonic()
    for chat_id in recipients:
        await pacer.wait()
        outcome = await _send(bot, chat_id, text, pacer)
        if outcome == "blocked":
            report.blocked += 1
            async with store.uow() as uow:
                await uow.customers.mark_blocked(chat_id)
        elif outcome == "failed":
            report.failed += 1
        else:
            report.sent += 1
        if on_progress and time.monotonic() - last_progress >= progress_every:
            last_progress = time.monotonic()
            await on_progress(report)
    async with store.uow() as uow:
        await uow.audit.record(
            actor,
            "broadcast.done",
            None,
            {"sent": report.sent, "blocked": report.blocked, "failed": report.failed},
        )
    return report


async def _send(bot: Bot, chat_id: int, text: str, pacer: Pacer) -> str:
    for attempt in range(2):
        try:
            await bot.send_message(chat_id, text)
            return "sent"
        except Forbidden:
            return "blocked"
        except RetryAfter as exc:  # the rate limiter's own retries ran out: wait and try again
            if attempt == 1:
                break
            retry = exc.retry_after
            await asyncio.sleep(retry if isinstance(retry, int | float) else retry.total_seconds())
            await pacer.wait()
        except TelegramError as exc:
            log.warning("broadcast to %s failed: %s", chat_id, exc)
            return "failed"
    return "failed"
