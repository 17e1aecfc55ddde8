"""Shoppers waiting for a sold-out product to come back ("Notify me")."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore, rowcount
from bot.store.models import (
    Customer,
    Product,
    ProductVariant,
    RestockSubscription,
    utcnow,
    variant_label,
)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A subscription taken for telling: who waits, and for what (as it is now)."""

    subscription_id: int
    telegram_id: int
    product_id: int
    title: str  # the product's, as written: "Organic Tee"
    price: int
    currency: str
    variant_id: int = 0
    language: str | None = None  # the shopper's choice (/language)
    language_code: str | None = None  # their Telegram language
    translations: dict[str, Any] | None = None  # the product's title in other languages
    variant_label: str = ""  # "M / Oat" for a variant; it joins the title in the reader's words
    shut_out: bool = False  # the shop blocked her (/block): her turn is taken, nothing sent


class RestockRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def watch(self, customer_id: int, product_id: int, variant_id: int = 0) -> None:
        """Wait for the product (that variant of it); waiting already is fine (one row per
        shopper, product and variant)."""
        await self._write(
            insert_or_ignore(self.session, RestockSubscription).values(
                customer_id=customer_id,
                product_id=product_id,
                variant_id=variant_id,
                created_at=utcnow(),
            ),
            rows=None,
        )

    async def unwatch(self, customer_id: int, product_id: int, variant_id: int = 0) -> None:
        await self._write(
            delete(RestockSubscription).where(_one(customer_id, product_id, variant_id)),
            rows=None,
        )

    async def is_watching(self, customer_id: int, product_id: int, variant_id: int = 0) -> bool:
        found = await self.session.scalar(
            select(RestockSubscription.id).where(_one(customer_id, product_id, variant_id))
        )
        return found is not None

    async def take_back_in_stock(
        self,
        claim: str,
        *,
        now: datetime,
        until: datetime,
        limit: int,
        sets: Collection[int] = (),
    ) -> Sequence[Waiting]:
        """Take up to `limit` subscriptions whose product is on sale with units available and
        that nobody is telling now: one conditional UPDATE, so two workers never take the
        same one (on PostgreSQL the loser of a row re-checks the claim and skips it). `sets`:
        the sets whose parts make one now (their own stock is 0)."""
        available = or_(_AVAILABLE > 0, Product.id.in_(sorted(sets))) if sets else _AVAILABLE > 0
        free = or_(
            RestockSubscription.claimed_until.is_(None), RestockSubscription.claimed_until < now
        )
        due = (
            select(RestockSubscription.id)
            .join(Product, Product.id == RestockSubscription.product_id)
            .outerjoin(ProductVariant, _ITS_VARIANT)
            .where(free, Product.is_active.is_(True), available)
            .order_by(RestockSubscription.id)
            .limit(limit)
        )
        await self.session.execute(
            update(RestockSubscription)
            .where(RestockSubscription.id.in_(due.scalar_subquery()), free)
            .values(claim=claim, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        rows = await self.session.execute(
            select(
                RestockSubscription.id,
                Customer.telegram_id,
                Product.id,
                Product.title,
                func.coalesce(ProductVariant.price, Product.price),
                Product.currency,
                RestockSubscription.variant_id,
                ProductVariant.values,
                Customer.language,
                Customer.language_code,
                Product.translations,
                Customer.blocked_at,
            )
            .join(Customer, Customer.id == RestockSubscription.customer_id)
            .join(Product, Product.id == RestockSubscription.product_id)
            .outerjoin(ProductVariant, _ITS_VARIANT)
            .where(RestockSubscription.claim == claim)
            .order_by(RestockSubscription.id)
        )
        return [
            Waiting(
                subscription_id=row[0],
                telegram_id=row[1],
                product_id=row[2],
                title=row[3],
                price=row[4],
                currency=row[5],
                variant_id=row[6],
                language=row[8],
                language_code=row[9],
                translations=row[10],
                variant_label=variant_label(row[7]),
                shut_out=row[11] is not None,
            )
            for row in rows.all()
        ]

    async def drop(self, subscription_id: int, claim: str) -> bool:
        """The shopper was told (or cannot be): the subscription goes, if still ours."""
        result = await self.session.execute(
            delete(RestockSubscription).where(
                RestockSubscription.id == subscription_id, RestockSubscription.claim == claim
            )
        )
        return rowcount(result) == 1


def _one(customer_id: int, product_id: int, variant_id: int) -> ColumnElement[bool]:
    return and_(
        RestockSubscription.customer_id == customer_id,
        RestockSubscription.product_id == product_id,
        RestockSubscription.variant_id == variant_id,
    )


# A subscription waits for its variant when it names one, else for the product itself.
_ITS_VARIANT = and_(
    RestockSubscription.variant_id != 0,
    ProductVariant.id == RestockSubscription.variant_id,
    ProductVariant.product_id == RestockSubscription.product_id,
)
_AVAILABLE = case(
    (RestockSubscription.variant_id == 0, Product.stock - Product.reserved),
    else_=func.coalesce(ProductVariant.stock - ProductVariant.reserved, 0),
)
