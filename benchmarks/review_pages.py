"""A product with 50,000 reviews: its deepest page of them by OFFSET (as they were read
before keyset pages) and from the last review shown (`ReviewRepository.listed`, as ▶ Older
reads it now), on SQLite and PostgreSQL.

50,000 customers' ratings with words of one product, written in bulk, a second apart; then,
best of five, in-process: the first page, and the last (page 10,000, after 49,995 reviews)
both ways, each in a reading unit of work.

    python -m benchmarks.review_pages [--size N] [--no-postgres]
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks import catalog_gen
from benchmarks.search import catalog_databases, sized_main
from bot.services.reviews import REVIEWS_PER_PAGE
from bot.store.models import Customer, Product, ProductRating, utcnow
from bot.store.repositories.reviews import Review, ReviewRepository
from bot.store.seed import seed_catalog
from bot.store.uow import Store, UnitOfWork

TRIES = 5
BATCH = 5_000


async def _reviews(store: Store, size: int) -> int:
    """`size` reviews of the first product, a second apart, the newest now; its id."""
    now = utcnow()
    async with store.uow() as uow:
        product_id = int(await uow.session.scalar(select(Product.id).limit(1)) or 0)
        await uow.session.execute(
            insert(Customer),
            [{"telegram_id": 10_000 + n, "first_name": f"C{n}"} for n in range(size)],
        )
        customers = list(await uow.session.scalars(select(Customer.id).order_by(Customer.id)))
    for start in range(0, size, BATCH):
        async with store.uow() as uow:
            await uow.session.execute(
                insert(ProductRating),
                [
                    {
                        "customer_id": customers[n],
                        "product_id": product_id,
                        "stars": n % 5 + 1,
                        "review": f"Review {n}",
                        "reviewed_at": now - timedelta(seconds=size - n),
                    }
                    for n in range(start, min(start + BATCH, size))
                ],
            )
    return product_id


async def _best_of(store: Store, read: Callable[[UnitOfWork], Awaitable[list[Review]]]) -> float:
    timings = []
    for _ in range(TRIES + 1):  # the first warms up
        started = time.perf_counter()
        async with store.reading() as uow:
            assert len(await read(uow)) >= 1
        timings.append(time.perf_counter() - started)
    return min(timings[1:]) * 1000


async def _bench(url: str, backend: str, catalog_file: Path, *, size: int) -> None:
    store = Store.from_url(url)
    try:
        await store.migrate()
        await seed_catalog(store, catalog_file)
        product_id = await _reviews(store, size)
        deepest = (size - 1) // REVIEWS_PER_PAGE * REVIEWS_PER_PAGE
        async with store.reading() as uow:
            before_last = (await _by_offset(uow, product_id, deepest - 1, 1))[0]
        key = (before_last.written_at, before_last.customer_id)

        first = await _best_of(store, lambda uow: uow.reviews.listed(product_id, 6))
        by_offset = await _best_of(store, lambda uow: _by_offset(uow, product_id, deepest, 6))
        by_key = await _best_of(store, lambda uow: uow.reviews.listed(product_id, 6, after=key))
    finally:
        await store.close()
    print(
        f"  {backend:<10} first page {first:5.1f} ms; page {deepest // REVIEWS_PER_PAGE + 1:,}"
        f" by OFFSET {by_offset:6.1f} ms, from the last review shown {by_key:5.1f} ms"
    )


async def _by_offset(uow: UnitOfWork, product_id: int, offset: int, limit: int) -> list[Review]:
    """The page as it was read before keyset pages: every review before it skipped."""
    found = await uow.session.execute(
        ReviewRepository._reviews()
        .where(
            ProductRating.product_id == product_id,
            ProductRating.review_hidden.is_(False),
            ProductRating.reviewed_at.is_not(None),
        )
        .order_by(ProductRating.reviewed_at.desc(), ProductRating.customer_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [Review(*row) for row in found]


async def run(size: int, postgres: bool) -> None:
    print(f"A product with {size:,} reviews, its deepest page:")
    await catalog_databases(catalog_gen.generate(5), postgres, partial(_bench, size=size))


if __name__ == "__main__":
    raise SystemExit(sized_main("review_pages", __doc__, 50_000, run))
