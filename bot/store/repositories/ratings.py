"""Shoppers' stars for products they bought, and each product's count and sum of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import Product, ProductRating, utcnow

# A product's place in "★ Rating" (Product.rating_rank): its stars with PRIOR_RATINGS more of
# PRIOR_STARS each, so that few ratings say less than many; 0 while unrated (listed last).
PRIOR_STARS = 3
PRIOR_RATINGS = 2


def rank(total: ColumnElement[int], count: ColumnElement[int]) -> ColumnElement[int]:
    """The rank of a product whose `count` ratings sum to `total`, in SQL (whole numbers:
    the average x 100, rounded down)."""
    pulled = (total + PRIOR_STARS * PRIOR_RATINGS) * 100 // (count + PRIOR_RATINGS)
    return case((count > 0, pulled), else_=0)


class RatingRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def stars_of(self, customer_id: int, product_ids: Sequence[int]) -> dict[int, int]:
        """Her stars for each of these products she has rated."""
        if not product_ids:
            return {}
        rows = await self.session.execute(
            select(ProductRating.product_id, ProductRating.stars).where(
                ProductRating.customer_id == customer_id,
                ProductRating.product_id.in_(product_ids),
            )
        )
        return {product_id: stars for product_id, stars in rows}

    async def rate(self, customer_id: int, product_id: int, stars: int, was: int | None) -> bool:
        """Her stars for the product, `was` what she gave before (None: never rated it): a
        compare-and-set, so a rating decided on an older read is refused (False). The
        product's count, sum and rank move with it; its `updated_at` does not (not a catalog
        edit)."""
        now = utcnow()
        if was is None:
            moved = await self._write(
                insert_or_ignore(self.session, ProductRating).values(
                    customer_id=customer_id,
                    product_id=product_id,
                    stars=stars,
                    created_at=now,
                    updated_at=now,
                )
            )
        else:
            moved = await self._write(
                update(ProductRating)
                .where(
                    ProductRating.customer_id == customer_id,
                    ProductRating.product_id == product_id,
                    ProductRating.stars == was,
                )
                .values(stars=stars, updated_at=now)
            )
        if not moved:
            return False
        count = Product.rating_count + (1 if was is None else 0)
        total = Product.rating_total + stars - (was or 0)
        return await self._write(
            update(Product)
            .where(Product.id == product_id)
            .values(
                rating_count=count,
                rating_total=total,
                rating_rank=rank(total, count),
                updated_at=Product.updated_at,
            )
        )
