"""A shop with a $20.00 minimum order and free standard shipping at home from $50.00: Alice's
cart of one $16.00 mug says how much more she needs instead of offering Checkout, and how far
she is from free shipping; a second mug brings Checkout back, a kettle brings free shipping.
A Pay pressed on a summary from before she took a mug out places no order and holds nothing;
a cart of digital goods, and a Stars shop, say nothing of shipping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.standin.harness import ShopHarness
from bot.store.models import Order
from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_invoice, open_order_summary, screen
from tests.payments.conftest import add_product

MUG = "KIT-MUG-CER"  # $16.00
KETTLE = "KIT-KTL-GOO"  # $45.00
SHORT_BY_4 = "Minimum order: $20.00 — add $4.00 more to check out."


@pytest.fixture
async def shop(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop with a $20.00 minimum order, on SQLite and on PostgreSQL."""
    async with ShopHarness(
        tmp_path,
        database_url=seeded_database_url,
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
        min_order=2000,
        free_shipping_over=5000,
    ) as h:
        yield h


async def show_cart(h: ShopHarness, user_id: int) -> str:
    """/cart, and the cart as she reads it, with its buttons."""
    user = h.user(user_id, "Alice")
    await user.send("/cart")
    await user.wait_for("Your cart")
    return screen(user)


async def test_below_the_minimum_the_cart_says_how_much_more_instead_of_checkout(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, MUG)
    cart = await show_cart(shop, 1001)
    assert SHORT_BY_4 in cart
    assert "Checkout" not in cart
    assert "🚚 Add $34.00 more for free standard shipping (US)." in cart

    await add_to_cart(alice, MUG)  # $32.00: over the minimum
    cart = await show_cart(shop, 1001)
    assert "Minimum order" not in cart
    assert "[✅ Checkout · $32.00]" in cart
    assert "🚚 Add $18.00 more for free standard shipping (US)." in cart
    await open_order_summary(alice)
    summary = screen(alice)
    assert "[💳 Pay $32.00]" in summary and "Minimum order" not in summary
    assert "🚚 Add $18.00 more for free standard shipping (US)." in summary

    await add_to_cart(alice, KETTLE)  # $77.00: standard shipping is free at home
    cart = await show_cart(shop, 1001)
    assert "🚚 Free standard shipping (US)." in cart and "Add $" not in cart


async def test_pay_on_an_older_summary_below_the_minimum_places_no_order(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, MUG)
    await add_to_cart(alice, MUG)
    await open_order_summary(alice)
    older = alice.last_message
    await show_cart(shop, 1001)
    await alice.press("➖")  # one mug: $16.00
    await alice.wait_for(SHORT_BY_4, include_existing=True)

    await alice.press("Pay", message=older)
    answer = await alice.wait_for("Order summary", include_existing=True)
    assert SHORT_BY_4 in (answer.text or "")
    assert "Pay" not in screen(alice)
    assert not [m for m in alice.messages if m.invoice is not None]
    async with shop.store.uow() as uow:
        assert await uow.session.scalar(select(func.count(Order.id))) == 0
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None and mug.reserved == 0


async def test_a_cart_of_digital_goods_says_nothing_of_shipping(shop: ShopHarness) -> None:
    assert shop.shop is not None
    await add_product(shop.shop, "GUIDE", price=2500, digital=True, title="Brewing Guide")
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, "GUIDE")
    cart = await show_cart(shop, 1001)
    assert "[✅ Checkout · $25.00]" in cart
    assert "🚚" not in cart


async def test_a_stars_shop_says_nothing_of_shipping(tmp_path: Path) -> None:
    stars = PROJECT_ROOT / "data" / "catalog-stars.json"
    async with ShopHarness(
        tmp_path, catalog_path=stars, currency="XTR", payment_provider_token=""
    ) as h:
        alice = h.user(1001, "Alice")
        await add_to_cart(alice, "STR-GDE-ESP")
        cart = await show_cart(h, 1001)
        assert "Checkout" in cart and "🚚" not in cart


async def test_an_invoice_from_before_the_minimum_was_raised_cannot_be_paid_below_it(
    shop: ShopHarness,
) -> None:
    """Two mugs ($32.00) invoiced; the shop restarts with a $40.00 minimum: the payment form
    is refused with the rule's words and nothing is charged."""
    assert shop.shop is not None
    alice = shop.user(1001, "Alice")
    await open_invoice(alice, MUG, MUG)
    shop.shop.settings = replace(shop.shop.settings, min_order=4000)
    result = await alice.pay(shipping_option_id="standard")
    assert not result.ok and result.stage == "pre_checkout"
    assert result.error_message == "Minimum order: $40.00 — add $8.00 more to check out."
    async with shop.store.uow() as uow:
        assert (await uow.session.scalars(select(Order.status))).all() == ["awaiting_payment"]
