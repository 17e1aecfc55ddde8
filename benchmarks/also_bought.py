""" "Often bought with this" at 100,000 products and 50,000 orders: the card's read of the kept
counts (product_pairs, migration 0038) against counting order lines at every view.

100,000 generated products (benchmarks/catalog_gen.py) seeded as `python -m bot seed` seeds
them (in-process); 50,000 orders of 1-5 products each (popular products far more often, as in
a shop: a product's id drawn as size x random()^3), seven in ten of them paid, shipped or
delivered, the rest cancelled, refunded or unpaid; product_pairs filled from them as
migration 0038 fills it. Then the top 3 of products drawn the same way (what shoppers open
most), read as the card reads them (a visit's reading unit of work, `catalog.also_bought`),
against the same answer counted from order_lines and orders in one statement, as a card would
have to without the table: once with order_lines as they are (no index by product), once with
one.

    python -m benchmarks.also_bought [--quick] [--no-postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    distinct,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import aliased

from benchmarks import catalog_gen
from benchmarks.search import catalog_databases
from bot.services import catalog
from bot.store.models import IN_STOCK, Order, OrderLine, Product
from bot.store.order_states import PAID_FOR
from bot.store.seed import seed_catalog
from bot.store.uow import Store

SIZES = {False: (100_000, 50_000, 300), True: (300, 150, 30)}  # products, orders, reads
# Of every 20 orders: 1 refunded, 1 unpaid, 4 cancelled, the other 14 paid for.
STATUSES = ("paid", "shipped", "delivered", "delivered", "cancelled")
# As migration 0038 fills the table from the orders already there.
BACKFILL = (
    "INSERT INTO product_pairs (product_id, other_id, orders)"
    " SELECT a.product_id, b.product_id, COUNT(DISTINCT a.order_id)"
    " FROM order_lines a"
    " JOIN order_lines b ON b.order_id = a.order_id AND b.product_id <> a.product_id"
    " JOIN orders o ON o.id = a.order_id"
    " WHERE o.status IN ('paid', 'shipped', 'delivered')"
    " GROUP BY a.product_id, b.product_id"
)


def _counted() -> Select[Any]:
    """The card's answer counted from the order lines: what each view would cost without
    product_pairs."""
    first, second = aliased(OrderLine), aliased(OrderLine)
    counts = (
        select(
            second.product_id.label("other_id"), func.count(distinct(second.order_id)).label("n")
        )
        .select_from(first)
        .join(
            second, and_(second.order_id == first.order_id, second.product_id != first.product_id)
        )
        .join(Order, Order.id == first.order_id)
        .where(first.product_id == bindparam("product_id"), Order.status.in_(sorted(PAID_FOR)))
        .group_by(second.product_id)
        .subquery()
    )
    return (
        select(Product.id, Product.title, Product.price, Product.currency)
        .join(counts, counts.c.other_id == Product.id)
        .where(Product.is_active.is_(True), IN_STOCK)
        .order_by(counts.c.n.desc(), Product.id)
        .limit(catalog.ALSO_BOUGHT_SHOWN)
    )


def _popular(size: int, rng: random.Random) -> int:
    """A product id, the first ones far more often (what shoppers buy and open most)."""
    return 1 + int(size * rng.random() ** 3)


async def _orders(store: Store, products: int, orders: int, rng: random.Random) -> int:
    """`orders` orders of 1-5 distinct products; the number of their lines."""
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(424242, first_name="Bench")
        customer_id = customer.id
    lines = 0
    batch = 5_000
    for start in range(0, orders, batch):
        count = min(batch, orders - start)
        rows = [
            {
                "customer_id": customer_id,
                "status": "refunded"
                if n % 20 == 0
                else "awaiting_payment"
                if n % 20 == 1
                else STATUSES[n % len(STATUSES)],
                "currency": "USD",
                "total": 1000,
            }
            for n in range(start, start + count)
        ]
        async with store.uow() as uow:
            ids = list(await uow.session.scalars(insert(Order).returning(Order.id), rows))
            order_lines = []
            for order_id in ids:
                chosen = {_popular(products, rng) for _ in range(rng.randint(1, 5))}
                order_lines += [
                    {
                        "order_id": order_id,
                        "product_id": product_id,
                        "sku": f"S{product_id}",
                        "title": "Item",
                        "unit_price": 1000,
                        "currency": "USD",
                        "quantity": 1,
                    }
                    for product_id in sorted(chosen)
                ]
            await uow.session.execute(insert(OrderLine), order_lines)
            lines += len(order_lines)
    async with store.engine.begin() as connection:
        await connection.execute(text("DELETE FROM product_pairs"))
        await connection.execute(text(BACKFILL))
        await connection.execute(text("ANALYZE"))
    return lines


async def _timed(reads: list[int], read: Callable[[int], Coroutine[Any, Any, Any]]) -> list[float]:
    await read(reads[0])  # warm up
    timings = []
    for product_id in reads:
        started = time.perf_counter()
        await read(product_id)
        timings.append(time.perf_counter() - started)
    return timings


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _fmt(values: list[float]) -> str:
    return f"p50 {statistics.median(values) * 1000:.2f} ms, p95 {_p95(values) * 1000:.2f} ms"


async def _bench(
    url: str, backend: str, catalog_file: Path, *, sizes: tuple[int, int, int]
) -> None:
    products, orders, reads = sizes
    store = Store.from_url(url)
    rng = random.Random(7)
    try:
        await store.migrate()
        await seed_catalog(store, catalog_file)
        lines = await _orders(store, products, orders, rng)
        async with store.reading() as uow:
            pairs = int(await uow.session.scalar(text("SELECT COUNT(*) FROM product_pairs")) or 0)
        sample = [_popular(products, rng) for _ in range(reads)]
        counted = _counted()

        async def kept(product_id: int) -> Any:
            async with store.reading(by_key=True) as uow:
                return await catalog.also_bought(uow, product_id)

        async def counting(product_id: int) -> Any:
            async with store.reading(by_key=True) as uow:
                return (await uow.session.execute(counted, {"product_id": product_id})).all()

        for product_id in sample[:20]:  # the same answer both ways
            shown = [item.id for item in await kept(product_id)]
            assert shown == [row[0] for row in await counting(product_id)], product_id
        read = await _timed(sample, kept)
        scanned = await _timed(sample, counting)
        async with store.engine.begin() as connection:
            await connection.execute(
                text("CREATE INDEX ix_bench_order_lines_product ON order_lines (product_id)")
            )
            await connection.execute(text("ANALYZE"))
        indexed = await _timed(sample, counting)
    finally:
        await store.close()
    print(
        f"  {backend:<10} often bought with this, {products:,} products, {orders:,} orders "
        f"({lines:,} lines, {pairs:,} pairs), {len(sample)} cards: card read {_fmt(read)}; "
        f"counting order lines {_fmt(scanned)} ({_p95(scanned) / _p95(read):.1f} x the read's "
        f"p95), with an index by product {_fmt(indexed)} ({_p95(indexed) / _p95(read):.1f} x)"
    )


async def run(quick: bool, postgres: bool) -> None:
    """With `quick` (the test suite's smoke test) a small shop, on SQLite only."""
    sizes = SIZES[quick]
    print(f"Often bought with this at {sizes[0]:,} products and {sizes[1]:,} orders:")

    async def bench(url: str, backend: str, catalog_file: Path) -> None:
        await _bench(url, backend, catalog_file, sizes=sizes)

    await catalog_databases(catalog_gen.generate(sizes[0]), postgres and not quick, bench)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.also_bought", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small shop, for CI")
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    asyncio.run(run(args.quick, args.postgres))
    return 0


if __name__ == "__main__":
    sys.exit(main())
