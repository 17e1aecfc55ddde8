"""Shoppers' return requests: one open per order at most, decided once by an admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.store.db import rowcount
from bot.store.models import OrderEvent, Refund, ReturnRequest

REQUESTED = "requested"
APPROVED = "approved"
DECLINED = "declined"
# when her message about each decision was taken for sending (None: owed, or never)
TOLD = {APPROVED: ReturnRequest.approve_told_at, DECLINED: ReturnRequest.decline_told_at}


class ReturnRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        order_id: int,
        customer_telegram_id: int,
        lines: list[dict[str, Any]],
        reason: str,
        amount: int,
        currency: str,
    ) -> ReturnRequest:
        """A new open request (IntegrityError if the order has one open: the partial index)."""
        request = ReturnRequest(
            order_id=order_id,
            customer_telegram_id=customer_telegram_id,
            lines=lines,
            reason=reason,
            status=REQUESTED,
            amount=amount,
            currency=currency,
        )
        self.session.add(request)
        await self.session.flush()
        return request

    async def get(self, request_id: int) -> ReturnRequest | None:
        return await self.session.get(ReturnRequest, request_id, populate_existing=True)

    async def open_for(self, order_id: int) -> ReturnRequest | None:
        stmt = select(ReturnRequest).where(
            ReturnRequest.order_id == order_id, ReturnRequest.status == REQUESTED
        )
        return (await self.session.scalars(stmt)).first()

    async def of_order(self, order_id: int) -> list[ReturnRequest]:
        stmt = select(ReturnRequest).where(ReturnRequest.order_id == order_id)
        return list((await self.session.scalars(stmt.order_by(ReturnRequest.id))).all())

    async def decide(
        self,
        request_id: int,
        status: str,
        actor: str,
        at: datetime,
        decline_reason: str | None = None,
        *,
        was: str = REQUESTED,
    ) -> bool:
        """Move the request from `was` to `status` as a compare-and-set: False if another press
        (another admin) decided it first, so only one decision is ever made."""
        result = await self.session.execute(
            update(ReturnRequest)
            .where(ReturnRequest.id == request_id, ReturnRequest.status == was)
            .values(status=status, decided_by=actor, decided_at=at, decline_reason=decline_reason)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def mark_restocked(self, request_id: int, at: datetime) -> bool:
        """Claim the putting back in stock of an approved request's lines, once: False if it
        was done before (an earlier approval whose refund was refused), as a compare-and-set."""
        which = ReturnRequest.id == request_id
        return await self._stamp_once(which, APPROVED, ReturnRequest.restocked_at, at)

    async def take_message(self, request_id: int, status: str, at: datetime) -> bool:
        """Take her message about the request's decision (`status`: approved or declined) for
        sending, once: False if it was taken before (by the decision's own call, the
        pending-refunds job's message, or the job on another worker)."""
        return await self._stamp_once(ReturnRequest.id == request_id, status, TOLD[status], at)

    async def take_message_of_refund(self, refund_id: int, at: datetime) -> bool:
        """`take_message` of the approval whose refund is `refund_id` (the pending-refunds job
        tells her of it as it finishes it): False if no return owes it, or it was taken."""
        which = ReturnRequest.refund_id == refund_id
        return await self._stamp_once(which, APPROVED, ReturnRequest.approve_told_at, at)

    async def _stamp_once(
        self,
        which: ColumnElement[bool],
        status: str,
        stamp: InstrumentedAttribute[datetime | None],
        at: datetime,
    ) -> bool:
        """Set `stamp` of the request `which` names, in `status`, to `at` while it is empty,
        as a compare-and-set: True for the one call (of any worker) that set it."""
        result = await self.session.execute(
            update(ReturnRequest)
            .where(which, ReturnRequest.status == status, stamp.is_(None))
            .values({stamp: at})
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def declines_untold(self, limit: int) -> list[ReturnRequest]:
        """Declined requests whose message was never taken for sending (the bot died between
        the decision and its message), oldest first, read from their partial index."""
        stmt = (
            select(ReturnRequest)
            .where(ReturnRequest.status == DECLINED, ReturnRequest.decline_told_at.is_(None))
            .order_by(ReturnRequest.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def approvals_untold(self, limit: int) -> list[ReturnRequest]:
        """Approved requests whose refund is recorded but whose message was never taken for
        sending (the bot died between the two), oldest first, read from their partial index
        (a refund still under way is told when it ends: not listed)."""
        stmt = (
            select(ReturnRequest)
            .join(Refund, Refund.id == ReturnRequest.refund_id)
            .where(
                ReturnRequest.status == APPROVED,
                ReturnRequest.approve_told_at.is_(None),
                Refund.status == "succeeded",
            )
            .order_by(ReturnRequest.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def of_refund(self, refund_id: int) -> ReturnRequest | None:
        """The approved request whose refund is `refund_id` (None: the refund is no return's)."""
        stmt = select(ReturnRequest).where(
            ReturnRequest.refund_id == refund_id, ReturnRequest.status == APPROVED
        )
        return (await self.session.scalars(stmt)).first()

    async def latest(self, order_id: int) -> ReturnRequest | None:
        """The order's newest request, whatever became of it (None: she never asked)."""
        stmt = select(ReturnRequest).where(ReturnRequest.order_id == order_id)
        return (await self.session.scalars(stmt.order_by(ReturnRequest.id.desc()).limit(1))).first()

    async def reopen(self, request_id: int) -> None:
        """An approval whose refund the provider refused: the request is open again (its next
        decision's message owed afresh, if she was told of this one)."""
        await self.session.execute(
            update(ReturnRequest)
            .where(ReturnRequest.id == request_id, ReturnRequest.status == APPROVED)
            .values(
                status=REQUESTED,
                decided_by=None,
                decided_at=None,
                refund_id=None,
                approve_told_at=None,
            )
            .execution_options(synchronize_session=False)
        )

    async def set_refund(self, request_id: int, refund_id: int) -> None:
        """The refund an approval set aside, in the approval's own transaction."""
        await self.session.execute(
            update(ReturnRequest)
            .where(ReturnRequest.id == request_id)
            .values(refund_id=refund_id)
            .execution_options(synchronize_session=False)
        )

    async def delivered_at(self, order_id: int) -> datetime | None:
        """When the order became delivered (its newest move to `delivered`)."""
        stmt = (
            select(OrderEvent.created_at)
            .where(OrderEvent.order_id == order_id, OrderEvent.to_status == "delivered")
            .order_by(OrderEvent.id.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)
