"""Customers: the Telegram users who talk to the shop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer
from bot.store.models import ChatState, Customer, utcnow

SEEN_RESOLUTION = timedelta(hours=1)
"""`last_seen_at` is kept to this precision, so an ordinary update writes nothing."""

_WITH_CHAT = (  # built once: it starts every visit
    select(Customer, ChatState)
    .outerjoin(ChatState, ChatState.chat_id == bindparam("chat_id"))
    .where(Customer.telegram_id == bindparam("telegram_id"))
)


class CustomerRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def get_by_id(self, customer_id: int) -> Customer | None:
        return await self.session.get(Customer, customer_id)

    async def get_by_telegram_id(self, telegram_id: int) -> Customer | None:
        return await self.session.scalar(
            select(Customer).where(Customer.telegram_id == telegram_id)
        )

    async def get_or_create(
        self,
        telegram_id: int,
        *,
        first_name: str = "",
        username: str | None = None,
        language_code: str | None = None,
    ) -> Customer:
        """The customer for this Telegram user, created on first contact and refreshed after."""
        customer = await self.get_by_telegram_id(telegram_id)
        if customer is None:
            customer = Customer(
                telegram_id=telegram_id,
                first_name=first_name,
                username=username,
                language_code=language_code,
            )
            self.session.add(customer)
            await self.session.flush()
            return customer
        refresh(customer, first_name=first_name, username=username, language_code=language_code)
        return customer

    async def with_chat(
        self, telegram_id: int, chat_id: int
    ) -> tuple[Customer | None, ChatState | None]:
        """The customer and their chat's saved state, in one query (the start of every visit)."""
        found = await self.session.execute(
            _WITH_CHAT, {"telegram_id": telegram_id, "chat_id": chat_id}
        )
        row = found.first()
        if row is None:
            return None, await self.session.get(ChatState, chat_id)
        return row[0], row[1]

    async def mark_blocked(self, telegram_id: int, blocked: bool = True) -> None:
        await self.session.execute(
            update(Customer).where(Customer.telegram_id == telegram_id).values(blocked_bot=blocked)
        )

    async def set_language(self, customer_id: int, language: str | None) -> None:
        """The shopper's choice of language (/language); None: follow Telegram's."""
        await self._write(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(language=language)
            .execution_options(synchronize_session=False),
            rows=None,
        )

    async def set_cart_reminders(self, customer_id: int, on: bool) -> None:
        """The shopper's choice about cart reminders (/settings, or the reminder's button)."""
        await self._write(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(cart_reminders=on)
            .execution_options(synchronize_session=False),
            rows=None,
        )

    async def list_reachable(self) -> Sequence[Customer]:
        """Customers who have not blocked the bot, for broadcasts."""
        stmt = select(Customer).where(Customer.blocked_bot.is_(False)).order_by(Customer.id)
        return (await self.session.scalars(stmt)).all()


def refresh(
    customer: Customer,
    *,
    first_name: str = "",
    username: str | None = None,
    language_code: str | None = None,
) -> bool:
    """Take in what Telegram says about the customer now; True if anything is to be written.

    They wrote to us, so they have not blocked the bot; `last_seen_at` moves by the hour.
    """
    changes: dict[str, object] = {}
    if first_name and first_name != customer.first_name:
        changes["first_name"] = first_name
    if username and username != customer.username:
        changes["username"] = username
    if language_code and language_code != customer.language_code:
        changes["language_code"] = language_code
    if customer.blocked_bot:
        changes["blocked_bot"] = False
    now = utcnow()
    if now - customer.last_seen_at >= SEEN_RESOLUTION:
        changes["last_seen_at"] = now
    for name, value in changes.items():
        setattr(customer, name, value)
    return bool(changes)
