"""Customers: the Telegram users who talk to the shop."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Customer, utcnow


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, customer_id: int) -> Customer | None:
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
        customer.first_name = first_name or customer.first_name
        customer.username = username or customer.username
        customer.language_code = language_code or customer.language_code
        customer.last_seen_at = utcnow()
        customer.blocked_bot = False  # they wrote to us, so they have not blocked the bot
        return customer

    async def mark_blocked(self, telegram_id: int, blocked: bool = True) -> None:
        await self.session.execute(
            update(Customer).where(Customer.telegram_id == telegram_id).values(blocked_bot=blocked)
        )

    async def list_reachable(self) -> Sequence[Customer]:
        """Customers who have not blocked the bot, for broadcasts."""
        stmt = select(Customer).where(Customer.blocked_bot.is_(False)).order_by(Customer.id)
        return (await self.session.scalars(stmt)).all()
