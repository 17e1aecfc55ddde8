"""Products shoppers saved (♡ on a product's card) to find again under /saved."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnExpressionArgument,
    ScalarSelect,
    Select,
    delete,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import IN_STOCK, Customer, Favourite, Product, ProductVariant, utcnow


@dataclass(frozen=True, slots=True)
class PriceDrop:
    """A saved product that got cheaper, taken for telling: who saved it, and its prices."""

    telegram_id: int
    product_id: int
    title: str  # the product's, as written
    price: int  # now
    was: int  # the price she saw or was told of before
    currency: str
    language: str | None = None  # the shopper's choice (/language)
    language_code: str | None = None  # their Telegram language
    translations: dict[str, Any] | None = None  # the product's title in other languages


class FavouriteRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def save(self, customer_id: int, product_id: int) -> None:
        """Save the product; saved already is fine (one row per shopper and product)."""
        await self._write(
            insert_or_ignore(self.session, Favourite).values(
                customer_id=customer_id,
                product_id=product_id,
                created_at=utcnow(),
                notified_price=_price_now(product_id),
                notified_currency=_currency_of(product_id),
            ),
            rows=None,
        )

    async def drop(self, customer_id: int, product_id: int) -> None:
        await self._write(
            delete(Favourite).where(
                Favourite.customer_id == customer_id, Favourite.product_id == product_id
            ),
            rows=None,
        )

    async def count(self, customer_id: int, *, on_sale: bool = False) -> int:
        """How many she has saved (`on_sale`: only those the shop sells now)."""
        stmt = (
            select(func.count()).select_from(Favourite).where(Favourite.customer_id == customer_id)
        )
        if on_sale:
            stmt = stmt.join(Product, Product.id == Favourite.product_id).where(Product.is_active)
        return int(await self.session.scalar(stmt) or 0)

    async def page_ids(self, customer_id: int, *, offset: int, limit: int) -> list[int]:
        """Her saved products on sale, the last saved first."""
        found = await self.session.scalars(
            select(Favourite.product_id)
            .join(Product, Product.id == Favourite.product_id)
            .where(Favourite.customer_id == customer_id, Product.is_active)
            .order_by(Favourite.created_at.desc(), Favourite.product_id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list(found)

    async def take_price_drops(
        self, *, limit: int, sets: Collection[int] = ()
    ) -> tuple[int, Sequence[PriceDrop]]:
        """Take up to `limit` saved products priced below what their shopper last saw, in
        the same currency: one conditional UPDATE moves her price down to today's (so two
        workers never take the same drop, and a drop is taken once however the price moves
        after). Returned are those to tell: the product on sale with units available, the
        shopper not blocked and not opted out; the others are taken quietly, never told.
        `sets`: the sets whose parts make one now (bot.services.bundles.sets_in_stock: their
        own stock is 0)."""
        taken = await self.session.execute(
            update(Favourite)
            .where(
                tuple_(Favourite.customer_id, Favourite.product_id).in_(due_price_drops(limit)),
                Favourite.notified_price > _price_now(Favourite.product_id),
            )
            .values(
                price_was=Favourite.notified_price,
                notified_price=_price_now(Favourite.product_id),
            )
            .returning(Favourite.customer_id, Favourite.product_id)
            .execution_options(synchronize_session=False)
        )
        keys = [tuple(row) for row in taken.all()]
        if not keys:
            return 0, []
        rows = await self.session.execute(
            select(
                Customer.telegram_id,
                Product.id,
                Product.title,
                Favourite.notified_price,
                Favourite.price_was,
                Product.currency,
                Customer.language,
                Customer.language_code,
                Product.translations,
            )
            .join(Customer, Customer.id == Favourite.customer_id)
            .join(Product, Product.id == Favourite.product_id)
            .where(
                tuple_(Favourite.customer_id, Favourite.product_id).in_(keys),
                Customer.price_drop_alerts.is_(True),
                Customer.blocked_bot.is_(False),
                Customer.blocked_at.is_(None),  # the shop blocked her (/block): not told
                Product.is_active.is_(True),
                # What a list calls in stock (a variant of it, for one sold so; a set, its parts).
                or_(IN_STOCK, Product.id.in_(sorted(sets))) if sets else IN_STOCK,
            )
            .order_by(Favourite.customer_id, Favourite.product_id)
        )
        return len(keys), [
            PriceDrop(
                telegram_id=row[0],
                product_id=row[1],
                title=row[2],
                price=row[3],
                was=row[4],
                currency=row[5],
                language=row[6],
                language_code=row[7],
                translations=row[8],
            )
            for row in rows.all()
        ]


def due_price_drops(limit: int) -> Select[int, int]:
    """Saved products (shopper, product) priced below what she last saw, in its currency:
    read product by product from ix_favourites_price_drops (a seek for the rows above its
    price now), not by scanning every saved row. `+ 0` keeps SQLite from reading the
    products by key from each saved row instead."""
    return (
        select(Favourite.customer_id, Favourite.product_id)
        .select_from(Product)
        .join(Favourite, Favourite.product_id == Product.id + 0)
        .where(
            Favourite.notified_currency == Product.currency,
            Favourite.notified_price > _price_now(Product.id),
        )
        .limit(limit)
    )


_Priced = aliased(Product)
_Variant = aliased(ProductVariant)


def _price_now(product_id: ColumnExpressionArgument[int] | int) -> ScalarSelect[int]:
    """The price a saved product is told at: its own, or for one sold as variants the
    lowest of theirs (a variant without a price of its own has the product's)."""
    return (
        select(func.min(func.coalesce(_Variant.price, _Priced.price)))
        .select_from(_Priced)
        .outerjoin(_Variant, _Variant.product_id == _Priced.id)
        .where(_Priced.id == product_id)
        .scalar_subquery()
    )


def _currency_of(product_id: int) -> ScalarSelect[str]:
    return select(_Priced.currency).where(_Priced.id == product_id).scalar_subquery()
