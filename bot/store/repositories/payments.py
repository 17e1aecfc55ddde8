"""Payments (unique by Telegram charge id) and refunds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Payment, Refund


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_by_charge_id(self, telegram_payment_charge_id: str) -> Payment | None:
        stmt = select(Payment).where(
            Payment.telegram_payment_charge_id == telegram_payment_charge_id
        )
        return await self.session.scalar(stmt)

    async def charge_ids_among(self, charge_ids: Sequence[str]) -> set[str]:
        """Which of these Telegram charge ids are recorded."""
        if not charge_ids:
            return set()
        stmt = select(Payment.telegram_payment_charge_id).where(
            Payment.telegram_payment_charge_id.in_(charge_ids)
        )
        return set((await self.session.scalars(stmt)).all())

    async def add_once(self, payment: Payment) -> Payment | None:
        """Insert the payment; None if this charge id was already recorded (a replay)."""
        if await self.get_by_charge_id(payment.telegram_payment_charge_id) is not None:
            return None
        try:
            async with self.session.begin_nested():
                self.session.add(payment)
                await self.session.flush()
        except IntegrityError:
            return None  # a concurrent delivery of the same update won the race
        return payment

    async def for_order(self, order_id: int) -> Sequence[Payment]:
        stmt = select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)
        return (await self.session.scalars(stmt)).all()

    async def awaiting_verification(self, *, limit: int = 50) -> Sequence[Payment]:
        stmt = (
            select(Payment)
            .where(Payment.verification_status == "pending", Payment.provider == "stripe")
            .order_by(Payment.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()


class RefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, refund: Refund) -> Refund:
        self.session.add(refund)
        await self.session.flush()
        return refund

    async def for_order(self, order_id: int) -> Sequence[Refund]:
        stmt = select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)
        return (await self.session.scalars(stmt)).all()

    async def line_units(self, order_id: int) -> dict[int, int]:
        """The units of each order line the order's refunds gave back (or are giving back:
        pending), by the lines they name; lines no refund named are left out."""
        stmt = select(Refund.lines).where(
            Refund.order_id == order_id,
            Refund.status.in_(("pending", "succeeded")),
        )
        units: dict[int, int] = {}
        for lines in await self.session.scalars(stmt):
            for line_id, count in (lines or {}).items():
                units[int(line_id)] = units.get(int(line_id), 0) + int(count)
        return units

    async def under_way(self, order_id: int) -> int:
        """How much of the order's own payment (its first: bot.services.refunds.refundable)
        is being refunded still: claimed (counted in its refunded amount) but not yet made,
        nor given back. 0 if nothing is."""
        return (await self.under_way_of([order_id])).get(order_id, 0)

    async def under_way_of(self, order_ids: Sequence[int]) -> dict[int, int]:
        """`under_way` for each of a page of orders in one query (those with none left out)."""
        if not order_ids:
            return {}
        own = (
            select(func.min(Payment.id))
            .where(Payment.order_id == Refund.order_id)
            .correlate(Refund)
            .scalar_subquery()
        )
        stmt = (
            select(Refund.order_id, func.sum(Refund.amount))
            .where(
                Refund.order_id.in_(order_ids), Refund.status == "pending", Refund.payment_id == own
            )
            .group_by(Refund.order_id)
        )
        return {order_id: int(amount) for order_id, amount in (await self.session.execute(stmt))}
