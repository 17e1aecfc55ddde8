"""A set's order keeps the parts it was sold with (SQLite and PostgreSQL): Alice buys a tea
set of a kettle and two mugs; the admin then makes the set a kettle and a tray with /bundle.
Her order still packs, and cancelling it puts back, a kettle and two mugs; the trays are
left alone."""

from __future__ import annotations

from datetime import timedelta

from bot.services import admin_catalog, admin_orders
from bot.shop import Shop
from bot.store.models import utcnow
from bot.usecases.orders import cancel_order
from tests.payments.conftest import (
    add_product,
    expire_holds,
    fill_cart,
    pay,
    place_order,
    stock_of,
)

ALICE = 1001
ADMIN = 9001


async def _tea_set(shop: Shop) -> tuple[int, int, int, int]:
    """(set, kettle, mug, tray): the set is a kettle and two mugs."""
    kettle = await add_product(shop, "KETTLE", price=4500, stock=6)
    mug = await add_product(shop, "MUG", price=1600, stock=24)
    tray = await add_product(shop, "TRAY", price=900, stock=10)
    tea_set = await add_product(shop, "TEASET", price=6800, stock=0)
    async with shop.store.uow() as uow:
        await admin_catalog.set_bundle(uow, "TEASET", [("KETTLE", 1), ("MUG", 2)], actor=ADMIN)
    return tea_set, kettle, mug, tray


async def _make_it_kettle_and_tray(shop: Shop) -> None:
    async with shop.store.uow() as uow:
        await admin_catalog.set_bundle(uow, "TEASET", [("KETTLE", 1), ("TRAY", 1)], actor=ADMIN)


async def test_a_cancelled_set_gives_back_the_parts_it_was_sold_with(shop: Shop) -> None:
    tea_set, kettle, mug, tray = await _tea_set(shop)
    await fill_cart(shop, ALICE, {tea_set: 2})
    placed = await place_order(shop, telegram_id=ALICE)
    assert (await pay(shop, placed, provider_charge="ch_offline")).kind == "paid"
    assert await stock_of(shop, mug) == (20, 0)

    await _make_it_kettle_and_tray(shop)
    async with shop.store.reading() as uow:  # the admin packs what she bought
        detail = await admin_orders.order_detail(uow, placed.order.order_id)
    assert [(p.sku, p.quantity) for p in detail.packing[tea_set]] == [("KETTLE", 1), ("MUG", 2)]
    await cancel_order(shop, placed.order.order_id, actor=f"admin:{ADMIN}")

    assert await stock_of(shop, kettle) == (6, 0)
    assert await stock_of(shop, mug) == (24, 0)  # her two pairs of mugs are back
    assert await stock_of(shop, tray) == (10, 0)  # no tray was sold, none is added


async def test_a_late_payment_takes_the_parts_the_order_held(shop: Shop) -> None:
    """Her hold expired (the parts went back), the set changed, then her payment came:
    it sells a kettle and two mugs, as she was shown, not a tray."""
    tea_set, kettle, mug, tray = await _tea_set(shop)
    await fill_cart(shop, ALICE, {tea_set: 1})
    placed = await place_order(shop, telegram_id=ALICE)
    await expire_holds(shop, now=utcnow() + timedelta(days=1))
    assert await stock_of(shop, mug) == (24, 0)

    await _make_it_kettle_and_tray(shop)
    assert (await pay(shop, placed, provider_charge="ch_offline")).kind == "paid"

    assert await stock_of(shop, kettle) == (5, 0)
    assert await stock_of(shop, mug) == (22, 0)
    assert await stock_of(shop, tray) == (10, 0)
    await cancel_order(shop, placed.order.order_id, actor=f"admin:{ADMIN}")
    assert await stock_of(shop, mug) == (24, 0)
    assert await stock_of(shop, tray) == (10, 0)
