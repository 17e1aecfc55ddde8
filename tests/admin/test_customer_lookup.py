"""/customer's reads on a real database (SQLite and PostgreSQL): a username in any case, her
orders newest first by index, and what she spent per currency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.services.admin_customers import look_up, parse_lookup
from bot.services.errors import BadCustomerLookup, CustomerNotFound, OrderNotFound
from bot.store.models import Customer, Order
from bot.store.uow import Store

SEEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def _customer(store: Store, telegram_id: int, username: str, seen: datetime) -> int:
    async with store.uow() as uow:
        customer = Customer(
            telegram_id=telegram_id, first_name="Alice", username=username, last_seen_at=seen
        )
        uow.session.add(customer)
        await uow.session.flush()
        return customer.id


async def _order(
    store: Store, customer_id: int, total: int, currency: str = "USD", **values: object
) -> int:
    async with store.uow() as uow:
        order = Order(
            customer_id=customer_id,
            status=str(values.pop("status", "paid")),
            currency=currency,
            items_total=total,
            total=total,
            paid_at=values.pop("paid_at", SEEN),
            **values,
        )
        return (await uow.orders.add(order)).id


async def test_a_username_is_found_in_any_case_the_newest_seen_first(store: Store) -> None:
    stale = await _customer(store, 1003, "alice_w", SEEN - timedelta(days=90))
    alice = await _customer(store, 1001, "Alice_W", SEEN)
    await _customer(store, 1002, "bob", SEEN)
    async with store.reading() as uow:
        assert [c.id for c in await uow.customers.with_username("ALICE_w")] == [alice, stale]
        assert await uow.customers.with_username("alice") == []
        card = await look_up(uow, parse_lookup("@aLiCe_W"), "USD")
    assert (card.customer_id, card.telegram_id, card.same_username) == (alice, 1001, 1)


async def test_her_orders_newest_first_and_what_she_spent_per_currency(store: Store) -> None:
    alice = await _customer(store, 1001, "alice", SEEN)
    bob = await _customer(store, 1002, "bob", SEEN)
    first = await _order(store, alice, 3700)
    await _order(store, bob, 9900)
    await _order(store, alice, 2000, status="shipped", refunded_amount=500)
    await _order(store, alice, 1250, "EUR")
    await _order(store, alice, 999, status="awaiting_payment", paid_at=None)
    last = await _order(store, alice, 1000, status="refunded", refunded_amount=1000)
    async with store.reading() as uow:
        newest = [o.id for o in await uow.orders.list_recent(customer_id=alice, limit=2)]
        rest = await uow.orders.list_recent(customer_id=alice, offset=2, limit=10)
        assert newest[0] == last and [o.id for o in rest][-1] == first
        assert len(newest) + len(rest) == await uow.orders.count(customer_id=alice) == 5
        assert await uow.orders.count(customer_id=alice, status="refunded") == 1
        assert await uow.orders.spent_by(alice) == {"EUR": 1250, "USD": 3700 + 1500}
        assert await uow.orders.customer_of(first) == alice
        card = await look_up(uow, parse_lookup(f"#{first}"), "USD")
        assert (card.order_count, card.spent["USD"], len(card.newest)) == (5, 5200, 5)
        with pytest.raises(OrderNotFound):
            await look_up(uow, parse_lookup("#99999999999"), "USD")  # past any row id
        with pytest.raises(CustomerNotFound):
            await look_up(uow, parse_lookup("9223372036854775808"), "USD")  # past a BIGINT
    with pytest.raises(BadCustomerLookup):
        parse_lookup("@al ice")


async def test_her_newest_orders_and_her_username_are_read_by_index(store: Store) -> None:
    """Both queries read an index (the planner told to prefer one, as a big shop's would):
    her orders in order, with no sort of them, and the username by lower(username)."""
    alice = await _customer(store, 1001, "alice", SEEN)
    await _order(store, alice, 100)
    orders = "SELECT id FROM orders WHERE customer_id = :c ORDER BY id DESC LIMIT 10"
    named = "SELECT id FROM customers WHERE lower(username) = :u"
    async with store.uow() as uow:  # a reading one refuses even SET
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(
                r[0] for r in await session.execute(text("EXPLAIN " + orders), {"c": alice})
            )
            assert "ix_orders_customer_newest" in plan and "Sort" not in plan, plan
            plan = " ".join(
                r[0] for r in await session.execute(text("EXPLAIN " + named), {"u": "alice"})
            )
            assert "ix_customers_username_lower" in plan, plan
        else:
            explain = "EXPLAIN QUERY PLAN "
            plan = " ".join(
                r[-1] for r in await session.execute(text(explain + orders), {"c": alice})
            )
            assert "ix_orders_customer_newest" in plan and "TEMP B-TREE" not in plan, plan
            plan = " ".join(
                r[-1] for r in await session.execute(text(explain + named), {"u": "alice"})
            )
            assert "ix_customers_username_lower" in plan, plan
