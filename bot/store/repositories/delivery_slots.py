"""Delivery windows' seats (bot.services.delivery_slots): rows made the first time a window of
a day is booked or closed, and every seat taken or given back by one conditional UPDATE, so two
checkouts at once never both take the last seat and a seat never goes back twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import insert_or_ignore
from bot.store.models import DeliverySlot, Order


def _moved(result: object) -> bool:
    return int(getattr(result, "rowcount", 0) or 0) == 1


class DeliverySlotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _ensure(self, day: date, window: str) -> None:
        """The window's row of that day, made if missing (insert-if-missing)."""
        await self.session.execute(
            insert_or_ignore(self.session, DeliverySlot).values(
                day=day, window=window, taken=0, closed=False
            )
        )

    async def between(self, first: date, last: date) -> Sequence[DeliverySlot]:
        """The rows of these days (windows nobody booked or closed have none)."""
        rows = await self.session.scalars(
            select(DeliverySlot)
            .where(DeliverySlot.day >= first, DeliverySlot.day <= last)
            .execution_options(populate_existing=True)
        )
        return rows.all()

    async def get(self, day: date, window: str) -> DeliverySlot | None:
        return await self.session.scalar(
            select(DeliverySlot)
            .where(DeliverySlot.day == day, DeliverySlot.window == window)
            .execution_options(populate_existing=True)
        )

    async def take(self, day: date, window: str, capacity: int) -> bool:
        """One seat of the window taken, if it has one free and is not closed: one
        conditional UPDATE, in the caller's transaction (the order's)."""
        await self._ensure(day, window)
        result = await self.session.execute(
            update(DeliverySlot)
            .where(
                DeliverySlot.day == day,
                DeliverySlot.window == window,
                DeliverySlot.taken < capacity,
                DeliverySlot.closed.is_(False),
            )
            .values(taken=DeliverySlot.taken + 1)
            .execution_options(synchronize_session=False)
        )
        return _moved(result)

    async def give_back(self, day: date, window: str) -> None:
        """One seat of the window free again (never below none)."""
        await self.session.execute(
            update(DeliverySlot)
            .where(DeliverySlot.day == day, DeliverySlot.window == window, DeliverySlot.taken > 0)
            .values(taken=DeliverySlot.taken - 1)
            .execution_options(synchronize_session=False)
        )

    async def set_closed(self, day: date, window: str, closed: bool) -> int:
        """Close (or open) the window of that day; the seats taken in it (its booked orders
        keep them)."""
        await self._ensure(day, window)
        await self.session.execute(
            update(DeliverySlot)
            .where(DeliverySlot.day == day, DeliverySlot.window == window)
            .values(closed=closed)
            .execution_options(synchronize_session=False)
        )
        slot = await self.get(day, window)
        return slot.taken if slot else 0

    async def claim_release(self, order_id: int) -> bool:
        """Mark the order's seat as given back, if it has one not given back yet: False if it
        has none or another path got there first. The caller frees the seat in the same
        transaction."""
        return _moved(
            await self.session.execute(
                update(Order)
                .where(
                    Order.id == order_id,
                    Order.delivery_window.is_not(None),
                    Order.delivery_slot_released.is_(False),
                )
                .values(delivery_slot_released=True)
                .execution_options(synchronize_session=False)
            )
        )

    async def claim_retake(self, order_id: int) -> bool:
        """Mark the order's seat as held again (a late payment took it back)."""
        return _moved(
            await self.session.execute(
                update(Order)
                .where(Order.id == order_id, Order.delivery_slot_released.is_(True))
                .values(delivery_slot_released=False)
                .execution_options(synchronize_session=False)
            )
        )
