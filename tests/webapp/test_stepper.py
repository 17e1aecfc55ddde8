"""The product page's quantity stepper and price follow the variant chosen and the shop's
latest word: the stepper stops at that variant's stock, and a price changed since the page
loaded shows once Add has told the shopper about it."""

from __future__ import annotations

from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import change_product, init_data_for, product_id, storefront_url

MORE = ".buy .stepper button[aria-label='One more']"


async def test_the_stepper_stops_at_the_variants_stock_and_a_new_price_shows_after_add(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    tee = await product_id(shop, "APP-TEE-ORG")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Merch")
    await browser.click(f".card[data-product-id='{tee}']")
    await browser.find("[data-variant-id].on", "S / Oat")  # 6 left

    # M / Oat has 8: the stepper goes to 8 (not to the 6 of the first size shown) and no further.
    await browser.click("[data-variant-id]", "M / Oat")
    await browser.tap(MORE, 10)
    await browser.find(".buy .stepper span", "8")
    await browser.find("#add", "Add to cart · 8 × $24.00")
    # L / Charcoal has 3: the quantity comes down to them.
    await browser.click("[data-variant-id]", "L / Charcoal")
    await browser.find("#add", "Add to cart · 3 × $26.00")

    # The shop raises the tee's price while Alice looks; her Add says so, and the page shows it.
    await browser.click("[data-variant-id]", "M / Oat")
    await change_product(shop, "APP-TEE-ORG", price=2500)
    await browser.click("#add", "Add to cart · 3 × $24.00")
    await browser.find("#toast", "its price has just changed from $24.00 to $25.00")
    await browser.find(".product .price", "$25.00")
    await browser.find("#add", "Add to cart · 3 × $25.00")
