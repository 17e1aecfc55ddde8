"""The categories on sale by /sale and when each sale ends: the row the job that ends sales
takes (deletes) before it ends one, so of all workers exactly one does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Writer
from bot.store.models import Category, CategorySale, Product


@dataclass(frozen=True, slots=True)
class RunningSale:
    """A category's sale as /sale lists it."""

    category_id: int
    title: str
    translations: dict[str, str] | None
    percent: int
    ends_at: datetime | None


class CategorySaleRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def started(
        self, category_id: int, percent: int, ends_at: datetime | None, admin_id: int, at: datetime
    ) -> None:
        """The category's sale began (or began again: the latest start's end date holds),
        its products told when it ends. Plain statements, no read first: one that waits for
        the job ending the sale (PostgreSQL's row lock) finds the row gone and writes its
        own."""
        await self.session.execute(
            delete(CategorySale).where(CategorySale.category_id == category_id)
        )
        await self.session.execute(
            insert(CategorySale).values(
                category_id=category_id,
                percent=percent,
                ends_at=ends_at,
                started_by=admin_id,
                started_at=at,
            )
        )
        await self._dated(category_id, ends_at)

    async def of(self, category_id: int, *, lock: bool = False) -> CategorySale | None:
        """The category's running sale, if /sale started one; with `lock`, held (PostgreSQL)
        until the transaction ends, so the job that ends sales waits, then finds what this
        transaction left (its DELETE's `ends_at <= now` read again on the row written)."""
        stmt = select(CategorySale).where(CategorySale.category_id == category_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).one_or_none()

    async def ends(self, category_id: int, ends_at: datetime | None) -> bool:
        """The running sale of the category ends at `ends_at` now (None: when an admin ends
        it); False if it has no row (ended meanwhile)."""
        changed = await self._write(
            update(CategorySale)
            .where(CategorySale.category_id == category_id)
            .values(ends_at=ends_at),
            rows=1,
        )
        if changed:  # what the sale covers, not what joined the category since
            await self._dated(category_id, ends_at, joined=False)
        return changed

    async def _dated(
        self, category_id: int, ends_at: datetime | None, *, joined: bool = True
    ) -> None:
        """Each product the sale covers says when it ends on its own row (its card reads it
        with no statement of its own, and the sale's end gives back its products only): at
        a start, each product of the category (`joined`) and each that was when it began."""
        covered = Product.category_sale_of == category_id
        await self.session.execute(
            update(Product)
            .where(or_(Product.category_id == category_id, covered) if joined else covered)
            .values(category_sale_ends_at=ends_at, category_sale_of=category_id)
            .execution_options(synchronize_session=False)
        )

    async def undated(self, category_id: int) -> None:
        """The products of an ended sale no longer say when it ends: written after its
        prices went back, which go by what it covered (`category_sale_of`)."""
        await self.session.execute(
            update(Product)
            .where(Product.category_sale_of == category_id)
            .values(category_sale_ends_at=None, category_sale_of=None)
            .execution_options(synchronize_session=False)
        )

    async def ended(self, category_id: int) -> bool:
        """The category's sale ended (by hand): its row goes, so the job finds nothing; False
        if it had none (a sale from before migration 0040 back-filled none, or no sale)."""
        return await self._write(
            delete(CategorySale).where(CategorySale.category_id == category_id), rows=1
        )

    async def take_due(self, category_id: int, now: datetime) -> bool:
        """Take the category's sale to end it as planned: True for the one caller whose
        DELETE removed its row (ends_at passed), False for every other worker or run."""
        return await self._write(
            delete(CategorySale).where(
                CategorySale.category_id == category_id, CategorySale.ends_at <= now
            ),
            rows=1,
        )

    async def due(self, now: datetime) -> Sequence[int]:
        """The categories whose sale should have ended by `now` (an index read; usually none)."""
        found = await self.session.scalars(
            select(CategorySale.category_id)
            .where(CategorySale.ends_at <= now)
            .order_by(CategorySale.ends_at, CategorySale.category_id)
        )
        return list(found)

    async def running(self) -> list[RunningSale]:
        """Every category on sale by /sale, the soonest to end first (those without an end
        last), then by title."""
        rows = await self.session.execute(
            select(
                CategorySale.category_id,
                Category.title,
                Category.translations,
                CategorySale.percent,
                CategorySale.ends_at,
            )
            .join(Category, Category.id == CategorySale.category_id)
            .order_by(CategorySale.ends_at.is_(None), CategorySale.ends_at, Category.title)
        )
        return [RunningSale(*row) for row in rows]
