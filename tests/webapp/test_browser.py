"""A shopper buys from the storefront in a real browser, and the chat agrees.

Headless Chromium from Debian's packages loads the page the bot serves, with Telegram's WebApp
object stubbed (tests/webapp/browser.py) and initData signed for Alice. One browser session
tells the whole story: browse, search, open a product, add to the cart (the chat sees it), add
in the chat (the page sees it), check out with Telegram's MainButton, pay the invoice link in
the stand-in, and find the order paid once, the receipt in the chat and the cart empty.
Screenshots of the main pages are written on the way; STOREFRONT_SCREENSHOTS=docs draws the
README's two again.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.standin.harness import ShopHarness
from bot.store.models import Order, Payment
from tests.e2e.shopper import add_to_cart
from tests.webapp.browser import THEME, Browser
from tests.webapp.conftest import init_data_for, product_id, storefront_url


async def test_a_shopper_buys_in_the_storefront_and_the_chat_agrees(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await alice.send("/start")
    welcome = await alice.wait_for("Welcome to the shop")
    assert welcome.all_buttons[0].web_app == "https://shop.example/shop/"  # "Open the shop"
    mug = await product_id(shop, "KIT-MUG-CER")
    beans = await product_id(shop, "COF-ESP-250")

    # Alice opens the Mini App: the first category's photo grid, in Telegram's colours.
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.find(".card .name", "Espresso Roast Beans")
    await browser.until("document.querySelectorAll('.card img.photo').length >= 5", "photos")
    assert (
        await browser.js(
            "return getComputedStyle(document.querySelector('.chip.on')).backgroundColor"
        )
        == "rgb(51, 144, 236)"
    )  # THEME's button_color, through --tg-theme-button-color
    assert THEME["button_color"] == "#3390ec"
    await browser.screenshot("storefront-catalog.png", in_readme=True)

    # The chat's search: a typo still finds the kettle.
    await browser.type(".search input", "kettel\n")
    await browser.find(".card .name", "Gooseneck Kettle")

    # Kitchen, the mug, two of them (variants, when the catalog has them, are picked here).
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find(".product h2", "Stoneware Mug")
    if await browser.js("return document.querySelectorAll('[data-variant-id]').length"):
        await browser.click("[data-variant-id]:not(.off)")
    await browser.click(".stepper button[aria-label='One more']")
    await browser.click("#add", "Add to cart · 2 ×")
    await browser.find("#toast", "Added 2 × Stoneware Mug 350ml to your cart.")
    assert await browser.js("return window.__tg.back.isVisible")  # Telegram's BackButton
    assert "impact:medium" in await browser.js("return window.__tg.haptics")
    await browser.find(".in-cart", "In your cart: 2")
    await browser.screenshot("storefront-product.png")

    # The chat's /cart is the same cart; what Alice adds in the chat shows in the page.
    await alice.send("/cart")
    await alice.wait_for("2 × $16.00")
    await add_to_cart(alice, "COF-ESP-250")
    await alice.wait_for("Added 1 × Espresso Roast Beans")
    await shop.until_idle()

    await browser.js("window.__tg.pressBack()")
    await browser.click("#to-cart")
    await browser.find(f".line[data-product-id='{beans}']", "Espresso Roast Beans")
    await browser.find("#cart-total", "$43.90")
    await browser.find("#tg-main-button", "Checkout · $43.90")
    await browser.screenshot("storefront-cart.png", in_readme=True)

    # Checkout: the MainButton asks the bot for an invoice link; the stand-in pays it.
    await browser.click("#tg-main-button", "Checkout")
    link = await browser.until("window.__tg.invoices[0]", "an invoice opened")
    paid = await alice.pay_invoice_link(link)
    assert paid.ok and paid.total_amount == 4390 + 500  # standard shipping under $50
    await alice.wait_for("Payment received, thank you!")
    await browser.js("window.__tg.invoiceClosed('paid')")
    await browser.find("#order[data-status='paid']", "Thank you! Your receipt is in the chat")
    await browser.find("#cart-count", "0")
    await browser.screenshot("storefront-paid.png")

    # Paid once: a second try at the same link is refused before any money moves.
    again = await alice.pay_invoice_link(link)
    assert not again.ok and "already paid" in (again.error_message or "")
    async with shop.store.reading() as uow:
        orders = (await uow.session.execute(select(Order.status))).scalars().all()
        payments = await uow.session.scalar(select(func.count(Payment.id)))
    assert (orders, payments) == (["paid"], 1)
    await alice.send("/cart")
    await alice.wait_for("Your cart is empty")


async def test_a_shopper_picks_a_variant_in_the_storefront(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Welcome to the shop")
    tee = await product_id(shop, "APP-TEE-ORG")
    async with shop.store.reading() as uow:
        medium = await uow.products.get_variant_by_sku("APP-TEE-ORG-M-OAT")
        assert medium is not None

    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Merch")
    await browser.click(f".card[data-product-id='{tee}']")
    await browser.find(".product h2", "Organic Tee")
    await browser.find("[data-variant-id].on", "S / Oat")  # the first in stock
    await browser.click("[data-variant-id]", "L / Oat ✕")  # sold out: said, not addable
    await browser.find("#toast", "Sorry, L / Oat is sold out.")
    assert await browser.js("return document.getElementById('add').disabled")
    await browser.click("[data-variant-id]", "L / Charcoal")
    await browser.find(".product .price", "$26.00")
    await browser.find(".product .stock", "Only 3 left")
    assert "variant=" in await browser.js("return document.querySelector('.product img').src")
    await browser.click(f"[data-variant-id='{medium.id}']")
    await browser.click("#add", "Add to cart · $24.00")
    await browser.find("#toast", "Added 1 × Organic Tee - M / Oat to your cart.")
    await browser.find(".in-cart", "In your cart: 1")

    await alice.send("/cart")
    await alice.wait_for("Organic Tee - M / Oat\n    1 × $24.00")
    await browser.click("#to-cart")
    await browser.find(f".line[data-variant-id='{medium.id}']", "Organic Tee - M / Oat")
    await browser.click(".line .stepper button[aria-label='One more']")
    await browser.find("#cart-total", "$48.00")
