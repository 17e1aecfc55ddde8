"""/pause and /resume: an admin pauses sales (holidays, stocktaking) and opens them again;
the shoppers who met the paused checkout are told once when sales open (a job, like the
back-in-stock notices: bulk sends, paced with every other through the notifier).

The rule itself (no order, no payment while paused) is bot.services.sales_pause."""

from __future__ import annotations

import logging

from bot import i18n
from bot.notifier import Sent
from bot.services import sales_pause
from bot.shop import Shop
from bot.store.models import SalesPause, utcnow
from bot.texts import sales_pause as texts

log = logging.getLogger(__name__)

BATCH = 100


async def pause(shop: Shop, admin_id: int, text: str) -> str:
    """Pause sales with the note in `text` (what followed /pause; may be empty), or change
    the note of the pause in force; the admin's answer. PauseNoteRefused for a long note."""
    note = sales_pause.pause_note(text)
    async with shop.store.uow() as uow:
        await uow.sales.start_pause(note, admin_id, utcnow())
        await uow.audit.record(admin_id, "sales.pause", None, {"note": note})
    tr = i18n.current()
    return tr._(texts.PAUSED, closed=texts.closed(tr, note))


async def resume(shop: Shop, admin_id: int) -> str:
    """Open sales again; the admin's answer (and how many shoppers will be told)."""
    async with shop.store.uow() as uow:
        ended = await uow.sales.end_pause()
        if ended is not None:
            await uow.audit.record(admin_id, "sales.resume", None, None)
        waiting = await uow.sales.waiting()
    tr = i18n.current()
    return texts.resumed(tr, waiting) if ended is not None else tr._(texts.NOT_PAUSED)


async def paused(shop: Shop) -> SalesPause | None:
    """The pause in force (the admin menu says so), or None."""
    async with shop.store.reading() as uow:
        return await uow.sales.pause()


async def tell_reopened(shop: Shop) -> int:
    """Job: while sales are open, tell each shopper who met the paused checkout, once; how
    many were told. Each batch is taken off the list before it is sent: a crash loses those
    messages rather than sending them twice."""
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
