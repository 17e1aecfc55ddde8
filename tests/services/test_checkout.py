"""Checkout re-verifies the cart against today's prices and stock, on both backends."""

from __future__ import annotations

import pytest

from bot.services import cart
from bot.services.cart import LineProblem
from bot.services.checkout import review_cart
from bot.services.errors import EmptyCart
from tests.services.conftest import Shopfront


async def _fill(shopfront: Shopfront, *lines: tuple[str, int]) -> dict[int, int]:
    """Add lines, quoted at the price shown when added; returns those quotes by product id."""
    quotes = {}
    async with shopfront.store.uow() as uow:
        for sku, quantity in lines:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            change = await cart.add_to_cart(uow, shopfront.customer_id, product.id, quantity)
            quotes[product.id] = change.unit_price
    return quotes


async def test_an_unchanged_cart_is_ready_to_pay(shopfront: Shopfront) -> None:
    quotes = await _fill(shopfront, ("KIT-MUG-CER", 2), ("STA-PEN-FTN", 1))
    async with shopfront.store.uow() as uow:
        review = await review_cart(uow, shopfront.customer_id, "USD")
    assert review.ready and review.changes == ()
    assert review.cart.total == 2 * 1600 + 3400
    assert {line.product_id: line.quoted_price for line in review.cart.lines} == quotes


async def test_changes_are_reported_and_the_cart_is_put_right(shopfront: Shopfront) -> None:
    await _fill(
        shopfront,
        ("KIT-MUG-CER", 2),  # price goes up
        ("OUT-LAM-LED", 5),  # stock falls to 3
        ("STA-PEN-FTN", 1),  # sells out
        ("HOM-CND-CED", 1),  # is hidden
        ("STA-NTB-A5D", 1),  # stays as it was
    )
    await shopfront.update_product("KIT-MUG-CER", price=1800)
    await shopfront.update_product("OUT-LAM-LED", stock=3)
    await shopfront.update_product("STA-PEN-FTN", stock=0)
    await shopfront.update_product("HOM-CND-CED", is_active=False)
    async with shopfront.store.uow() as uow:
        review = await review_cart(uow, shopfront.customer_id, "USD")
    found = {(c.problem, c.title, c.before, c.after) for c in review.changes}
    assert found == {
        (LineProblem.PRICE_CHANGED, "Stoneware Mug 350ml", 1600, 1800),
        (LineProblem.FEWER_LEFT, "Rechargeable Lantern", 5, 3),
        (LineProblem.SOLD_OUT, "Fountain Pen, Fine Nib", 1, 0),
        (LineProblem.OFF_SALE, "Cedar & Smoke Candle", 1, 0),
    }
    assert not review.ready
    lines = [(ln.title, ln.quantity, ln.unit_price) for ln in review.cart.lines]
    assert lines == [
        ("Stoneware Mug 350ml", 2, 1800),
        ("Rechargeable Lantern", 3, 3500),
        ("A5 Dotted Notebook", 1, 1800),
    ]
    # the database holds the corrected cart, quoted at today's prices: a second review is clean
    async with shopfront.store.uow() as uow:
        again = await review_cart(uow, shopfront.customer_id, "USD")
    assert again.ready
    assert [(ln.title, ln.quantity) for ln in again.cart.lines] == [(t, q) for t, q, _ in lines]


async def test_reserved_stock_counts_at_checkout(shopfront: Shopfront) -> None:
    quotes = await _fill(shopfront, ("KIT-KTL-GOO", 4))  # 6 in stock
    kettle = next(iter(quotes))
    async with shopfront.store.uow() as uow:
        assert await uow.products.reserve(kettle, 3)  # someone else's open invoice
    async with shopfront.store.uow() as uow:
        review = await review_cart(uow, shopfront.customer_id, "USD")
    assert [(c.problem, c.before, c.after) for c in review.changes] == [
        (LineProblem.FEWER_LEFT, 4, 3)
    ]


async def test_an_empty_cart_cannot_be_checked_out(shopfront: Shopfront) -> None:
    with pytest.raises(EmptyCart):
        async with shopfront.store.uow() as uow:
            await review_cart(uow, shopfront.customer_id, "USD")


async def test_a_cart_emptied_by_changes_is_not_ready(shopfront: Shopfront) -> None:
    await _fill(shopfront, ("STA-PEN-FTN", 1))
    await shopfront.update_product("STA-PEN-FTN", stock=0)
    async with shopfront.store.uow() as uow:
        review = await review_cart(uow, shopfront.customer_id, "USD")
    assert review.cart.is_empty and not review.ready
