"""Gift cards and their balances. A balance moves only by conditional UPDATEs, so two
checkouts spending one card at once never take it below zero: the second finds too little."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.store.db import rowcount
from bot.store.models import GiftCard


class GiftCardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, card: GiftCard) -> GiftCard:
        self.session.add(card)
        await self.session.flush()
        return card

    async def by_code(self, code: str) -> GiftCard | None:
        stmt = select(GiftCard).where(GiftCard.code == code)
        return await self.session.scalar(stmt.execution_options(populate_existing=True))

    async def of_lines(self, line_ids: Sequence[int]) -> Sequence[GiftCard]:
        """The cards these order lines issued."""
        return await self._now(GiftCard.order_line_id, line_ids)

    async def by_ids(self, card_ids: Sequence[int]) -> Sequence[GiftCard]:
        """These cards (what a partial refund took off them, `Refund.gift_card_shares`)."""
        return await self._now(GiftCard.id, card_ids)

    async def _now(
        self, column: InstrumentedAttribute[Any], among: Sequence[int]
    ) -> Sequence[GiftCard]:
        """The cards whose `column` is `among`, in the order they were issued, their balances
        as they are now (not as this session read them before)."""
        if not among:
            return []
        stmt = (
            select(GiftCard)
            .where(column.in_(among))
            .order_by(GiftCard.id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).all()

    async def take(self, code: str, amount: int) -> bool:
        """Spend `amount` of the card, if it has that much and is not void: one UPDATE.

        On PostgreSQL the UPDATE also locks the card's row until the transaction ends, so a
        second checkout with the same card waits and then sees the balance this one left."""
        result = await self.session.execute(
            update(GiftCard)
            .where(
                GiftCard.code == code,
                GiftCard.voided_at.is_(None),
                GiftCard.balance >= amount,
            )
            .values(balance=GiftCard.balance - amount)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def give_back(self, code: str, amount: int) -> bool:
        """Put `amount` back on the card (a released hold, a full refund): never above what
        it was issued with, and not on a card voided since."""
        result = await self.session.execute(
            update(GiftCard)
            .where(
                GiftCard.code == code,
                GiftCard.voided_at.is_(None),
                GiftCard.balance + amount <= GiftCard.initial_amount,
            )
            .values(balance=GiftCard.balance + amount)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def take_refunded(self, card_id: int, amount: int) -> bool:
        """A partial refund of the order that bought the card gave `amount` of its price
        back: the card is worth that much less (balance and what it was issued with), if it
        still holds it and is not void: one UPDATE."""
        result = await self.session.execute(
            update(GiftCard)
            .where(
                GiftCard.id == card_id,
                GiftCard.voided_at.is_(None),
                GiftCard.balance >= amount,
            )
            .values(
                balance=GiftCard.balance - amount,
                initial_amount=GiftCard.initial_amount - amount,
            )
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def put_back_refunded(self, card_id: int, amount: int) -> None:
        """Undo `take_refunded`: the refund that took `amount` off the card failed."""
        await self.session.execute(
            update(GiftCard)
            .where(GiftCard.id == card_id, GiftCard.voided_at.is_(None))
            .values(
                balance=GiftCard.balance + amount,
                initial_amount=GiftCard.initial_amount + amount,
            )
            .execution_options(synchronize_session=False)
        )

    async def void_unspent(self, line_ids: Sequence[int], now: datetime) -> int:
        """Void the cards of these lines that were never spent; how many were voided."""
        result = await self.session.execute(
            update(GiftCard)
            .where(
                GiftCard.order_line_id.in_(line_ids),
                GiftCard.voided_at.is_(None),
                GiftCard.balance == GiftCard.initial_amount,
            )
            .values(balance=0, voided_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def void_unspent_code(self, code: str, now: datetime) -> bool:
        """Void the card `code` if it was never spent: one conditional UPDATE, so a checkout
        spending it at the same moment either comes first (nothing voided) or finds it void."""
        result = await self.session.execute(
            update(GiftCard)
            .where(
                GiftCard.code == code,
                GiftCard.voided_at.is_(None),
                GiftCard.balance == GiftCard.initial_amount,
            )
            .values(balance=0, voided_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def unvoid(self, line_ids: Sequence[int]) -> None:
        """The refund that voided these lines' cards failed: they are worth their face again."""
        await self.session.execute(
            update(GiftCard)
            .where(GiftCard.order_line_id.in_(line_ids), GiftCard.voided_at.is_not(None))
            .values(balance=GiftCard.initial_amount, voided_at=None)
            .execution_options(synchronize_session=False)
        )
