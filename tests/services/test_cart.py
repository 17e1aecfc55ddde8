"""Cart changes within what is available (stock minus reserved), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.services import cart
from bot.services.errors import NotInCart, OutOfStock, ProductUnavailable, Shortage
from tests.services.conftest import Shopfront


async def test_adding_twice_adds_up_and_the_cart_totals(shopfront: Shopfront) -> None:
    mug = await shopfront.product_id("KIT-MUG-CER")
    kettle = await shopfront.product_id("KIT-KTL-GOO")
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, mug, 1)
        change = await cart.add_to_cart(uow, shopfront.customer_id, mug, 2)
        await cart.add_to_cart(uow, shopfront.customer_id, kettle)
    assert (change.title, change.quantity, change.unit_price) == ("Stoneware Mug 350ml", 3, 1600)
    async with shopfront.store.uow() as uow:
        view = await cart.view_cart(uow, shopfront.customer_id, "USD")
    assert [(ln.title, ln.quantity, ln.line_total) for ln in view.lines] == [
        ("Stoneware Mug 350ml", 3, 4800),
        ("Gooseneck Kettle 1L", 1, 4500),
    ]
    assert (view.total, view.item_count, view.currency) == (9300, 4, "USD")


async def test_adding_beyond_stock_is_refused_and_changes_nothing(shopfront: Shopfront) -> None:
    cushion = await shopfront.product_id("HOM-CSH-LIN")  # 2 in stock
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, cushion, 2)
    with pytest.raises(OutOfStock) as refused:
        async with shopfront.store.uow() as uow:
            await cart.add_to_cart(uow, shopfront.customer_id, cushion, 1)
    assert refused.value.shortages == [Shortage("Linen Cushion Cover", 1, 2, in_cart=2)]
    async with shopfront.store.uow() as uow:
        assert (await cart.view_cart(uow, shopfront.customer_id, "USD")).quantity_of(cushion) == 2


async def test_reserved_units_are_not_available(shopfront: Shopfront) -> None:
    kettle = await shopfront.product_id("KIT-KTL-GOO")  # 6 in stock
    async with shopfront.store.uow() as uow:
        assert await uow.products.reserve(kettle, 5)
    with pytest.raises(OutOfStock) as refused:
        async with shopfront.store.uow() as uow:
            await cart.add_to_cart(uow, shopfront.customer_id, kettle, 2)
    assert [s.available for s in refused.value.shortages] == [1]


async def test_out_of_stock_and_hidden_products_cannot_be_added(shopfront: Shopfront) -> None:
    knife = await shopfront.product_id("OUT-KNF-FLD")  # stock 0
    mug = await shopfront.product_id("KIT-MUG-CER")
    await shopfront.update_product("KIT-MUG-CER", is_active=False)
    with pytest.raises(OutOfStock) as refused:
        async with shopfront.store.uow() as uow:
            await cart.add_to_cart(uow, shopfront.customer_id, knife)
    assert [s.available for s in refused.value.shortages] == [0]  # sold out
    with pytest.raises(ProductUnavailable):
        async with shopfront.store.uow() as uow:
            await cart.add_to_cart(uow, shopfront.customer_id, mug)
    with pytest.raises(ProductUnavailable):
        async with shopfront.store.uow() as uow:
            await cart.add_to_cart(uow, shopfront.customer_id, 999_999)


async def test_plus_minus_set_and_remove(shopfront: Shopfront) -> None:
    lantern = await shopfront.product_id("OUT-LAM-LED")  # 11 in stock
    who = shopfront.customer_id
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, who, lantern)
        assert (await cart.change_quantity(uow, who, lantern, +1)).quantity == 2
        assert (await cart.set_quantity(uow, who, lantern, 11)).quantity == 11
        with pytest.raises(OutOfStock):
            await cart.change_quantity(uow, who, lantern, +1)
        assert (await cart.change_quantity(uow, who, lantern, -1)).quantity == 10
        assert (await cart.remove_line(uow, who, lantern)).quantity == 0
        with pytest.raises(NotInCart):
            await cart.change_quantity(uow, who, lantern, -1)
        assert (await cart.view_cart(uow, who, "USD")).is_empty


async def test_minus_on_the_last_unit_removes_the_line(shopfront: Shopfront) -> None:
    pen = await shopfront.product_id("STA-PEN-FTN")
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, pen)
        assert (await cart.change_quantity(uow, shopfront.customer_id, pen, -1)).quantity == 0
    async with shopfront.store.uow() as uow:
        assert (await cart.view_cart(uow, shopfront.customer_id, "USD")).is_empty


async def test_lowering_is_allowed_even_when_stock_fell(shopfront: Shopfront) -> None:
    lantern = await shopfront.product_id("OUT-LAM-LED")
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, lantern, 5)
    await shopfront.update_product("OUT-LAM-LED", stock=2)
    async with shopfront.store.uow() as uow:
        assert (await cart.change_quantity(uow, shopfront.customer_id, lantern, -1)).quantity == 4


async def test_clear_and_the_cart_survives_between_units_of_work(shopfront: Shopfront) -> None:
    pen = await shopfront.product_id("STA-PEN-FTN")
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, pen, 2)
    async with shopfront.store.uow() as uow:
        assert (await cart.view_cart(uow, shopfront.customer_id, "USD")).item_count == 2
        await cart.clear_cart(uow, shopfront.customer_id)
    async with shopfront.store.uow() as uow:
        assert (await cart.view_cart(uow, shopfront.customer_id, "USD")).is_empty
