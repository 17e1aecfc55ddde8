"""Broadcast a message to every customer who has not blocked the bot, paced under the limits.

Every message goes out through the notifier as a bulk send: the bot's rate limiter paces all
bulk sends together at `settings.broadcast_rate` (Telegram allows about 30 bulk messages a
second) and waits out any 429. A customer who blocked the bot (403) is marked so the next
broadcast skips them. The sending runs outside any unit of work: only the short reads and
writes around it touch the database. The flow (text, preview, Send) is the admin's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot import i18n
from bot.notifier import Sent
from bot.services.admin_flows import Flow, new_flow
from bot.shop import Shop
from bot.usecases import admin_flows

MAX_TEXT = 4096


class NotBroadcastable(ValueError):
    """The admin's message cannot be broadcast; the message says what to send instead."""


@dataclass
class BroadcastReport:
    total: int
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    stopped: bool = False  # the admin stopped it before everyone got it

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed

    def summary(self) -> str:
        return i18n.current()._(
            "{sent} sent, {blocked} blocked the bot, {failed} failed",
            sent=self.sent,
            blocked=self.blocked,
            failed=self.failed,
        )


@dataclass(frozen=True)
class Draft:
    """A broadcast flow and how many customers it would reach now."""

    flow: Flow
    audience: int


ProgressCallback = Callable[[BroadcastReport], Awaitable[None]]


async def audience(shop: Shop) -> list[int]:
    """Telegram ids of customers who have not blocked the bot."""
    async with shop.store.reading() as uow:
        return await uow.customers.reachable_ids()


async def audience_size(shop: Shop) -> int:
    async with shop.store.reading() as uow:
        return await uow.customers.count_reachable()


async def start(shop: Shop, chat_id: int) -> Draft:
    flow = new_flow("broadcast", step="text")
    await admin_flows.save(shop, chat_id, flow)
    return Draft(flow, await audience_size(shop))


async def preview(shop: Shop, chat_id: int, flow: Flow, text: str | None) -> Draft:
    """The admin's text, checked and kept for Send; NotBroadcastable says what is wrong."""
    tr = i18n.current()
    if text is None or text.startswith("/"):
        raise NotBroadcastable(
            tr._("I can broadcast only text. Send the message as text, or /cancel.")
        )
    cleaned = text.strip()
    if not cleaned:
        raise NotBroadcastable(tr._("The broadcast text is empty. Send the text to broadcast."))
    if len(cleaned) > MAX_TEXT:
        raise NotBroadcastable(
            tr._(
                "That text has {count} characters; a message can hold {most}. Shorten it.",
                count=len(cleaned),
                most=MAX_TEXT,
            )
        )
    flow.update(step="preview", text=cleaned)
    await admin_flows.save(shop, chat_id, flow)
    return Draft(flow, await audience_size(shop))


@asynccontextmanager
async def sending(shop: Shop, chat_id: int) -> AsyncIterator[asyncio.Event]:
    """While a broadcast started from `chat_id` is sent: the event that stops it (`stop`)."""
    stop = asyncio.Event()
    shop.broadcasts[chat_id] = stop
    try:
        yield stop
    finally:
        if shop.broadcasts.get(chat_id) is stop:
            del shop.broadcasts[chat_id]


def stop(shop: Shop, chat_id: int) -> bool:
    """Stop the broadcast `chat_id` is sending before its next recipient; False if none."""
    event = shop.broadcasts.get(chat_id)
    if event is None:
        return False
    event.set()
    return True


async def run_broadcast(
    shop: Shop,
    text: str,
    recipients: Sequence[int],
    *,
    actor: int,
    on_progress: ProgressCallback | None = None,
    progress_every: float = 1.0,
    stop: asyncio.Event | None = None,
) -> BroadcastReport:
    """Send `text` to `recipients` (the `audience` when the admin pressed Send: those the
    confirmation counted, not whoever arrives meanwhile), until `stop` is set; returns how many
    were sent, blocked, failed, and whether it was stopped."""
    report = BroadcastReport(total=len(recipients))
    async with shop.store.uow() as uow:
        await uow.audit.record(actor, "broadcast.start", None, {"recipients": len(recipients)})
    last_progress = time.monotonic()
    for chat_id in recipients:
        if stop is not None and stop.is_set():
            report.stopped = True
            break
        outcome = await shop.notifier.notify(chat_id, text)
        if outcome is Sent.BLOCKED:
            report.blocked += 1
            async with shop.store.uow() as uow:
                await uow.customers.mark_blocked(chat_id)
        elif outcome is Sent.FAILED:
            report.failed += 1
        else:
            report.sent += 1
        if on_progress and time.monotonic() - last_progress >= progress_every:
            last_progress = time.monotonic()
            await on_progress(report)
    async with shop.store.uow() as uow:
        await uow.audit.record(
            actor,
            "broadcast.stopped" if report.stopped else "broadcast.done",
            None,
            {"sent": report.sent, "blocked": report.blocked, "failed": report.failed},
        )
    return report
