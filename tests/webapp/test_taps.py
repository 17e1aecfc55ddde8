"""Quick and double taps in the storefront: each tap does what it says once.

Phones deliver a double tap as two taps, and a shopper taps again when an answer is slow. The
taps here are made in one go from the page's own script, so the second lands while the first
request is still on its way; `window.__tg.started(...)` counts the API requests the page set
off (tests/webapp/browser.py).
"""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, product_id, storefront_url

MAIN = "#tg-main-button"


async def test_quick_taps_add_once_step_each_and_open_one_invoice(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Welcome to the shop")
    mug = await product_id(shop, "KIT-MUG-CER")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find("#add", "Add to cart")

    # Alice taps Add, then + and Add again before the shop answers: one mug goes in, once.
    started = await browser.js(
        "document.getElementById('add').click();"
        "document.querySelector(\".stepper button[aria-label='One more']\").click();"
        "document.getElementById('add').click();"
        "return window.__tg.started('POST api/cart/lines');"
    )
    assert started == 1
    await browser.find(".in-cart", "In your cart: 1")

    # A double tap on "View cart" opens the cart; the second tap does not check out.
    await browser.find(MAIN, "View cart")
    await browser.tap(MAIN, 2)
    await browser.find(f".line[data-product-id='{mug}']", "Stoneware Mug")
    assert await browser.js("return window.__tg.started('api/checkout')") == 0

    # Two quick taps on + make three mugs (each from the cart the one before left).
    await browser.tap(".line .stepper button[aria-label='One more']", 2)
    await browser.find("#cart-total", "$48.00")
    await alice.send("/cart")
    await alice.wait_for("3 × $16.00")

    # Checkout tapped twice opens one invoice, and a tap while it is open opens no other.
    await browser.until("window.__tg.main.isActive", "the MainButton rested")
    await browser.tap(MAIN, 2)
    await browser.until("window.__tg.invoices.length === 1", "the invoice opened")
    await browser.until("window.__tg.main.isActive", "the MainButton rested")
    await browser.js("document.querySelector(arguments[0]).click();", MAIN)
    assert await browser.js("return window.__tg.started('api/checkout')") == 1
    assert await browser.js("return window.__tg.invoices.length") == 1
