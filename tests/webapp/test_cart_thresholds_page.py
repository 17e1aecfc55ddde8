"""On the page: Alice's cart of one $16.00 mug says how much more the $20.00 minimum order
needs and how far free shipping is, above a checkout that takes no tap; a second mug turns
checkout on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin.harness import ShopHarness
from tests.conftest import seeded_shop_in
from tests.webapp.browser import Browser
from tests.webapp.conftest import a_mug_in_the_cart, storefront_settings

SHORT_BY_4 = "Minimum order: $20.00 — add $4.00 more to check out."


@pytest.fixture
async def shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    """The seeded shop, its storefront on, with a $20.00 minimum order."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **storefront_settings(min_order=2000)) as h:
        yield h


async def test_below_the_minimum_the_page_says_so_and_checkout_is_off(
    shop: ShopHarness, browser: Browser
) -> None:
    await a_mug_in_the_cart(shop, browser, shop.user(1001, "Alice"))
    await browser.find("#cart-min-order", SHORT_BY_4)
    await browser.find("#cart-free-shipping", "🚚 Add $34.00 more for free standard shipping")
    await browser.find("#tg-main-button", "Checkout · $16.00")
    await browser.until("!window.__tg.main.isActive", "the Checkout button off")
    await browser.click("#tg-main-button", "Checkout")
    assert await browser.js("return window.__tg.started('POST api/checkout')") == 0

    await browser.click("button[aria-label='One more']")
    await browser.find("#tg-main-button", "Checkout · $32.00")
    await browser.until("!document.getElementById('cart-min-order')", "the minimum line gone")
    await browser.until("window.__tg.main.isActive", "the Checkout button on")
