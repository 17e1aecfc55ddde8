"""The shop's answers to common questions (/faq): a short list, read whole, kept in order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import FaqEntry


class FaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_all(self) -> Sequence[FaqEntry]:
        """Every entry, in the list's order."""
        stmt = select(FaqEntry).order_by(FaqEntry.position, FaqEntry.id)
        return (await self.session.scalars(stmt)).all()

    async def get(self, entry_id: int) -> FaqEntry | None:
        return await self.session.get(FaqEntry, entry_id)

    async def add(self, question: str, answer: str) -> FaqEntry:
        """A new entry at the end of the list."""
        last = await self.session.scalar(select(func.max(FaqEntry.position)))
        entry = FaqEntry(position=(last or 0) + 1, question=question, answer=answer)
        self.session.add(entry)
        await self.session.flush()
        return entry

    async def delete(self, entry: FaqEntry) -> None:
        await self.session.delete(entry)
        await self.session.flush()
