"""While Telegram's payment form is open the page says it waits for the payment, whatever
redraws meanwhile, and when the form closes it says how it ended until the shopper moves on."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import add_to_cart
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, storefront_url

MAIN = "#tg-main-button"
WAITING = "Waiting for your payment for order #"


async def check_out(browser: Browser, invoices: int) -> str:
    """Tap Checkout once the MainButton has rested; the link of the invoice it opens."""
    await browser.until("window.__tg.main.isActive", "the MainButton rested")
    await browser.click(MAIN, "Checkout")
    await browser.until(f"window.__tg.invoices.length === {invoices}", "the invoice opened")
    return str(await browser.js(f"return window.__tg.invoices[{invoices - 1}]"))


async def redrawn_on_coming_back(browser: Browser) -> None:
    """Telegram says the page is in front again; the page asks for the cart and redraws it."""
    asked = await browser.js("return window.__tg.started('GET api/cart')")
    await browser.js("window.__tg.fire('activated')")
    await browser.until(f"window.__tg.started('GET api/cart') > {asked}", "the cart asked for")
    await browser.find(".line", "Stoneware Mug")


async def test_the_page_waits_for_the_payment_and_says_how_it_ended(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await alice.wait_for("Added 1 × Stoneware Mug")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click("#to-cart")

    # The form is open: the page waits, also after redrawing the cart.
    await check_out(browser, 1)
    await browser.find("#notice", WAITING)
    await redrawn_on_coming_back(browser)
    await browser.find("#notice", WAITING)
    # Alice closes it: the page says so, and keeps saying it.
    await browser.js("window.__tg.invoiceClosed('cancelled')")
    await browser.find("#notice", "Payment cancelled. Your items are still in your cart.")
    await redrawn_on_coming_back(browser)
    await browser.find("#notice", "Payment cancelled. Your items are still in your cart.")

    await check_out(browser, 2)
    await browser.find("#notice", WAITING)
    await browser.js("window.__tg.invoiceClosed('failed')")
    await browser.find("#notice.bad", "The payment did not go through. Please try again.")

    # Paid: the order's page takes over, and the waiting is over.
    link = await check_out(browser, 3)
    await browser.find("#notice", WAITING)
    paid = await alice.pay_invoice_link(link)
    assert paid.ok
    await alice.wait_for("Payment received, thank you!")
    await browser.js("window.__tg.invoiceClosed('paid')")
    await browser.find("#order[data-status='paid']", "Thank you!")
    assert await browser.js("return document.getElementById('notice').hidden")
