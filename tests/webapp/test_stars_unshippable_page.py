"""On the page: in a Telegram Stars shop, Alice's cart with a Star Mug (goods to ship) says
at once, in the chat's summary's words, that it must go, and its checkout takes no tap."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.demo import STARS_DEMO
from bot.standin.harness import ShopHarness
from tests.conftest import add_product
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, init_data_for, storefront_settings, storefront_url


async def test_a_mug_in_a_stars_shop_cart_is_named_and_checkout_is_off(
    tmp_path: Path, browser: Browser
) -> None:
    settings = storefront_settings(currency="XTR", payment_provider_token="")
    async with (
        ShopHarness(tmp_path, catalog_path=STARS_DEMO.catalog_path, **settings) as shop,
        aiohttp.ClientSession() as http,
    ):
        alice = shop.user(1001, "Alice")
        mug = await add_product(shop.store, "STR-MUG", price=300, currency="XTR", title="Star Mug")
        await Page(http, storefront_url(shop), init_data_for(shop, alice)).add(mug, 1)
        await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
        await browser.click("#to-cart")
        await browser.find("#cart-unshippable", "Star Mug must be shipped")
        await browser.until("!window.__tg.main.isActive", "the Checkout button off")
        await browser.click("#tg-main-button", "Checkout")
        assert await browser.js("return window.__tg.started('POST api/checkout')") == 0
