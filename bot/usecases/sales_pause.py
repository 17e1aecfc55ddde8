"""/pause and /resume: an admin pauses sales (holidays, stocktaking), perhaps through a day
(until=), and opens them again; the shoppers who met the paused checkout are told once when
sales open (a job, like the back-in-stock notices: bulk sends, paced with every other through
the notifier) — after /resume, or once the pause's last day is over.

The rule itself (no order, no payment while paused) is bot.services.sales_pause."""

from __future__ import annotations

import logging
from datetime import datetime

from bot import i18n
from bot.notifier import Sent
from bot.services import sales_pause
from bot.shop import Shop
from bot.store.models import SalesPause, utcnow
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork
from bot.texts import sales_pause as texts

log = logging.getLogger(__name__)

BATCH = 100


async def pause(shop: Shop, admin_id: int, text: str, now: datetime | None = None) -> str:
    """/pause [until=DAY] [note] (`text`: what followed /pause): pause sales, or change the
    note and end of the pause in force; /pause status, or /pause alone while paused, says
    what the pause is. The admin's answer, with how many orders await a payment the pause
    now refuses. PauseRefused for a day past or not a day, or a long note."""
    now = now or utcnow()
    tr, zone = i18n.current(), shop.settings.zone
    asked = text.strip()
    if asked.lower() == sales_pause.STATUS or not asked:
        async with shop.store.reading() as uow:
            found = await uow.sales.pause(now)
            if found is not None:
                awaiting = await _awaiting(uow)
                return texts.status(tr, found.note, found.until, found.paused_at, zone, awaiting)
        if asked:  # /pause status while open
            return tr._(texts.NOT_PAUSED)
    request = sales_pause.pause_request(text, zone, now)
    async with shop.store.uow() as uow:
        was = await uow.sales.pause(now)
        started = await uow.sales.start_pause(
            request.note, admin_id, now, until=request.until, ends_at=request.ends_at
        )
        details: dict[str, object] = {"note": request.note}
        if request.until is not None:
            details["until"] = request.until.isoformat()
        await uow.audit.record(admin_id, "sales.pause", None, details)
        awaiting = await _awaiting(uow)
    shop.pause.changed()  # this worker's banner says so at once (the others' within a minute)
    if was is not None:
        return texts.changed(tr, request.note, request.until, started.paused_at, zone, awaiting)
    return texts.paused(tr, request.note, request.until, awaiting)


async def _awaiting(uow: UnitOfWork) -> int:
    """Orders whose invoice was sent and not paid: the pause refuses their payment."""
    return await uow.orders.count(status=OrderStatus.AWAITING_PAYMENT)


async def resume(shop: Shop, admin_id: int) -> str:
    """Open sales again; the admin's answer (and how many shoppers will be told)."""
    async with shop.store.uow() as uow:
        ended = await uow.sales.end_pause()
        if ended is not None:
            details = {"until": ended.until.isoformat()} if ended.until else None
            await uow.audit.record(admin_id, "sales.resume", None, details)
        waiting = await uow.sales.waiting()
    shop.pause.changed()
    tr = i18n.current()
    return texts.resumed(tr, waiting) if ended is not None else tr._(texts.NOT_PAUSED)


async def paused(shop: Shop) -> SalesPause | None:
    """The pause in force (the admin menu says so), or None."""
    async with shop.store.reading() as uow:
        return await uow.sales.pause()


async def tell_reopened(shop: Shop) -> int:
    """Job: while sales are open, tell each shopper who met the paused checkout, once; how
    many were told. Each batch is taken off the list before it is sent: a crash loses those
    messages rather than sending them twice. A pause over by itself (its until= day past)
    counts as open: no /resume is needed for them to hear."""
    told = 0
    while True:
        async with shop.store.reading() as uow:  # the usual answer: nobody waits
            if not await uow.sales.waiting() or await uow.sales.pause() is not None:
                return told
        async with shop.store.uow() as uow:
            if await uow.sales.pause() is not None:  # paused again meanwhile
                return told
            taken = await uow.sales.take_waiters(BATCH)
        for shopper in (s for s in taken if not s.blocked_bot):
            outcome = await shop.tell_shopper(
                shopper.telegram_id, shopper.language, shopper.language_code, texts.reopened
            )
            if outcome is Sent.SENT:
                told += 1
            log.info("sales open again, told %s: %s", shopper.telegram_id, outcome.value)
