"""The storefront's product page shows the stars shoppers gave in the chat."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import past_order
from tests.e2e.test_ratings import rate
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, init_data_for, product_id, storefront_url


async def test_the_page_shows_the_average_and_nothing_for_an_unrated_product(
    shop: ShopHarness, page_of: Any
) -> None:
    order_id = await past_order(shop, 1002, {"KIT-MUG-CER": 1})
    await rate(shop.user(1002, "Bob"), order_id, "⭐ Rate Stoneware Mug 350ml", 4)
    page: Page = page_of(shop.user(1001, "Alice"))
    mug = await product_id(shop, "KIT-MUG-CER")
    assert (await page.ok("GET", f"products/{mug}"))["rating_text"] == "★ 4.0 (1 rating)"
    kettle = await product_id(shop, "KIT-KTL-GOO")
    assert (await page.ok("GET", f"products/{kettle}"))["rating_text"] is None


async def test_alice_sees_the_stars_on_the_mugs_page_in_the_browser(
    shop: ShopHarness, browser: Browser
) -> None:
    for shopper, stars in ((1002, 4), (1003, 5)):
        order_id = await past_order(shop, shopper, {"KIT-MUG-CER": 1})
        await rate(shop.user(shopper, "Bob"), order_id, "⭐ Rate Stoneware Mug 350ml", stars)
    alice = shop.user(1001, "Alice")
    mug = await product_id(shop, "KIT-MUG-CER")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find(".product h2", "Stoneware Mug")
    await browser.find(".product .rating", "★ 4.5 (2 ratings)")
