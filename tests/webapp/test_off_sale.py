"""A product taken off sale, or sold out, while the shopper has its page open: the page says
so on its Add button, and an Add tapped anyway gets the shop's reason, not a second try."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import change_product, init_data_for, product_id, storefront_url


async def test_a_product_gone_while_its_page_is_open_cannot_be_added(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    kettle = await product_id(shop, "KIT-KTL-GOO")
    mug = await product_id(shop, "KIT-MUG-CER")
    grinder = await product_id(shop, "KIT-GRN-BUR")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.find(f".card[data-product-id='{grinder}']")  # the list has come

    # The grinder goes off sale while the list shows it: its card says why, and leads back.
    await change_product(shop, "KIT-GRN-BUR", is_active=False)
    await browser.click(f".card[data-product-id='{grinder}']")
    await browser.find("#view p", "Sorry, that product is no longer available.")
    await browser.click("#view button", "‹ Back")
    await browser.find(f".card[data-product-id='{kettle}']")
    shown = await browser.js(
        "return [...document.querySelectorAll('.card')].map((card) => card.dataset.productId)"
    )
    assert str(grinder) not in shown and str(kettle) in shown

    await browser.click(f".card[data-product-id='{kettle}']")
    await browser.find("#add", "Add to cart")

    # The admin takes the kettle off sale; Alice taps Add: the shop's reason, and the button
    # says why it no longer adds.
    await change_product(shop, "KIT-KTL-GOO", is_active=False)
    await browser.click("#add", "Add to cart")
    await browser.find("#toast", "Sorry, that product is no longer available.")
    await browser.find("#add", "No longer on sale")
    assert await browser.js("return document.getElementById('add').disabled")
    await browser.find("#cart-count", "0")

    # The mug sells out while Alice is in the chat; back in the page, its button says so.
    await browser.js("window.__tg.pressBack()")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find("#add", "Add to cart")
    await change_product(shop, "KIT-MUG-CER", stock=0)
    await browser.js("window.__tg.fire('activated')")
    await browser.find("#add", "Out of stock")
    await browser.find(".product .stock", "Out of stock")
    assert await browser.js("return document.getElementById('add').disabled")
