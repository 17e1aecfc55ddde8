"""The page and the chat share a cart: what changed in the chat shows as soon as the shopper
comes back to the page (Telegram's `activated` event, or the page shown again)."""

from __future__ import annotations

from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from tests.e2e.shopper import add_to_cart
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, product_id, storefront_url


async def test_a_cart_changed_in_the_chat_shows_when_the_shopper_comes_back(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Welcome to the shop")
    mug = await product_id(shop, "KIT-MUG-CER")
    beans = await product_id(shop, "COF-ESP-250")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.click("#add", "Add to cart")
    await browser.find(".in-cart", "In your cart: 1")
    await browser.click("#to-cart")
    await browser.find("#cart-total", "$16.00")

    # Alice goes to the chat and adds beans there; back in the page, her cart has them.
    await add_to_cart(alice, "COF-ESP-250")
    await alice.wait_for("Added 1 × Espresso Roast Beans")
    await shop.until_idle()
    await browser.js("window.__tg.fire('activated')")
    await browser.find(f".line[data-product-id='{beans}']", "Espresso Roast Beans")
    await browser.find("#cart-total", "$27.90")
    await browser.find("#tg-main-button", "Checkout · $27.90")

    # She opens a newsletter's code link in the chat: back in the page, Checkout says what
    # the order summary will ask for the goods, 10% off, and the cart says why, as the
    # summary does.
    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(["TENOFF", "10%"], "USD").to_model())
    await alice.send("/start promo_TENOFF")
    await alice.wait_for("Code TENOFF is saved")
    await browser.js("window.__tg.fire('activated')")
    await browser.find("#tg-main-button", "Checkout · $25.11")
    await browser.find("#cart-total", "$27.90")
    await browser.find("#cart-promo", "Discount (TENOFF), 10% off: −$2.79")

    # Back on the product, the page shown again (its tab or app in front) asks too.
    await browser.js("window.__tg.pressBack()")
    await add_to_cart(alice, "COF-ESP-250")
    await alice.wait_for("Added 1 × Espresso Roast Beans")
    await shop.until_idle()
    await browser.js("document.dispatchEvent(new Event('visibilitychange'))")
    await browser.find("#tg-main-button", "View cart · 3 items · $35.82")  # as Checkout says

    # She checks out: her order's page names the code's discount as the chat's order does.
    await browser.click("#to-cart")
    await browser.click("#tg-main-button", "Checkout · $35.82")
    await browser.until("window.__tg.invoices[0]", "an invoice opened")
    await browser.js("window.__tg.invoiceClosed('pending')")
    await browser.find("#order .sum", "−$3.98")
    discount = "return [...document.querySelectorAll('#order .sum')].map((el) => el.textContent)"
    assert "Discount (TENOFF): −$3.98" in await browser.js(discount)
