"""Shoppers' stars for products they bought, and each product's count and sum of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, case, func, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer, insert_or_ignore
from bot.store.models import AVERAGE_STARS, RATED_ON_SALE, Product, ProductRating, utcnow

# A product's place in "★ Rating" (Product.rating_rank): its stars with PRIOR_RATINGS more of
# PRIOR_STARS each, so that few ratings say less than many; 0 while unrated (listed last).
PRIOR_STARS = 3
PRIOR_RATINGS = 2


def rank(total: ColumnElement[int], count: ColumnElement[int]) -> ColumnElement[int]:
    """The rank of a product whose `count` ratings sum to `total`, in SQL (whole numbers:
    the average x 100, rounded down)."""
    pulled = (total + PRIOR_STARS * PRIOR_RATINGS) * 100 // (count + PRIOR_RATINGS)
    return case((count > 0, pulled), else_=0)


@dataclass(frozen=True, slots=True)
class RatingFigures:
    """How many stars were given, and their sum: since a moment, and in all (for /stats)."""

    recent_count: int
    recent_total: int
    count: int
    total: int


@dataclass(frozen=True, slots=True)
class RatedProduct:
    """A product's stars, for /stats' best and worst rated."""

    sku: str
    title: str
    translations: dict[str, Any] | None
    count: int
    total: int


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

    async def figures(self, since: datetime) -> RatingFigures:
        """Every rating counted in one aggregate: those first given since `since`, and all."""
        recent = ProductRating.created_at >= since
        row = (
            await self.session.execute(
                select(
                    func.coalesce(func.sum(case((recent, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((recent, ProductRating.stars), else_=0)), 0),
                    func.count(),
                    func.coalesce(func.sum(ProductRating.stars), 0),
                )
            )
        ).one()
        return RatingFigures(*(int(n) for n in row))

    async def best_and_worst(self, limit: int) -> tuple[list[RatedProduct], list[RatedProduct]]:
        """The `limit` best- and worst-rated products on sale among those with RATED_ENOUGH
        ratings (ties: more ratings first, then SKU); one among the best is not repeated
        among the worst."""
        rows = (await self.session.execute(best_and_worst_rated(limit))).all()
        named = [RatedProduct(*row[:5]) for row in rows]
        ranked_best = [p for p, row in zip(named, rows, strict=True) if row.best]
        skus = {p.sku for p in ranked_best}
        ranked_worst = [p for p, row in zip(named, rows, strict=True) if not row.best]
        return ranked_best, [p for p in ranked_worst if p.sku not in skus][:limit]


def best_and_worst_rated(limit: int) -> CompoundSelect:
    """One statement of two top-`limit` reads (the worst twice as many: the best may be among
    them), each from an end of the index ix_products_rated (0029) that holds only products on
    sale with RATED_ENOUGH ratings: ranking every product took 250 ms at 100,000."""
    columns = (
        Product.sku,
        Product.title,
        Product.translations,
        Product.rating_count,
        Product.rating_total,
    )
    best = (
        select(*columns, literal(True).label("best"))
        .where(RATED_ON_SALE)
        .order_by(AVERAGE_STARS.desc(), Product.rating_count.desc(), Product.sku)
        .limit(limit)
    )
    worst = (
        select(*columns, literal(False).label("best"))
        .where(RATED_ON_SALE)
        .order_by(AVERAGE_STARS.asc(), Product.rating_count.desc(), Product.sku)
        .limit(2 * limit)
    )
    return union_all(select(best.subquery()), select(worst.subquery()))
