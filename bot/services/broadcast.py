"""Broadcast a message to every customer who has not blocked the bot, paced under the limits.

Every message is a bulk send (`bot.pacing.BULK`): the bot's rate limiter paces all bulk sends
together at `settings.broadcast_rate` (Telegram allows about 30 bulk messages a second) and
waits out any 429. A 403 (the customer blocked the bot) marks the customer so the next
broadcast skips them. The sending runs outside any unit of work: only the short reads and
writes around it touch the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram.error import Forbidden, TelegramError

from bot.pacing import BULK, ShopBot
from bot.store.uow import Store

log = logging.getLogger(__name__)

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
    bot: ShopBot,
    store: Store,
    text: str,
    *,
    actor: int,
    on_progress: ProgressCallback | None = None,
    progress_every: float = 1.0,
) -> BroadcastReport:
    """Send `text` to every reachable customer; returns how many were sent, blocked, failed."""
    recipients = await audience(store)
    report = BroadcastReport(total=len(recipients))
    async with store.uow() as uow:
        await uow.audit.record(actor, "broadcast.start", None, {"recipients": len(recipients)})
    last_progress = time.monotonic()
    for chat_id in recipients:
        outcome = await _send(bot, chat_id, text)
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


async def _send(bot: ShopBot, chat_id: int, text: str) -> str:
    try:
        await bot.send_message(chat_id, text, rate_limit_args=BULK)
    except Forbidden:
        return "blocked"
    except TelegramError as exc:  # including a 429 that outlasted the limiter's retries
        log.warning("broadcast to %s failed: %s", chat_id, exc)
        return "failed"
    return "sent"
