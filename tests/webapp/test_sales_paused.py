"""While sales are paused (/pause) the page says so over every view, in the chat's words with
the admin's note (as text, never markup), and its checkout is off; browsing, search and the
cart work as always. Once sales open again a page opened afterwards says nothing."""

from __future__ import annotations

from pathlib import Path

from bot.standin.harness import ShopHarness
from bot.usecases import sales_pause
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, product_id, storefront_url

NOTE = "Back on Monday <img src=x onerror=alert(1)>"
CLOSED = f"🌙 The shop is not taking orders right now: {NOTE}"
KEPT = "Your cart is kept, and I will tell you here when it opens again."


async def test_a_paused_shop_says_so_on_every_view_and_takes_no_checkout(
    shop: ShopHarness, browser: Browser, tmp_path: Path
) -> None:
    assert shop.shop is not None
    alice = shop.user(1001, "Alice")
    mug = await product_id(shop, "KIT-MUG-CER")
    await sales_pause.pause(shop.shop, 9001, NOTE)
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))

    # The shop's first view already says it, the note word for word.
    banner = await browser.find("#closed", CLOSED)
    assert KEPT in banner.text
    pictures = "return document.querySelectorAll('#closed img, img[src=x]').length"
    assert await browser.js(pictures) == 0  # the note's <img> is words, not a picture

    # Browsing, search and the cart work as always, under the same words.
    await browser.type(".search input", "mug\n")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find("#closed", CLOSED)
    await browser.click("#add", "Add to cart")
    await browser.find("#cart-count", "1")
    await browser.click("#to-cart")
    await browser.find(".line", "Stoneware Mug")
    await browser.find("#closed", CLOSED)

    # Checkout shows its total but takes no tap: no order, no invoice.
    await browser.find("#tg-main-button", "Checkout · $16.00")
    await browser.until("!window.__tg.main.isActive", "the Checkout button off")
    await browser.click("#tg-main-button", "Checkout")
    assert await browser.js("return window.__tg.started('POST api/checkout')") == 0
    assert await browser.js("return window.__tg.invoices.length") == 0

    # Sales open again: back in the page (its cart asked for again) the banner is gone and
    # checkout goes through; a page opened afterwards has none either.
    await sales_pause.resume(shop.shop, 9001)
    await browser.js("window.__tg.fire('activated')")
    await browser.until("document.getElementById('closed').hidden", "the banner gone")
    await browser.until("window.__tg.main.isActive", "the Checkout button on")
    await browser.click("#tg-main-button", "Checkout")
    await browser.until("window.__tg.invoices.length === 1", "the invoice opened")

    await browser.fresh_phone(tmp_path)
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.find(".chip", "Kitchen")
    await browser.find("#cart-count", "1")
    assert await browser.js("return document.getElementById('closed').hidden")


async def test_a_page_that_has_not_heard_of_the_pause_learns_it_from_its_checkout(
    shop: ShopHarness, browser: Browser
) -> None:
    """Ada pauses through a day while Alice's page shows her cart: her tap on Checkout is
    refused (409), the page puts up the banner with the last day and turns checkout off."""
    assert shop.shop is not None
    alice = shop.user(1001, "Alice")
    mug = await product_id(shop, "KIT-MUG-CER")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.type(".search input", "mug\n")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.click("#add", "Add to cart")
    await browser.find("#cart-count", "1")
    await browser.click("#to-cart")
    await browser.until("window.__tg.main.isActive", "the Checkout button on")
    await sales_pause.pause(shop.shop, 9001, "until=2036-12-27")
    await browser.click("#tg-main-button", "Checkout")
    banner = "🌙 The shop is taking a break until Sat, Dec 27, 2036 — you can browse"
    await browser.find("#closed", banner)
    await browser.find("#toast", banner)
    await browser.until("!window.__tg.main.isActive", "the Checkout button off")
    assert await browser.js("return window.__tg.invoices.length") == 0
