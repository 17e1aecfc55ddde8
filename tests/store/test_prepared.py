"""Statements a shopper's every round trip runs, prepared once (bot.store.prepared): on the
event loop's SQLite connection, and on a visit's or an apply's asyncpg connection on
PostgreSQL, they run straight through the driver, and what they read and write is exactly
what SQLAlchemy's own execution reads and writes."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import bindparam, inspect, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import selectinload

from bot.store.models import Cart, ChatState, Order, OrderLine, Product
from bot.store.prepared import Prepared, PreparedResult, prepared
from bot.store.uow import Store
from tests.conftest import add_product

SQLITE = sqlite.dialect()
POSTGRESQL = asyncpg_dialect()


@pytest.fixture
def prepared_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every prepared statement run, in order, on either driver."""
    ran: list[str] = []
    run, run_on_asyncpg = Prepared.run, Prepared.run_on_asyncpg

    def recording(self: Prepared, dbapi: Any, params: Any) -> PreparedResult:
        ran.append(self.sql.split()[0])
        return run(self, dbapi, params)

    async def recording_on_asyncpg(self: Prepared, driver: Any, params: Any) -> PreparedResult:
        ran.append(self.sql.split()[0])
        return await run_on_asyncpg(self, driver, params)

    monkeypatch.setattr(Prepared, "run", recording)
    monkeypatch.setattr(Prepared, "run_on_asyncpg", recording_on_asyncpg)
    return ran


async def a_shopper_with_a_chat(store: Store, telegram_id: int = 7) -> int:
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id, first_name="Ann")
        uow.session.add(
            ChatState(chat_id=telegram_id, state="viewing", data={"product": 3}, version=4)
        )
    return customer.id


async def test_a_visit_reads_the_customer_and_chat_as_sqlalchemy_does(
    store: Store, prepared_runs: list[str]
) -> None:
    await a_shopper_with_a_chat(store)
    async with store.reading() as uow:  # SQLAlchemy's execution, on a thread
        expected = await uow.customers.with_chat(7, 7)
    assert prepared_runs == []

    async with store.reading(deferring=True, by_key=True) as uow:
        known, chat = await uow.customers.with_chat(7, 7)

    assert prepared_runs == ["SELECT"]
    assert (known, chat) == expected
    assert known is not None and chat is not None
    assert known.first_name == "Ann" and known.blocked_bot is False
    assert known.last_seen_at.tzinfo is UTC  # the column's own type made it aware
    assert chat.data == {"product": 3} and chat.version == 4  # JSON read back as a dict


async def test_a_product_read_in_a_visit_is_the_stored_product_detached(
    store: Store, prepared_runs: list[str]
) -> None:
    product_id = await add_product(store, "MUG", price=1600, stock=5)
    async with store.reading() as uow:
        stored = await uow.products.get(product_id)

    async with store.reading(deferring=True, by_key=True) as uow:
        by_sku = await uow.products.get_by_sku("MUG")
        by_id = await uow.products.get(product_id)
        missing = await uow.products.get_by_sku("NOPE")

    assert prepared_runs == ["SELECT", "SELECT", "SELECT"]
    assert missing is None
    columns = [attribute.key for attribute in inspect(Product).column_attrs]
    for found in (by_sku, by_id):
        assert isinstance(found, Product)
        assert {c: getattr(found, c) for c in columns} == {c: getattr(stored, c) for c in columns}
        assert inspect(found).detached and inspect(found).identity == (product_id,)
        with pytest.raises(InvalidRequestError, match="lazy='raise'"):
            _ = found.variants  # not loaded: it still says so, as a session's product does


async def test_a_page_lists_its_products_as_sqlalchemy_reads_them(
    store: Store, prepared_runs: list[str]
) -> None:
    mug = await add_product(store, "MUG", price=1600, stock=5)
    pen = await add_product(store, "PEN", price=250, stock=0)
    async with store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None
        product.reserved, product.translations = 2, {"ru": {"title": "Кружка"}}
        product.options = [{"name": "Size", "values": ["S", "M"]}]
    async with store.reading() as uow:  # SQLAlchemy's execution, on a thread
        expected = await uow.products.listed([pen, 999, mug])
        whole = await uow.products.get_ordered([pen, mug])
    assert prepared_runs == []

    async with store.reading(deferring=True, by_key=True) as uow:
        listed = await uow.products.listed([pen, 999, mug])

    assert prepared_runs == ["SELECT"]
    assert listed == expected
    assert [(p.sku, p.available, p.has_variants, p.translations) for p in listed] == [
        ("PEN", 0, False, None),
        ("MUG", 3, True, {"ru": {"title": "Кружка"}}),  # stock 5, 2 held
    ]
    assert [(p.id, p.title, p.price, p.currency) for p in listed] == [
        (p.id, p.title, p.price, p.currency) for p in whole
    ]


async def test_a_list_parameter_reads_every_item_listed_however_many(
    store: Store, prepared_runs: list[str]
) -> None:
    mug, pen = await add_product(store, "MUG"), await add_product(store, "PEN")
    async with store.reading(deferring=True, by_key=True) as uow:
        in_order = await uow.products.get_ordered([pen, 999, mug])
        one = await uow.products.get_many([mug])
        nothing = await uow.products.get_many([])
    assert [product.sku for product in in_order] == ["PEN", "MUG"]
    assert [product.sku for product in one.values()] == ["MUG"]
    assert nothing == {}  # an empty list: nothing, not an error
    # A place per item on SQLite, one array on PostgreSQL: prepared either way.
    assert prepared_runs == ["SELECT", "SELECT", "SELECT"]


async def test_counts_use_the_statements_own_literal_values(
    store: Store, prepared_runs: list[str]
) -> None:
    customer_id = await a_shopper_with_a_chat(store)
    mug = await add_product(store, "MUG")
    pen = await add_product(store, "PEN")
    async with store.uow() as uow:
        assert await uow.carts.set_line(customer_id, mug, 0, 2)
        assert await uow.carts.set_line(customer_id, pen, 0, 3)

    async with store.reading(deferring=True, by_key=True) as uow:
        assert await uow.carts.counts(customer_id, mug) == (2, 5)
        assert await uow.carts.counts(customer_id, 999) == (0, 5)  # COALESCE(..., 0)
    assert prepared_runs == ["SELECT", "SELECT"]


async def test_a_card_learns_in_its_counts_read_whether_her_invoice_holds_the_product(
    store: Store, prepared_runs: list[str]
) -> None:
    """Her order holds two mugs (one line) and one more (another): the card's counts say
    she holds some, and the holds' own read has both lines; a pen she holds none of, and an
    order no longer holding, say nothing."""
    customer_id = await a_shopper_with_a_chat(store)
    mug, pen = await add_product(store, "MUG"), await add_product(store, "PEN")
    async with store.uow() as uow:
        for hold_status, invoice in (("held", 55), ("released", None)):
            order = Order(
                customer_id=customer_id,
                currency="USD",
                hold_status=hold_status,
                invoice_message_id=invoice,
            )
            order.lines = [
                OrderLine(
                    product_id=mug,
                    sku="MUG",
                    title="Mug",
                    unit_price=100,
                    currency="USD",
                    quantity=quantity,
                )
                for quantity in (2, 1)
            ]
            await uow.orders.add(order)

    async with store.reading(deferring=True, by_key=True) as uow:
        assert await uow.carts.card_counts(customer_id, mug) == (0, 0, True, False, 0)
        assert await uow.carts.card_counts(customer_id, pen) == (0, 0, False, False, 0)
        held = await uow.orders.holds_of_product(customer_id, mug)
        assert await uow.orders.holds_of_product(customer_id, pen) == []
    assert [(variant, units, in_chat) for variant, _, units, in_chat in held] == [
        (0, 2, True),
        (0, 1, True),
    ]
    assert prepared_runs == ["SELECT"] * 4


async def test_a_visits_cart_change_is_written_by_prepared_statements_all_or_nothing(
    store: Store, prepared_runs: list[str]
) -> None:
    customer_id = await a_shopper_with_a_chat(store)
    mug = await add_product(store, "MUG")

    async with store.reading(deferring=True, by_key=True) as uow:
        await uow.carts.set_line(customer_id, mug, 0, 1)
    assert await store.apply(uow.deferred, chat_id=None)
    assert prepared_runs == ["INSERT", "INSERT", "UPDATE"]  # the cart, its line, touched

    async with store.reading(deferring=True, by_key=True) as uow:
        await uow.carts.set_line(customer_id, mug, 1, 2)
        stale = list(uow.deferred)
    assert await store.apply(stale, chat_id=None)
    assert not await store.apply(stale, chat_id=None)  # 1 -> 2 again: it holds 2

    async with store.reading() as uow:
        cart = await uow.carts.get_for_customer(customer_id)
        assert cart is not None and [line.quantity for line in cart.lines] == [2]
        assert cart.changed_at is not None and cart.updated_at == cart.changed_at


def test_a_statement_that_cannot_be_prepared_is_refused_when_first_run() -> None:
    rendered_each_run = select(Product.id).limit(bindparam("n", literal_execute=True))
    with pytest.raises(TypeError, match="not a statement to prepare"):
        Prepared(rendered_each_run, SQLITE)  # its value is written into the SQL
    touched_by_default = update(Cart).values(changed_at=bindparam("now"))  # and updated_at?
    with pytest.raises(TypeError, match="not a statement to prepare"):
        Prepared(touched_by_default, SQLITE)  # its onupdate default: computed per run
    with pytest.raises(TypeError, match="loader options"):
        Prepared(select(Product).options(selectinload(Product.variants)), SQLITE)
    ids = bindparam("ids", expanding=True)
    with pytest.raises(TypeError, match="only in one `IN`"):
        Prepared(select(Product.id).where(Product.id.not_in(ids)), POSTGRESQL)


def test_on_postgresql_a_list_is_one_array_after_the_other_parameters() -> None:
    ids = bindparam("ids", expanding=True)
    some = select(Product.id).where(Product.id.in_(ids), Product.sku == bindparam("sku"))
    form = Prepared(some, POSTGRESQL)
    assert "products.id = ANY($2)" in form.sql and "products.sku = $1" in form.sql
    assert form.bound({"ids": [3, 1], "sku": "MUG"}) == (form.sql, ["MUG", [3, 1]])


def test_a_missing_parameter_is_named() -> None:
    by_sku = Prepared(select(Product).where(Product.sku == bindparam("sku")), SQLITE)
    with pytest.raises(KeyError, match="'sku'"):
        by_sku.run(None, {})  # type: ignore[arg-type]


async def test_elsewhere_the_mark_changes_nothing(store: Store) -> None:
    """A writing unit runs a marked statement as SQLAlchemy does (a session's product)."""
    await add_product(store, "MUG", price=1234)
    by_sku = prepared(select(Product).where(Product.sku == bindparam("sku")))
    async with store.uow() as uow:
        product = await uow.session.scalar(by_sku, {"sku": "MUG"})
        assert product is not None and product in uow.session and product.price == 1234
