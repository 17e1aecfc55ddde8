"""The page offers no more than the shopper can still add: the product page's stepper stops at
what is left less what her cart holds, and a cart line's + stops at what is left, each saying
so. The shop's refusal stays the last word; the page just does not ask for what it would refuse."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, init_data_for, product_id, storefront_url

MORE = ".buy .stepper button[aria-label='One more']"


async def test_the_stepper_and_the_carts_plus_stop_at_what_is_left_to_add(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    tee = await product_id(shop, "APP-TEE-ORG")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Merch")
    await browser.click(f".card[data-product-id='{tee}']")

    # L / Charcoal has 3. Alice adds 2; the stepper then goes to 1 and no further, and says so.
    await browser.click("[data-variant-id]", "L / Charcoal")
    await browser.click(MORE)
    await browser.click("#add", "Add to cart · 2 × $26.00")
    await browser.find(".in-cart", "In your cart: 2")
    await browser.tap(MORE, 5)
    await browser.find(".buy .stepper span", "1")
    await browser.find(".cap", "You can add up to 1.")
    assert await browser.js("return document.querySelector(arguments[0]).disabled", MORE)

    # With the last one added, nothing more can go in: the page says all are in her cart.
    await browser.click("#add", "Add to cart · $26.00")
    await browser.find(".in-cart", "In your cart: 3")
    await browser.find(".cap", "All 3 left are in your cart.")
    assert await browser.js("return document.getElementById('add').disabled")

    # In the cart the line's + is off too, with the same word, and tapping it asks nothing.
    await browser.click("#to-cart")
    line = ".line .stepper button[aria-label='One more']"
    await browser.find(".line .cap", "All 3 left are in your cart.")
    assert await browser.js("return document.querySelector(arguments[0]).disabled", line)
    await browser.tap(line, 5)
    assert await browser.js("return window.__tg.started('PUT api/cart/lines')") == 0

    # One less, and + is back (the shop would take it again).
    await browser.click(".line .stepper button[aria-label='One less']")
    await browser.find("#cart-total", "$52.00")
    await browser.until("!document.querySelector('.line .cap')", "the word gone")
    plus_off = f'document.querySelector("{line}").disabled'
    assert not await browser.js(f"return {plus_off}")


async def test_what_her_own_unpaid_order_holds_counts_toward_what_she_can_add(
    shop: ShopHarness, page_of: Any
) -> None:
    """Alice checks out one L / Charcoal tee (3 in stock) and closes the payment form: her
    order holds it, and her cart still has it. The page offers her all three, not the two
    left for others, on the cart's + and on the product's stepper."""
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    tee = await product_id(shop, "APP-TEE-ORG")
    card = await page.ok("GET", f"products/{tee}")
    charcoal = next(v["id"] for v in card["variants"] if v["title"] == "L / Charcoal")
    await page.add(tee, 1, variant_id=charcoal)
    assert (await page.ok("POST", "checkout"))["status"] == "invoice"

    [line] = (await page.cart())["lines"]
    assert (line["quantity"], line["max_quantity"]) == (1, 3)
    card = await page.ok("GET", f"products/{tee}")
    [variant] = [v for v in card["variants"] if v["id"] == charcoal]
    assert (variant["available"], variant["in_cart"]) == (3, 1)  # two more can go in

    # One more from the cart, then the last: the shop takes both, and the cap stays at three.
    step = {"quantity": 2, "variant_id": charcoal}
    update = await page.ok("PUT", f"cart/lines/{tee}", step)
    assert update["done"] and update["cart"]["lines"][0]["max_quantity"] == 3
    update = await page.ok("PUT", f"cart/lines/{tee}", {**step, "quantity": 3})
    assert update["done"] and update["cart"]["lines"][0]["quantity"] == 3


async def test_a_held_product_she_took_out_of_her_cart_is_offered_as_the_shop_would_take_it(
    shop: ShopHarness, page_of: Any
) -> None:
    """Alice checks out one L / Charcoal tee (3 in stock), then takes it out of her cart while
    her unpaid order still holds it. The product page offers her all three, exactly what the
    shop then takes, not the two left for others."""
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    tee = await product_id(shop, "APP-TEE-ORG")
    card = await page.ok("GET", f"products/{tee}")
    charcoal = next(v["id"] for v in card["variants"] if v["title"] == "L / Charcoal")
    await page.add(tee, 1, variant_id=charcoal)
    assert (await page.ok("POST", "checkout"))["status"] == "invoice"
    gone = await page.ok("PUT", f"cart/lines/{tee}", {"quantity": 0, "variant_id": charcoal})
    assert gone["done"] and not gone["cart"]["lines"]

    card = await page.ok("GET", f"products/{tee}")
    [variant] = [v for v in card["variants"] if v["id"] == charcoal]
    assert (variant["available"], variant["in_cart"], variant["can_add"]) == (3, 0, 3)
    assert variant["held_text"]

    added = await page.add(tee, 3, variant_id=charcoal)
    [line] = added["cart"]["lines"]
    assert added["done"] and (line["quantity"], line["can_add"]) == (3, 0)


async def test_a_product_with_fewer_left_than_her_cart_holds_says_checkout_will_lower_it(
    shop: ShopHarness, browser: Browser
) -> None:
    """Two kettles in Alice's cart, then the shop has one left: the page says what her cart
    line says, not "All 1 left are in your cart"; sold out, that checkout will remove them."""
    alice = shop.user(1001, "Alice")
    kettle = await product_id(shop, "KIT-KTL-GOO")
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(alice.user_id, first_name="Alice")
        assert await uow.carts.set_line(customer.id, kettle, 0, 2)
        assert await uow.products.set_stock(kettle, 1)
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{kettle}']")
    await browser.find(".in-cart", "In your cart: 2")
    await browser.find(".cap", "⚠️ only 1 left; checkout will lower the quantity")

    async with shop.store.uow() as uow:
        assert await uow.products.set_stock(kettle, 0)
    await browser.js("window.__tg.fire('activated')")
    await browser.find(".cap", "⚠️ sold out; it will be removed at checkout")
