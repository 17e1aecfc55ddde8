"""🔁 Buy again from the storefront's order history: the chat's reorder, into the one cart."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import past_order
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, change_product, init_data_for, product_id, storefront_url


async def test_alice_buys_an_order_again_and_hears_what_fell_short(
    shop: ShopHarness, page_of: Any
) -> None:
    order_id = await past_order(
        shop, 1001, {"KIT-MUG-CER": 2, "HOM-CSH-LIN": 3, "OUT-KNF-FLD": 1, "COF-DEC-250": 1}
    )
    await change_product(shop, "COF-DEC-250", is_active=False)
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    listed = (await page.ok("GET", "orders"))["orders"]
    assert [(o["id"], o["can_buy_again"]) for o in listed] == [(order_id, True)]

    again = await page.ok("POST", f"orders/{order_id}/buy_again")
    assert again["notice"] == f"🔁 The items of order #{order_id} are in your cart."
    assert again["report"] == [
        "Linen Cushion Cover: 2 in your cart of the 3 ordered, all there is now.",
        "Folding Pocket Knife is sold out.",
        "Swiss Water Decaf 250g is no longer sold.",
    ]
    assert [(line["sku"], line["quantity"]) for line in again["cart"]["lines"]] == [
        ("KIT-MUG-CER", 2),
        ("HOM-CSH-LIN", 2),
    ]
    assert again["cart"] == await page.cart()
    await alice.send("/cart")
    await alice.wait_for("2 × $16.00")  # the chat's cart is the same

    twice = await page.ok("POST", f"orders/{order_id}/buy_again")
    assert [(line["sku"], line["quantity"]) for line in twice["cart"]["lines"]] == [
        ("KIT-MUG-CER", 2),
        ("HOM-CSH-LIN", 2),
    ]


async def test_a_russian_shopper_reads_the_report_in_russian(
    shop: ShopHarness, page_of: Any
) -> None:
    order_id = await past_order(shop, 1001, {"KIT-MUG-CER": 1, "OUT-KNF-FLD": 1})
    olga: Page = page_of(shop.user(1001, "Olga", language_code="ru"))
    again = await olga.ok("POST", f"orders/{order_id}/buy_again")
    assert again["notice"] == f"🔁 Товары заказа #{order_id} в вашей корзине."
    assert again["report"] == ["Складной карманный нож: нет в наличии."]


async def test_no_buy_again_on_someone_elses_order_nor_one_waiting_for_payment(
    shop: ShopHarness, page_of: Any
) -> None:
    alice, bob = shop.user(1001, "Alice"), shop.user(1002, "Bob")
    page: Page = page_of(alice)
    bobs = await past_order(shop, 1002, {"KIT-MUG-CER": 1})
    for forged in (f"orders/{bobs}", "orders/999999", f"orders/{'9' * 19}"):
        assert await page.call("POST", f"{forged}/buy_again") == (
            404,
            {"error": "That order is not in your history."},
        ), forged
    assert (await page.cart())["lines"] == []

    await page.add(await product_id(shop, "KIT-MUG-CER"), 1)
    waiting = (await page.ok("POST", "checkout"))["order_id"]
    assert (await page.ok("GET", f"orders/{waiting}"))["can_buy_again"] is False
    status, answer = await page.call("POST", f"orders/{waiting}/buy_again")
    assert (status, answer["error"]) == (
        409,
        f"Order #{waiting} is still waiting for its payment: pay it, or check out again.",
    )
    boris: Page = page_of(shop.user(1601, "Boris", language_code="ru"))
    status, answer = await boris.call("POST", f"orders/{waiting}/buy_again")
    assert (status, answer["error"]) == (404, "Такого заказа нет в вашей истории.")
    assert (await page_of(bob).cart())["lines"] == []


async def test_alice_buys_her_order_again_from_the_page(
    shop: ShopHarness, browser: Browser
) -> None:
    order_id = await past_order(shop, 1001, {"KIT-MUG-CER": 2, "OUT-KNF-FLD": 1})
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click("#to-orders")
    await browser.click(f".order-row[data-order-id='{order_id}']")
    await browser.click("#buy-again", "🔁 Buy again")
    await browser.find(".line[data-product-id]", "Stoneware Mug 350ml")
    await browser.find("#cart-count", "2")
    await browser.find(".changes li", "Folding Pocket Knife is sold out.")
    await browser.find("#notice", f"🔁 The items of order #{order_id} are in your cart.")
    await alice.send("/cart")
    await alice.wait_for("2 × $16.00")


async def test_her_orders_come_ten_at_a_time_and_stay_shown_on_the_way_back(
    shop: ShopHarness, browser: Browser
) -> None:
    placed = [await past_order(shop, 1001, {"KIT-MUG-CER": 1}) for _ in range(12)]
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, shop.user(1001, "A")))
    await browser.click("#to-orders")
    await browser.find(f".order-row[data-order-id='{placed[-1]}']")
    assert await browser.js("return document.querySelectorAll('.order-row').length") == 10
    await browser.click(".more", "Show more")
    await browser.find(f".order-row[data-order-id='{placed[0]}']")
    await browser.click(f".order-row[data-order-id='{placed[0]}']")
    await browser.find("#title", f"Order #{placed[0]}")
    await browser.js("window.__tg.pressBack()")
    await browser.find(f".order-row[data-order-id='{placed[0]}']")
    assert await browser.js("return document.querySelectorAll('.order-row').length") == 12
