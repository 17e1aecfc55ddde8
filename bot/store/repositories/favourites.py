"""Products shoppers saved (♡ on a product's card) to find again under /saved."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import Favourite, Product, utcnow


class FavouriteRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def save(self, customer_id: int, product_id: int) -> None:
        """Save the product; saved already is fine (one row per shopper and product)."""
        await self._write(
            insert_or_ignore(self.session, Favourite).values(
                customer_id=customer_id, product_id=product_id, created_at=utcnow()
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
