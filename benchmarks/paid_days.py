"""The reports that read orders by when they were paid, at 200,000 orders, with and without
migration 0054's index on orders.paid_at.

A shop two years old: 200,000 orders (one line each) written in bulk, one in ten never paid
(paid_at NULL), the rest paid evenly over 730 days up to now, by 20,000 customers, one order
in twenty with a promo code, all in USD. Then, best of five, in-process: /stats (its Today,
7 and 30 days, top products and top promo codes, the other currencies ever paid in:
`reports.store_stats`), the morning report's day
(`reports.day_stats` of yesterday) and the broadcast audience "bought in the last 90 days"
(`count_reachable`); then the same without ix_orders_paid_at, to see what it saves.

    python -m benchmarks.paid_days [--size N] [--no-postgres]
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import insert, select, text

from benchmarks import catalog_gen
from benchmarks.search import catalog_databases, sized_main
from bot.services import reports
from bot.store.models import Customer, Order, OrderLine, Product, utcnow
from bot.store.repositories.customers import BOUGHT_LATELY
from bot.store.seed import seed_catalog
from bot.store.uow import Store, UnitOfWork

TRIES = 5
DAYS = 730
CUSTOMERS = 20_000
BATCH = 5_000
STATUSES = ("paid", "shipped", "delivered", "delivered", "cancelled", "refunded")


async def _orders(store: Store, size: int) -> None:
    """`size` orders over the last DAYS days, and one line each, written in bulk."""
    now = utcnow()
    async with store.uow() as uow:
        product_ids = list(await uow.session.scalars(select(Product.id).limit(50)))
        await uow.session.execute(
            insert(Customer),
            [{"telegram_id": 10_000 + n, "first_name": f"C{n}"} for n in range(CUSTOMERS)],
        )
        customer_ids = list(await uow.session.scalars(select(Customer.id)))
    step = timedelta(days=DAYS) / size
    for start in range(0, size, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, size)):
            moment = now - timedelta(days=DAYS) + step * n
            paid = n % 10 != 0
            rows.append(
                {
                    "customer_id": customer_ids[n * 7919 % len(customer_ids)],
                    "status": STATUSES[n % len(STATUSES)] if paid else "awaiting_payment",
                    "currency": "USD",
                    "items_total": 2500,
                    "discount_total": 250 if n % 20 == 3 else 0,
                    "promo_code": f"CODE{n % 7}" if n % 20 == 3 else None,
                    "total": 2250 if n % 20 == 3 else 2500,
                    "created_at": moment,
                    "updated_at": moment,
                    "paid_at": moment + timedelta(minutes=3) if paid else None,
                }
            )
        async with store.uow() as uow:
            ids = list(await uow.session.scalars(insert(Order).returning(Order.id), rows))
            await uow.session.execute(
                insert(OrderLine),
                [
                    {
                        "order_id": order_id,
                        "product_id": product_ids[order_id % len(product_ids)],
                        "sku": f"S{order_id % len(product_ids)}",
                        "title": "Item",
                        "unit_price": 2500,
                        "currency": "USD",
                        "quantity": 1,
                    }
                    for order_id in ids
                ],
            )


def _reads(store: Store) -> Reads:
    now = utcnow()
    yesterday = (now - timedelta(days=1)).date()
    return {
        "/stats": lambda uow: reports.store_stats(uow, currency="USD", threshold=5, now=now),
        "morning report": lambda uow: reports.day_stats(
            uow, yesterday, currency="USD", threshold=5
        ),
        "bought lately": lambda uow: uow.customers.count_reachable(BOUGHT_LATELY, now=now),
    }


Reads = dict[str, Callable[[UnitOfWork], Awaitable[object]]]


async def best_of(reads: Reads, opening: Callable[[], UnitOfWork]) -> dict[str, float]:
    """Best of five, in ms, for each read, each in a unit of work `opening` gives."""
    best = {}
    for name, read in reads.items():
        timings = []
        for _ in range(TRIES + 1):  # the first warms up
            started = time.perf_counter()
            async with opening() as uow:
                await read(uow)
            timings.append(time.perf_counter() - started)
        best[name] = min(timings[1:]) * 1000
    return best


async def shop_of_orders(url: str, catalog_file: Path, size: int) -> Store:
    """A migrated store with the catalog and `size` orders (`_orders`), analysed."""
    store = Store.from_url(url)
    try:
        await store.migrate()
        await seed_catalog(store, catalog_file)
        await _orders(store, size)
        async with store.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    except BaseException:
        await store.close()
        raise
    return store


async def _bench(url: str, backend: str, catalog_file: Path, *, size: int) -> None:
    store = await shop_of_orders(url, catalog_file, size)
    try:
        with_index = await best_of(_reads(store), store.reading)
        async with store.engine.begin() as connection:
            await connection.execute(text("DROP INDEX ix_orders_paid_at"))
            await connection.execute(text("ANALYZE"))
        without = await best_of(_reads(store), store.reading)
    finally:
        await store.close()
    for name in with_index:
        print(f"  {backend:<10} {name:<15} {without[name]:7.1f} -> {with_index[name]:6.1f} ms")


async def run(size: int, postgres: bool) -> None:
    print(f"Reports by paid_at at {size:,} orders, without -> with 0054's index:")
    await catalog_databases(catalog_gen.generate(50), postgres, partial(_bench, size=size))


if __name__ == "__main__":
    raise SystemExit(sized_main("paid_days", __doc__, 200_000, run))
