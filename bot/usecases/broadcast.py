"""Broadcast a message to every customer who has not blocked the bot, paced under the limits.

Every message goes out through the notifier as a bulk send: the bot's rate limiter paces all
bulk sends together at `settings.broadcast_rate` (Telegram allows about 30 bulk messages a
second) and waits out any 429. A customer who blocked the bot (403) is marked so the next
broadcast skips them. The sending runs outside any unit of work: only the short reads and
writes around it touch the database. The flow (text, preview, Send) is the admin's.

Each broadcast is a row (bot.store.repositories.broadcasts), since any worker may handle the
admin's next press: one is sent at a time, a Stop from any worker marks the row, and the
sending worker reads it back with its counts about once a second (no read per recipient).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import i18n
from bot.notifier import Sent
from bot.services.admin_flows import Flow, new_flow, write_flow
from bot.shop import Shop
from bot.store.models import Broadcast, utcnow
from bot.usecases import admin_flows

MAX_TEXT = 4096


STALLED_AFTER = timedelta(minutes=5)
"""A broadcast whose progress has not moved for this long lost its worker (a crash): it counts
as not sending, so it neither refuses a new broadcast nor answers a Stop."""


class NotBroadcastable(ValueError):
    """The admin's message cannot be broadcast; the message says what to send instead."""


class BroadcastUnderWay(Exception):
    """Another broadcast is being sent: one at a time, so customers get one at a time."""

    def __init__(self, under_way: Broadcast | None) -> None:
        done = 0 if under_way is None else under_way.sent + under_way.blocked + under_way.failed
        total = 0 if under_way is None else under_way.total
        super().__init__(
            i18n.current()._(
                "A broadcast is being sent ({done}/{total}): stop it first or wait.",
                done=done,
                total=total,
            )
        )


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


def _alive_since(now: datetime) -> datetime:
    return now - STALLED_AFTER


async def start(shop: Shop, chat_id: int) -> Draft:
    """A new flow; BroadcastUnderWay if one is being sent (asked again at Send)."""
    async with shop.store.reading() as uow:
        under_way = await uow.broadcasts.under_way(alive_since=_alive_since(utcnow()))
    if under_way is not None:
        raise BroadcastUnderWay(under_way)
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


async def begin_sending(shop: Shop, chat_id: int, actor: int, recipients: int) -> int:
    """Record the broadcast as sending and close the admin's flow, in one transaction: its
    id, or BroadcastUnderWay if another is sending. One whose worker died (no progress for
    STALLED_AFTER) does not count: it is marked stopped where it got to."""
    now = utcnow()
    async with shop.store.uow() as uow:
        under_way = await uow.broadcasts.under_way(alive_since=_alive_since(now))
        if under_way is not None:
            raise BroadcastUnderWay(under_way)
        await uow.broadcasts.give_up_stalled(alive_since=_alive_since(now), now=now)
        broadcast = await uow.broadcasts.add_sending(actor, chat_id, recipients)
        if broadcast is None:  # another Send, on another worker, won the race
            raise BroadcastUnderWay(await uow.broadcasts.under_way(alive_since=_alive_since(now)))
        await write_flow(uow, chat_id, None)  # a second tap on Send finds no flow: sent once
        await uow.audit.record(actor, "broadcast.start", None, {"recipients": recipients})
        return broadcast.id


async def stop(shop: Shop) -> int | None:
    """Stop the broadcast being sent before its next message, whichever worker sends it:
    the chat its report will go to, or None if none is being sent."""
    async with shop.store.uow() as uow:
        stopping = await uow.broadcasts.stop(alive_since=_alive_since(utcnow()))
    if stopping is None:
        return None
    broadcast_id, chat_id = stopping
    event = shop.broadcasts.get(broadcast_id)
    if event is not None:
        event.set()  # sent from this process: no need to wait for its next progress
    return chat_id


async def _keep_sending(shop: Shop, broadcast_id: int, report: BroadcastReport) -> bool:
    """Record the progress; False if the broadcast was stopped meanwhile (from any worker)."""
    async with shop.store.uow() as uow:
        return await uow.broadcasts.keep_sending(
            broadcast_id,
            sent=report.sent,
            blocked=report.blocked,
            failed=report.failed,
            now=utcnow(),
        )


async def run_broadcast(
    shop: Shop,
    broadcast_id: int,
    text: str,
    recipients: Sequence[int],
    *,
    actor: int,
    on_progress: ProgressCallback | None = None,
    progress_every: float = 1.0,
) -> BroadcastReport:
    """Send `text` to `recipients` (the `audience` when the admin pressed Send: those the
    confirmation counted, not whoever arrives meanwhile) until the broadcast is stopped;
    returns how many were sent, blocked, failed, and whether it was stopped."""
    report = BroadcastReport(total=len(recipients))
    stopped = shop.broadcasts[broadcast_id] = asyncio.Event()
    try:
        last_progress = time.monotonic()
        for chat_id in recipients:
            if stopped.is_set():
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
            if time.monotonic() - last_progress >= progress_every:
                last_progress = time.monotonic()
                if not await _keep_sending(shop, broadcast_id, report):
                    stopped.set()
                elif on_progress:
                    await on_progress(report)
    finally:
        del shop.broadcasts[broadcast_id]
    async with shop.store.uow() as uow:
        await uow.broadcasts.finish(
            broadcast_id,
            stopped=report.stopped,
            sent=report.sent,
            blocked=report.blocked,
            failed=report.failed,
            now=utcnow(),
        )
        await uow.audit.record(
            actor,
            "broadcast.stopped" if report.stopped else "broadcast.done",
            None,
            {"sent": report.sent, "blocked": report.blocked, "failed": report.failed},
        )
    return report
