"""Deep pages of one big category in every order, with and without "In stock only".

100,000 generated products (benchmarks/catalog_gen.py) all in one category, seeded with
`python -m bot seed --file` on SQLite and PostgreSQL; page 400 in each order (as the bot
reads it: one reading unit of work, the count and the page), best of five, in-process. Then
the same without the in-stock indexes of migrations 0023 and 0027 and the rating order's
index of 0027, to see what they save.

    python -m benchmarks.sorted_pages [--size N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from sqlalchemy import inspect, text

from benchmarks import catalog_gen
from benchmarks.search import _seed_with_cli, catalog_databases
from bot.services import catalog
from bot.store.uow import Store

PAGE = 400
TRIES = 5


async def _page_times(store: Store, category_id: int) -> dict[str, float]:
    """Best of five, in ms, for page 400 in each order, all and in stock only."""
    best: dict[str, float] = {}
    for in_stock in (False, True):
        for order in catalog.CATEGORY_ORDERS:
            timings = []
            for _ in range(TRIES + 1):  # the first warms up
                started = time.perf_counter()
                async with store.reading() as uow:
                    page = await catalog.category_page(uow, category_id, PAGE, order, in_stock)
                timings.append(time.perf_counter() - started)
                assert page.page == PAGE and page.items, (order, in_stock)
            best[f"{order}{' in stock' if in_stock else ''}"] = min(timings[1:]) * 1000
    return best


# What the "without" figures go without (the other orders' own indexes stay, as before 0023).
DROPPED = ("ix_products_in_stock_", "ix_products_category_rating")


async def _drop_indexes(store: Store) -> None:
    async with store.engine.begin() as connection:
        names = await connection.run_sync(
            lambda sync: [index["name"] for index in inspect(sync).get_indexes("products")]
        )
        for name in names:
            if name and name.startswith(DROPPED):
                await connection.execute(text(f"DROP INDEX {name}"))
        await connection.execute(text("ANALYZE"))


async def _bench(url: str, backend: str, catalog_file: Path) -> None:
    _seed_with_cli(url, catalog_file)
    store = Store.from_url(url)
    try:
        async with store.reading() as uow:
            (category,) = await catalog.list_categories(uow)
        with_indexes = await _page_times(store, category.id)
        await _drop_indexes(store)
        without = await _page_times(store, category.id)
    finally:
        await store.close()
    for label, ms in with_indexes.items():
        print(f"  {backend:<10} page {PAGE} {label:<20} {without[label]:6.1f} -> {ms:5.1f} ms")


async def run(size: int, postgres: bool) -> None:
    rows = [row | {"category": "Kitchen"} for row in catalog_gen.generate(size)]
    print(
        f"Page {PAGE} of one {size:,}-product category, without -> with the indexes of 0023/0027:"
    )
    await catalog_databases(rows, postgres, _bench)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sorted_pages", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    asyncio.run(run(args.size, args.postgres))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
