"""Shoppers' few words with their stars (on the rating's own row), and each product's count
of the reviews its card lists: a review an admin hid is not counted (her stars still are)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer
from bot.store.models import Customer, Product, ProductRating, utcnow


@dataclass(frozen=True, slots=True)
class OwnWords:
    """Her words for a product as they stand (None: none), and whether an admin hid them:
    what a change is decided on, and compared against when it is made."""

    words: str | None
    hidden: bool

    @property
    def listed(self) -> bool:
        """Does the product's card list (and count) them?"""
        return self.words is not None and not self.hidden


@dataclass(frozen=True, slots=True)
class Review:
    """One shopper's review as a page of them shows it (and as the admins hear of it)."""

    customer_id: int
    product_id: int
    first_name: str
    stars: int
    words: str
    written_at: datetime
    hidden: bool
    title: str  # the product's, as written
    translations: dict[str, Any] | None


# A listed review's place among its product's (newest first): when it was written, and, for
# two written at the same moment, the writer's id.
ReviewKey = tuple[datetime, int]


class ReviewRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def words_of(self, customer_id: int, product_id: int) -> OwnWords | None:
        """Her words for the product; None if she has not rated it (no row to hold them)."""
        row = (
            await self.session.execute(
                select(ProductRating.review, ProductRating.review_hidden).where(
                    ProductRating.customer_id == customer_id,
                    ProductRating.product_id == product_id,
                )
            )
        ).one_or_none()
        return None if row is None else OwnWords(row[0], bool(row[1]))

    async def write(
        self, customer_id: int, product_id: int, words: str | None, was: OwnWords
    ) -> bool:
        """Her `words` (None: take them away), `was` what she had: a compare-and-set, so a
        change decided on an older read is refused (False). A hidden review stays hidden
        when she changes it; the product's count moves with whether the card lists it."""
        now = utcnow()
        same_words = (
            ProductRating.review.is_(None)
            if was.words is None
            else ProductRating.review == was.words
        )
        moved = await self._write(
            update(ProductRating)
            .where(
                ProductRating.customer_id == customer_id,
                ProductRating.product_id == product_id,
                same_words,
                ProductRating.review_hidden == was.hidden,
            )
            .values(review=words, reviewed_at=now if words is not None else None)
        )
        if not moved:
            return False
        listed = words is not None and not was.hidden
        return await self._count(product_id, int(listed) - int(was.listed))

    async def hide(self, customer_id: int, product_id: int, hidden: bool) -> bool:
        """Hide her review from the card (or show it again); False if there is none, or it
        is so already (a doubled press)."""
        moved = await self._write(
            update(ProductRating)
            .where(
                ProductRating.customer_id == customer_id,
                ProductRating.product_id == product_id,
                ProductRating.review.is_not(None),
                ProductRating.review_hidden == (not hidden),
            )
            .values(review_hidden=hidden)
        )
        return moved and await self._count(product_id, -1 if hidden else 1)

    async def _count(self, product_id: int, change: int) -> bool:
        if not change:
            return True
        return await self._write(
            update(Product)
            .where(Product.id == product_id)
            .values(review_count=Product.review_count + change, updated_at=Product.updated_at)
        )

    async def review(self, customer_id: int, product_id: int) -> Review | None:
        """Her review of the product, hidden or not; None without words."""
        found = await self.session.execute(
            self._reviews().where(
                ProductRating.customer_id == customer_id,
                ProductRating.product_id == product_id,
                ProductRating.review.is_not(None),
            )
        )
        row = found.one_or_none()
        return None if row is None else Review(*row)

    async def written_at(self, product_id: int, customer_id: int) -> datetime | None:
        """When her review of the product the card lists was written (with her id, its place
        among them: a keyset page's anchor); None if the card does not list one of hers
        (none, taken away, or hidden)."""
        return await self.session.scalar(
            select(ProductRating.reviewed_at).where(
                ProductRating.customer_id == customer_id,
                ProductRating.product_id == product_id,
                ProductRating.review.is_not(None),
                ProductRating.review_hidden.is_(False),
            )
        )

    async def listed(
        self,
        product_id: int,
        limit: int,
        *,
        after: ReviewKey | None = None,
        before: ReviewKey | None = None,
    ) -> list[Review]:
        """The product's reviews its card lists, newest first: the `limit` newest, the
        `limit` right after the review at `after` (older than it) or right before `before`
        (newer than it). A keyset page: it starts in ix_product_ratings_reviews at the
        anchor's moment, so a deep page reads no review before it (an OFFSET read them all)."""
        newest_first = (ProductRating.reviewed_at.desc(), ProductRating.customer_id.desc())
        stmt = self._reviews().where(
            ProductRating.product_id == product_id,
            ProductRating.review_hidden.is_(False),
            ProductRating.reviewed_at.is_not(None),
        )
        if before is not None:
            at, by = before
            stmt = stmt.where(
                ProductRating.reviewed_at >= at,
                or_(ProductRating.reviewed_at > at, ProductRating.customer_id > by),
            ).order_by(ProductRating.reviewed_at, ProductRating.customer_id)
            found = [Review(*row) for row in await self.session.execute(stmt.limit(limit))]
            return found[::-1]
        if after is not None:
            at, by = after
            stmt = stmt.where(
                ProductRating.reviewed_at <= at,
                or_(ProductRating.reviewed_at < at, ProductRating.customer_id < by),
            )
        found = await self.session.execute(stmt.order_by(*newest_first).limit(limit))
        return [Review(*row) for row in found]

    @staticmethod
    def _reviews() -> Select[Any]:
        return (
            select(
                ProductRating.customer_id,
                ProductRating.product_id,
                Customer.first_name,
                ProductRating.stars,
                ProductRating.review,
                ProductRating.reviewed_at,
                ProductRating.review_hidden,
                Product.title,
                Product.translations,
            )
            .join(Customer, Customer.id == ProductRating.customer_id)
            .join(Product, Product.id == ProductRating.product_id)
        )
