"""The page on a small phone (320 CSS pixels wide, the narrowest Telegram runs on): nothing
runs off the side, a product without a photo gets a quiet picture frame, the cart shows the
variant bought, and the list keeps its place when the shopper comes back from a product."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import past_order
from tests.webapp.browser import Browser
from tests.webapp.conftest import change_product, init_data_for, product_id, storefront_url

SMALL_PHONE = (320, 480)
# What sticks out past the right edge; a row of chips scrolls sideways on purpose.
OVERFLOWING = """
return [...document.querySelectorAll('body *')]
  .filter((el) => el.offsetParent !== null && !el.closest('.chips'))
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map((el) => el.outerHTML.slice(0, 80))
  .concat(document.documentElement.scrollWidth > window.innerWidth ? ['scrolls sideways'] : []);
"""
PLACEHOLDER = "img.photo.placeholder"
TAP = """
[...document.querySelectorAll(arguments[0])]
  .find((el) => el.innerText.includes(arguments[1])).click();
"""


async def tap(browser: Browser, css: str, text: str) -> None:
    """A tap on what may lie under the stub's MainButton (Telegram draws it below the page)."""
    await browser.find(css, text)
    await browser.js(TAP, css, text)


async def test_a_small_phone_shows_the_shop_neatly(shop: ShopHarness, browser: Browser) -> None:
    alice = shop.user(1001, "Alice")
    await change_product(shop, "KIT-MUG-CER", photo="", photo_file_id=None)
    mug = await product_id(shop, "KIT-MUG-CER")
    tee = await product_id(shop, "APP-TEE-ORG")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice), SMALL_PHONE)

    # The mug has no photo: a picture frame of the card's size, in the list and on its page.
    await browser.click(".chip", "Kitchen")
    await browser.find(f".card[data-product-id='{mug}'] {PLACEHOLDER}")
    assert await browser.js("return document.querySelector(arguments[0]).naturalWidth", PLACEHOLDER)
    assert await browser.js(OVERFLOWING) == []

    # Far down the list, into a product and back: the list is where Alice left it.
    await browser.js("window.scrollTo(0, document.body.scrollHeight)")
    below = await browser.js("return window.scrollY")
    assert below > 200
    last = await browser.js(
        "return [...document.querySelectorAll('.card')].pop().dataset.productId"
    )
    await browser.js("[...document.querySelectorAll('.card')].pop().click()")
    await browser.find(f".product[data-product-id='{last}']")
    assert await browser.js("return window.scrollY") == 0
    await browser.js("window.__tg.pressBack()")
    await browser.find(f".card[data-product-id='{mug}']")
    assert await browser.js("return window.scrollY") == below

    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find(f".product {PLACEHOLDER}")
    await tap(browser, "#add", "Add to cart")
    await browser.find(".in-cart", "In your cart: 1")
    assert await browser.js(OVERFLOWING) == []

    # The tee in L / Charcoal (a photo of its own): the cart shows that photo, not the Oat one.
    await browser.js("window.__tg.pressBack(); window.scrollTo(0, 0)")
    await browser.click(".chip", "Merch")
    await browser.click(f".card[data-product-id='{tee}']")
    await tap(browser, "[data-variant-id]", "L / Charcoal")
    await tap(browser, "#add", "Add to cart")
    await browser.find(".in-cart", "In your cart: 1")
    assert await browser.js(OVERFLOWING) == []
    await browser.click("#to-cart")
    await browser.find(f".line[data-product-id='{tee}']", "Organic Tee - L / Charcoal")
    src = await browser.js(
        "return document.querySelector(arguments[0]).src", f".line[data-product-id='{tee}'] img"
    )
    assert "variant=" in src
    await browser.find(f".line[data-product-id='{mug}'] {PLACEHOLDER}")
    assert await browser.js(OVERFLOWING) == []


async def test_her_orders_and_an_orders_stars_fit_a_small_phone(
    shop: ShopHarness, browser: Browser
) -> None:
    order_id = await past_order(shop, 1001, {"KIT-MUG-CER": 1, "APP-TEE-ORG-M-OAT": 2})
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice), SMALL_PHONE)
    await browser.click("#to-orders")
    await browser.find(f".order-row[data-order-id='{order_id}']", f"Order #{order_id}")
    assert await browser.js(OVERFLOWING) == []
    await browser.click(f".order-row[data-order-id='{order_id}']")
    await browser.find(".rate", "⭐ Rate Organic Tee")
    await browser.find("#buy-again", "🔁 Buy again")
    assert await browser.js(OVERFLOWING) == []
