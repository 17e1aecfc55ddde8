"""Broadcasts: the one being sent, its counts, and its stop, shared by every worker.

`Liveness` is the rule for a dead sender's broadcast: a sending row whose progress
(`updated_at`) has not moved since `sending_since`, or a stopping row not finished since
`stopping_since` (the Stop's time), lost its worker and counts as not under way. The caller
chooses both (bot.usecases.broadcast).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, not_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import rowcount
from bot.store.models import Broadcast

SENDING = "sending"
STOPPING = "stopping"
STOPPED = "stopped"
DONE = "done"
SCHEDULED = "scheduled"  # planned for `send_at`; the job claims it then (-> sending)
CANCELLED = "cancelled"  # a scheduled one an admin cancelled before it went out
UNDER_WAY = (SENDING, STOPPING)


@dataclass(frozen=True)
class Liveness:
    """A row under way is alive if it moved since: `sending_since` (sending) or
    `stopping_since` (stopping)."""

    sending_since: datetime
    stopping_since: datetime


@dataclass(frozen=True)
class GivenUp:
    """A broadcast whose sender died, marked stopped as far as it got."""

    started_by: int
    chat_id: int
    total: int
    sent: int
    blocked: int
    failed: int


def _alive(live: Liveness) -> ColumnElement[bool]:
    return or_(
        and_(Broadcast.status == SENDING, Broadcast.updated_at >= live.sending_since),
        and_(Broadcast.status == STOPPING, Broadcast.updated_at >= live.stopping_since),
    )


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def under_way(self, live: Liveness) -> Broadcast | None:
        """The broadcast being sent (or stopping) that is alive."""
        return await self.session.scalar(
            select(Broadcast).where(_alive(live)).order_by(Broadcast.id).limit(1)
        )

    async def give_up_dead(self, live: Liveness, *, now: datetime) -> list[GivenUp]:
        """Rows still under way that are not alive (their worker died) become stopped, as far
        as they got: what each reached, for telling the admin who started it."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.status.in_(UNDER_WAY), not_(_alive(live)))
            .values(status=STOPPED, finished_at=now)
            .returning(
                Broadcast.started_by,
                Broadcast.chat_id,
                Broadcast.total,
                Broadcast.sent,
                Broadcast.blocked,
                Broadcast.failed,
            )
            .execution_options(synchronize_session=False)
        )
        return [GivenUp(*row) for row in result.all()]

    async def add_sending(
        self, started_by: int, chat_id: int, total: int, audience: str
    ) -> Broadcast | None:
        """A new broadcast being sent; None if another one is sending (the unique index:
        two Sends at once on two workers)."""
        broadcast = Broadcast(
            started_by=started_by, chat_id=chat_id, total=total, status=SENDING, audience=audience
        )
        try:
            async with self.session.begin_nested():
                self.session.add(broadcast)
                await self.session.flush()
        except IntegrityError:
            return None
        return broadcast

    async def stop(self, live: Liveness, *, now: datetime) -> tuple[int, int] | None:
        """Sending -> stopping, in one conditional UPDATE that dates the Stop: (its id, the
        chat that started it), or None if no live broadcast is sending."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.status == SENDING, Broadcast.updated_at >= live.sending_since)
            .values(status=STOPPING, updated_at=now)
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

    async def add_scheduled(
        self, started_by: int, chat_id: int, text: str, audience: str, send_at: datetime
    ) -> Broadcast:
        broadcast = Broadcast(
            started_by=started_by,
            chat_id=chat_id,
            total=0,
            status=SCHEDULED,
            audience=audience,
            text=text,
            send_at=send_at,
        )
        self.session.add(broadcast)
        await self.session.flush()
        return broadcast

    async def scheduled(self) -> list[Broadcast]:
        """The broadcasts planned for later, soonest first."""
        stmt = select(Broadcast).where(Broadcast.status == SCHEDULED).order_by(Broadcast.send_at)
        return list(await self.session.scalars(stmt))

    async def due(self, now: datetime) -> list[tuple[int, str]]:
        """(id, audience) of the scheduled broadcasts whose time has come (or passed while
        the bot was down)."""
        stmt = (
            select(Broadcast.id, Broadcast.audience)
            .where(Broadcast.status == SCHEDULED, Broadcast.send_at <= now)
            .order_by(Broadcast.send_at, Broadcast.id)
        )
        return [(row.id, row.audience) for row in (await self.session.execute(stmt)).all()]

    async def cancel(self, broadcast_id: int, *, now: datetime) -> Broadcast | None:
        """Scheduled -> cancelled in one conditional UPDATE: the row, or None if it is no longer
        scheduled (already cancelled, or it went out)."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == SCHEDULED)
            .values(status=CANCELLED, updated_at=now, finished_at=now)
            .returning(Broadcast)
            .execution_options(synchronize_session=False)
        )
        return result.scalars().first()

    async def claim(self, broadcast_id: int, *, total: int, now: datetime) -> Broadcast | None:
        """Scheduled -> sending in one conditional UPDATE, so one worker sends it: the row, or
        None if another worker took it, it was cancelled, or another broadcast is sending
        (the unique index: it stays scheduled for the job's next run)."""
        try:
            async with self.session.begin_nested():
                result = await self.session.execute(
                    update(Broadcast)
                    .where(Broadcast.id == broadcast_id, Broadcast.status == SCHEDULED)
                    .values(status=SENDING, total=total, started_at=now, updated_at=now)
                    .returning(Broadcast)
                    .execution_options(synchronize_session=False)
                )
                return result.scalars().first()
        except IntegrityError:
            return None
