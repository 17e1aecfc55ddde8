"""Shoppers' return requests: one open per order at most, decided once by an admin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.store.db import rowcount
from bot.store.models import OrderEvent, ReturnRequest

REQUESTED = "requested"
APPROVED = "approved"
DECLINED = "declined"


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
        return await self._stamp_once(request_id, APPROVED, ReturnRequest.restocked_at, at)

    async def take_decline_message(self, request_id: int, at: datetime) -> bool:
        """Take a declined request's message to the shopper for sending, once: False if it was
        taken before (by the decline itself, or by the job on another worker)."""
        return await self._stamp_once(request_id, DECLINED, ReturnRequest.decline_told_at, at)

    async def _stamp_once(
        self,
        request_id: int,
        status: str,
        stamp: InstrumentedAttribute[datetime | None],
        at: datetime,
    ) -> bool:
        """Set `stamp` of the request in `status` to `at` while it is empty, as a
        compare-and-set: True for the one call (of any worker) that set it."""
        result = await self.session.execute(
            update(ReturnRequest)
            .where(ReturnRequest.id == request_id, ReturnRequest.status == status, stamp.is_(None))
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

    async def latest(self, order_id: int) -> ReturnRequest | None:
        """The order's newest request, whatever became of it (None: she never asked)."""
        stmt = select(ReturnRequest).where(ReturnRequest.order_id == order_id)
        return (await self.session.scalars(stmt.order_by(ReturnRequest.id.desc()).limit(1))).first()

    async def reopen(self, request_id: int) -> None:
        """An approval whose refund the provider refused: the request is open again."""
        await self.session.execute(
            update(ReturnRequest)
            .where(ReturnRequest.id == request_id, ReturnRequest.status == APPROVED)
            .values(status=REQUESTED, decided_by=None, decided_at=None, refund_id=None)
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

    async def reopen_refunded_by(self, refund_id: int) -> int | None:
        """The approved request whose refund (`refund_id`) the provider refused when the job
        made it: open again, as after a refusal at the admin's press; its id (None: the
        refund was no return's)."""
        stmt = select(ReturnRequest.id).where(
            ReturnRequest.refund_id == refund_id, ReturnRequest.status == APPROVED
        )
        request_id = await self.session.scalar(stmt)
        if request_id is not None:
            await self.reopen(request_id)
        return request_id

    async def delivered_at(self, order_id: int) -> datetime | None:
        """When the order became delivered (its newest move to `delivered`)."""
        stmt = (
            select(OrderEvent.created_at)
            .where(OrderEvent.order_id == order_id, OrderEvent.to_status == "delivered")
            .order_by(OrderEvent.id.desc())
            .limit(1)
        )
        return await self.session.scalar(stmt)
