"""Whether the shop is selling (/pause, /resume), and the shoppers to tell when it sells again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import Customer, ReopenWaiter, SalesPause, utcnow

THE_PAUSE = 1  # sales_pause's one row


@dataclass(frozen=True, slots=True)
class Reopened:
    """A shopper to tell that sales are open again, with what chooses her language."""

    telegram_id: int
    language: str | None
    language_code: str | None
    blocked_bot: bool = False  # nothing is sent to her


class SalesRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def pause(self, now: datetime | None = None) -> SalesPause | None:
        """The pause in force at `now` (default: this moment), if sales are paused: one
        primary-key read; a pause whose until= day has passed is over, its row or not."""
        pause = await self._row()
        return pause if pause is not None and pause.in_force(now or utcnow()) else None

    async def _row(self) -> SalesPause | None:
        return await self.session.get(SalesPause, THE_PAUSE, populate_existing=True)

    async def start_pause(
        self,
        note: str | None,
        admin_id: int,
        at: datetime,
        *,
        until: date | None = None,
        ends_at: datetime | None = None,
    ) -> SalesPause:
        """Pause sales (until the midnight `ends_at`, the end of the shop's day `until`; None:
        until /resume), or change the note and end of the pause in force (it keeps its
        start). A pause over by itself is replaced by a new one."""
        pause = await self._row()
        if pause is None:
            pause = SalesPause(id=THE_PAUSE, paused_at=at)
            self.session.add(pause)
        elif not pause.in_force(at):
            pause.paused_at = at
        pause.note, pause.paused_by = note, admin_id
        pause.until, pause.ends_at = until, ends_at
        await self.session.flush()
        return pause

    async def end_pause(self, now: datetime | None = None) -> SalesPause | None:
        """Sell again; the pause that ended (None: sales were not paused, or the pause was
        already over by itself; its row goes all the same)."""
        pause = await self._row()
        if pause is None:
            return None
        await self.session.delete(pause)
        await self.session.flush()
        return pause if pause.in_force(now or utcnow()) else None

    async def wait_for_reopening(self, customer_id: int) -> None:
        """She met the paused checkout: tell her once when sales open (waiting already is fine)."""
        await self._write(
            insert_or_ignore(self.session, ReopenWaiter).values(
                customer_id=customer_id, created_at=utcnow()
            ),
            rows=None,
        )

    async def waiting(self) -> int:
        """How many shoppers wait to hear that sales are open."""
        return int(await self.session.scalar(select(func.count()).select_from(ReopenWaiter)) or 0)

    async def take_waiters(self, limit: int) -> Sequence[Reopened]:
        """Up to `limit` shoppers to tell, taken off the list in the same transaction (a crash
        after it commits loses their notices rather than sending them twice)."""
        rows = (
            await self.session.execute(
                select(
                    ReopenWaiter.customer_id,
                    Customer.telegram_id,
                    Customer.language,
                    Customer.language_code,
                    Customer.blocked_bot,
                )
                .join(Customer, Customer.id == ReopenWaiter.customer_id)
                .order_by(ReopenWaiter.created_at, ReopenWaiter.customer_id)
                .limit(limit)
            )
        ).all()
        if rows:
            taken = [row.customer_id for row in rows]
            await self.session.execute(
                delete(ReopenWaiter).where(ReopenWaiter.customer_id.in_(taken))
            )
        return [
            Reopened(row.telegram_id, row.language, row.language_code, row.blocked_bot)
            for row in rows
        ]
