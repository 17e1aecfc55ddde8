"""The storefront's cart says what the chat's does about the shop's minimum order ($20.00)
and free standard shipping at home (from $50.00): `min_order_text` (its checkout off while it
is there) and `free_shipping_text`; a checkout below the minimum places no order and holds no
stock, answering with the rule's own words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.standin.harness import ShopHarness
from bot.store.models import Order
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, screen
from tests.webapp.conftest import (
    Page,
    init_data_for,
    product_id,
    storefront_settings,
    storefront_url,
)

SHORT_BY_4 = "Minimum order: $20.00 — add $4.00 more to check out."
SHORT_BY_1_10 = "Minimum order: $56.00 — add $1.10 more to check out."
ADD_5_10 = "🚚 Add $5.10 more for free standard shipping (US)."
FREE = "🚚 Free standard shipping (US)."
TENOFF_6_10 = "Discount (TENOFF), 10% off: −$6.10"  # the order summary's line for the code


@pytest.fixture
async def shop(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop with its storefront on and a $20.00 minimum order, on SQLite and on
    PostgreSQL."""
    settings = storefront_settings(min_order=2000, free_shipping_over=5000)
    async with ShopHarness(tmp_path, database_url=seeded_database_url, **settings) as h:
        yield h


@pytest.fixture
async def alice(shop: ShopHarness) -> AsyncIterator[Page]:
    """Alice's page, signed for her."""
    async with aiohttp.ClientSession() as http:
        yield Page(http, storefront_url(shop), init_data_for(shop, shop.user(1001, "Alice")))


async def orders(shop: ShopHarness) -> int:
    async with shop.store.uow() as uow:
        return int(await uow.session.scalar(select(func.count(Order.id))) or 0)


async def test_the_cart_says_how_far_from_the_minimum_and_free_shipping(
    shop: ShopHarness, alice: Page
) -> None:
    mug = await product_id(shop, "KIT-MUG-CER")  # $16.00
    assert (await alice.cart())["min_order_text"] is None  # empty: nothing to say yet
    added = await alice.add(mug)
    assert added["cart"]["min_order_text"] == SHORT_BY_4
    cart = await alice.cart()
    assert cart["min_order_text"] == SHORT_BY_4
    assert cart["free_shipping_text"] == "🚚 Add $34.00 more for free standard shipping (US)."

    refused = await alice.ok("POST", "checkout")
    assert refused["status"] == "refused" and refused["notice"] == SHORT_BY_4
    assert await orders(shop) == 0
    async with shop.store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.reserved == 0

    await alice.add(mug, 3)  # $64.00
    cart = await alice.cart()
    assert cart["min_order_text"] is None
    assert cart["free_shipping_text"] == "🚚 Free standard shipping (US)."
    invoice: Any = await alice.ok("POST", "checkout")
    assert invoice["status"] == "invoice" and await orders(shop) == 1


async def test_a_promo_code_counts_on_the_cart_as_on_the_summary_and_the_page(
    tmp_path: Path, seeded_database_url: str
) -> None:
    """A shop with a $56.00 minimum order and free standard shipping from $60.00. Alice's
    kettle and mug come to $61.00: the cart offers Checkout and ships free. Her 10% code
    takes $6.10 off on the summary, so $54.90 is short of both; back in the cart, and on the
    storefront, she reads what the summary said, not a free shipping the summary charges,
    under the summary's own line for the code. A second mug takes her past both, and the
    cart's Checkout (the page's too) says what the summary will ask for the goods, $69.30,
    not the $77.00 before her code."""
    settings = storefront_settings(
        min_order=5600, free_shipping_over=6000, admin_ids=frozenset({ADMIN_ID})
    )
    async with ShopHarness(tmp_path, database_url=seeded_database_url, **settings) as shop:
        admin, alice = shop.user(ADMIN_ID, "Ada"), shop.user(1001, "Alice")
        await admin.send("/promo new TENOFF 10%")
        await admin.wait_for("Created")
        await add_to_cart(alice, "KIT-KTL-GOO")  # $45.00
        await add_to_cart(alice, "KIT-MUG-CER")  # $16.00
        await alice.send("/cart")
        await alice.wait_for("Your cart")
        cart = screen(alice)
        assert "[✅ Checkout · $61.00]" in cart and FREE in cart

        await alice.press("Checkout")
        await alice.wait_for("Order summary", include_existing=True)
        await alice.press("Promo code")
        await alice.wait_for("Type your promo code", include_existing=True)
        await alice.send("tenoff")
        await alice.wait_for("Code TENOFF applied")
        summary = screen(alice)
        assert SHORT_BY_1_10 in summary and ADD_5_10 in summary and "Pay" not in summary
        assert TENOFF_6_10 in summary

        await alice.press("🛒 Edit cart")
        await alice.wait_for("Your cart", include_existing=True)
        cart = screen(alice)
        assert SHORT_BY_1_10 in cart and ADD_5_10 in cart
        assert "Checkout" not in cart and FREE not in cart
        assert f"Total: $61.00\n{TENOFF_6_10}\n" in cart  # the summary's words for it

        async with aiohttp.ClientSession() as http:
            page = Page(http, storefront_url(shop), init_data_for(shop, alice))
            on_page = await page.cart()
            assert (on_page["min_order_text"], on_page["free_shipping_text"]) == (
                SHORT_BY_1_10,
                ADD_5_10,
            )
            assert on_page["promo_text"] == TENOFF_6_10

            # A second mug: $77.00 of goods, $69.30 to pay. Checkout says what she pays.
            await add_to_cart(alice, "KIT-MUG-CER")
            await alice.send("/cart")
            await alice.wait_for("Your cart")
            cart = screen(alice)
            assert "Total: $77.00\nDiscount (TENOFF), 10% off: −$7.70\n" in cart
            assert "[✅ Checkout · $69.30]" in cart and FREE in cart
            on_page = await page.cart()
            assert (on_page["total_text"], on_page["to_pay_text"]) == ("$77.00", "$69.30")
            assert on_page["promo_text"] == "Discount (TENOFF), 10% off: −$7.70"
