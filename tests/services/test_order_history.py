"""A shopper sees their own orders, newest first, with status labels."""

from __future__ import annotations

import pytest

from bot.services.errors import OrderNotFound
from bot.services.order_history import get_order, order_page
from bot.store.models import Order, OrderLine
from tests.services.conftest import Shopfront


async def _order(shopfront: Shopfront, customer_id: int, status: str, quantity: int) -> int:
    mug = await shopfront.product_id("KIT-MUG-CER")
    async with shopfront.store.uow() as uow:
        order = Order(
            customer_id=customer_id,
            status=status,
            currency="USD",
            items_total=1600 * quantity,
            total=1600 * quantity + 500,
            shipping_total=500,
        )
        order.lines = [
            OrderLine(
                product_id=mug,
                sku="KIT-MUG-CER",
                title="Stoneware Mug 350ml",
                unit_price=1600,
                currency="USD",
                quantity=quantity,
            )
        ]
        return (await uow.orders.add(order)).id


async def test_orders_newest_first_with_labels_and_lines(shopfront: Shopfront) -> None:
    first = await _order(shopfront, shopfront.customer_id, "paid", 1)
    second = await _order(shopfront, shopfront.customer_id, "shipped", 2)
    async with shopfront.store.uow() as uow:
        other = await uow.customers.get_or_create(2002)
    await _order(shopfront, other.id, "paid", 3)
    async with shopfront.store.uow() as uow:
        orders = (await order_page(uow, shopfront.customer_id)).orders
        detail = await get_order(uow, shopfront.customer_id, first)
    assert [(o.id, o.status_label, o.total) for o in orders] == [
        (second, "🚚 Shipped", 3700),
        (first, "✅ Paid", 2100),
    ]
    assert [(ln.title, ln.quantity, ln.line_total) for ln in detail.lines] == [
        ("Stoneware Mug 350ml", 1, 1600)
    ]


async def test_someone_elses_order_is_not_found(shopfront: Shopfront) -> None:
    async with shopfront.store.uow() as uow:
        other = await uow.customers.get_or_create(2002)
    theirs = await _order(shopfront, other.id, "paid", 1)
    async with shopfront.store.uow() as uow:
        with pytest.raises(OrderNotFound):
            await get_order(uow, shopfront.customer_id, theirs)
        assert (await order_page(uow, shopfront.customer_id)).orders == ()


async def test_twelve_orders_make_a_page_of_ten_and_an_older_one_of_two(
    shopfront: Shopfront,
) -> None:
    ids = [await _order(shopfront, shopfront.customer_id, "paid", 1) for _ in range(12)]
    async with shopfront.store.uow() as uow:
        newest = await order_page(uow, shopfront.customer_id)
        older = await order_page(uow, shopfront.customer_id, 1)
        forged = await order_page(uow, shopfront.customer_id, 9)
    assert [o.id for o in newest.orders] == ids[:1:-1]
    assert (newest.has_newer, newest.has_older) == (False, True)
    assert [o.id for o in older.orders] == [ids[1], ids[0]]
    assert (older.has_newer, older.has_older) == (True, False)
    assert forged == newest  # a page past the end: the newest
