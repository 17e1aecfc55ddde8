"""The storefront's product page offers what the chat's card offers under "Often bought with
this": the API's `also_bought` (id, title, price with currency), and buttons on the page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import paid_order
from tests.webapp.browser import Browser
from tests.webapp.conftest import (
    Page,
    init_data_for,
    open_the_mug,
    product_id,
    storefront_settings,
    storefront_url,
)


@pytest.fixture
async def shop_on_each(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop serving its page, on SQLite and PostgreSQL."""
    async with ShopHarness(
        tmp_path, database_url=seeded_database_url, **storefront_settings()
    ) as h:
        yield h


async def test_the_mugs_page_lists_the_kettle_and_the_tea_that_paid_orders_held_with_it(
    shop_on_each: ShopHarness, http: aiohttp.ClientSession
) -> None:
    h = shop_on_each
    carol = h.user(1003, "Carol", language_code="es")
    page = Page(http, storefront_url(h), init_data_for(h, carol))
    mug = await product_id(h, "KIT-MUG-CER")
    before = await page.ok("GET", f"products/{mug}")
    assert (before["also_bought"], before["also_bought_text"]) == ([], None)

    await paid_order(h, h.user(1001, "Alice"), "KIT-MUG-CER", "KIT-KTL-GOO")
    await paid_order(h, h.user(1002, "Bob"), "KIT-MUG-CER", "KIT-KTL-GOO", "TEA-SEN-100")

    answer = await page.ok("GET", f"products/{mug}")
    assert answer["also_bought_text"] == "Se compra a menudo con esto:"
    assert answer["also_bought"] == [
        {
            "id": await product_id(h, "KIT-KTL-GOO"),
            "title": "Hervidor cuello de cisne 1 l",
            "price": 4500,
            "currency": "USD",
            "price_text": "45,00\xa0US$",
        },
        {
            "id": await product_id(h, "TEA-SEN-100"),
            "title": "Sencha japonés 100 g",
            "price": 980,
            "currency": "USD",
            "price_text": "9,80\xa0US$",
        },
    ]


async def test_carol_taps_the_kettle_under_the_mug_and_the_kettles_page_opens(
    shop: ShopHarness, browser: Browser, page_of: Any
) -> None:
    await paid_order(shop, shop.user(1001, "Alice"), "KIT-MUG-CER", "KIT-KTL-GOO")
    await open_the_mug(shop, browser, shop.user(1003, "Carol"))
    await browser.find(".also-bought h3", "Often bought with this:")
    await browser.click(".also-bought .chip", "Gooseneck Kettle 1L · $45.00")
    await browser.find(".product h2", "Gooseneck Kettle 1L")
