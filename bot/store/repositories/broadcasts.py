"""Broadcasts: the one being sent, its counts, and its stop, shared by every worker.

`alive_since` is the rule for a crashed worker's broadcast: a row whose progress (`updated_at`)
has not moved since then counts as not sending. The caller chooses it (bot.usecases.broadcast).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import rowcount
from bot.store.models import Broadcast

SENDING = "sending"
STOPPING = "stopping"
STOPPED = "stopped"
DONE = "done"
UNDER_WAY = (SENDING, STOPPING)


def _under_way(alive_since: datetime) -> ColumnElement[bool]:
    return Broadcast.status.in_(UNDER_WAY) & (Broadcast.updated_at >= alive_since)


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def under_way(self, *, alive_since: datetime) -> Broadcast | None:
        """The broadcast being sent (or stopping) whose progress moved since `alive_since`."""
        return await self.session.scalar(
            select(Broadcast).where(_under_way(alive_since)).order_by(Broadcast.id).limit(1)
        )

    async def give_up_stalled(self, *, alive_since: datetime, now: datetime) -> int:
        """Rows still under way whose progress has not moved since `alive_since` (their
        worker died) become stopped, as far as they got."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.status.in_(UNDER_WAY), Broadcast.updated_at < alive_since)
            .values(status=STOPPED, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def add_sending(self, started_by: int, chat_id: int, total: int) -> Broadcast | None:
        """A new broadcast being sent; None if another one is sending (the unique index:
        two Sends at once on two workers)."""
        broadcast = Broadcast(started_by=started_by, chat_id=chat_id, total=total, status=SENDING)
        try:
            async with self.session.begin_nested():
                self.session.add(broadcast)
                await self.session.flush()
        except IntegrityError:
            return None
        return broadcast

    async def stop(self, *, alive_since: datetime) -> tuple[int, int] | None:
        """Sending -> stopping, in one conditional UPDATE: (its id, the chat that started it),
        or None if no live broadcast is sending."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.status == SENDING, Broadcast.updated_at >= alive_since)
            .values(status=STOPPING)
            .returning(Broadcast.id, Broadcast.chat_id)
            .execution_options(synchronize_session=False)
        )
        row = result.first()
        return None if row is None else (row.id, row.chat_id)

    async def keep_sending(
        self, broadcast_id: int, *, sent: int, blocked: int, failed: int, now: datetime
    ) -> bool:
        """Record the counts so far; False if the row is no longer sending (stopped from
        any worker, or given up as stalled): the sender stops before its next message."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == SENDING)
            .values(sent=sent, blocked=blocked, failed=failed, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def finish(
        self,
        broadcast_id: int,
        *,
        stopped: bool,
        sent: int,
        blocked: int,
        failed: int,
        now: datetime,
    ) -> None:
        await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(
                status=STOPPED if stopped else DONE,
                sent=sent,
                blocked=blocked,
                failed=failed,
                updated_at=now,
                finished_at=now,
            )
            .execution_options(synchronize_session=False)
        )
