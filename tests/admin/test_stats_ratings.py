"""/stats' stars: how many were given lately and in all, and the best- and worst-rated
products among those rated often enough, read in two aggregate queries (on SQLite and
PostgreSQL) however big the catalog."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection

from bot import i18n
from bot.services.reports import RATED_AT_LEAST, TopProduct, store_stats
from bot.store.catalog_file import parse_json, upsert_rows
from bot.store.models import Customer, Product, ProductRating, utcnow
from bot.store.uow import Store
from bot.texts.reports import top_product_lines
from bot.views.admin_catalog import shop_report
from tests.admin.test_big_catalog import products_made


def _product(n: int, title: str | None = None) -> dict[str, object]:
    return {
        "sku": f"P-{n:03d}",
        "title": title or f"Product {n}",
        "description": "",
        "category": "Kitchen",
        "price": "1.50",
        "currency": "USD",
        "stock": 1000 - n,  # the untitled ones are the lowest
        "photo": "",
        "active": n != 7,  # no longer sold: left out of best and worst
    }


STARS = {  # product number: the stars its shoppers gave, one shopper each
    1: [5, 5, 5],
    2: [5, 4, 4, 5],
    3: [5, 5],  # two ratings: too few to be named
    4: [1, 2, 1],
    5: [3, 3, 3],
    6: [4, 4, 4],
    7: [1, 1, 1],
    8: [2, 2, 2],
}


async def _rated_shop(store: Store, stars: dict[int, list[int]], title: str | None = None) -> None:
    """Thirty products (the first ten titled `title`, if given), rated as `stars` says; the
    first rating of all was given 40 days ago."""
    items = [_product(n, title if n <= 10 else None) for n in range(1, 31)]
    async with store.uow() as uow:
        await upsert_rows(uow, parse_json(json.dumps(items)))
    async with store.uow() as uow:
        for n, given in stars.items():
            product = await uow.products.get_by_sku(f"P-{n:03d}")
            assert product is not None
            for shopper, star in enumerate(given, 1):
                customer = await uow.customers.get_or_create(5000 + shopper)
                assert await uow.ratings.rate(customer.id, product.id, star, None)
    async with store.uow() as uow:
        await uow.session.execute(
            update(ProductRating)
            .where(
                ProductRating.product_id
                == select(Product.id).where(Product.sku == "P-001").scalar_subquery(),
                ProductRating.customer_id
                == select(Customer.id).where(Customer.telegram_id == 5001).scalar_subquery(),
            )
            .values(created_at=utcnow() - timedelta(days=40))
        )


async def test_the_report_names_the_best_and_worst_rated_products(store: Store) -> None:
    await _rated_shop(store, STARS)
    statements: list[str] = []

    def seen(conn: Connection, cursor: object, sql: str, *args: object) -> None:
        if "product_ratings" in sql or "rating_count >=" in sql:
            statements.append(sql)

    event.listen(store.engine.sync_engine, "before_cursor_execute", seen)
    try:
        with products_made() as made:
            async with store.reading() as uow:
                stats = await store_stats(uow, currency="USD", threshold=0)
    finally:
        event.remove(store.engine.sync_engine, "before_cursor_execute", seen)
    assert made == [] and len(statements) == 2  # two aggregates, no product loaded

    ratings = stats.ratings
    assert ratings is not None
    assert (ratings.figures.count, ratings.figures.total) == (24, 77)
    assert (ratings.figures.recent_count, ratings.figures.recent_total) == (23, 72)  # one is old
    assert [p.sku for p in ratings.best] == ["P-001", "P-002", "P-006"]
    assert [p.sku for p in ratings.worst] == ["P-004", "P-008", "P-005"]

    report = shop_report(stats)
    assert "Ratings: ★ 3.2 (24 ratings); 23 new in 30 days, average ★ 3.1" in report
    assert (
        "Best rated (of those with 3 ratings or more):\n"
        "• P-001 · Product 1: ★ 5.0 (3 ratings)\n"
        "• P-002 · Product 2: ★ 4.5 (4 ratings)\n"
        "• P-006 · Product 6: ★ 4.0 (3 ratings)\n"
        "Worst rated:\n"
        "• P-004 · Product 4: ★ 1.3 (3 ratings)\n"
        "• P-008 · Product 8: ★ 2.0 (3 ratings)\n"
        "• P-005 · Product 5: ★ 3.0 (3 ratings)"
    ) in report


async def test_a_product_among_the_best_is_not_named_among_the_worst_too(store: Store) -> None:
    await _rated_shop(store, {1: [5, 5, 5], 2: [4, 4, 4], 3: [2, 2, 2], 4: [1, 1, 1]})
    async with store.reading() as uow:
        stats = await store_stats(uow, currency="USD", threshold=0)
    assert stats.ratings is not None
    assert [p.sku for p in stats.ratings.best] == ["P-001", "P-002", "P-003"]
    assert [p.sku for p in stats.ratings.worst] == ["P-004"]


async def test_a_shop_rated_too_little_says_so_in_the_admins_language(store: Store) -> None:
    async with store.reading() as uow:
        stats = await store_stats(uow, currency="USD", threshold=0)
    assert "Ratings: none yet" in shop_report(stats)

    await _rated_shop(store, {1: [5, 4], 2: [3]})
    async with store.reading() as uow:
        stats = await store_stats(uow, currency="USD", threshold=0)
    report = shop_report(stats)
    assert f"(no product has {RATED_AT_LEAST} ratings yet)" in report
    assert "Best rated" not in report
    i18n.use("ru")
    try:
        russian = shop_report(stats)
    finally:
        i18n.use("en")
    assert "★ 4,0 (3 оценки)" in russian and "Ratings" not in russian


async def test_the_ratings_take_a_few_short_lines_beside_the_low_stock(store: Store) -> None:
    """Six rated products with the longest title a catalog allows, named shortened, beside
    the twenty low-stock lines: the report stays one message (4,096 characters)."""
    await _rated_shop(store, {n: [n % 5 + 1] * 3 for n in range(1, 9)}, title="T" * 128)
    async with store.reading() as uow:
        stats = await store_stats(uow, currency="USD", threshold=10_000)
    assert stats.ratings is not None and len(stats.ratings.best + stats.ratings.worst) == 6
    assert len(stats.low_stock) == 20
    report = shop_report(stats)
    assert "T" * 128 not in report and "• P-001 · " + "T" * 47 + "…: ★ 2.0 (3 ratings)" in report
    assert len(report) < 4096


def test_top_sellers_read_in_the_admins_plural() -> None:
    """One mug sold is "1 vendido" in Spanish, three are "3 vendidos"; Russian says продано."""
    tops = [TopProduct("MUG", "Mug", 1, 1600, "USD"), TopProduct("TEE", "Tee", 3, 7200, "USD")]
    i18n.use("es")
    try:
        spanish = top_product_lines(i18n.current(), tops)
        i18n.use("ru")
        russian = top_product_lines(i18n.current(), tops)
    finally:
        i18n.use("en")
    assert [line.split(": ")[1].split(",")[0] for line in spanish] == ["1 vendido", "3 vendidos"]
    assert [line.split(": ")[1].split(",")[0] for line in russian] == ["продано 1", "продано 3"]
