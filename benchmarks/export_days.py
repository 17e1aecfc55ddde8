"""/export orders of a few days at 200,000 orders: what its first batch and the whole file
cost when from= is the shop's first day, a year ago, or yesterday.

The shop of benchmarks/paid_days.py (200,000 orders with one line each over two years, by
20,000 customers). Best of five, in-process, in a snapshot as the command reads: the first
batch of 250 orders (`order_chunks`) for from= on the first day, a year ago and yesterday,
and the whole CSV (`write_orders`) of yesterday and of one day a year ago (from= and until=).

    python -m benchmarks.export_days [--size N] [--no-postgres]
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from functools import partial
from pathlib import Path

from benchmarks import catalog_gen
from benchmarks.paid_days import DAYS, TRIES, best_of, shop_of_orders
from benchmarks.search import catalog_databases, sized_main
from bot.services.order_export import OrderDays, order_chunks, parse_export, write_orders
from bot.store.models import utcnow
from bot.store.uow import UnitOfWork


def _days(*args: str) -> OrderDays:
    days = parse_export(["orders", *args], UTC)
    assert days is not None
    return days


async def _first_batch(uow: UnitOfWork, days: OrderDays) -> int:
    async for chunk in order_chunks(uow, days):
        return len(chunk)
    return 0


async def _whole_file(uow: UnitOfWork, days: OrderDays) -> int:
    return (await write_orders(uow, io.BytesIO(), days, UTC)).orders


def _reads() -> dict[str, Callable[[UnitOfWork], Awaitable[int]]]:
    today = utcnow().date()
    first = (today - timedelta(days=DAYS)).isoformat()
    year_ago = (today - timedelta(days=365)).isoformat()
    yesterday = (today - timedelta(days=1)).isoformat()
    return {
        "first batch, from= the first day": partial(_first_batch, days=_days(f"from={first}")),
        "first batch, from= a year ago": partial(_first_batch, days=_days(f"from={year_ago}")),
        "first batch, from= yesterday": partial(_first_batch, days=_days(f"from={yesterday}")),
        "file of from= yesterday": partial(_whole_file, days=_days(f"from={yesterday}")),
        "file of one day a year ago": partial(
            _whole_file, days=_days(f"from={year_ago}", f"until={year_ago}")
        ),
    }


async def _bench(url: str, backend: str, catalog_file: Path, *, size: int) -> None:
    store = await shop_of_orders(url, catalog_file, size)
    try:
        reads = _reads()
        best = await best_of(reads, store.snapshot)
        for name, read in reads.items():
            async with store.snapshot() as uow:
                orders = await read(uow)
            print(f"  {backend:<10} {name:<34} {best[name]:8.1f} ms ({orders:,} orders)")
    finally:
        await store.close()


async def run(size: int, postgres: bool) -> None:
    print(f"/export orders at {size:,} orders (best of {TRIES}):")
    await catalog_databases(catalog_gen.generate(50), postgres, partial(_bench, size=size))


if __name__ == "__main__":
    raise SystemExit(sized_main("export_days", __doc__, 200_000, run))
