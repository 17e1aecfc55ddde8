"""A shop that does not answer, and a list that grows while the shopper reads it.

The phone's network is held with DevTools (a request to the held address never gets its
answer), and the page's clock runs fast: its 20 seconds of patience pass in a blink, as they
would for a shopper on a bad connection.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.standin.harness import ShopHarness
from bot.store.models import Product
from tests.webapp.browser import Browser
from tests.webapp.conftest import change_product, init_data_for, storefront_url

# Once `window.hurry` is set, the page's timers of 20 s and more run 200 times faster.
FAST_CLOCK = """
(() => {
  const later = window.setTimeout.bind(window);
  window.hurry = false;
  window.setTimeout = (fn, ms, ...args) =>
    later(fn, window.hurry && ms >= 20000 ? ms / 200 : ms, ...args);
})();
"""
NOT_ANSWERING = "The shop is not answering. Please try again."
SHOWN_IDS = "return [...document.querySelectorAll('.card')].map((card) => card.dataset.productId)"


async def test_a_shop_that_does_not_answer_is_said_so(shop: ShopHarness, browser: Browser) -> None:
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice), phone=FAST_CLOCK)
    await browser.find(".card .name", "Espresso Roast Beans")

    # The search never gets an answer: after a while the page says so, with a way to try again.
    await browser.cdp("Fetch.enable", {"patterns": [{"urlPattern": "*api/search*"}]})
    await browser.js("window.hurry = true")
    await browser.type(".search input", "kettle\n")
    await browser.find("#view p", NOT_ANSWERING)
    await browser.js("window.hurry = false")
    await browser.cdp("Fetch.disable", {})
    await browser.click("#view button", "Try again")
    await browser.find(".card .name", "Gooseneck Kettle")


async def test_show_more_twice_quickly_shows_each_product_once(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    async with shop.store.reading() as uow:
        kitchen = await uow.session.scalar(
            select(Product.category_id).where(Product.sku == "KIT-MUG-CER")
        )
    for sku in ("STA-PEN-FTN", "STA-INK-BLU", "STA-PCL-HB6", "STA-DSK-PAD"):
        await change_product(shop, sku, category_id=kitchen)  # nine in Kitchen: two pages
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.find(".more", "Show more")
    assert len(await browser.js(SHOWN_IDS)) == 8

    # One more comes to Kitchen while Alice reads (the pages shift by one); she taps twice.
    await change_product(shop, "STA-NTB-A5D", category_id=kitchen, title="A5 Dot Notebook")
    await browser.js("const more = document.querySelector('.more'); more.click(); more.click();")
    await browser.until("!document.querySelector('.more')", "the last page shown")
    shown = await browser.js(SHOWN_IDS)
    assert len(shown) == len(set(shown)) == 9
    assert await browser.js("return window.__tg.started('page=1')") == 1
