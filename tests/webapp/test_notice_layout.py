"""The line that says the page waits for a payment stays in sight under the header as the
shopper scrolls, and never under it, whatever the header's height (a phone set to larger
text makes it taller)."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import add_to_cart
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, storefront_url
from tests.webapp.test_paying import WAITING, check_out

# Where the notice and the header are on screen: the notice's top, the header's bottom.
BOXES = """
const notice = document.getElementById('notice').getBoundingClientRect();
const header = document.querySelector('header.top').getBoundingClientRect();
return [notice.top, notice.bottom, header.bottom];
"""


async def seen_below_the_header(browser: Browser) -> None:
    """Scrolled down the list, the notice is in sight and wholly below the header."""
    await browser.js("window.scrollTo(0, 400)")
    await browser.until("window.scrollY >= 400", "the list scrolled")
    top, bottom, header = await browser.js(BOXES)
    assert top >= header - 0.5, f"the notice ({top}) starts above the header's end ({header})"
    assert bottom <= header + 200, "the notice is out of sight"


async def test_the_waiting_line_sits_below_the_header(shop: ShopHarness, browser: Browser) -> None:
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await alice.wait_for("Added 1 × Stoneware Mug")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.find(".card .name", "Espresso Roast Beans")
    await browser.click("#to-cart")
    await check_out(browser, 1)
    await browser.find("#notice", WAITING)

    # The form open, Alice goes back to the list and scrolls it: the line stays below the header.
    await browser.js("window.__tg.pressBack()")
    await browser.find(".card .name", "Espresso Roast Beans")
    await browser.js("document.body.style.minHeight = '3000px'")  # a long list
    await seen_below_the_header(browser)

    # Her phone shows larger text: the header grows, and the line still starts below it.
    await browser.js("document.querySelector('header.top').style.fontSize = '28px'")
    await browser.js("document.querySelector('header.top h1').style.fontSize = '30px'")
    await seen_below_the_header(browser)
    await browser.find("#notice", WAITING)
