"""Every repository operation on a real database (each test runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store.models import Order, OrderLine, Payment, Refund, utcnow
from bot.store.order_states import IllegalOrderTransition
from bot.store.uow import Store, WriteWhileReading
from tests.conftest import add_product


async def _product(store: Store, sku: str = "MUG", stock: int = 5, price: int = 1250) -> int:
    return await add_product(store, sku, stock=stock, price=price, description="Stoneware mug")


async def _customer(store: Store, telegram_id: int = 1001) -> int:
    async with store.uow() as uow:
        return (await uow.customers.get_or_create(telegram_id, first_name="Alice")).id


async def test_categories_and_products_are_listed_and_paged(store: Store) -> None:
    for i in range(10):
        await _product(store, f"SKU-{i:02d}")
    async with store.uow() as uow:
        ((category, count),) = await uow.categories.list_with_active_products()
        assert (category.title, count) == ("Kitchen", 10)
        assert await uow.products.count_in_category(category.id) == 10
        page2 = await uow.products.list_in_category(category.id, offset=8, limit=8)
        assert [p.sku for p in page2] == ["SKU-08", "SKU-09"]
        assert len(await uow.products.list_in_category(category.id, limit=20)) == 10
        hidden = await uow.products.get_by_sku("SKU-00")
        assert hidden is not None
        hidden.is_active = False
    async with store.uow() as uow:
        assert await uow.products.count_in_category(category.id) == 9
        assert len(await uow.products.list_in_category(category.id, limit=20)) == 9
        assert len(await uow.products.get_many([hidden.id])) == 1


async def test_reserve_sell_release_keep_stock_exact(store: Store) -> None:
    pid = await _product(store, stock=5)
    async with store.uow() as uow:
        assert await uow.products.reserve(pid, 3)
        assert not await uow.products.reserve(pid, 3)  # only 2 left available
        assert await uow.products.sell_reserved(pid, 2)
        assert await uow.products.release(pid, 1)
        assert not await uow.products.release(pid, 1)  # nothing held any more
    async with store.uow() as uow:
        product = await uow.products.get(pid)
        assert product is not None
        assert (product.stock, product.reserved, product.available) == (3, 0, 3)
        assert await uow.products.sell_unreserved(pid, 3)
        assert not await uow.products.sell_unreserved(pid, 1)
        await uow.products.restock(pid, 2)
    async with store.uow() as uow:
        product = await uow.products.get(pid)
        assert product is not None and product.stock == 2


async def test_stock_can_never_fall_below_what_is_reserved(store: Store) -> None:
    pid = await _product(store, stock=5)
    async with store.uow() as uow:
        assert await uow.products.reserve(pid, 4)
        assert not await uow.products.set_stock(pid, 3)
        assert not await uow.products.adjust_stock(pid, -2)
        assert await uow.products.adjust_stock(pid, -1)
        assert await uow.products.set_stock(pid, 10)
    with pytest.raises(IntegrityError):  # the database itself refuses too
        async with store.uow() as uow:
            product = await uow.products.get(pid)
            assert product is not None
            product.stock = 1


SHOPPERS = 12  # within the engine's pool (5 + 10 overflow): every one holds a connection at once


@pytest.mark.postgres
async def test_concurrent_reservations_never_oversell(pg_url: str) -> None:
    """Twelve shoppers on their own PostgreSQL connections all read "5 available", then
    reserve at the same moment: only the conditional UPDATE stands between them and selling
    twelve. (SQLite units of work queue one after another, so only PostgreSQL can race.)"""
    store = Store.from_url(pg_url)
    await store.migrate()
    try:
        pid = await _product(store, stock=5)
        everyone_has_read = asyncio.Barrier(SHOPPERS)

        async def one_shopper() -> bool:
            async with store.uow() as uow:
                product = await uow.products.get(pid)
                assert product is not None and product.available == 5
                await everyone_has_read.wait()
                return await uow.products.reserve(pid, 1)

        results = await asyncio.gather(*(one_shopper() for _ in range(SHOPPERS)))
        assert results.count(True) == 5
        async with store.uow() as uow:
            product = await uow.products.get(pid)
            assert product is not None and (product.stock, product.reserved) == (5, 5)
    finally:
        await store.close()


async def test_customers_are_created_once_and_can_be_marked_blocked(store: Store) -> None:
    first = await _customer(store)
    async with store.uow() as uow:
        again = await uow.customers.get_or_create(1001, first_name="Alice B", username="alice")
        assert again.id == first and again.username == "alice"
        await uow.customers.get_or_create(1002, first_name="Bob")
        await uow.customers.mark_blocked(1002)
    async with store.uow() as uow:
        await uow.customers.get_or_create(1003, first_name="Cleo")
    async with store.reading() as uow:
        assert await uow.customers.count_reachable() == 2
    async with store.uow() as uow:
        bob = await uow.customers.get_by_telegram_id(1002)
        assert bob is not None and bob.blocked_bot


async def test_cart_lines_are_set_changed_removed_and_cleared(store: Store) -> None:
    mug, cup = await _product(store, "MUG"), await _product(store, "CUP")
    customer = await _customer(store)
    async with store.uow() as uow:
        cart = await uow.carts.get_for_customer(customer)
        await uow.carts.set_quantity(cart, mug, 2)
        await uow.carts.set_quantity(cart, cup, 1)
    async with store.uow() as uow:
        cart = await uow.carts.get_for_customer(customer)
        assert [(ln.product.sku, ln.quantity) for ln in cart.lines] == [("MUG", 2), ("CUP", 1)]
        await uow.carts.set_quantity(cart, mug, 3)
        await uow.carts.set_quantity(cart, cup, 0)
    async with store.uow() as uow:
        cart = await uow.carts.get_for_customer(customer)
        assert [(ln.product.sku, ln.quantity) for ln in cart.lines] == [("MUG", 3)]
        await uow.carts.clear(cart)
    async with store.uow() as uow:
        assert (await uow.carts.get_for_customer(customer)).lines == []


async def _order(store: Store, customer: int, pid: int, quantity: int = 2) -> int:
    async with store.uow() as uow:
        order = Order(
            customer_id=customer, currency="USD", items_total=2500, total=2500, hold_status="held"
        )
        order.lines = [
            OrderLine(
                product_id=pid,
                sku="MUG",
                title="Mug",
                unit_price=1250,
                currency="USD",
                quantity=quantity,
            )
        ]
        return (await uow.orders.add(order)).id


async def test_orders_move_along_the_lifecycle_with_timestamped_events(store: Store) -> None:
    pid, customer = await _product(store), await _customer(store)
    order_id = await _order(store, customer, pid)
    async with store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.lines[0].line_total == 2500
        assert await uow.orders.claim_hold(order_id, "sold")
        assert not await uow.orders.claim_hold(order_id, "released")
        await uow.orders.transition(order, "pay", actor="payment")
        await uow.orders.transition(order, "ship", actor="admin:1", note="TRACK-1")
        with pytest.raises(IllegalOrderTransition, match="shipped cannot pay"):
            await uow.orders.transition(order, "pay")
    async with store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.status == "shipped"
        assert [(e.from_status, e.to_status) for e in order.events] == [
            (None, "awaiting_payment"),
            ("awaiting_payment", "paid"),
            ("paid", "shipped"),
        ]
        assert all(e.created_at.tzinfo is not None for e in order.events)
        assert [o.id for o in await uow.orders.list_for_customer(customer)] == [order_id]
        assert [o.id for o in await uow.orders.list_recent(status="shipped")] == [order_id]
        assert await uow.orders.count(status="paid") == 0 and await uow.orders.count() == 1
        assert await uow.orders.open_holds_for_customer(customer) == []


async def test_expired_holds_are_found(store: Store) -> None:
    from datetime import timedelta

    from bot.store.models import utcnow

    pid, customer = await _product(store), await _customer(store)
    order_id = await _order(store, customer, pid)
    async with store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        assert order is not None
        order.hold_expires_at = utcnow() + timedelta(minutes=15)
    async with store.uow() as uow:
        assert await uow.orders.expired_holds() == []
        later = await uow.orders.expired_holds(utcnow() + timedelta(minutes=16))
        assert [o.id for o in later] == [order_id]
        assert [o.id for o in await uow.orders.open_holds_for_customer(customer)] == [order_id]


async def test_a_payment_is_recorded_once_per_telegram_charge(store: Store) -> None:
    pid, customer = await _product(store), await _customer(store)
    order_id = await _order(store, customer, pid)

    def payment() -> Payment:
        return Payment(
            order_id=order_id,
            provider="stripe",
            telegram_payment_charge_id="tg-1",
            provider_payment_charge_id="ch_1",
            payer_telegram_id=1001,
            amount=2500,
            currency="USD",
        )

    async with store.uow() as uow:
        assert await uow.payments.add_once(payment()) is not None
    async with store.uow() as uow:
        assert await uow.payments.add_once(payment()) is None
        assert len(await uow.payments.for_order(order_id)) == 1
        assert [
            p.telegram_payment_charge_id for p in await uow.payments.awaiting_verification()
        ] == ["tg-1"]
        found = await uow.payments.get_by_charge_id("tg-1")
        assert found is not None
        await uow.refunds.add(
            Refund(order_id=order_id, payment_id=found.id, amount=1000, currency="USD")
        )
        await uow.refunds.add(
            Refund(order_id=order_id, payment_id=found.id, amount=500, currency="USD")
        )
    async with store.uow() as uow:
        assert [r.amount for r in await uow.refunds.for_order(order_id)] == [1000, 500]


async def test_chat_state_and_audit_entries_persist(store: Store) -> None:
    async with store.uow() as uow:
        await uow.chat_states.save(42, "browsing", {"category": 3, "page": 1}, version=None)
        await uow.audit.record(7, "price", "MUG", {"from": 100, "to": 200})
    async with store.uow() as uow:
        state = await uow.chat_states.get(42)
        assert state is not None and (state.state, state.data) == (
            "browsing",
            {"category": 3, "page": 1},
        )
        assert await uow.chat_states.save(42, "cart", {"page": 2}, version=state.version)
        (entry,) = await uow.audit.list_recent()
        assert (entry.actor_telegram_id, entry.action, entry.details) == (
            7,
            "price",
            {"from": 100, "to": 200},
        )
    async with store.uow() as uow:
        state = await uow.chat_states.get(42)
        assert state is not None and (state.state, state.data) == ("cart", {"page": 2})


async def test_a_chat_saved_by_someone_else_since_it_was_read_is_not_overwritten(
    store: Store,
) -> None:
    async with store.uow() as uow:
        assert await uow.chat_states.save(43, "viewing", {"shopper": {}}, version=None)
        assert not await uow.chat_states.save(43, "idle", {}, version=None)  # a second "new" row
    async with store.reading() as uow:
        read = await uow.chat_states.get(43)
        assert read is not None and read.version == 1
    async with store.uow() as uow:  # someone else moves the chat meanwhile
        assert await uow.chat_states.save(43, "cart", {"admin": {"x": 1}}, version=1)
    async with store.uow() as uow:
        assert not await uow.chat_states.save(43, "browsing", {}, version=read.version)
    async with store.reading() as uow:
        state = await uow.chat_states.get(43)
        assert state is not None
        assert (state.state, state.data, state.version) == ("cart", {"admin": {"x": 1}}, 2)


async def test_a_reading_unit_of_work_refuses_to_write(store: Store) -> None:
    with pytest.raises(WriteWhileReading):
        async with store.reading() as uow:
            await uow.customers.get_or_create(556)
    async with store.reading() as uow:
        assert await uow.customers.get_by_telegram_id(556) is None


async def test_a_failing_unit_of_work_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.uow() as uow:
            await uow.customers.get_or_create(555)
            raise RuntimeError("boom")
    async with store.uow() as uow:
        assert await uow.customers.get_by_telegram_id(555) is None


async def test_a_sales_pause_and_its_waiting_shoppers_on_either_database(store: Store) -> None:
    async with store.uow() as uow:
        alice = await uow.customers.get_or_create(1001, first_name="Alice")
        bob = await uow.customers.get_or_create(1002, first_name="Bob")
        await uow.customers.mark_blocked(1002)
        assert await uow.sales.pause() is None
        await uow.sales.start_pause("Back soon", 9001, utcnow())
    async with store.uow() as uow:
        changed = await uow.sales.start_pause(None, 9002, utcnow())  # a new note, one pause
        assert (changed.note, changed.paused_by) == (None, 9002)
        for shopper in (alice, bob, alice):
            await uow.sales.wait_for_reopening(shopper.id)  # twice is once
    async with store.uow() as uow:
        assert await uow.sales.waiting() == 2
        assert (await uow.sales.end_pause()) is not None and await uow.sales.end_pause() is None
        taken = await uow.sales.take_waiters(1)
        assert [(t.telegram_id, t.blocked_bot) for t in taken] == [(1001, False)]
    async with store.uow() as uow:
        assert [t.telegram_id for t in await uow.sales.take_waiters(10)] == [1002]
        assert await uow.sales.waiting() == 0 and await uow.sales.pause() is None


async def test_an_orders_notes_are_kept_apart_and_read_newest_last(store: Store) -> None:
    pid, customer = await _product(store), await _customer(store)
    mugs, other = await _order(store, customer, pid), await _order(store, customer, pid)
    async with store.uow() as uow:
        for n, admin in enumerate((9001, 9002, 9001), start=1):
            await uow.order_notes.add(mugs, admin, f"note {n}")
        await uow.order_notes.add(other, 9002, "another order's")
    async with store.reading() as uow:
        newest = await uow.order_notes.newest(mugs, 2)
        assert [(n.admin_telegram_id, n.text) for n in newest] == [
            (9002, "note 2"),
            (9001, "note 3"),
        ]
        assert all(n.created_at.tzinfo is not None for n in newest)
        assert await uow.order_notes.count(mugs) == 3 and await uow.order_notes.count(other) == 1
        assert await uow.order_notes.count(424242) == 0
    with pytest.raises(IntegrityError):  # a note is on an order there is
        async with store.uow() as uow:
            await uow.order_notes.add(424242, 9001, "nowhere")
