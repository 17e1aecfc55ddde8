"""A product's per-order limit as the services keep it, on SQLite and PostgreSQL: one rule
(`limit_room`) for adding, Buy again and checkout; all the sizes of a T-shirt count together;
a cart over the limit (filled from two devices at once, or before the limit was set) is
never held or charged beyond it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.services import cart, checkout, reorder
from bot.services.cart import LineProblem, can_add, limit_room
from bot.services.errors import CartChanged, OverOrderLimit
from bot.store.models import CartLine
from tests.services.conftest import Shopfront

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
SETTINGS = Settings(bot_token="1:test", payment_provider_token="TEST")
TEE = "APP-TEE-ORG"


def test_the_limit_leaves_room_for_what_the_cart_does_not_hold_yet() -> None:
    assert limit_room(None, 5) is None  # no limit
    assert (limit_room(2, 0), limit_room(2, 1), limit_room(2, 2), limit_room(2, 3)) == (2, 1, 0, 0)
    assert can_add(available=10, in_cart=0, room=limit_room(2, 0)) == 2
    assert can_add(available=1, in_cart=0, room=limit_room(2, 0)) == 1  # stock is fewer
    assert can_add(available=10, in_cart=1, room=limit_room(2, 2)) == 0


async def _variant_id(shopfront: Shopfront, sku: str) -> int:
    async with shopfront.store.reading() as uow:
        variant = await uow.products.get_variant_by_sku(sku)
        assert variant is not None
        return variant.id


async def _put(shopfront: Shopfront, sku: str, quantity: int) -> None:
    """A cart line written as a second device would, past any rule (the race checkout
    must catch)."""
    tee = await shopfront.product_id(TEE)
    variant = await _variant_id(shopfront, sku)
    async with shopfront.store.uow() as uow:
        basket = await uow.carts.get_for_customer(shopfront.customer_id)
        uow.session.add(
            CartLine(cart_id=basket.id, product_id=tee, variant_id=variant, quantity=quantity)
        )


async def test_adding_a_third_tee_in_another_size_adds_none_and_says_why(
    shopfront: Shopfront,
) -> None:
    await shopfront.update_product(TEE, max_per_order=2)
    tee = await shopfront.product_id(TEE)
    small = await _variant_id(shopfront, "APP-TEE-ORG-S-OAT")
    medium = await _variant_id(shopfront, "APP-TEE-ORG-M-OAT")
    async with shopfront.store.uow() as uow:
        first = await cart.add_to_cart(uow, shopfront.customer_id, tee, 1, variant_id=small)
    assert (first.added, first.limit) == (1, None)
    async with shopfront.store.uow() as uow:
        second = await cart.add_to_cart(uow, shopfront.customer_id, tee, 3, variant_id=medium)
    assert (second.added, second.limit, second.product_title) == (1, 2, "Organic Tee")
    with pytest.raises(OverOrderLimit) as refused:
        async with shopfront.store.uow() as uow:
            await cart.add_to_cart(uow, shopfront.customer_id, tee, 1, variant_id=small)
    assert str(refused.value) == "You can buy at most 2 × Organic Tee in one order."
    async with shopfront.store.reading() as uow:
        seen = await cart.view_cart(uow, shopfront.customer_id, "USD")
    assert seen.units_of_product(tee) == 2


async def test_a_cart_over_the_limit_is_never_held_and_checkout_lowers_it(
    shopfront: Shopfront,
) -> None:
    """Two devices at once: S × 2 and M × 1 of a tee limited to 2. Pay before a new review
    holds nothing (CartChanged: the summary is shown again); the review lowers the later
    line and says so once, for the product."""
    await shopfront.update_product(TEE, max_per_order=2)
    await _put(shopfront, "APP-TEE-ORG-S-OAT", 2)
    await _put(shopfront, "APP-TEE-ORG-M-OAT", 1)
    with pytest.raises(CartChanged):
        async with shopfront.store.uow() as uow:
            await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
    async with shopfront.store.reading() as uow:
        held = [v.reserved for v in await uow.products.variants_of(await _tee_id(shopfront))]
    assert sum(held) == 0

    async with shopfront.store.uow() as uow:
        review = await checkout.review_cart(uow, shopfront.customer_id, "USD")
    found = [(c.problem, c.title, c.before, c.after) for c in review.changes]
    assert found == [(LineProblem.OVER_LIMIT, "Organic Tee", 3, 2)]
    assert [(line.sku, line.quantity) for line in review.cart.lines] == [("APP-TEE-ORG-S-OAT", 2)]
    async with shopfront.store.uow() as uow:
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
    assert [line.quantity for line in placed.order.lines] == [2]


async def _tee_id(shopfront: Shopfront) -> int:
    return await shopfront.product_id(TEE)


async def test_buy_again_stops_at_the_limit(shopfront: Shopfront) -> None:
    """An order of three mugs from before the limit: Buy again brings back two, naming the
    line it could not bring back whole."""
    mug = await shopfront.product_id("KIT-MUG-CER")
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, mug, 3)
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
        await cart.clear_cart(uow, shopfront.customer_id)
    await shopfront.update_product("KIT-MUG-CER", max_per_order=2)
    async with shopfront.store.uow() as uow:
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None
        order.status = "paid"
    async with shopfront.store.uow() as uow:
        done = await reorder.buy_again(uow, shopfront.customer_id, placed.order.order_id)
    assert done.added == 2
    assert [(m.ordered, m.put) for m in done.missed] == [(3, 2)]
