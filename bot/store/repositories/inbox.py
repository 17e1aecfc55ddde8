"""The inbox table: updates stored on arrival, taken by one worker at a time, marked done."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import rowcount
from bot.store.models import InboxEntry
from bot.store.prepared import prepared

HANDLING, DONE, FAILED = "handling", "done", "failed"

MARK_APPLIED = prepared(
    update(InboxEntry)
    .where(InboxEntry.update_id == bindparam("applied_update"), InboxEntry.applied_at.is_(None))
    .values(applied_at=bindparam("applied_now"))
    .execution_options(synchronize_session=False)
)
"""Run in the transaction of an update's first change: handling it again changes nothing."""

FINISH = prepared(
    update(InboxEntry)
    .where(
        InboxEntry.update_id.in_(bindparam("finished_updates", expanding=True)),
        InboxEntry.claim == bindparam("held_by"),
    )
    .values(
        status=bindparam("outcome"),
        finished_at=bindparam("finished_now"),
        error=bindparam("failure"),
    )
    .execution_options(synchronize_session=False)
)
"""Done (or failed, with an error), those of the updates that the claim still holds."""


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_new(self, entries: Sequence[dict[str, Any]]) -> None:
        """Insert entries whose update_id is not stored yet; the others are left as they are."""
        if entries:
            await self.session.execute(*new_entries(entries))

    async def held_by(self, update_ids: Sequence[int], claim: str) -> list[InboxEntry]:
        """Of these updates, the ones `claim` holds, oldest first."""
        stmt = (
            select(InboxEntry)
            .where(InboxEntry.update_id.in_(update_ids), InboxEntry.claim == claim)
            .order_by(InboxEntry.update_id)
        )
        return list((await self.session.scalars(stmt)).all())

    async def take_over(
        self, update_ids: Sequence[int], claim: str, now: datetime, lease_until: datetime
    ) -> int:
        """Take updates whose holder's lease ran out (it crashed) without finishing them."""
        if not update_ids:
            return 0
        result = await self.session.execute(
            update(InboxEntry)
            .where(
                InboxEntry.update_id.in_(update_ids),
                InboxEntry.status == HANDLING,
                InboxEntry.lease_until < now,
            )
            .values(claim=claim, lease_until=lease_until, attempts=InboxEntry.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def abandoned(self, now: datetime, limit: int) -> list[int]:
        """Updates still being handled by a lease that ran out, oldest first."""
        stmt = (
            select(InboxEntry.update_id)
            .where(InboxEntry.status == HANDLING, InboxEntry.lease_until < now)
            .order_by(InboxEntry.update_id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def forget_chat(
        self, chat_id: int, being_handled: int | None, left: dict[str, Any] | None = None
    ) -> int:
        """A shopper deleted her data: the updates of her chat the inbox keeps lose their
        bodies (her name, username, what she wrote), each left as its update_id and its state,
        all a redelivery is recognised (and dropped) by; how many.

        The ones still being handled keep theirs, for a crash to hand them over whole (they
        came as she deleted it, and give the shop her name again as they are handled), but
        `being_handled`, the update deleting it, whose change commits with this: its body
        becomes `left` (its update_id and what answering it needs, nothing of hers), which a
        replay after a crash answers (bot.app.recover_updates); without `left`, its update_id
        alone, marked failed as unreadable if handled again."""
        handled = InboxEntry.status != HANDLING
        if being_handled is not None and left is None:
            handled = or_(handled, InboxEntry.update_id == being_handled)
        dialect = self.session.get_bind().dialect.name
        json_object = func.json_build_object if dialect == "postgresql" else func.json_object
        result = await self.session.execute(
            update(InboxEntry)
            .where(InboxEntry.chat_id == chat_id, handled)
            .values(payload=json_object("update_id", InboxEntry.update_id))
            .execution_options(synchronize_session=False)
        )
        forgotten = rowcount(result)
        if being_handled is not None and left is not None:
            result = await self.session.execute(
                update(InboxEntry)
                .where(InboxEntry.chat_id == chat_id, InboxEntry.update_id == being_handled)
                .values(payload=left)
                .execution_options(synchronize_session=False)
            )
            forgotten += rowcount(result)
        return forgotten

    async def prune(self, before: datetime) -> int:
        """Forget finished updates older than `before`."""
        result = await self.session.execute(
            delete(InboxEntry).where(InboxEntry.status != HANDLING, InboxEntry.finished_at < before)
        )
        return rowcount(result)

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many updates are not finished, and when the oldest of them arrived."""
        row = (
            await self.session.execute(
                select(func.count(), func.min(InboxEntry.received_at)).where(
                    InboxEntry.status == HANDLING
                )
            )
        ).one()
        return int(row[0]), row[1]


def new_entries(entries: Sequence[dict[str, Any]]) -> tuple[TextClause, dict[str, Any]]:
    """INSERT of entries not stored yet (an update stored before is left as it is): the
    statement and its parameters.

    One statement for the whole batch, built once per batch size with named parameters, so
    SQLAlchemy compiles it once: the multi-row INSERT it was before was compiled anew for
    every getUpdates (profiled: most of what storing an update cost)."""
    statement = _insert_of(len(entries))
    params = {
        f"{column}_{i}": entry[column] for i, entry in enumerate(entries) for column in _COLUMNS
    }
    return statement, params


_COLUMNS = (
    "update_id",
    "chat_id",
    "kind",
    "payload",
    "status",
    "claim",
    "attempts",
    "received_at",
    "lease_until",
)


@functools.lru_cache(maxsize=256)
def _insert_of(count: int) -> TextClause:
    """The INSERT ... ON CONFLICT DO NOTHING of `count` entries (both SQLite and PostgreSQL
    say it so). Written as text with typed parameters: the dialects' own INSERT with an ON
    CONFLICT clause is not cacheable in SQLAlchemy, a text statement is."""
    rows = ", ".join(
        "(" + ", ".join(f":{column}_{i}" for column in _COLUMNS) + ")" for i in range(count)
    )
    columns = InboxEntry.__table__.c
    statement = text(
        f"INSERT INTO inbox ({', '.join(_COLUMNS)}) VALUES {rows} ON CONFLICT DO NOTHING"
    ).bindparams(
        *(
            bindparam(f"{column}_{i}", type_=columns[column].type)
            for i in range(count)
            for column in _COLUMNS
        )
    )
    return prepared(statement)


def finish_params(
    update_ids: Sequence[int], claim: str, now: datetime, error: str | None = None
) -> dict[str, Any]:
    return {
        "finished_updates": list(update_ids),
        "held_by": claim,
        "outcome": FAILED if error else DONE,
        "finished_now": now,
        "failure": error,
    }
