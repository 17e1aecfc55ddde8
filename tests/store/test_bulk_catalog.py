"""Big catalog files load in batches, still all or nothing; the search index and the category
counts follow every change; migration 0008 builds both for a shop that already has products.
Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Boolean, Connection, bindparam, delete, func, select, text

from benchmarks.catalog_gen import generate
from bot.services import admin_catalog, catalog
from bot.store.catalog_file import IMPORT_CHUNK, CatalogError
from bot.store.migrate import alembic_config
from bot.store.models import Category, Product
from bot.store.seed import seed_catalog
from bot.store.uow import Store
from tests.conftest import add_product

ADMIN = 9001


def _write(tmp_path: Path, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    return path


async def _product_count(store: Store) -> int:
    async with store.uow() as uow:
        return int(await uow.session.scalar(select(func.count(Product.id))) or 0)


async def _counts_are_true(store: Store) -> dict[str, int]:
    """The kept counts per category, checked against counting the products."""
    async with store.uow() as uow:
        listed = {c.title: c.product_count for c in await catalog.list_categories(uow)}
        counted = await uow.session.execute(
            select(Category.title, func.count(Product.id))
            .join(Product)
            .where(Product.is_active.is_(True))
            .group_by(Category.title)
        )
        assert listed == {title: count for title, count in counted}
        return listed


async def _titles(store: Store, query: str) -> list[str]:
    async with store.reading() as uow:
        return [item.title for item in (await catalog.search(uow, query)).items]


async def test_a_big_file_loads_in_batches_and_is_found_and_counted(
    store: Store, tmp_path: Path
) -> None:
    rows = generate(2 * IMPORT_CHUNK + 500)
    report = await seed_catalog(store, _write(tmp_path, rows))
    assert len(report.created) == len(rows) == await _product_count(store)
    assert sum((await _counts_are_true(store)).values()) == len(rows)
    last = rows[-1]
    assert last["title"] in await _titles(store, last["title"])

    again = await seed_catalog(store, _write(tmp_path, rows))
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], len(rows))

    # A second file renames one product, reprices many and hides one.
    for row in rows[: IMPORT_CHUNK + 1]:
        row["price"] = "1.00"
    rows[-1] = {**last, "title": "Quillmoor Walnut Ink Stand"}
    rows[0] = {**rows[0], "active": False}
    changed = await seed_catalog(store, _write(tmp_path, rows))
    assert len(changed.updated) == IMPORT_CHUNK + 2
    assert await _titles(store, "quillmor ink stand") == ["Quillmoor Walnut Ink Stand"]
    assert rows[0]["title"] not in await _titles(store, rows[0]["title"])
    assert sum((await _counts_are_true(store)).values()) == len(rows) - 1


async def test_a_bad_row_deep_in_a_big_file_writes_nothing(store: Store, tmp_path: Path) -> None:
    rows = generate(2 * IMPORT_CHUNK + 500)
    rows[2 * IMPORT_CHUNK]["price"] = "a lot"
    with pytest.raises(CatalogError, match=rf"line {2 * IMPORT_CHUNK + 1} \(.*\), price"):
        await seed_catalog(store, _write(tmp_path, rows))
    assert await _product_count(store) == 0
    assert await _titles(store, "kettle") == []

    rows[2 * IMPORT_CHUNK]["price"] = "12.00"  # the admin fixes it and seeds again
    report = await seed_catalog(store, _write(tmp_path, rows))
    assert len(report.created) == len(rows) == await _product_count(store)


async def test_a_file_mixing_new_and_known_products_and_late_categories_loads_whole(
    store: Store, tmp_path: Path
) -> None:
    rows = generate(2 * IMPORT_CHUNK + 500)
    await seed_catalog(store, _write(tmp_path, rows[IMPORT_CHUNK + 500 :]))
    start = IMPORT_CHUNK + 200  # new products, after a first chunk of new ones went in
    late = [{**row, "category": "Haberdashery"} for row in rows[start : start + 100]]
    rows[start : start + 100] = late  # a category first seen mid-file
    rows[-1] = {**rows[-1], "price": "1.00"}
    report = await seed_catalog(store, _write(tmp_path, rows))
    assert len(report.created) == IMPORT_CHUNK + 500
    assert report.updated == [rows[-1]["sku"]]
    assert len(rows) == await _product_count(store)
    counts = await _counts_are_true(store)
    assert counts["Haberdashery"] == 100
    assert sum(counts.values()) == len(rows)
    assert late[0]["title"] in await _titles(store, late[0]["title"])


async def test_a_new_sku_that_a_variant_has_refuses_the_file_after_rows_went_in(
    store: Store, tmp_path: Path
) -> None:
    rows = generate(2 * IMPORT_CHUNK)
    tee = {
        **{key: value for key, value in rows[0].items() if key != "stock"},
        "sku": "TEE",
        "options": {"Size": ["M"]},
        "variants": [{"sku": "TEE-M", "values": {"Size": "M"}, "stock": 3}],
    }
    await seed_catalog(store, _write(tmp_path, [tee]))
    rows[-1] = {**rows[-1], "sku": "TEE-M"}  # its chunk comes after two went to the database
    line = rf"line {len(rows)} \(TEE-M\), sku: SKU already used by a variant"
    with pytest.raises(CatalogError, match=line):
        await seed_catalog(store, _write(tmp_path, rows))
    assert await _product_count(store) == 1


async def test_stock_below_what_invoices_hold_refuses_the_whole_file(
    store: Store, tmp_path: Path
) -> None:
    rows = generate(IMPORT_CHUNK + 10)
    await seed_catalog(store, _write(tmp_path, rows[:10]))
    async with store.uow() as uow:
        held = await uow.products.get_by_sku(rows[5]["sku"])
        assert held is not None
        assert await uow.products.reserve(held.id, 2)
    rows[5] = {**rows[5], "stock": 1}  # a thousand new products come with it
    with pytest.raises(CatalogError, match=rf"line 6 \({rows[5]['sku']}\), stock: below the 2"):
        await seed_catalog(store, _write(tmp_path, rows))
    assert await _product_count(store) == 10


async def test_category_counts_follow_hiding_moving_and_deleting(store: Store) -> None:
    mug = await add_product(store, "MUG", title="Mug")
    await add_product(store, "CUP", title="Cup")
    assert await _counts_are_true(store) == {"Kitchen": 2}
    async with store.uow() as uow:
        await admin_catalog.set_visibility(uow, "MUG", False, actor=ADMIN)
    assert await _counts_are_true(store) == {"Kitchen": 1}
    async with store.uow() as uow:
        await admin_catalog.set_visibility(uow, "MUG", True, actor=ADMIN)
        await admin_catalog.edit_product(uow, "CUP", "category", "Tableware", actor=ADMIN)
    assert await _counts_are_true(store) == {"Kitchen": 1, "Tableware": 1}
    async with store.uow() as uow:
        await uow.session.execute(delete(Product).where(Product.id == mug))
    assert await _counts_are_true(store) == {"Tableware": 1}


async def test_products_added_in_bulk_read_back_as_the_orm_writes_them(store: Store) -> None:
    """`add_many` (COPY on PostgreSQL, multi-row INSERTs on SQLite) stores what an ORM add
    stores: the columns' defaults, JSON as JSON, and the index and counts kept by triggers."""
    async with store.uow() as uow:
        tableware = (await uow.categories.ensure({"tableware": "Tableware"}))["tableware"]
        given = {"category_id": tableware, "price": 1250, "currency": "USD", "stock": 4}
        uow.session.add(Product(sku="ORM-1", title="Glazed Teapot", description="blue", **given))
        await uow.session.flush()
        await uow.products.add_many(
            [
                {
                    "sku": "BULK-1",
                    "title": "Glazed Teacup",
                    "description": "blue",
                    **given,
                    "options": None,  # every row names the same columns
                    "translations": None,
                },
                {
                    "sku": "BULK-2",
                    "title": "Linen Apron",
                    "description": "",
                    **given,
                    "options": [{"name": "Size", "values": ["S", "M"]}],
                    "translations": {"ru": {"title": "Льняной фартук"}},
                },
            ]
        )
    written = ("ORM-1", "BULK-1", "BULK-2")
    async with store.uow() as uow:
        products = {
            p.sku: p
            for p in await uow.session.scalars(select(Product).where(Product.sku.in_(written)))
        }
    orm, bulk, apron = (products[sku] for sku in written)
    for column in ("reserved", "photo", "photo_file_id", "is_digital", "is_active", "options"):
        assert getattr(bulk, column) == getattr(orm, column), column
    assert bulk.translations is orm.translations is None
    assert bulk.option_words == orm.option_words == ""
    assert bulk.created_at.tzinfo is not None
    assert timedelta(0) <= bulk.updated_at - orm.created_at < timedelta(minutes=1)
    assert apron.options == [{"name": "Size", "values": ["S", "M"]}]
    assert apron.translations == {"ru": {"title": "Льняной фартук"}}
    assert await _titles(store, "glazed") == ["Glazed Teacup", "Glazed Teapot"]
    assert await _titles(store, "aprn") == ["Linen Apron"]  # a typo: the new word is known
    assert await _counts_are_true(store) == {"Tableware": 3}


async def test_rows_the_database_refuses_mid_feed_are_reported_and_nothing_stays(
    store: Store,
) -> None:
    """A batch sent while the COPY runs that the database refuses (here a SKU taken by an
    earlier batch, as a writer beside the seed could cause) raises from the feed; the unit
    of work rolls back and the next one finds the connection ready."""

    def batch(first: int, category_id: int) -> list[dict[str, Any]]:
        return [
            {
                "sku": f"FEED-{n}",
                "title": f"Feed Lamp {n}",
                "description": "",
                "category_id": category_id,
                "price": 900,
                "currency": "USD",
                "stock": 1,
                "options": None,
                "translations": None,
            }
            for n in range(first, first + 10)
        ]

    with pytest.raises(Exception, match=r"(?i)unique"):
        async with store.uow() as uow:
            lamps = (await uow.categories.ensure({"lamps": "Lamps"}))["lamps"]
            async with uow.products.adding() as feed:
                await feed.send(batch(0, lamps))
                await feed.send(batch(5, lamps))  # FEED-5 .. FEED-9 again
    assert await _product_count(store) == 0
    async with store.uow() as uow:
        lamps = (await uow.categories.ensure({"lamps": "Lamps"}))["lamps"]
        await uow.products.add_many(batch(0, lamps))
    assert await _product_count(store) == 10
    assert await _counts_are_true(store) == {"Lamps": 10}


async def test_migrating_a_shop_with_products_builds_the_index_and_the_counts(
    database_url: str,
) -> None:
    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0004")
        async with store.engine.begin() as conn:  # the tables as they were at 0004
            await conn.execute(text(OLD_CATEGORY))
            for sku, title, active in [
                ("KTL", "Gooseneck Kettle", True),
                ("OLD", "Old Kettle", False),
            ]:
                values = {"sku": sku, "title": title, "active": active, "now": datetime.now(UTC)}
                await conn.execute(
                    text(OLD_PRODUCT).bindparams(bindparam("active", type_=Boolean)), values
                )
        await store.migrate()
        assert await _titles(store, "kettel") == ["Gooseneck Kettle"]
        assert await _counts_are_true(store) == {"Kitchen": 1}

        await _alembic(store, "downgrade", "0004")
        await store.migrate()
        assert await _titles(store, "gooseneck") == ["Gooseneck Kettle"]
    finally:
        await store.close()


OLD_CATEGORY = "INSERT INTO categories (id, slug, title, position) VALUES (1, 'k', 'Kitchen', 0)"
OLD_PRODUCT = (
    "INSERT INTO products (sku, title, description, category_id, price, currency, stock, "
    "reserved, photo, is_digital, is_active, created_at, updated_at) VALUES (:sku, :title, '', "
    "1, 100, 'USD', 1, 0, '', false, :active, :now, :now)"
)


async def _alembic(store: Store, direction: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)

    async with store.engine.begin() as conn:
        await conn.run_sync(run)
