"""Migrations are the only way the schema is created, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import (
    JSON,
    Connection,
    Executable,
    column,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.store.migrate import alembic_config, current_revision, is_model_object
from bot.store.models import (
    Base,
    Broadcast,
    InboxEntry,
    Order,
    OrderEvent,
    Product,
    ReturnRequest,
    utcnow,
)
from bot.store.repositories.catalog import category_page_ids
from bot.store.uow import Store, UnitOfWork

_A_CUSTOMER_AS_OF_0037 = text(
    "INSERT INTO customers (telegram_id, first_name, blocked_bot, cart_reminders, "
    "price_drop_alerts, morning_report, created_at, last_seen_at) VALUES (1001, 'Alice', "
    "false, true, true, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id"
)


# A product as the columns were from 0030 to 0042 (the models have later ones): for tests
# that write products at an older revision.
_A_PRODUCT_BEFORE_0046 = text(
    "INSERT INTO products (sku, title, description, category_id, price, currency, stock, "
    "reserved, photo, is_digital, is_active, option_words, translated_text, rating_count, "
    "rating_total, rating_rank, review_count, created_at, updated_at) VALUES (:sku, :sku, '', "
    ":category, 1600, 'USD', 10, 0, '', false, true, '', '', 0, 0, 0, 0, CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP) RETURNING id"
)


async def _old_product(store: Store, sku: str, category: str = "kitchen") -> int:
    """A product written as of 0030 to 0045, in `category` (made if missing); its id."""
    async with store.engine.begin() as conn:
        found = await conn.scalar(
            text("SELECT id FROM categories WHERE slug = :slug"), {"slug": category}
        )
        if found is None:
            found = await conn.scalar(
                text(
                    "INSERT INTO categories (slug, title, position, active_products) "
                    "VALUES (:slug, :slug, 0, 0) RETURNING id"
                ),
                {"slug": category},
            )
        product = await conn.scalar(_A_PRODUCT_BEFORE_0046, {"sku": sku, "category": found})
        return int(product)


async def _tables(conn: AsyncConnection) -> set[str]:
    return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_migrations_build_every_model_table_and_stamp_head(database_url: str) -> None:
    store = Store.from_url(database_url)
    try:
        async with store.engine.connect() as conn:
            assert await _tables(conn) == set()
        await store.migrate()
        async with store.engine.connect() as conn:
            tables = await _tables(conn)
        assert set(Base.metadata.tables) <= tables
        assert "alembic_version" in tables
        assert await current_revision(store.engine) is not None
    finally:
        await store.close()


async def test_migrating_twice_changes_nothing(database_url: str) -> None:
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        first = await current_revision(store.engine)
        await store.migrate()
        assert await current_revision(store.engine) == first
    finally:
        await store.close()


async def test_a_database_at_the_head_is_not_handed_to_alembic_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each start of the bot migrates: at the head, that is one read of alembic_version,
    not alembic's environment and every migration file (50-250 ms). One revision behind,
    alembic runs again."""
    runs: list[str] = []
    upgrade = command.upgrade
    monkeypatch.setattr(command, "upgrade", lambda cfg, rev: runs.append(rev) or upgrade(cfg, rev))
    await store.migrate()
    assert runs == []

    head = await current_revision(store.engine)
    await _alembic(store, "downgrade", "-1")
    await store.migrate()
    assert runs == ["head"]
    assert await current_revision(store.engine) == head


# SQLAlchemy cannot reflect expression indexes on SQLite: the search index's (not a model's) and
# the upper(sku) ones of 0024 (a model's, compared on PostgreSQL).
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
async def test_schema_matches_the_models_so_no_migration_is_missing(database_url: str) -> None:
    """Autogenerate against the migrated database finds nothing to add: models == migrations
    (the search index's own tables and indexes aside, as in bot/store/migrations/env.py)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        async with store.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_name": is_model_object}),
                    Base.metadata,
                )
            )
        assert diff == []
    finally:
        await store.close()


async def _titles_of(uow: UnitOfWork, product_ids: list[int]) -> list[str]:
    """These products' titles in this order, read as any schema has them: today's lists
    read columns (a sale's regular price, 0031) that an older schema lacks."""
    rows = await uow.session.execute(
        select(Product.id, Product.title).where(Product.id.in_(product_ids))
    )
    titles = {product_id: title for product_id, title in rows.all()}
    return [titles[i] for i in product_ids]


async def _alembic(store: Store, direction: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)

    async with store.engine.begin() as conn:
        await conn.run_sync(run)


async def _statuses(store: Store) -> dict[int, tuple[str, list[tuple[str | None, str]]]]:
    """Each order's status and history, read from the columns every revision has."""
    async with AsyncSession(store.engine) as session:
        found: dict[int, tuple[str, list[tuple[str | None, str]]]] = {
            order_id: (status, [])
            for order_id, status in await session.execute(select(Order.id, Order.status))
        }
        moves = select(OrderEvent.order_id, OrderEvent.from_status, OrderEvent.to_status)
        for order_id, a, b in await session.execute(moves.order_by(OrderEvent.id)):
            found[order_id][1].append((a, b))
        return found


async def _old_order(
    session: AsyncSession, customer_id: int, status: str, total: int = 0, refunded: int = 0
) -> int:
    """An order written with the columns every revision has (today's Order has more)."""
    order_id = await session.scalar(
        text(
            "INSERT INTO orders (customer_id, status, currency, items_total, shipping_total, "
            "discount_total, total, refunded_amount, needs_shipping, hold_status, needs_review, "
            "created_at, updated_at) VALUES (:customer, :status, 'USD', 0, 0, 0, :total, "
            ":refunded, true, 'none', false, :now, :now) RETURNING id"
        ),
        {
            "customer": customer_id,
            "status": status,
            "total": total,
            "refunded": refunded,
            "now": utcnow(),
        },
    )
    assert order_id is not None
    return int(order_id)


_OLD_ORDER_LINES = table(
    "order_lines",
    *(column(name) for name in ("order_id", "product_id", "sku", "title", "unit_price")),
    *(column(name) for name in ("currency", "quantity")),
    column("gift_codes", JSON),
)


async def _old_line(
    session: AsyncSession,
    order_id: int,
    product_id: int,
    sku: str,
    unit_price: int = 100,
    currency: str = "USD",
    gift_codes: list[str] | None = None,
) -> int:
    """An order line written with the columns every revision since 0037 has (today's
    OrderLine has more, e.g. 0061's tax); `gift_codes` only from the revision that added it."""
    values = {
        "order_id": order_id,
        "product_id": product_id,
        "sku": sku,
        "title": "Item",
        "unit_price": unit_price,
        "currency": currency,
        "quantity": 1,
    }
    if gift_codes is not None:
        values["gift_codes"] = gift_codes
    line_id = await session.scalar(
        insert(_OLD_ORDER_LINES).values(values).returning(literal_column("id"))
    )
    assert line_id is not None
    return int(line_id)


async def test_0017_gives_partially_refunded_orders_back_the_status_they_had(
    database_url: str,
) -> None:
    """A partial refund used to replace the status; the migration puts back the one before
    it (from the order's history, else paid) and records the move; downgrading undoes it."""
    store = Store.from_url(database_url)
    histories: dict[str, tuple[str, int, list[tuple[str | None, str]]]] = {
        "delivered": (
            "partially_refunded",
            500,
            [
                (None, "awaiting_payment"),
                ("awaiting_payment", "paid"),
                ("paid", "shipped"),
                ("shipped", "delivered"),
                ("delivered", "partially_refunded"),
                ("partially_refunded", "partially_refunded"),  # a second part, or a review
            ],
        ),
        "paid": ("partially_refunded", 300, [(None, "paid"), ("paid", "partially_refunded")]),
        "no history": ("partially_refunded", 100, []),
        "refunded": ("refunded", 3700, [(None, "paid"), ("paid", "refunded")]),
        "shipped after a part": (
            "shipped",
            200,
            [(None, "paid"), ("paid", "partially_refunded"), ("partially_refunded", "shipped")],
        ),
    }
    try:
        await _alembic(store, "upgrade", "0016_search_titles_by_id")
        ids: dict[str, int] = {}
        async with AsyncSession(store.engine) as session:  # the tables as they were at 0016
            customer_id = await session.scalar(  # today's Customer has columns added since
                text(
                    "INSERT INTO customers (telegram_id, first_name, blocked_bot, cart_reminders,"
                    " created_at, last_seen_at) VALUES (1001, 'Sam', false, true, :now, :now)"
                    " RETURNING id"
                ),
                {"now": utcnow()},
            )
            for name, (status, refunded, events) in histories.items():
                ids[name] = order_id = await _old_order(
                    session, customer_id, status, 3700, refunded
                )
                session.add_all(
                    OrderEvent(order_id=order_id, from_status=a, to_status=b) for a, b in events
                )
            await session.commit()

        await store.migrate()
        after = await _statuses(store)
        moved = [("partially_refunded", "delivered")]
        assert after[ids["delivered"]] == ("delivered", histories["delivered"][2] + moved)
        assert after[ids["paid"]][0] == "paid"
        assert after[ids["paid"]][1][-1] == ("partially_refunded", "paid")
        assert after[ids["no history"]] == ("paid", [("partially_refunded", "paid")])
        assert after[ids["refunded"]] == ("refunded", histories["refunded"][2])
        assert after[ids["shipped after a part"]][0] == "shipped"
        assert after[ids["shipped after a part"]][1] == histories["shipped after a part"][2]

        await _alembic(store, "downgrade", "0016_search_titles_by_id")
        before = {i: status for i, (status, _) in (await _statuses(store)).items()}
        assert before == {
            ids["delivered"]: "partially_refunded",
            ids["paid"]: "partially_refunded",
            ids["no history"]: "partially_refunded",
            ids["refunded"]: "refunded",
            ids["shipped after a part"]: "partially_refunded",
        }
    finally:
        await store.close()


async def test_0018_records_broadcasts_and_lets_one_at_most_be_sending(database_url: str) -> None:
    """Each broadcast is a row; a second sending one is refused by the database itself (two
    Sends racing on two workers), finished ones are kept; downgrading drops the table."""
    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0017_partial_refund_keeps_status")
        async with store.engine.connect() as conn:
            assert "broadcasts" not in await _tables(conn)
        await store.migrate()

        async with AsyncSession(store.engine) as session:
            session.add_all(
                Broadcast(started_by=9001, chat_id=9001, total=10, status=status)
                for status in ("done", "stopped", "done", "sending")
            )
            await session.commit()
            session.add(Broadcast(started_by=9002, chat_id=9002, total=5, status="sending"))
            with pytest.raises(IntegrityError):
                await session.commit()

        await _alembic(store, "downgrade", "0017_partial_refund_keeps_status")
        async with store.engine.connect() as conn:
            assert "broadcasts" not in await _tables(conn)
    finally:
        await store.close()


async def _product_as_of_0018(store: Store, sku: str, title: str) -> None:
    """A product written with the columns products had then (the model has more now)."""
    async with store.uow() as uow:
        category = await uow.categories.get_or_create("kitchen", "Kitchen")
        await uow.session.execute(
            text(
                "INSERT INTO products (sku, title, description, category_id, price, currency, "
                "stock, reserved, photo, is_digital, is_active, option_words, translated_text, "
                "created_at, updated_at) VALUES (:sku, :title, '', :category, 1600, 'USD', 10, "
                "0, '', false, true, '', '', :now, :now)"
            ),
            {"sku": sku, "title": title, "category": category.id, "now": utcnow()},
        )


async def test_0019_products_stored_with_full_width_or_invisible_characters_are_found_after_it(
    database_url: str,
) -> None:
    """A shop whose titles were pasted with full-width letters or zero-width characters
    before 0019: after migrating, plain words find them; hiding one (its old index entry
    taken out as it is now written) and downgrading keep the index right."""
    from bot.services import catalog

    async def titles(query: str) -> list[str]:
        async with store.reading() as uow:
            found = await uow.products.search_ids(catalog.query_words(query), limit=48)
            return await _titles_of(uow, found)

    store = Store.from_url(database_url)
    wide, zero = "Ｇｏｏｓｅｎｅｃｋ Kettle", "Stone\u200bware M\u00adug"
    try:
        await _alembic(store, "upgrade", "0018_broadcasts")
        for sku, title in (("WIDE", wide), ("ZERO", zero), ("PLAIN", "Pour Over Kettle")):
            await _product_as_of_0018(store, sku, title)
        assert await titles("gooseneck") == []  # as it was: the raw text was indexed
        assert await titles("stoneware") == []

        await store.migrate()
        assert await titles("gooseneck") == [wide]
        assert await titles("kettle") == ["Pour Over Kettle", wide]
        assert await titles("stoneware mug") == [zero]
        assert await titles("ｐｏｕｒ") == ["Pour Over Kettle"]
        async with store.uow() as uow:
            await uow.session.execute(
                update(Product).where(Product.sku == "ZERO").values(is_active=False)
            )
        assert await titles("stoneware") == []

        await _alembic(store, "downgrade", "0018_broadcasts")
        assert await titles("pour") == ["Pour Over Kettle"]
        assert await titles("gooseneck") == []
    finally:
        await store.close()


async def _page_plan(store: Store, category_id: int, order: str, in_stock: bool = True) -> str:
    """How the database reads a deep page in `order` ("In stock only" unless told)."""
    from bot.store.repositories.catalog import category_page_ids

    statement = category_page_ids(category_id, order, in_stock=in_stock, offset=400, limit=8)
    return await _plan(store, statement)


async def _plan(store: Store, statement: Executable) -> str:
    """How the database reads `statement` (PostgreSQL told not to scan or sort the table,
    which a few rows would otherwise make its cheapest way)."""
    from sqlalchemy.dialects import postgresql, sqlite

    literal = {"literal_binds": True}
    async with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            sql = statement.compile(dialect=sqlite.dialect(), compile_kwargs=literal)
            rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(str(row[-1]) for row in rows)
        await conn.exec_driver_sql("ANALYZE products")
        for way in ("seqscan", "bitmapscan", "sort"):
            await conn.exec_driver_sql(f"SET enable_{way} = off")
        sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs=literal)
        return "\n".join(str(row[0]) for row in await conn.exec_driver_sql(f"EXPLAIN {sql}"))


async def test_0023_in_stock_pages_skip_index_entries_not_rows(database_url: str) -> None:
    """Before 0023 a deep "In stock only" page reads the rows it skips to see their stock;
    after it, each order reads its in-stock index alone (stock and holds are in it), and
    the page lists the same products; downgrading takes the indexes away again."""
    from bot.services import catalog
    from tests.conftest import add_product

    async def in_stock_titles() -> list[str]:
        async with store.reading() as uow:
            (kitchen,) = await catalog.list_categories(uow)
            page = category_page_ids(
                kitchen.id, "name", in_stock=True, offset=0, limit=catalog.PAGE_SIZE
            )
            return await _titles_of(uow, list(await uow.session.scalars(page)))

    store = Store.from_url(database_url)
    try:
        await store.migrate()  # the products made by today's models, then taken back to 0022
        await add_product(store, "MUG", title="Mug", stock=3)
        await add_product(store, "KTL", title="Kettle", stock=0)
        await add_product(store, "CUP", title="Cup", stock=2)
        for n in range(60):  # enough that a planner weighs the indexes by their size
            await add_product(store, f"SPOON-{n}", title=f"Spoon {n}", stock=n % 2)
        async with store.uow() as uow:
            cup = await uow.products.get_by_sku("CUP")
            assert cup is not None
            cup.reserved = 2  # both held by unpaid invoices
        await _alembic(store, "downgrade", "0022_product_ratings")
        await store.close()
        store = Store.from_url(database_url)  # connections that know the schema as it is now
        before = await in_stock_titles()
        async with store.reading() as uow:
            (kitchen,) = await catalog.list_categories(uow)
        assert "ix_products_in_stock" not in await _page_plan(store, kitchen.id, "name")

        await store.migrate()
        assert await in_stock_titles() == before
        assert before[0] == "Mug" and "Cup" not in before and "Kettle" not in before
        for order, index in (
            ("name", "ix_products_in_stock_browse"),
            ("price", "ix_products_in_stock_price"),
            ("price_desc", "ix_products_in_stock_price"),
            ("newest", "ix_products_in_stock_newest"),
            ("rating", "ix_products_in_stock_rating"),
        ):
            plan = await _page_plan(store, kitchen.id, order)
            assert f"COVERING INDEX {index}" in plan or "Index Only Scan" in plan, plan
            assert index in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan

        await _alembic(store, "downgrade", "0022_product_ratings")
        await store.close()
        store = Store.from_url(database_url)  # connections that know the schema as it is now
        assert "ix_products_in_stock" not in await _page_plan(store, kitchen.id, "name")
    finally:
        await store.close()


async def test_0027_ranks_the_ratings_given_before_it_and_pages_best_rated_from_an_index(
    database_url: str,
) -> None:
    """Ratings given before 0027 have no rank: it works them out (the average pulled towards
    3 stars by two more ratings, x 100), so "★ Rating" lists them at once; both its pages, all
    and "In stock only", read an index backwards instead of sorting the category."""
    from sqlalchemy import text

    from bot.services import catalog
    from tests.conftest import add_product

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        for sku, stock in (("ONCE", 3), ("OFTEN", 2), ("NEVER", 5), ("LOW", 1)):
            await add_product(store, sku, title=sku.title(), stock=stock)
        for n in range(60):  # enough that a planner weighs the indexes by their size
            await add_product(store, f"SPOON-{n}", title=f"Spoon {n}", stock=n % 2)
        async with store.reading() as uow:
            (kitchen,) = await catalog.list_categories(uow)
        # (Asked before the ratings below: PostgreSQL may not use an index made over rows
        # updated in place since, until every transaction older than it has ended.)
        for in_stock, index in (
            (False, "ix_products_category_rating"),
            (True, "ix_products_in_stock_rating"),
        ):
            plan = await _page_plan(store, kitchen.id, "rating", in_stock)
            assert index in plan and "TEMP B-TREE" not in plan and "Sort" not in plan, plan
        await _alembic(store, "downgrade", "0026_product_photos")
        async with store.engine.begin() as conn:  # as 0022's ratings left them
            for sku, count, total in (("ONCE", 1, 5), ("OFTEN", 10, 48), ("LOW", 2, 2)):
                await conn.execute(
                    text("UPDATE products SET rating_count = :n, rating_total = :t WHERE sku = :s"),
                    {"n": count, "t": total, "s": sku},
                )
        await _alembic(store, "upgrade", "head")
        await store.close()
        store = Store.from_url(database_url)

        async with store.reading() as uow:
            ranks = dict(
                (await uow.session.execute(text("SELECT sku, rating_rank FROM products"))).all()
            )
            page = await catalog.category_page(uow, kitchen.id, 0, "rating")
        assert {sku: ranks[sku] for sku in ("ONCE", "OFTEN", "NEVER", "LOW")} == {
            "ONCE": 366,
            "OFTEN": 450,
            "NEVER": 0,
            "LOW": 200,
        }
        rated_first = [item.title for item in page.items][:4]
        assert rated_first == ["Often", "Once", "Low", "Spoon 59"]  # the unrated newest first
    finally:
        await store.close()


async def test_0029_reads_the_best_and_worst_rated_from_the_ends_of_an_index(
    database_url: str,
) -> None:
    """Before 0029 /stats ranks every product on sale to name the 3 best- and worst-rated
    (those with 3 ratings or more); after it, both come from the two ends of a partial index
    of just those products, and the report names the same ones; downgrading takes it away.
    (Ratings are given with rating_count, which the index holds, so no row is updated in
    place: PostgreSQL would not use an index made over such rows until every transaction
    older than it had ended.)"""
    from bot.services.reports import RATED_SHOWN
    from bot.store.repositories.ratings import best_and_worst_rated
    from tests.conftest import add_product

    async def named() -> tuple[list[str], list[str]]:
        async with store.reading() as uow:
            best, worst = await uow.ratings.best_and_worst(RATED_SHOWN)
        return [p.sku for p in best], [p.sku for p in worst]

    statement = best_and_worst_rated(RATED_SHOWN)
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        for n in range(60):  # enough that a planner weighs the index by its size
            await add_product(store, f"SPOON-{n:02}", title=f"Spoon {n}")
        async with store.engine.begin() as conn:  # 1-5 stars on average, 2-4 ratings each
            await conn.execute(
                text(
                    "UPDATE products SET rating_count = 2 + id % 3, "
                    "rating_total = (2 + id % 3) * (1 + id % 5), "
                    "is_active = (sku <> 'SPOON-04')"
                )
            )
        plan = await _plan(store, statement)
        # Each read in the index's order, from its top or its bottom (a tie of averages is
        # put in order by itself: "RIGHT PART", "Incremental Sort"), stopping at its limit.
        assert plan.count("ix_products_rated") == 2, plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan and "  Sort  " not in plan, plan
        assert "Seq Scan" not in plan, plan
        after = await named()

        await _alembic(store, "downgrade", "0028_sales_pause")
        await store.close()
        store = Store.from_url(database_url)  # connections that know the schema as it is now
        assert "ix_products_rated" not in await _plan(store, statement)
        assert await named() == after
        best, worst = after
        assert len(best) == len(worst) == RATED_SHOWN and "SPOON-04" not in best + worst
        assert not set(best) & set(worst)
    finally:
        await store.close()


async def test_0031_adds_sale_prices_and_every_product_before_it_is_not_on_sale(
    database_url: str,
) -> None:
    """Products and variants get a nullable `compare_at_price`; rows stored before keep their
    price and are not on sale; down and up again leaves the schema as the models say."""
    from tests.conftest import add_product

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0030_reviews")
        async with store.engine.connect() as conn:
            columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("products"))
        assert "compare_at_price" not in {c["name"] for c in columns}
        await _alembic(store, "upgrade", "head")
        await store.close()
        store = Store.from_url(database_url)
        await add_product(store, "MUG", price=1600)
        async with store.reading() as uow:
            mug = await uow.products.get_by_sku("MUG")
        assert mug is not None and (mug.price, mug.compare_at_price) == (1600, None)
        async with store.engine.connect() as conn:
            variant_columns = await conn.run_sync(
                lambda sync: inspect(sync).get_columns("product_variants")
            )
        (column,) = [c for c in variant_columns if c["name"] == "compare_at_price"]
        assert column["nullable"]
    finally:
        await store.close()


async def _sales(store: Store, table: str) -> dict[str, int | None]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(text(f"SELECT sku, compare_at_price FROM {table}"))
        return {str(sku): compare_at for sku, compare_at in rows}


async def _schema_objects(store: Store) -> list[tuple[str, str]]:
    """SQLite's triggers and indexes (on PostgreSQL none asked for): 0034 keeps every one."""
    if store.engine.dialect.name != "sqlite":
        return []
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'index')")
        )
        return sorted((str(kind), str(name)) for kind, name in rows)


async def test_0034_repairs_sales_not_below_their_regular_price_and_refuses_new_ones(
    database_url: str,
) -> None:
    """A 'sale' whose regular price is not above the price, stored before 0034 (a path that
    skipped the services' rule), is no longer on sale after it; from then on the database
    itself refuses one, for a product and for a variant priced on its own. Every variant,
    trigger and index stays (the constraint is added without copying `products`)."""
    from tests.conftest import add_product

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        for sku in ("SALE", "SAME", "ABOVE", "TEE"):  # as the models are now, then taken back
            await add_product(store, sku, price=1600)
        await _alembic(store, "downgrade", "0033_price_drops")
        async with store.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE products SET compare_at_price = CASE sku "
                    "WHEN 'SALE' THEN 2000 WHEN 'SAME' THEN 1600 WHEN 'ABOVE' THEN 1200 END"
                )
            )
            for sku, price, compare_at in [
                ("TEE-S", 2600, 3250),  # on a sale of its own
                ("TEE-M", 2600, 2600),  # not a sale
                ("TEE-L", None, 1000),  # at the product's price: its own is never read
            ]:
                await conn.execute(
                    text(
                        'INSERT INTO product_variants (product_id, sku, "values", position, '
                        "stock, reserved, price, compare_at_price) SELECT id, :sku, '{}', 0, 5, "
                        "0, :price, :compare_at FROM products WHERE sku = 'TEE'"
                    ),
                    {"sku": sku, "price": price, "compare_at": compare_at},
                )
        objects = await _schema_objects(store)

        await _alembic(store, "upgrade", "0034_sale_above_price")
        await store.close()
        store = Store.from_url(database_url)  # connections that know the schema as it is now
        assert await _sales(store, "products") == {
            "SALE": 2000,
            "SAME": None,
            "ABOVE": None,
            "TEE": None,
        }
        assert await _sales(store, "product_variants") == {
            "TEE-S": 3250,
            "TEE-M": None,
            "TEE-L": 1000,
        }
        assert await _schema_objects(store) == objects

        for table, sku in (("products", "SALE"), ("product_variants", "TEE-S")):
            for compare_at in (1600 if table == "products" else 2600, 100):
                with pytest.raises(IntegrityError):
                    async with store.engine.begin() as conn:
                        await conn.execute(
                            text(f"UPDATE {table} SET compare_at_price = :c WHERE sku = :sku"),
                            {"c": compare_at, "sku": sku},
                        )
        async with store.engine.begin() as conn:  # in SQL: the models have later columns
            await conn.execute(
                text(
                    "INSERT INTO products (sku, title, description, category_id, price, "
                    "currency, stock, reserved, photo, is_digital, is_active, created_at, "
                    "updated_at) SELECT 'NEW', 'NEW title', '', category_id, 1600, 'USD', 10, "
                    "0, '', false, true, created_at, updated_at FROM products WHERE sku = 'SALE'"
                )
            )
        with pytest.raises(IntegrityError):
            async with store.engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO products (sku, title, description, category_id, price, "
                        "compare_at_price, currency, stock, reserved, photo, is_digital, "
                        "is_active, created_at, updated_at) SELECT 'BAD', 'Bad', '', "
                        "category_id, 1600, 1500, 'USD', 1, 0, '', false, true, created_at, "
                        "updated_at FROM products WHERE sku = 'NEW'"
                    )
                )
        assert await _sales(store, "products") == {
            "SALE": 2000,
            "SAME": None,
            "ABOVE": None,
            "TEE": None,
            "NEW": None,
        }

        await _alembic(store, "downgrade", "0033_price_drops")  # and down again: no rule
        await store.close()
        store = Store.from_url(database_url)
        async with store.engine.begin() as conn:
            await conn.execute(text("UPDATE products SET compare_at_price = 1 WHERE sku = 'NEW'"))
        assert (await _sales(store, "products"))["NEW"] == 1
        assert await _schema_objects(store) == objects
    finally:
        await store.close()


async def _indexes(conn: AsyncConnection, table: str) -> set[str]:
    found = await conn.run_sync(lambda sync: inspect(sync).get_indexes(table))
    return {str(index["name"]) for index in found}


async def test_0036_adds_order_notes_with_an_index_and_takes_them_away_again(
    database_url: str,
) -> None:
    """Up to 0036 the admins' notes have their table, read by order through an index; down
    to 0035 it is gone, and up again it is back."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0035_daily_reports")
        async with store.engine.connect() as conn:
            assert "order_notes" not in await _tables(conn)
        await _alembic(store, "upgrade", "0036_order_notes")
        async with store.engine.connect() as conn:
            assert "order_notes" in await _tables(conn)
            assert "ix_order_notes_order_id" in await _indexes(conn, "order_notes")
        assert await current_revision(store.engine) == "0036_order_notes"
    finally:
        await store.close()


async def test_0037_adds_a_per_order_limit_and_no_product_before_it_is_limited(
    database_url: str,
) -> None:
    """Products get a nullable `max_per_order`; rows stored before it have no limit (NULL);
    down and up again leaves the schema as the models say (the search triggers kept)."""

    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0037_max_per_order")
        await _old_product(store, "MUG")
        objects = await _schema_objects(store)
        await _alembic(store, "downgrade", "0036_order_notes")
        async with store.engine.connect() as conn:
            columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("products"))
        assert "max_per_order" not in {c["name"] for c in columns}  # MUG stored without it
        await _alembic(store, "upgrade", "0037_max_per_order")
        await store.close()
        store = Store.from_url(database_url)
        async with store.engine.connect() as conn:
            columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("products"))
            rows = await conn.execute(text("SELECT sku, max_per_order FROM products"))
            stored = {str(sku): limit for sku, limit in rows}
        (column,) = [c for c in columns if c["name"] == "max_per_order"]
        assert column["nullable"] and stored == {"MUG": None}
        assert await _schema_objects(store) == objects
    finally:
        await store.close()


async def test_0038_counts_the_products_paid_orders_held_together_from_the_orders_before_it(
    database_url: str,
) -> None:
    """product_pairs starts from every paid, shipped or delivered order already there: each
    two distinct products of one counted once per order, both ways (a product bought in two
    lines of one order is still one); unpaid, cancelled and refunded orders count nothing.
    Downgrading drops the table."""

    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0037_max_per_order")
        mug, kettle, tea, pen = [
            await _old_product(store, sku) for sku in ("MUG", "KETTLE", "TEA", "PEN")
        ]
        orders = [
            ("paid", [mug, kettle, kettle]),  # the kettle in two lines (two sizes, say)
            ("delivered", [mug, kettle]),
            ("shipped", [mug, tea]),
            ("cancelled", [mug, tea]),
            ("refunded", [kettle, tea]),
            ("awaiting_payment", [mug, pen]),
            ("paid", [pen]),  # one product: no pair
        ]
        async with store.uow() as uow:
            # Written as of 0037: later columns of customers (0041) are not there yet.
            customer_id = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            for status, products in orders:
                order_id = await _old_order(uow.session, customer_id, status)
                for n, product in enumerate(products):
                    await _old_line(uow.session, order_id, product, f"SKU-{n}")

        await _alembic(store, "upgrade", "0038_often_bought_with")
        async with store.engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT product_id, other_id, orders FROM product_pairs")
            )
            pairs = {(a, b): n for a, b, n in rows}
        assert pairs == {
            (mug, kettle): 2,
            (kettle, mug): 2,
            (mug, tea): 1,
            (tea, mug): 1,
        }

        await _alembic(store, "downgrade", "0037_max_per_order")
        async with store.engine.connect() as conn:
            assert "product_pairs" not in await _tables(conn)
    finally:
        await store.close()


async def test_0039_adds_return_requests_with_one_open_per_order_and_takes_them_away(
    database_url: str,
) -> None:
    """Up to 0039 return requests have their table, and an order holds one open request at
    most (a second is refused by the partial index, a decided one is not counted); down to
    0038 it is gone."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0038_often_bought_with")
        async with store.engine.connect() as conn:
            assert "return_requests" not in await _tables(conn)
        await _alembic(store, "upgrade", "0039_return_requests")
        async with store.engine.connect() as conn:
            assert "uq_return_requests_one_open" in await _indexes(conn, "return_requests")
        assert await current_revision(store.engine) == "0039_return_requests"
    finally:
        await store.close()


async def test_0040_adds_category_sales_and_takes_them_away(database_url: str) -> None:
    """Up to 0040 a category's sale has its row (one per category, with the day it ends);
    down to 0039 the table is gone and the prices stay as they are."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0039_return_requests")
        async with store.engine.connect() as conn:
            assert "category_sales" not in await _tables(conn)
        await _alembic(store, "upgrade", "0040_category_sales")
        async with store.engine.connect() as conn:
            assert "ix_category_sales_ends_at" in await _indexes(conn, "category_sales")
        assert await current_revision(store.engine) == "0040_category_sales"
    finally:
        await store.close()


async def _columns(conn: AsyncConnection, table: str) -> set[str]:
    found = await conn.run_sync(lambda sync: inspect(sync).get_columns(table))
    return {str(column["name"]) for column in found}


async def test_0041_adds_when_a_customer_deleted_her_data_and_takes_it_away(
    database_url: str,
) -> None:
    """Up to 0041 customers have `forgotten_at` (NULL for everyone before); down to the
    revision before it the column is gone, and up again it is back."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        async with store.engine.begin() as conn:
            await conn.execute(_A_CUSTOMER_AS_OF_0037)
        await _alembic(store, "downgrade", "0041_forget-1")
        async with store.engine.connect() as conn:
            assert "forgotten_at" not in await _columns(conn, "customers")
        await _alembic(store, "upgrade", "0041_forget")
        async with store.engine.connect() as conn:
            assert "forgotten_at" in await _columns(conn, "customers")
            kept = await conn.scalar(text("SELECT forgotten_at FROM customers"))
        assert kept is None
        assert await current_revision(store.engine) == "0041_forget"
    finally:
        await store.close()


async def test_0042_postgres_reads_words_as_before_only_faster(pg_url: str) -> None:
    """0042 rewrites PostgreSQL's `search_words` (a bracket expression instead of a
    158-character `translate`): every text reads as the Python side reads it, format
    characters, full-width letters and all, before and after it."""
    from bot.store.search_index import FORMAT_CHARACTERS, words

    texts = (
        "Stone\u200bware M\u00adug",
        "Ｇｏｏｓｅｎｅｃｋ Kettle",
        f"a{FORMAT_CHARACTERS}b c-d",
        "Café ﬁne \U000e0041tag, Зёрна 250 г",
        "plain ascii-words 250g",
    )

    async def read(store: Store) -> list[list[str]]:
        async with store.engine.connect() as conn:
            found = [await conn.scalar(text("SELECT search_words(:t)"), {"t": t}) for t in texts]
        return [list(words_of) for words_of in found]

    store = Store.from_url(pg_url)
    try:
        await _alembic(store, "upgrade", "0042_search_words_faster")
        assert await read(store) == [words(t) for t in texts]
        async with store.engine.connect() as conn:
            defined = await conn.scalar(
                text("SELECT prosrc FROM pg_proc WHERE proname = 'search_words'")
            )
        assert "translate" not in defined
        await _alembic(store, "downgrade", "0041_forget")
        assert await read(store) == [words(t) for t in texts]
    finally:
        await store.close()


async def test_0043_names_who_wrote_an_orders_note_and_takes_it_away(database_url: str) -> None:
    """Up to 0043 an order's note keeps its `author` ("staff:9002"; NULL for the notes before
    it, all an admin's); down to the revision before it the column is gone, and up again it
    is back."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0043_staff-1")
        async with store.engine.connect() as conn:
            assert "author" not in await _columns(conn, "order_notes")
        await _alembic(store, "upgrade", "0043_staff")
        async with store.engine.connect() as conn:
            assert "author" in await _columns(conn, "order_notes")
        assert await current_revision(store.engine) == "0043_staff"
    finally:
        await store.close()


async def test_0044_adds_when_a_return_was_restocked_and_takes_it_away(
    database_url: str,
) -> None:
    """Up to 0044 return requests have `restocked_at` (NULL for every request before: none
    was put back in stock); down to the revision before it the column is gone."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0044_return_restock-1")
        async with store.engine.connect() as conn:
            assert "restocked_at" not in await _columns(conn, "return_requests")
        await _alembic(store, "upgrade", "0044_return_restock")
        async with store.engine.connect() as conn:
            assert "restocked_at" in await _columns(conn, "return_requests")
        assert await current_revision(store.engine) == "0044_return_restock"
    finally:
        await store.close()


async def test_0053_ties_an_approved_return_to_its_refund_and_takes_it_away(
    database_url: str,
) -> None:
    """Up to 0053 return requests have `refund_id` (NULL for every request before: none had
    its refund set aside in its approval's transaction); down to the revision before it the
    column is gone."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0053_return_refund-1")
        async with store.engine.connect() as conn:
            assert "refund_id" not in await _columns(conn, "return_requests")
        await _alembic(store, "upgrade", "0053_return_refund")
        async with store.engine.connect() as conn:
            assert "refund_id" in await _columns(conn, "return_requests")
        assert await current_revision(store.engine) == "0053_return_refund"
    finally:
        await store.close()


async def test_0045_gives_the_gift_codes_already_sold_their_cards_and_takes_them_away(
    database_url: str,
) -> None:
    """Codes delivered before 0045 become cards worth their line's unit price, in the order's
    currency, if their order was paid (a cancelled one's are worth nothing); down to 0044
    the table and the new columns are gone."""
    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0044_return_restock")
        card = await _old_product(store, "GIFT-100", "gift-cards")
        lines: dict[str, int] = {}
        async with store.uow() as uow:
            customer_id = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            assert customer_id is not None
            for status, code in (("delivered", "AAAA-BBBB-CCCC"), ("cancelled", "DDDD-EEEE-FFFF")):
                order_id = await _old_order(uow.session, customer_id, status)
                lines[code] = await _old_line(
                    uow.session, order_id, card, "GIFT-100", 100, "XTR", gift_codes=[code]
                )

        await _alembic(store, "upgrade", "0045_gift_cards")
        async with store.engine.connect() as conn:
            cards = (
                await conn.execute(
                    text(
                        "SELECT code, currency, initial_amount, balance, order_line_id "
                        "FROM gift_cards"
                    )
                )
            ).all()
            assert {"gift_card_code", "gift_card_amount"} <= await _columns(conn, "orders")
        # The order's currency (USD in _old_order), as a paid order's lines always agree with it.
        assert [tuple(row) for row in cards] == [
            ("AAAA-BBBB-CCCC", "USD", 100, 100, lines["AAAA-BBBB-CCCC"])
        ]

        await _alembic(store, "downgrade", "0044_return_restock")
        async with store.engine.connect() as conn:
            assert "gift_cards" not in await _tables(conn)
            assert "gift_card_code" not in await _columns(conn, "orders")
            assert "gift_card_code" not in await _columns(conn, "carts")
    finally:
        await store.close()


async def test_0046_writes_the_end_of_a_running_category_sale_on_its_products(
    database_url: str,
) -> None:
    """Up to 0046 each product of a category whose /sale runs says when that sale ends,
    products of other categories nothing; down to the revision before it the columns are
    gone, and SQLite's triggers stay."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0046_product_sale_ends")  # its own objects
        objects = await _schema_objects(store)
        await _alembic(store, "downgrade", "0046_product_sale_ends-1")
        async with store.engine.connect() as conn:
            assert "category_sale_ends_at" not in await _columns(conn, "products")
        await _old_product(store, "MUG", "kitchen")
        await _old_product(store, "HOSE", "garden")
        async with store.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO category_sales (category_id, percent, ends_at, started_at) "
                    "SELECT id, 20, '2036-12-31 23:00:00+00', CURRENT_TIMESTAMP FROM categories "
                    "WHERE slug = 'kitchen'"
                )
            )
        await _alembic(store, "upgrade", "0046_product_sale_ends")
        assert await current_revision(store.engine) == "0046_product_sale_ends"
        async with AsyncSession(store.engine) as session:  # today's Product has more columns
            ends = await session.execute(
                select(
                    Product.sku,
                    Product.category_sale_ends_at,
                    Product.category_sale_of == Product.category_id,  # in_category_sale
                )
            )
            stamped = {sku: at if covered else None for sku, at, covered in ends}
        assert stamped == {"MUG": datetime(2036, 12, 31, 23, tzinfo=UTC), "HOSE": None}
        assert await _schema_objects(store) == objects
    finally:
        await store.close()


async def _limits(store: Store) -> dict[str, int | None]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(text("SELECT sku, max_per_order FROM products"))
        return {str(sku): limit for sku, limit in rows}


async def test_0047_repairs_limits_out_of_range_and_refuses_new_ones(database_url: str) -> None:
    """A per-order limit of 0 or above 1000, stored before 0047 by a path that skipped the
    code's check, is no limit after it; from then on the database itself refuses one (1 and
    1000 are kept), and SQLite's triggers and indexes stay; down again, no rule."""
    from tests.conftest import add_product

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        for sku in ("ZERO", "HUGE", "TWO", "NONE"):
            await add_product(store, sku)
        await _alembic(store, "downgrade", "0047_max_per_order_check")  # its own objects
        objects = await _schema_objects(store)
        await _alembic(store, "downgrade", "0047_max_per_order_check-1")
        async with store.engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE products SET max_per_order = CASE sku WHEN 'ZERO' THEN 0 "
                    "WHEN 'HUGE' THEN 5000 WHEN 'TWO' THEN 2 END"
                )
            )
        await _alembic(store, "upgrade", "0047_max_per_order_check")
        assert await current_revision(store.engine) == "0047_max_per_order_check"
        await store.close()
        store = Store.from_url(database_url)  # connections that know the schema as it is now
        assert await _limits(store) == {"ZERO": None, "HUGE": None, "TWO": 2, "NONE": None}
        assert await _schema_objects(store) == objects
        for limit in (0, -1, 1001):
            with pytest.raises(IntegrityError):
                async with store.engine.begin() as conn:
                    await conn.execute(
                        text("UPDATE products SET max_per_order = :l WHERE sku = 'TWO'"),
                        {"l": limit},
                    )
        async with store.engine.begin() as conn:
            await conn.execute(text("UPDATE products SET max_per_order = 1 WHERE sku = 'ZERO'"))
            await conn.execute(text("UPDATE products SET max_per_order = 1000 WHERE sku = 'HUGE'"))
        assert await _limits(store) == {"ZERO": 1, "HUGE": 1000, "TWO": 2, "NONE": None}

        await _alembic(store, "downgrade", "0047_max_per_order_check-1")
        await store.close()
        store = Store.from_url(database_url)
        async with store.engine.begin() as conn:
            await conn.execute(text("UPDATE products SET max_per_order = 0 WHERE sku = 'TWO'"))
        assert (await _limits(store))["TWO"] == 0
        assert await _schema_objects(store) == objects
    finally:
        await store.close()


async def test_0048_adds_the_pickup_place_of_an_order_and_takes_it_away(
    database_url: str,
) -> None:
    """Up to 0048 orders have `pickup_place` (NULL for every order before: none was collected
    at a pickup point); down to 0047 the column is gone."""
    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0047_max_per_order_check")
        async with store.engine.connect() as conn:
            assert "pickup_place" not in await _columns(conn, "orders")
        await _alembic(store, "upgrade", "0048_pickup_points")
        async with store.engine.connect() as conn:
            assert "pickup_place" in await _columns(conn, "orders")
        assert await current_revision(store.engine) == "0048_pickup_points"
        await _alembic(store, "downgrade", "0047_max_per_order_check")
        async with store.engine.connect() as conn:
            assert "pickup_place" not in await _columns(conn, "orders")
    finally:
        await store.close()


# A broadcast as the columns were from 0018 to 0048 (later revisions add theirs, with defaults).
_A_BROADCAST_AS_OF_0048 = text(
    "INSERT INTO broadcasts (started_by, chat_id, total, sent, blocked, failed, status,"
    " started_at, updated_at) VALUES (9001, 9001, 3, 3, 0, 0, :status, CURRENT_TIMESTAMP,"
    " CURRENT_TIMESTAMP)"
)


async def test_0049_gives_broadcasts_an_audience_and_a_time_and_takes_them_away(
    database_url: str,
) -> None:
    """Up to 0049 a broadcast sent before it reads as sent to everyone, with no time of its
    own; down to 0048 the columns are gone, and the broadcasts still to go out with them."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0048_pickup_points")
        async with store.engine.begin() as conn:
            await conn.execute(_A_BROADCAST_AS_OF_0048, {"status": "done"})
        await _alembic(store, "upgrade", "0049_broadcast_audiences")
        async with store.engine.begin() as conn:
            kept = (await conn.execute(text("SELECT audience, send_at FROM broadcasts"))).all()
            assert [tuple(row) for row in kept] == [("all", None)]
            await conn.execute(
                text(
                    "INSERT INTO broadcasts (started_by, chat_id, total, sent, blocked, failed,"
                    " status, audience, text, started_at, updated_at) VALUES (9001, 9001, 0, 0,"
                    " 0, 0, 'scheduled', 'buyers', 'Hi', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        assert await current_revision(store.engine) == "0049_broadcast_audiences"
        await _alembic(store, "downgrade", "0048_pickup_points")
        async with store.engine.connect() as conn:
            assert not {"audience", "text", "send_at"} & set(await _columns(conn, "broadcasts"))
            assert await conn.scalar(text("SELECT count(*) FROM broadcasts")) == 1
    finally:
        await store.close()


async def test_0050_counts_the_gift_card_parts_already_given_back_and_takes_the_count_away(
    database_url: str,
) -> None:
    """Up to 0050 an order knows how much of its card's part is back on the card: all of it
    where a released hold, a full refund or the cancel of an order the card paid alone gave
    it back before, none of it elsewhere; down to 0049 the column is gone."""
    store = Store.from_url(database_url)
    try:
        await _alembic(store, "upgrade", "0049_broadcast_audiences")
        orders: dict[str, int] = {}
        async with store.uow() as uow:
            customer_id = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            assert customer_id is not None
            for name, status, total, hold in (
                ("released", "cancelled", 100, "released"),
                ("refunded", "refunded", 100, "returned"),
                ("card alone", "cancelled", 0, "returned"),
                ("delivered", "delivered", 100, "sold"),
                ("cancel unrefunded", "cancelled", 100, "returned"),
            ):
                orders[name] = await _old_order(uow.session, customer_id, status, total)
                await uow.session.execute(
                    text(
                        "UPDATE orders SET gift_card_code = 'AAAA-BBBB-CCCC', "
                        "gift_card_amount = 50, hold_status = :hold WHERE id = :id"
                    ),
                    {"hold": hold, "id": orders[name]},
                )

        await _alembic(store, "upgrade", "0050_gift_card_returned")
        async with store.engine.connect() as conn:
            rows = dict(
                (await conn.execute(text("SELECT id, gift_card_returned FROM orders"))).all()
            )
        assert {name: rows[order_id] for name, order_id in orders.items()} == {
            "released": 50,
            "refunded": 50,
            "card alone": 50,
            "delivered": 0,
            "cancel unrefunded": 0,
        }

        await _alembic(store, "downgrade", "0049_broadcast_audiences")
        async with store.engine.connect() as conn:
            assert "gift_card_returned" not in await _columns(conn, "orders")
    finally:
        await store.close()


async def test_0051_lets_a_broadcast_remember_how_far_it_got_and_takes_that_away(
    database_url: str,
) -> None:
    """Up to 0051 a broadcast sent before it has reached no one recorded and was never taken
    over; down to 0050 the columns are gone and the broadcast stays."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0050_gift_card_returned")
        async with store.engine.begin() as conn:
            await conn.execute(_A_BROADCAST_AS_OF_0048, {"status": "done"})
        await _alembic(store, "upgrade", "0051_broadcast_resume")
        async with store.engine.begin() as conn:
            kept = (await conn.execute(text("SELECT reached_id, attempt FROM broadcasts"))).all()
            assert [tuple(row) for row in kept] == [(0, 0)]
        await _alembic(store, "downgrade", "0050_gift_card_returned")
        async with store.engine.connect() as conn:
            assert not {"reached_id", "attempt"} & set(await _columns(conn, "broadcasts"))
            assert await conn.scalar(text("SELECT count(*) FROM broadcasts")) == 1
    finally:
        await store.close()


async def _index_comes_with(
    database_url: str, revision: str, index: str, statement: Executable
) -> None:
    """Up to `revision` the database reads `statement` from `index`; down to the revision
    before it, not (the index is gone)."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", f"{revision}-1")
        assert index not in await _plan(store, statement)
        await _alembic(store, "upgrade", revision)
        assert index in await _plan(store, statement)
    finally:
        await store.close()


async def test_0052_ending_a_sale_reads_its_products_by_an_index(database_url: str) -> None:
    """Up to 0052 the statement that ends a sale's dates (`_undated`) reads the partial index
    on category_sale_of, not the whole table; down to 0051 the index is gone."""
    from bot.store.models import Product

    ending = (
        update(Product)
        .where(Product.category_sale_of == 1)
        .values(category_sale_ends_at=None, category_sale_of=None)
    )
    await _index_comes_with(
        database_url, "0052_sale_of_index", "ix_products_category_sale_of", ending
    )


async def test_0054_the_reports_read_paid_orders_by_an_index_on_paid_at(database_url: str) -> None:
    """Up to 0054 a report's period (/stats' Today, the morning report's day) reads the
    orders paid in it from the partial index on paid_at, not every order; down to 0053 the
    index is gone."""
    since = datetime(2026, 12, 4, 23, tzinfo=UTC)
    today = select(func.count(Order.id), func.sum(Order.total)).where(
        Order.paid_at.is_not(None), Order.paid_at >= since, Order.currency == "USD"
    )
    await _index_comes_with(database_url, "0054_paid_at_index", "ix_orders_paid_at", today)


async def test_0055_keeps_the_lines_a_refund_gave_back_and_takes_them_away(
    database_url: str,
) -> None:
    """Up to 0055 refunds have `lines` (NULL for every refund before: none named its lines,
    so a return offers them as before); down to the revision before it the column is gone."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0055_refund_lines-1")
        async with store.engine.connect() as conn:
            assert "lines" not in await _columns(conn, "refunds")
        await _alembic(store, "upgrade", "0055_refund_lines")
        async with store.engine.connect() as conn:
            assert "lines" in await _columns(conn, "refunds")
        assert await current_revision(store.engine) == "0055_refund_lines"
    finally:
        await store.close()


async def test_0057_keeps_what_a_refund_took_off_gift_cards_and_takes_it_away(
    database_url: str,
) -> None:
    """Up to 0057 refunds have `gift_card_shares`: NULL for a refund made before (what it took
    off a card is in the card's worth already), a JSON object of card ids and amounts for one
    made after; down to the revision before it the column is gone."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0057_refund_card_shares-1")
        async with store.uow() as uow:
            customer_id = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            assert customer_id is not None
            order_id = await _old_order(uow.session, customer_id, "paid", 6600, 1600)
            payment_id = await uow.session.scalar(
                text(
                    "INSERT INTO payments (order_id, provider, telegram_payment_charge_id, "
                    "payer_telegram_id, amount, currency, verification_status, "
                    "verification_attempts, created_at) VALUES (:order, 'stripe', 'tg_1', 1001, "
                    "6600, 'USD', 'verified', 0, :now) RETURNING id"
                ),
                {"order": order_id, "now": utcnow()},
            )
            await uow.session.execute(_A_REFUND, {"payment": payment_id, "now": utcnow()})
        await _alembic(store, "upgrade", "0057_refund_card_shares")
        async with store.engine.begin() as conn:
            await conn.execute(_A_REFUND, {"payment": payment_id, "now": utcnow()})
            await conn.execute(
                text("UPDATE refunds SET gift_card_shares = :shares WHERE id = 2"),
                {"shares": '{"7": 1100}'},
            )
            rows = (
                await conn.execute(text("SELECT id, gift_card_shares FROM refunds ORDER BY id"))
            ).all()
        assert [(row[0], _json(row[1])) for row in rows] == [(1, None), (2, {"7": 1100})]
        assert await current_revision(store.engine) == "0057_refund_card_shares"
        await _alembic(store, "downgrade", "0057_refund_card_shares-1")
        async with store.engine.connect() as conn:
            assert "gift_card_shares" not in await _columns(conn, "refunds")
    finally:
        await store.close()


_A_REFUND = text(
    "INSERT INTO refunds (order_id, payment_id, amount, currency, status, requested_by, "
    "created_at, attempts) SELECT order_id, id, 1600, 'USD', 'succeeded', 'admin:9001', :now, 0 "
    "FROM payments WHERE id = :payment"
)


def _json(value: object) -> object:
    """A JSON column as a raw SELECT gives it: text on SQLite, already read on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


async def test_0059_stats_seeks_the_currencies_paid_in_one_by_one(database_url: str) -> None:
    """Up to 0059 each step of /stats' list of the currencies orders were paid in (the
    least one after the last found) is a seek of the partial index on paid orders' currency;
    down to 0058 the index is gone."""
    after_euro = select(func.min(Order.currency)).where(
        Order.paid_at.is_not(None), Order.currency > "EUR"
    )
    await _index_comes_with(
        database_url, "0059_paid_currency_index", "ix_orders_paid_currency", after_euro
    )


async def test_0063_export_orders_seeks_its_days_by_an_index_on_created_at(
    database_url: str,
) -> None:
    """Up to 0063 each chunk of /export orders (the orders after the last one read, from
    from= on, oldest first) starts with a seek of the index on created_at and id; down to
    0060 the index is gone."""
    at, since = datetime(2026, 12, 4, 12, tzinfo=UTC), datetime(2026, 12, 3, 23, tzinfo=UTC)
    next_chunk = (  # its own columns: orders gained more since, which 0063 does not have
        select(Order.id, Order.created_at)
        .where(Order.created_at >= at, or_(Order.created_at > at, Order.id > 7))
        .where(Order.created_at >= since)
        .order_by(Order.created_at, Order.id)
        .limit(250)
    )
    await _index_comes_with(
        database_url, "0063_orders_created_index", "ix_orders_created", next_chunk
    )


_A_SALE_ENTRY = text(
    "INSERT INTO audit_log (actor_telegram_id, action, target, details, created_at) VALUES "
    "(9001, :action, :target, :details, :at)"
)


async def test_0056_gives_a_sale_started_before_0040_its_row_so_it_is_listed_and_ends(
    database_url: str,
) -> None:
    """Before 0040 Ada put Kitchen on sale at 20% and Garden at 10%, then ended Garden's;
    Decor's sale had all its prices put back by /price; Mugs' sale has its row already. Up
    to 0056 Kitchen's sale has its row from the audit log (20%, Ada's, no end date) and its
    products are the ones it covers: /sale lists it, and /sale end Kitchen ends it and its
    row. Nothing else changes."""
    from bot.services import category_sale as sale

    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0056_sales_before_0040-1")
        for sku, category in [("MUG", "kitchen"), ("HOSE", "garden"), ("VASE", "decor")]:
            await _old_product(store, sku, category)
        await _old_product(store, "CUP", "mugs")
        began = datetime(2026, 11, 20, 9, tzinfo=UTC)
        async with store.engine.begin() as conn:
            await conn.execute(
                text("UPDATE products SET compare_at_price = 2000 WHERE sku IN ('MUG', 'CUP')")
            )
            for action, target, details in [
                ("sale.start", "kitchen", '{"category": "kitchen", "products": 1, "percent": 20}'),
                ("sale.start", "garden", '{"category": "garden", "products": 1, "percent": 10}'),
                ("sale.start", "decor", '{"category": "decor", "products": 1, "percent": 15}'),
                ("sale.end", "garden", '{"category": "garden", "products": 1}'),
                ("sale.start", "mugs", '{"category": "mugs", "products": 1, "percent": 30}'),
            ]:
                await conn.execute(
                    _A_SALE_ENTRY,
                    {"action": action, "target": target, "details": details, "at": began},
                )
            await conn.execute(
                text(
                    "INSERT INTO category_sales (category_id, percent, ends_at, started_at) "
                    "SELECT id, 30, NULL, CURRENT_TIMESTAMP FROM categories WHERE slug = 'mugs'"
                )
            )
        await _alembic(store, "upgrade", "0056_sales_before_0040")
        await store.migrate()  # on to the head: the reads below are today's

        async with store.reading() as uow:
            listed = [(s.title, s.percent, s.ends_at) for s in await uow.category_sales.running()]
            kitchen = await uow.categories.named("kitchen")
            assert kitchen is not None
            row = await uow.category_sales.of(kitchen.id)
            assert row is not None and (row.started_by, row.started_at) == (9001, began)
            covered = {p.sku: p.in_category_sale for p in await uow.products.list_all()}
        assert sorted(listed) == [("kitchen", 20, None), ("mugs", 30, None)]
        assert covered == {"MUG": True, "HOSE": False, "VASE": False, "CUP": False}

        async with store.reading() as uow:
            preview = await sale.plan(uow, sale.SaleRequest("Kitchen"))
        async with store.uow() as uow:
            done = await sale.apply(
                uow, kitchen.id, 0, preview.fingerprint, actor=9001, now=utcnow()
            )
        assert done.products == 1
        async with store.reading() as uow:
            assert [s.title for s in await uow.category_sales.running()] == ["mugs"]
            mug = await uow.products.get_by_sku("MUG")
            assert mug is not None and (mug.price, mug.compare_at_price) == (2000, None)
    finally:
        await store.close()


_A_RETURN_REQUEST_BEFORE_0058 = text(
    "INSERT INTO return_requests (order_id, customer_telegram_id, lines, reason, status, amount, "
    "currency, created_at, decided_by, decided_at) VALUES (:order, 1001, '[]', 'damaged', "
    ":status, 2880, 'USD', :asked, :by, :decided) RETURNING id"
)


async def test_0058_owes_no_decline_before_it_a_message_and_takes_the_mark_away(
    database_url: str,
) -> None:
    """Before 0058 Sam's return #1 was declined (his message went out then, or was lost with
    no way to know) and #2 waits. Up to 0058 the decline is marked told at its decision, so
    the job sends nothing old, and the waiting one owes nothing; declined after it, its
    message is owed and the job finds it from the partial index; down to 0056 the column
    and the index are gone."""
    decided = datetime(2026, 12, 1, 9, tzinfo=UTC)
    owed = (
        select(ReturnRequest.id)
        .where(ReturnRequest.status == "declined", ReturnRequest.decline_told_at.is_(None))
        .order_by(ReturnRequest.id)
    )
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0058_return_decline_told-1")
        async with AsyncSession(store.engine) as session, session.begin():
            customer = await session.scalar(_A_CUSTOMER_AS_OF_0037)
            order_id = await _old_order(session, int(customer), "delivered", total=5040)
            requests = {"declined": decided, "requested": None}
            for status, at in requests.items():
                params = {"order": order_id, "status": status, "asked": decided, "decided": at}
                await session.execute(
                    _A_RETURN_REQUEST_BEFORE_0058, {**params, "by": at and "admin:9001"}
                )
        await _alembic(store, "upgrade", "0058_return_decline_told")
        async with AsyncSession(store.engine) as session:  # the columns 0058 has
            stamps = select(ReturnRequest.status, ReturnRequest.decline_told_at)
            told = {status: at for status, at in await session.execute(stamps)}
            assert told == {"declined": decided, "requested": None}
            assert (await session.scalars(owed)).all() == []
        async with store.uow() as uow:
            assert await uow.returns.decide(2, "declined", "admin:9001", utcnow())
        async with AsyncSession(store.engine) as session:
            assert (await session.scalars(owed)).all() == [2]
        assert "ix_return_requests_decline_untold" in await _plan(store, owed)

        await _alembic(store, "downgrade", "0058_return_decline_told-1")
        async with store.engine.connect() as conn:
            assert "decline_told_at" not in await _columns(conn, "return_requests")
            assert "ix_return_requests_decline_untold" not in await _indexes(
                conn, "return_requests"
            )
    finally:
        await store.close()


async def test_0060_lists_broadcast_recipients_and_takes_the_lists_away(
    database_url: str,
) -> None:
    """Up to 0060 a broadcast sending before it has no list, none skipped (so a worker that
    goes on with it lists the rest then), and lists can be written; down to the revision
    before it the columns and the lists are gone and the broadcast stays."""
    store = Store.from_url(database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0060_broadcast_recipients-1")
        async with store.engine.begin() as conn:
            await conn.execute(_A_BROADCAST_AS_OF_0048, {"status": "sending"})
        await _alembic(store, "upgrade", "0060_broadcast_recipients")
        async with store.engine.begin() as conn:
            kept = (await conn.execute(text("SELECT listed, skipped FROM broadcasts"))).all()
            assert [(bool(listed), skipped) for listed, skipped in kept] == [(False, 0)]
            await conn.execute(
                text("INSERT INTO broadcast_recipients (broadcast_id, customer_id) VALUES (1, 5)")
            )
            with pytest.raises(IntegrityError):  # once on a list
                async with conn.begin_nested():
                    await conn.execute(
                        text(
                            "INSERT INTO broadcast_recipients (broadcast_id, customer_id)"
                            " VALUES (1, 5)"
                        )
                    )
        await _alembic(store, "downgrade", "0060_broadcast_recipients-1")
        async with store.engine.connect() as conn:
            assert not {"listed", "skipped"} & set(await _columns(conn, "broadcasts"))
            assert "broadcast_recipients" not in await _tables(conn)
            assert await conn.scalar(text("SELECT count(*) FROM broadcasts")) == 1
    finally:
        await store.close()


async def test_0062_owes_no_approval_before_it_a_message_and_takes_the_mark_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Before 0062 Sam's return #1 was approved (his message went out then, or was lost) and
    #2 waits. Up to 0062 the approval is marked told at its decision, so the job sends
    nothing old; approved after it, its message is owed, read from the partial index, and a
    refund finds its request by an index; down to 0060 the column and indexes are gone."""
    decided = datetime(2026, 12, 1, 9, tzinfo=UTC)
    owed = (
        select(ReturnRequest.id)
        .where(ReturnRequest.status == "approved", ReturnRequest.approve_told_at.is_(None))
        .order_by(ReturnRequest.id)
    )
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0062_return_approve_told-1")
        async with AsyncSession(store.engine) as session, session.begin():
            customer = await session.scalar(_A_CUSTOMER_AS_OF_0037)
            order_id = await _old_order(session, int(customer), "delivered", total=5040)
            for status, at in {"approved": decided, "requested": None}.items():
                params = {"order": order_id, "status": status, "asked": decided, "decided": at}
                await session.execute(
                    _A_RETURN_REQUEST_BEFORE_0058, {**params, "by": at and "admin:9001"}
                )
        await _alembic(store, "upgrade", "0062_return_approve_told")
        async with AsyncSession(store.engine) as session:
            stamps = select(ReturnRequest.status, ReturnRequest.approve_told_at)
            told = {status: at for status, at in await session.execute(stamps)}
            assert told == {"approved": decided, "requested": None}
            assert (await session.scalars(owed)).all() == []
        async with store.uow() as uow:
            assert await uow.returns.decide(2, "approved", "admin:9001", utcnow())
        async with AsyncSession(store.engine) as session:
            assert (await session.scalars(owed)).all() == [2]
        assert "ix_return_requests_approve_untold" in await _plan(store, owed)
        of_refund = select(ReturnRequest.id).where(ReturnRequest.refund_id == 7)
        assert "ix_return_requests_refund_id" in await _plan(store, of_refund)

        await _alembic(store, "downgrade", "0062_return_approve_told-1")
        async with store.engine.connect() as conn:
            assert "approve_told_at" not in await _columns(conn, "return_requests")
            assert not {
                "ix_return_requests_approve_untold",
                "ix_return_requests_refund_id",
            } & await _indexes(conn, "return_requests")
    finally:
        await store.close()


async def test_0064_forgetting_her_inbox_updates_reads_her_chat_by_an_index(
    migrated_database_url: str,
) -> None:
    """Up to 0064 🗑 Delete my data finds the updates of her chat the inbox keeps by the
    index on their chat (`InboxRepository.forget_chat`), not by reading every update of the
    last day; down to 0060 the index is gone. (From a migrated copy: one step down and up
    is all it takes.)"""
    forgetting = (
        update(InboxEntry)
        .where(InboxEntry.chat_id == 1001, InboxEntry.status != "handling")
        .values(status="done")  # forget_chat's WHERE: what it reads by
    )
    await _index_comes_with(
        migrated_database_url, "0064_inbox_chat_index", "ix_inbox_chat_id", forgetting
    )


async def test_0065_keeps_the_shops_answers_to_common_questions_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0065 an entry keeps its question, answer, versions in other languages and place;
    down to the revision before it the table is gone."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        async with store.uow() as uow:
            entry = await uow.faq.add("Shipping?", "3-5 days.")
            entry.translations = {"ru": {"question": "Доставка?", "answer": "3-5 дней."}}
        async with store.reading() as uow:
            (kept,) = await uow.faq.list_all()
        assert (kept.position, kept.translations) == (1, entry.translations)
        await _alembic(store, "downgrade", "0065_faq-1")
        async with store.engine.connect() as conn:
            assert "faq_entries" not in await _tables(conn)
        await _alembic(store, "upgrade", "0065_faq")
        async with store.engine.connect() as conn:
            assert "faq_entries" in await _tables(conn)
        assert await current_revision(store.engine) == "0065_faq"
    finally:
        await store.close()


async def test_0061_keeps_the_tax_of_orders_placed_after_it_and_none_before(
    migrated_database_url: str,  # a copy of the newest schema: down past 0061 and up is enough
) -> None:
    """Up to 0061 an order placed before it has no tax label (it shows no tax, as before)
    and a tax of 0, and products, lines, orders and refunds take their tax; down to the
    revision before it the columns are gone and the order stays."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0061_order_tax-1")
        async with store.uow() as uow:
            customer_id = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            assert customer_id is not None
            await _old_order(uow.session, customer_id, "paid", 6600)
        await _alembic(store, "upgrade", "0061_order_tax")
        async with store.engine.begin() as conn:
            kept = (await conn.execute(text("SELECT tax_label, tax_total FROM orders"))).one()
            assert tuple(kept) == (None, 0)
            await conn.execute(text("UPDATE orders SET tax_label = 'VAT', tax_rate_bp = 2000"))
            for table in ("products", "order_lines"):
                assert "tax_rate_bp" in await _columns(conn, table)
            assert "tax" in await _columns(conn, "refunds")
        await _alembic(store, "downgrade", "0061_order_tax-1")
        async with store.engine.connect() as conn:
            assert not {"tax_label", "tax_rate_bp", "shipping_tax", "tax_total"} & set(
                await _columns(conn, "orders")
            )
            assert not {"tax_rate_bp", "tax"} & await _columns(conn, "order_lines")
            assert "tax_rate_bp" not in await _columns(conn, "products")
            assert "tax" not in await _columns(conn, "refunds")
            assert await conn.scalar(text("SELECT count(*) FROM orders")) == 1
    finally:
        await store.close()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
async def test_0066_keeps_who_the_shop_blocked_and_takes_it_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0066 a customer can be blocked (when, why, by whom, when last told), /blocked
    reads the blocked by a partial index and "Delete my data" finds the audit rows of her
    blocks by another; down to the revision before it all of that is gone, and customers
    written meanwhile stay."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        async with store.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO customers (telegram_id, first_name, blocked_bot, cart_reminders,"
                    " price_drop_alerts, morning_report, created_at, last_seen_at, blocked_at,"
                    " blocked_reason, blocked_by) VALUES (1001, 'Mallory', false, true, true,"
                    " true, :now, :now, :now, 'spam', 9001)"
                ),
                {"now": datetime(2026, 12, 5, 17, tzinfo=UTC)},
            )
            assert {"ix_customers_blocked_at"} <= await _indexes(conn, "customers")
            assert {"ix_audit_log_blocks"} <= await _indexes(conn, "audit_log")
        await _alembic(store, "downgrade", "0066_customer_blocks-1")
        async with store.engine.connect() as conn:
            columns = await _columns(conn, "customers")
            assert not {"blocked_at", "blocked_reason", "blocked_by", "blocked_told_at"} & columns
            assert "ix_customers_blocked_at" not in await _indexes(conn, "customers")
            assert "ix_audit_log_blocks" not in await _indexes(conn, "audit_log")
            assert await conn.scalar(text("SELECT first_name FROM customers")) == "Mallory"
        await _alembic(store, "upgrade", "0066_customer_blocks")
        async with store.engine.connect() as conn:
            assert await conn.scalar(text("SELECT blocked_at FROM customers")) is None
        assert await current_revision(store.engine) == "0066_customer_blocks"
    finally:
        await store.close()


async def test_0067_numbers_invoices_from_one_counter_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0067 the counter has its one row at 0 and an order has one invoice at most,
    each number once; down to the revision before it both tables are gone."""
    store = Store.from_url(migrated_database_url)
    insert = text(
        "INSERT INTO invoices (order_id, sequence, number, issued_at, seller, seller_address,"
        " seller_tax_id) VALUES (:order, :seq, :number, CURRENT_TIMESTAMP, 'Mugs Ltd', '', '')"
    )
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0067_invoices-1")
        async with store.engine.connect() as conn:
            assert not {"invoices", "invoice_counter"} & await _tables(conn)
        await _alembic(store, "upgrade", "0067_invoices")
        assert await current_revision(store.engine) == "0067_invoices"
        async with store.uow() as uow:
            counter = await uow.session.execute(text("SELECT id, last FROM invoice_counter"))
            assert [tuple(row) for row in counter] == [(1, 0)]
            customer_id = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            assert customer_id is not None
            order_id = await _old_order(uow.session, customer_id, "paid", 1600)
            await uow.session.execute(insert, {"order": order_id, "seq": 1, "number": "N-1"})
        for seq, number in ((2, "N-2"), (1, "N-3")):  # the same order again; the same number
            with pytest.raises(IntegrityError):
                async with store.uow() as uow:
                    params = {"order": order_id, "seq": seq, "number": number}
                    await uow.session.execute(insert, params)
        await _alembic(store, "downgrade", "0067_invoices-1")
        async with store.engine.connect() as conn:
            assert not {"invoices", "invoice_counter"} & await _tables(conn)
            assert await conn.scalar(text("SELECT count(*) FROM orders")) == 1
    finally:
        await store.close()


async def test_0068_keeps_invitation_codes_and_friends_once_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0068 a customer may have an invitation code (one customer per code) and a friend
    is attributed to one inviter at most; down to the revision before it the code and the
    referrals are gone, and the customers stay."""
    store = Store.from_url(migrated_database_url)
    refer = text(
        "INSERT INTO referrals (inviter_id, friend_id, created_at) "
        "VALUES (:inviter, :friend, CURRENT_TIMESTAMP)"
    )
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0068_referrals-1")
        async with store.engine.connect() as conn:
            assert "referrals" not in await _tables(conn)
            assert "invite_code" not in await _columns(conn, "customers")
        await _alembic(store, "upgrade", "0068_referrals")
        assert await current_revision(store.engine) == "0068_referrals"
        async with store.uow() as uow:
            ann = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            bob = await uow.session.scalar(
                text(_A_CUSTOMER_AS_OF_0037.text.replace("1001, 'Alice'", "1002, 'Bob'"))
            )
            await uow.session.execute(
                text("UPDATE customers SET invite_code = 'ANNCODE2' WHERE id = :id"), {"id": ann}
            )
            await uow.session.execute(refer, {"inviter": ann, "friend": bob})
        with pytest.raises(IntegrityError):  # Bob is Ann's friend already: nobody else's
            async with store.uow() as uow:
                await uow.session.execute(refer, {"inviter": bob, "friend": bob})
        with pytest.raises(IntegrityError):  # a code is one customer's
            async with store.uow() as uow:
                await uow.session.execute(
                    text("UPDATE customers SET invite_code = 'ANNCODE2' WHERE id = :id"),
                    {"id": bob},
                )
        await _alembic(store, "downgrade", "0068_referrals-1")
        async with store.engine.connect() as conn:
            assert "referrals" not in await _tables(conn)
            assert "invite_code" not in await _columns(conn, "customers")
            assert await conn.scalar(text("SELECT count(*) FROM customers")) == 2
    finally:
        await store.close()


async def test_0069_keeps_a_products_quantity_tiers_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0069 a product keeps its quantity tiers ("3:10,6:15"; NULL for products from
    before); down to the revision before it the column is gone and the products stay."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        mug = await _old_product(store, "MUG")
        async with store.engine.begin() as conn:
            assert await conn.scalar(text("SELECT tiers FROM products")) is None
            await conn.execute(
                text("UPDATE products SET tiers = '3:10,6:15' WHERE id = :id"), {"id": mug}
            )
        async with store.reading() as uow:
            product = await uow.products.get(mug)
            assert product is not None and product.tiers == "3:10,6:15"
        await _alembic(store, "downgrade", "0069_quantity_tiers-1")
        async with store.engine.connect() as conn:
            assert "tiers" not in await _columns(conn, "products")
            assert await conn.scalar(text("SELECT sku FROM products")) == "MUG"
        await _alembic(store, "upgrade", "0069_quantity_tiers")
        assert await current_revision(store.engine) == "0069_quantity_tiers"
        async with store.engine.connect() as conn:
            assert await conn.scalar(text("SELECT tiers FROM products")) is None
    finally:
        await store.close()


async def test_0070_keeps_delivery_windows_and_each_orders_time_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0070 a day's delivery window has one row (seats taken, closed or not), an order
    its day and window (NULL for orders from before) and a cart the time she chose; down to
    the revision before it all of that is gone and the orders and carts stay."""
    store = Store.from_url(migrated_database_url)
    window = text(
        "INSERT INTO delivery_slots (day, \"window\") VALUES ('2026-12-07', '10:00-12:00')"
    )
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0070_delivery_slots-1")
        async with store.engine.connect() as conn:
            assert "delivery_slots" not in await _tables(conn)
            assert not {"delivery_day", "delivery_window"} & await _columns(conn, "orders")
        async with store.uow() as uow:
            ann = await uow.session.scalar(_A_CUSTOMER_AS_OF_0037)
            await uow.session.execute(
                text("INSERT INTO carts (customer_id, updated_at) VALUES (:c, CURRENT_TIMESTAMP)"),
                {"c": ann},
            )
        await _alembic(store, "upgrade", "0070_delivery_slots")
        assert await current_revision(store.engine) == "0070_delivery_slots"
        async with store.engine.begin() as conn:
            assert await conn.scalar(text("SELECT delivery_slot FROM carts")) is None
            await conn.execute(window)
            row = (await conn.execute(text("SELECT taken, closed FROM delivery_slots"))).one()
            assert (row.taken, bool(row.closed)) == (0, False)
        with pytest.raises(IntegrityError):  # one row per day and window
            async with store.engine.begin() as conn:
                await conn.execute(window)
        await _alembic(store, "downgrade", "0070_delivery_slots-1")
        async with store.engine.connect() as conn:
            assert "delivery_slots" not in await _tables(conn)
            assert "delivery_slot" not in await _columns(conn, "carts")
            assert "delivery_slot_released" not in await _columns(conn, "orders")
            assert await conn.scalar(text("SELECT count(*) FROM carts")) == 1
    finally:
        await store.close()


async def test_0071_lets_a_sales_pause_end_by_itself_and_takes_its_end_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0071 the pause keeps its last day and the midnight that ends it (NULL for a
    pause from before: until /resume, as it always was); down to the revision before it the
    columns are gone and the pause stays."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        async with store.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO sales_pause (id, note, paused_by, paused_at) "
                    "VALUES (1, 'Inventory', 9001, '2026-12-06 03:00:00+00:00')"
                )
            )
        async with store.reading() as uow:
            pause = await uow.sales.pause()
            assert pause is not None and pause.until is None and pause.ends_at is None
        async with store.engine.begin() as conn:
            await conn.execute(
                text("UPDATE sales_pause SET until = :day, ends_at = :end"),
                {"day": date(2036, 12, 27), "end": datetime(2036, 12, 27, 23, tzinfo=UTC)},
            )
        async with store.reading() as uow:
            assert await uow.sales.pause(datetime(2036, 12, 27, 22, 59, tzinfo=UTC)) is not None
            assert await uow.sales.pause(datetime(2036, 12, 27, 23, tzinfo=UTC)) is None
        await _alembic(store, "downgrade", "0071_shop_pause-1")
        async with store.engine.connect() as conn:
            assert {"until", "ends_at"} & set(await _columns(conn, "sales_pause")) == set()
            assert await conn.scalar(text("SELECT note FROM sales_pause")) == "Inventory"
        await _alembic(store, "upgrade", "0071_shop_pause")
        assert await current_revision(store.engine) == "0071_shop_pause"
        async with store.reading() as uow:
            pause = await uow.sales.pause()
            assert pause is not None and pause.until is None and pause.note == "Inventory"
    finally:
        await store.close()


async def test_0072_keeps_a_bundles_parts_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0072 a product keeps the parts of the set it is (NULL for products from
    before: sold as themselves); down to the revision before it the column is gone and the
    products stay."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        mug = await _old_product(store, "MUG")
        async with store.engine.begin() as conn:
            assert await conn.scalar(text("SELECT bundle FROM products")) is None
            await conn.execute(
                text("UPDATE products SET bundle = :parts WHERE id = :id"),
                {"parts": '[{"product_id": 7, "quantity": 2}]', "id": mug},
            )
        async with store.reading() as uow:
            product = await uow.products.get(mug)
            assert product is not None and product.bundle == [{"product_id": 7, "quantity": 2}]
        await _alembic(store, "downgrade", "0072_bundles-1")
        async with store.engine.connect() as conn:
            assert "bundle" not in await _columns(conn, "products")
            assert await conn.scalar(text("SELECT sku FROM products")) == "MUG"
        await _alembic(store, "upgrade", "0072_bundles")
        assert await current_revision(store.engine) == "0072_bundles"
        async with store.engine.connect() as conn:
            assert await conn.scalar(text("SELECT bundle FROM products")) is None
    finally:
        await store.close()


async def test_0073_gives_an_order_line_of_a_set_the_parts_it_has_and_takes_them_away(
    migrated_database_url: str,  # a copy of the newest schema: one step down and up is enough
) -> None:
    """Up to 0073 an order line keeps the parts of the set it sold: lines from before get
    the set's parts as they are then, a line sold as itself stays NULL; down to 0072 the
    column is gone and the lines stay."""
    store = Store.from_url(migrated_database_url)
    try:
        await store.migrate()
        await _alembic(store, "downgrade", "0073_bundle_lines-1")
        mug = await _old_product(store, "MUG")
        tea_set = await _old_product(store, "TEASET")
        parts = [{"product_id": mug, "quantity": 2}]
        async with store.engine.begin() as conn:
            await conn.execute(
                text("UPDATE products SET bundle = :parts WHERE id = :id"),
                {"parts": json.dumps(parts), "id": tea_set},
            )
        async with AsyncSession(store.engine) as session, session.begin():
            customer = await session.scalar(_A_CUSTOMER_AS_OF_0037)
            order_id = await _old_order(session, int(customer), "paid")
            await _old_line(session, order_id, tea_set, "TEASET")
            await _old_line(session, order_id, mug, "MUG")
        await _alembic(store, "upgrade", "0073_bundle_lines")
        async with store.reading() as uow:
            order = await uow.orders.get(order_id)
            assert order is not None
            kept = {line.sku: line.bundle for line in order.lines}
            assert kept == {"TEASET": parts, "MUG": None}
        await _alembic(store, "downgrade", "0073_bundle_lines-1")
        async with store.engine.connect() as conn:
            assert "bundle" not in await _columns(conn, "order_lines")
            skus = await conn.scalars(text("SELECT sku FROM order_lines ORDER BY sku"))
            assert list(skus) == ["MUG", "TEASET"]
        await _alembic(store, "upgrade", "0073_bundle_lines")
        assert await current_revision(store.engine) == "0073_bundle_lines"
    finally:
        await store.close()
