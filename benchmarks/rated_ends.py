"""/stats' best- and worst-rated products at 100,000 products, with and without the index.

100,000 generated products (benchmarks/catalog_gen.py) seeded with `python -m bot seed --file`
on SQLite and PostgreSQL; 40,000 of them given 200,000 ratings in all (3-7 each, 1 to 5 stars
a rating, written into the products' rating_count and rating_total as ratings keep them), a
few hidden. Then the 3 best- and 3 worst-rated products on sale among those with at least 3
ratings, as /stats reads them (one reading unit of work), best of five, in-process; then the
same without migration 0029's index ix_products_rated, to see what it saves.

    python -m benchmarks.rated_ends [--size N] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks import catalog_gen
from benchmarks.search import _seed_with_cli, catalog_databases
from bot.services.reports import RATED_SHOWN
from bot.store.uow import Store

TRIES = 5
# Two products in five rated 3-7 times (5 on average: 200,000 ratings at 100,000 products),
# their stars' total anything from 1 to 5 a rating; every 97th of them hidden (not on sale).
RATE = (
    "UPDATE products SET rating_count = 3 + id / 5 % 5,"
    " rating_total = 3 + id / 5 % 5 + id * 7919 % (4 * (3 + id / 5 % 5) + 1),"
    " is_active = (id % 97 <> 0) WHERE id % 5 < 2"
)


async def _best_of(store: Store) -> float:
    """Best of five, in ms, for /stats' best and worst."""
    timings = []
    for _ in range(TRIES + 1):  # the first warms up
        started = time.perf_counter()
        async with store.reading() as uow:
            best, worst = await uow.ratings.best_and_worst(RATED_SHOWN)
        timings.append(time.perf_counter() - started)
        assert len(best) == len(worst) == RATED_SHOWN
    return min(timings[1:]) * 1000


async def _bench(url: str, backend: str, catalog_file: Path) -> None:
    _seed_with_cli(url, catalog_file)
    store = Store.from_url(url)
    try:
        async with store.engine.begin() as connection:
            await connection.execute(text(RATE))
        async with store.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
        with_index = await _best_of(store)
        async with store.engine.begin() as connection:
            await connection.execute(text("DROP INDEX ix_products_rated"))
            await connection.execute(text("ANALYZE"))
        without = await _best_of(store)
    finally:
        await store.close()
    print(f"  {backend:<10} best and worst rated {without:6.1f} -> {with_index:5.1f} ms")


async def run(size: int, postgres: bool) -> None:
    print(f"/stats' best and worst rated of {size:,} products, without -> with 0029's index:")
    await catalog_databases(catalog_gen.generate(size), postgres, _bench)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rated_ends", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    asyncio.run(run(args.size, args.postgres))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
