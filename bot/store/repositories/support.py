"""Support threads, their messages in order, and the admins' copies of questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.store.db import rowcount
from bot.store.models import SupportMessage, SupportRelay, SupportThread

OPEN = "open"
CLOSED = "closed"
WAITING = "waiting"
WITHHELD = "withheld"  # a question of one the shop blocked (/block): never relayed
QUESTION = "question"


class SupportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def thread(self, thread_id: int) -> SupportThread | None:
        """The thread with its customer loaded."""
        return await self.session.scalar(
            select(SupportThread)
            .where(SupportThread.id == thread_id)
            .options(selectinload(SupportThread.customer))
        )

    async def open_thread_of(self, customer_id: int) -> SupportThread | None:
        return await self.session.scalar(
            select(SupportThread)
            .where(SupportThread.customer_id == customer_id, SupportThread.status == OPEN)
            .order_by(SupportThread.id.desc())
            .limit(1)
        )

    async def add_thread(self, customer_id: int, order_id: int | None) -> SupportThread:
        thread = SupportThread(customer_id=customer_id, order_id=order_id, status=OPEN)
        self.session.add(thread)
        await self.session.flush()
        return thread

    async def add_message(
        self,
        thread_id: int,
        kind: str,
        *,
        author: int | None = None,
        text: str | None = None,
        photo: str | None = None,
    ) -> SupportMessage:
        message = SupportMessage(
            thread_id=thread_id,
            kind=kind,
            author_telegram_id=author,
            text=text,
            photo_file_id=photo,
            delivery=WAITING,
        )
        self.session.add(message)
        await self.session.flush()
        return message

    async def close(self, thread_id: int, *, actor: str, now: datetime) -> bool:
        """Open -> closed, once: False if it was closed already (compare-and-set)."""
        result = await self.session.execute(
            update(SupportThread)
            .where(SupportThread.id == thread_id, SupportThread.status == OPEN)
            .values(status=CLOSED, closed_at=now, closed_by=actor)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    # -- sending: one worker at a time sends a thread's waiting messages, oldest first --

    async def take_sending(
        self, thread_id: int, claim: str, *, now: datetime, until: datetime
    ) -> bool:
        """Become the thread's sender until `until`, unless another one is (compare-and-set)."""
        result = await self.session.execute(
            update(SupportThread)
            .where(
                SupportThread.id == thread_id,
                or_(SupportThread.sending_until.is_(None), SupportThread.sending_until < now),
            )
            .values(sending_claim=claim, sending_until=until)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def keep_sending(self, thread_id: int, claim: str, *, until: datetime) -> bool:
        """Stay the thread's sender until `until`; False if another has taken over."""
        result = await self.session.execute(
            update(SupportThread)
            .where(SupportThread.id == thread_id, SupportThread.sending_claim == claim)
            .values(sending_until=until)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def let_go_sending(self, thread_id: int, claim: str) -> None:
        await self.session.execute(
            update(SupportThread)
            .where(SupportThread.id == thread_id, SupportThread.sending_claim == claim)
            .values(sending_claim=None, sending_until=None)
            .execution_options(synchronize_session=False)
        )

    async def waiting(self, thread_id: int) -> Sequence[SupportMessage]:
        """The thread's messages not sent yet, in the order they were written."""
        found = await self.session.scalars(
            select(SupportMessage)
            .where(SupportMessage.thread_id == thread_id, SupportMessage.delivery == WAITING)
            .order_by(SupportMessage.id)
        )
        return found.all()

    async def withhold_questions(self, customer_id: int) -> int:
        """Her questions still waiting to be relayed are withheld, never to reach the admins
        (she was blocked before they went out); how many. Conditional on `waiting`, so a
        question sent meanwhile stays sent and a relay's later mark cannot undo this."""
        threads = select(SupportThread.id).where(SupportThread.customer_id == customer_id)
        result = await self.session.execute(
            update(SupportMessage)
            .where(
                SupportMessage.thread_id.in_(threads),
                SupportMessage.kind == QUESTION,
                SupportMessage.delivery == WAITING,
            )
            .values(delivery=WITHHELD)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def message(self, message_id: int) -> SupportMessage | None:
        return await self.session.get(SupportMessage, message_id, populate_existing=True)

    async def mark_delivered(self, message_id: int, delivery: str, now: datetime) -> None:
        await self.session.execute(
            update(SupportMessage)
            .where(SupportMessage.id == message_id, SupportMessage.delivery == WAITING)
            .values(delivery=delivery, delivered_at=now)
            .execution_options(synchronize_session=False)
        )

    async def stalled_threads(self, *, written_before: datetime, now: datetime) -> list[int]:
        """Threads with a message waiting since before `written_before` and nobody sending
        them: their sender crashed, or a send failed before it was made."""
        stalled = exists(
            select(SupportMessage.id).where(
                SupportMessage.thread_id == SupportThread.id,
                SupportMessage.delivery == WAITING,
                SupportMessage.created_at < written_before,
            )
        )
        found = await self.session.scalars(
            select(SupportThread.id)
            .where(
                stalled,
                or_(SupportThread.sending_until.is_(None), SupportThread.sending_until < now),
            )
            .order_by(SupportThread.id)
        )
        return list(found.all())

    # -- the admins' copies --

    async def add_relays(self, thread_id: int, copies: Sequence[tuple[int, int]]) -> None:
        """Remember each (admin chat, message id) a question went out as."""
        self.session.add_all(
            SupportRelay(admin_chat_id=chat_id, message_id=message_id, thread_id=thread_id)
            for chat_id, message_id in copies
        )
        await self.session.flush()

    async def thread_of_copy(self, admin_chat_id: int, message_id: int) -> int | None:
        """The thread whose question this admin's message is a copy of."""
        return await self.session.scalar(
            select(SupportRelay.thread_id).where(
                SupportRelay.admin_chat_id == admin_chat_id, SupportRelay.message_id == message_id
            )
        )
