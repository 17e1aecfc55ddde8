"""A shopper the shop blocked (/block) gets 403 from every call of the storefront that is
hers (its words, her cart, checkout, her orders), with the refusal as the JSON error the page
shows instead of the shop; unblocked, her page works again, her cart as she left it."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.standin.harness import ShopHarness
from bot.usecases import blocking
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, product_id, storefront_url

REFUSAL = "🚫 This shop can't take your messages."


async def test_her_calls_are_refused_with_403_until_she_is_unblocked(
    shop: ShopHarness, http: aiohttp.ClientSession, page_of: Any
) -> None:
    assert shop.shop is not None
    mallory = shop.user(1001, "Mallory", language_code="es")
    mug = await product_id(shop, "KIT-MUG-CER")
    page = page_of(mallory)
    await page.add(mug)
    await blocking.block(shop.shop, 9001, "1001 spam")

    for method, path, body in [
        ("GET", "texts", None),
        ("GET", "cart", None),
        ("POST", "cart/lines", {"product_id": mug, "quantity": 1}),
        ("POST", "checkout", None),
        ("GET", "orders", None),
    ]:
        status, answer = await page.call(method, path, body)
        assert (status, answer) == (403, {"error": "🚫 Esta tienda no puede aceptar tus mensajes."})

    await blocking.unblock(shop.shop, 9001, "1001")
    assert [line["quantity"] for line in (await page.cart())["lines"]] == [1]


async def test_her_page_says_so_instead_of_the_shop(shop: ShopHarness, browser: Browser) -> None:
    assert shop.shop is not None
    mallory = shop.user(1001, "Mallory")
    await mallory.send("/start")
    await mallory.wait_for("")
    await blocking.block(shop.shop, 9001, "1001")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, mallory))
    await browser.find("#refused", REFUSAL)
    assert await browser.js("return document.querySelectorAll('.card').length") == 0
