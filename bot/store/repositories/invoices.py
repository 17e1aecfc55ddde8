"""Invoices and the counter their numbers come from (bot.services.invoices decides when)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Invoice, InvoiceCounter

COUNTER_ROW = 1  # the one counter row, made by migration 0067


class InvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_order(self, order_id: int) -> Invoice | None:
        return await self.session.scalar(select(Invoice).where(Invoice.order_id == order_id))

    async def next_sequence(self) -> int:
        """The next invoice number, taken now: one `UPDATE ... SET last = last + 1 RETURNING`
        locks the counter's row until this transaction ends (PostgreSQL; SQLite writes one
        transaction at a time), so no two transactions get the same number, and a rollback
        gives it back, leaving no gap."""
        taken = await self.session.scalar(
            update(InvoiceCounter)
            .where(InvoiceCounter.id == COUNTER_ROW)
            .values(last=InvoiceCounter.last + 1)
            .returning(InvoiceCounter.last)
        )
        if taken is None:
            raise LookupError("invoice_counter has no row 1: run the migrations (0067)")
        return int(taken)

    async def add(self, invoice: Invoice) -> Invoice:
        """IntegrityError if the order got its invoice meanwhile (the unique order id)."""
        self.session.add(invoice)
        await self.session.flush()
        return invoice
