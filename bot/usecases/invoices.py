"""🧾 Invoice: a paid order's invoice, issued on the first press (the shopper's or an admin's)
and the same one on every press after."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from bot.services import invoices
from bot.services.invoices import InvoiceDocument
from bot.shop import Shop


async def invoice(shop: Shop, order_id: int, telegram_id: int | None = None) -> InvoiceDocument:
    """The order's invoice as plain data, issued in its own transaction if it has none yet.
    `telegram_id`: the shopper asking (only her own order); None: an admin. Two presses at
    once (hers and an admin's) both try to issue; the later fails on the order's unique
    invoice, rolls back with the number it took (no gap), and reads the one issued."""
    try:
        return await _in_one_transaction(shop, order_id, telegram_id)
    except IntegrityError:  # issued by the other press meanwhile: read that one
        return await _in_one_transaction(shop, order_id, telegram_id)


async def _in_one_transaction(
    shop: Shop, order_id: int, telegram_id: int | None
) -> InvoiceDocument:
    async with shop.store.uow() as uow:
        return await invoices.invoice_for(uow, shop.settings, order_id, telegram_id=telegram_id)
