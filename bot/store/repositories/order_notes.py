"""Admins' notes on orders: added one at a time, read newest last on the order's screen."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import OrderNote


class OrderNoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, order_id: int, admin_telegram_id: int, text: str, *, author: str | None = None
    ) -> OrderNote:
        note = OrderNote(
            order_id=order_id, admin_telegram_id=admin_telegram_id, text=text, author=author
        )
        self.session.add(note)
        await self.session.flush()
        return note

    async def newest(self, order_id: int, limit: int) -> Sequence[OrderNote]:
        """The order's newest `limit` notes, oldest of them first (the screen reads down)."""
        stmt = (
            select(OrderNote)
            .where(OrderNote.order_id == order_id)
            .order_by(OrderNote.id.desc())
            .limit(limit)
        )
        return list(reversed((await self.session.scalars(stmt)).all()))

    async def count(self, order_id: int) -> int:
        stmt = select(func.count()).select_from(OrderNote).where(OrderNote.order_id == order_id)
        return int(await self.session.scalar(stmt) or 0)
