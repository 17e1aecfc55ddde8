"""Migrations are the only way the schema is created, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Connection, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import selectinload

from bot.store.migrate import alembic_config, current_revision, is_model_object
from bot.store.models import Base, Broadcast, Customer, Order, OrderEvent, Product, utcnow
from bot.store.uow import Store


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


# SQLAlchemy cannot reflect the search index's expression index on SQLite; it is not a model's.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
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


async def _alembic(store: Store, direction: str, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)

    async with store.engine.begin() as conn:
        await conn.run_sync(run)


async def _statuses(store: Store) -> dict[int, tuple[str, list[tuple[str | None, str]]]]:
    async with AsyncSession(store.engine) as session:
        orders = (await session.scalars(select(Order).options(selectinload(Order.events)))).all()
        return {o.id: (o.status, [(e.from_status, e.to_status) for e in o.events]) for o in orders}


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
            customer = Customer(telegram_id=1001, first_name="Sam")
            session.add(customer)
            await session.flush()
            for name, (status, refunded, events) in histories.items():
                order = Order(
                    customer_id=customer.id,
                    status=status,
                    currency="USD",
                    total=3700,
                    refunded_amount=refunded,
                )
                session.add(order)
                await session.flush()
                ids[name] = order.id
                session.add_all(
                    OrderEvent(order_id=order.id, from_status=a, to_status=b) for a, b in events
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
            return [item.title for item in (await catalog.search(uow, query)).items]

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
