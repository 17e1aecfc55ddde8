"""What the shop keeps about one shopper, read for her (📦 My data) and erased at her request
(🗑 Delete my data, /privacy). Orders and payments stay for the shop's accounts, without her
name and address; everything else about her goes. Never commits (bot.usecases.privacy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.store.db import rowcount
from bot.store.models import (
    AuditEntry,
    Cart,
    CartLine,
    ChatState,
    Customer,
    Favourite,
    Order,
    Payment,
    Product,
    ProductRating,
    ReopenWaiter,
    RestockSubscription,
    ReturnRequest,
    SupportMessage,
    SupportRelay,
    SupportThread,
)
from bot.store.repositories.customers import FORGOTTEN_NAME
from bot.store.repositories.ratings import rank


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # ------------------------------------------------------------------ reading

    async def cart_lines(self, customer_id: int) -> list[tuple[CartLine, Product]]:
        rows = await self.session.execute(
            select(CartLine, Product)
            .join(Cart, Cart.id == CartLine.cart_id)
            .join(Product, Product.id == CartLine.product_id)
            .where(Cart.customer_id == customer_id)
            .order_by(CartLine.id)
        )
        return [(line, product) for line, product in rows]

    async def cart(self, customer_id: int) -> Cart | None:
        return await self.session.scalar(select(Cart).where(Cart.customer_id == customer_id))

    async def saved(self, customer_id: int) -> list[tuple[Favourite, Product]]:
        rows = await self.session.execute(
            select(Favourite, Product)
            .join(Product, Product.id == Favourite.product_id)
            .where(Favourite.customer_id == customer_id)
            .order_by(Favourite.created_at, Favourite.product_id)
        )
        return [(saved, product) for saved, product in rows]

    async def ratings(self, customer_id: int) -> list[tuple[ProductRating, Product]]:
        rows = await self.session.execute(
            select(ProductRating, Product)
            .join(Product, Product.id == ProductRating.product_id)
            .where(ProductRating.customer_id == customer_id)
            .order_by(ProductRating.created_at, ProductRating.product_id)
        )
        return [(rating, product) for rating, product in rows]

    async def watched(self, customer_id: int) -> list[tuple[RestockSubscription, Product]]:
        rows = await self.session.execute(
            select(RestockSubscription, Product)
            .join(Product, Product.id == RestockSubscription.product_id)
            .where(RestockSubscription.customer_id == customer_id)
            .order_by(RestockSubscription.id)
        )
        return [(watch, product) for watch, product in rows]

    async def orders(self, customer_id: int) -> list[Order]:
        """Her orders with their lines, payments and history (not the admins' notes)."""
        stmt = (
            select(Order)
            .where(Order.customer_id == customer_id)
            .options(
                selectinload(Order.lines), selectinload(Order.payments), selectinload(Order.events)
            )
            .order_by(Order.id)
        )
        return list((await self.session.scalars(stmt)).all())

    async def support(self, customer_id: int) -> list[tuple[SupportThread, SupportMessage]]:
        rows = await self.session.execute(
            select(SupportThread, SupportMessage)
            .join(SupportMessage, SupportMessage.thread_id == SupportThread.id)
            .where(SupportThread.customer_id == customer_id)
            .order_by(SupportThread.id, SupportMessage.id)
        )
        return [(thread, message) for thread, message in rows]

    async def return_requests(self, customer_id: int) -> list[ReturnRequest]:
        stmt = (
            select(ReturnRequest)
            .join(Order, Order.id == ReturnRequest.order_id)
            .where(Order.customer_id == customer_id)
            .order_by(ReturnRequest.id)
        )
        return list((await self.session.scalars(stmt)).all())

    async def orders_needing_address(self, customer_id: int, statuses: list[str]) -> list[int]:
        """Her orders in `statuses` (paid, on their way): the address is still needed."""
        stmt = (
            select(Order.id)
            .where(Order.customer_id == customer_id, Order.status.in_(statuses))
            .order_by(Order.id)
        )
        return list((await self.session.scalars(stmt)).all())

    # ------------------------------------------------------------------ erasing

    async def erase(self, customer: Customer, now: datetime) -> dict[str, Any]:
        """Everything about her but her orders and payments deleted, those without her name
        and address, her row anonymised; what went, counted, for the audit row. The products'
        rating and review figures lose her stars and words in the same transaction."""
        customer_id, chat_id = customer.id, customer.telegram_id
        counts: dict[str, Any] = {}
        ratings = await self.session.execute(
            select(
                ProductRating.product_id,
                ProductRating.stars,
                ProductRating.review,
                ProductRating.review_hidden,
            ).where(ProductRating.customer_id == customer_id)
        )
        rated = list(ratings)
        for product_id, stars, review, hidden in rated:
            count = Product.rating_count - 1
            total = Product.rating_total - stars
            listed = review is not None and not hidden
            await self.session.execute(
                update(Product)
                .where(Product.id == product_id)
                .values(
                    rating_count=count,
                    rating_total=total,
                    rating_rank=rank(total, count),
                    review_count=Product.review_count - int(listed),
                    updated_at=Product.updated_at,
                )
                .execution_options(synchronize_session=False)
            )
        counts["ratings"] = len(rated)
        counts["reviews"] = sum(1 for row in rated if row[2] is not None)
        await self._delete(delete(ProductRating).where(ProductRating.customer_id == customer_id))
        carts = select(Cart.id).where(Cart.customer_id == customer_id).scalar_subquery()
        counts["cart_lines"] = await self._delete(delete(CartLine).where(CartLine.cart_id == carts))
        await self._delete(delete(Cart).where(Cart.customer_id == customer_id))
        counts["saved"] = await self._delete(
            delete(Favourite).where(Favourite.customer_id == customer_id)
        )
        await self._delete(
            delete(RestockSubscription).where(RestockSubscription.customer_id == customer_id)
        )
        await self._delete(delete(ReopenWaiter).where(ReopenWaiter.customer_id == customer_id))
        await self._delete(delete(ChatState).where(ChatState.chat_id == chat_id))
        threads = select(SupportThread.id).where(SupportThread.customer_id == customer_id)
        counts["support_messages"] = await self._delete(
            delete(SupportMessage).where(SupportMessage.thread_id.in_(threads))
        )
        await self._delete(delete(SupportRelay).where(SupportRelay.thread_id.in_(threads)))
        await self._delete(delete(SupportThread).where(SupportThread.customer_id == customer_id))
        orders = select(Order.id).where(Order.customer_id == customer_id)
        await self.session.execute(
            update(Order)
            .where(Order.customer_id == customer_id)
            .values(shipping_address=None, note=None, updated_at=Order.updated_at)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Payment)
            .where(Payment.order_id.in_(orders))
            .values(shipping_address=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(
                first_name=FORGOTTEN_NAME,
                username=None,
                language=None,
                language_code=None,
                cart_reminders=False,
                price_drop_alerts=False,
                morning_report=False,
                forgotten_at=now,
                blocked_reason=None,  # an admin's words about her; the block itself stays
                invite_code=None,  # her invitation links attribute nobody to her any more
            )
            .execution_options(synchronize_session=False)
        )
        await self._blank_block_reasons(chat_id)
        return counts

    async def _blank_block_reasons(self, telegram_id: int) -> None:
        """The reasons admins gave for blocking her (/block) leave the audit log's rows too:
        the rows stay (who blocked her, when), their `reason` blanked."""
        entries = await self.session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "customer.block",
                AuditEntry.target == f"customer:{telegram_id}",
            )
        )
        for entry in entries:
            if (entry.details or {}).get("reason") is not None:
                entry.details = {**(entry.details or {}), "reason": None}

    async def _delete(self, statement: Any) -> int:
        result = await self.session.execute(statement.execution_options(synchronize_session=False))
        return rowcount(result)
