"""Broadcasts: the one being sent, its counts, and its stop, shared by every worker.

`Liveness` is the rule for a dead sender's broadcast: a sending row whose progress
(`updated_at`) has not moved since `sending_since` lost its worker, and another worker takes
it over (`take_over`) and goes on after `reached_id`, unless it started before
`resumable_since` (then it is given up, as a stopping row not finished since `stopping_since`,
the Stop's time, is). A sending row stays under way while it waits to be taken over, so no
other broadcast starts meanwhile. The caller chooses the times (bot.usecases.broadcast).

A broadcast's audience is listed as it starts sending (`list_audience`: one INSERT ... SELECT
of customer ids), and read back a batch at a time (`recipients`) with what each customer is
now, so one who blocked the bot or deleted her data meanwhile is not sent to. The list goes
as the broadcast ends (`finish`, `give_up_dead`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import rowcount
from bot.store.models import Broadcast, BroadcastRecipient, Customer
from bot.store.repositories.customers import audience_ids, not_forgotten

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
    `stopping_since` (stopping); a dead sending row started since `resumable_since` goes on."""

    sending_since: datetime
    stopping_since: datetime
    resumable_since: datetime


@dataclass(frozen=True)
class GivenUp:
    """A broadcast whose sender died, marked stopped as far as it got: `interrupted` if it was
    sending (too old to go on), else it was stopping."""

    id: int
    interrupted: bool
    started_by: int
    chat_id: int
    total: int
    sent: int
    blocked: int
    failed: int
    skipped: int


class Recipient(NamedTuple):
    """A customer on a broadcast's list as her turn comes: whether she blocked the bot (not
    tried, counted as blocked), deleted her data or was blocked by the shop (/block; both
    skipped) since it started."""

    customer_id: int
    telegram_id: int
    blocked: bool
    forgotten: bool
    shut_out: bool = False


def _under_way(live: Liveness) -> ColumnElement[bool]:
    """Sending (alive, or dead and waiting to be taken over), or stopping and alive."""
    return or_(
        Broadcast.status == SENDING,
        and_(Broadcast.status == STOPPING, Broadcast.updated_at >= live.stopping_since),
    )


def _dead_sending(live: Liveness) -> ColumnElement[bool]:
    return and_(Broadcast.status == SENDING, Broadcast.updated_at < live.sending_since)


def _resumable(live: Liveness) -> ColumnElement[bool]:
    """Started recently enough to go on, with its text kept (not so before migration 0051)."""
    return and_(Broadcast.started_at >= live.resumable_since, Broadcast.text.is_not(None))


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def under_way(self, live: Liveness) -> Broadcast | None:
        """The broadcast being sent (or waiting to be taken over), or stopping and alive."""
        return await self.session.scalar(
            select(Broadcast).where(_under_way(live)).order_by(Broadcast.id).limit(1)
        )

    async def any_dead(self, live: Liveness) -> bool:
        """Whether a row under way lost its sender (to give up or take over): the job's read."""
        found = await self.session.scalar(
            select(Broadcast.id)
            .where(Broadcast.status.in_(UNDER_WAY), not_(_under_way(live)) | _dead_sending(live))
            .limit(1)
        )
        return found is not None

    async def give_up_dead(self, live: Liveness, *, now: datetime) -> list[GivenUp]:
        """Dead rows not to go on (stopping, or sending since before `resumable_since`) become
        stopped, as far as they got: what each reached, for telling the admin who started it."""
        stopping = and_(Broadcast.status == STOPPING, Broadcast.updated_at < live.stopping_since)
        too_old = and_(_dead_sending(live), not_(_resumable(live)))
        given_up: list[GivenUp] = []
        for interrupted, dead in ((False, stopping), (True, too_old)):
            result = await self.session.execute(
                update(Broadcast)
                .where(dead)
                .values(status=STOPPED, finished_at=now)
                .returning(
                    Broadcast.id,
                    Broadcast.started_by,
                    Broadcast.chat_id,
                    Broadcast.total,
                    Broadcast.sent,
                    Broadcast.blocked,
                    Broadcast.failed,
                    Broadcast.skipped,
                )
                .execution_options(synchronize_session=False)
            )
            given_up += [GivenUp(interrupted=interrupted, **row._asdict()) for row in result.all()]
        if given_up:
            await self._forget_list(*(dead.id for dead in given_up))
        return given_up

    async def take_over(self, live: Liveness, *, now: datetime) -> Broadcast | None:
        """A dead sender's broadcast, started since `resumable_since`, becomes this worker's
        (its next `attempt`) in one conditional UPDATE: the row, or None if there is none or
        another worker took it first (its UPDATE moved `updated_at`, so ours matches nothing).
        One row at most is sending, so there is one to take at most."""
        result = await self.session.execute(
            update(Broadcast)
            .where(_dead_sending(live), _resumable(live))
            .values(attempt=Broadcast.attempt + 1, updated_at=now)
            .returning(Broadcast)
            .execution_options(synchronize_session=False)
        )
        return result.scalars().first()

    async def add_sending(
        self, started_by: int, chat_id: int, audience: str, text: str
    ) -> Broadcast | None:
        """A new broadcast being sent (its text kept, should another worker go on with it), to
        be listed (`list_audience`); None if another one is sending (the unique index: two
        Sends at once on two workers)."""
        broadcast = Broadcast(
            started_by=started_by,
            chat_id=chat_id,
            total=0,
            status=SENDING,
            audience=audience,
            text=text,
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
        chat that started it), or None if none is sending. One whose sender died is stopped
        too: stopping, nobody takes it over, and it is given up once `stopping_since` passes."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.status == SENDING)
            .values(status=STOPPING, updated_at=now)
            .returning(Broadcast.id, Broadcast.chat_id)
            .execution_options(synchronize_session=False)
        )
        row = result.first()
        return None if row is None else (row.id, row.chat_id)

    async def keep_sending(
        self,
        broadcast_id: int,
        attempt: int,
        *,
        sent: int,
        blocked: int,
        failed: int,
        skipped: int,
        reached_id: int,
        now: datetime,
    ) -> bool:
        """Record the counts so far and the last customer id finished (one write a batch);
        False if the row is no longer sending (stopped from any worker) or no longer this
        sender's `attempt` (taken over as dead): the sender stops before its next message."""
        result = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.status == SENDING,
                Broadcast.attempt == attempt,
            )
            .values(
                sent=sent,
                blocked=blocked,
                failed=failed,
                skipped=skipped,
                reached_id=reached_id,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def finish(
        self,
        broadcast_id: int,
        attempt: int,
        *,
        stopped: bool,
        sent: int,
        blocked: int,
        failed: int,
        skipped: int,
        now: datetime,
    ) -> bool:
        """Done or stopped with its last counts, its list deleted; False if another worker
        took it over (the other worker reports it)."""
        result = await self.session.execute(
            update(Broadcast)
            .where(
                Broadcast.id == broadcast_id,
                Broadcast.attempt == attempt,
                Broadcast.status.in_(UNDER_WAY),
            )
            .values(
                status=STOPPED if stopped else DONE,
                sent=sent,
                blocked=blocked,
                failed=failed,
                skipped=skipped,
                updated_at=now,
                finished_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return False
        await self._forget_list(broadcast_id)
        return True

    async def list_audience(
        self,
        broadcast: Broadcast,
        segment: str,
        *,
        speaking: Iterable[tuple[str | None, str | None]] | None = None,
        now: datetime,
        rest: bool = False,
    ) -> int:
        """List whom the broadcast is for, as it starts sending: every customer of its
        audience (`audience_ids`), those who blocked the bot too (counted as blocked at their
        turn, never tried); they are its total. The `rest` of one that started before
        broadcasts were listed (migration 0060), by the rule it started with: the customers
        of its audience by its start, after the last it reached, who have not blocked the bot
        (those who had were counted then); its total stays."""
        if rest:
            after, joined_by = broadcast.reached_id, broadcast.started_at
            ids = audience_ids(
                segment,
                speaking=speaking,
                now=now,
                reachable=True,
                after=after,
                joined_by=joined_by,
            )
            return await self._list(broadcast, ids)
        broadcast.total = await self._list(
            broadcast, audience_ids(segment, speaking=speaking, now=now)
        )
        return broadcast.total

    async def _list(self, broadcast: Broadcast, ids: Select[int]) -> int:
        result = await self.session.execute(
            insert(BroadcastRecipient).from_select(
                ["customer_id", "broadcast_id"], ids.add_columns(literal(broadcast.id))
            )
        )
        broadcast.listed = True
        return rowcount(result)

    async def recipients(self, broadcast_id: int, *, after: int, limit: int) -> list[Recipient]:
        """The next `limit` customers on the broadcast's list after customer id `after`, in
        customer id order, each as she is now."""
        listed = BroadcastRecipient
        stmt = (
            select(
                listed.customer_id,
                Customer.telegram_id,
                Customer.blocked_bot,
                not_forgotten().label("kept"),
                Customer.blocked_at,
            )
            .join(Customer, Customer.id == listed.customer_id)
            .where(listed.broadcast_id == broadcast_id, listed.customer_id > after)
            .order_by(listed.customer_id)
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        return [
            Recipient(row[0], row[1], bool(row[2]), not row[3], row[4] is not None) for row in rows
        ]

    async def _forget_list(self, *broadcast_ids: int) -> None:
        """An ended broadcast's list: nobody reads it again."""
        await self.session.execute(
            delete(BroadcastRecipient)
            .where(BroadcastRecipient.broadcast_id.in_(broadcast_ids))
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

    async def claim(self, broadcast_id: int, *, now: datetime) -> Broadcast | None:
        """Scheduled -> sending in one conditional UPDATE, so one worker sends it (to be
        listed, `list_audience`): the row, or None if another worker took it, it was
        cancelled, or another broadcast is sending (the unique index: it stays scheduled for
        the job's next run)."""
        try:
            async with self.session.begin_nested():
                result = await self.session.execute(
                    update(Broadcast)
                    .where(Broadcast.id == broadcast_id, Broadcast.status == SCHEDULED)
                    .values(status=SENDING, started_at=now, updated_at=now)
                    .returning(Broadcast)
                    .execution_options(synchronize_session=False)
                )
                return result.scalars().first()
        except IntegrityError:
            return None
