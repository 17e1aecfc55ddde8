"""The storefront's product page shows the stars shoppers gave in the chat."""

from __future__ import annotations

from typing import Any

from bot.services import ratings
from bot.standin.harness import ShopHarness
from tests.e2e.shopper import past_order
from tests.e2e.test_ratings import rate
from tests.webapp.browser import Browser
from tests.webapp.conftest import (
    Page,
    init_data_for,
    open_the_mug,
    product_id,
    product_id_in,
    storefront_url,
)


async def test_the_page_shows_the_average_and_nothing_for_an_unrated_product(
    shop: ShopHarness, page_of: Any
) -> None:
    order_id = await past_order(shop, 1002, {"KIT-MUG-CER": 1})
    await rate(shop.user(1002, "Bob"), order_id, "⭐ Rate Stoneware Mug 350ml", 4)
    page: Page = page_of(shop.user(1001, "Alice"))
    mug = await product_id(shop, "KIT-MUG-CER")
    assert (await page.ok("GET", f"products/{mug}"))["rating_text"] == "★ 4.0 (1 rating)"
    kettle = await product_id(shop, "KIT-KTL-GOO")
    assert (await page.ok("GET", f"products/{kettle}"))["rating_text"] is None


async def test_kitchen_best_rated_first_lists_one_five_before_two_fours(
    shop: ShopHarness, page_of: Any
) -> None:
    for shopper, sku, stars in (
        (1002, "KIT-MUG-CER", 4),
        (1003, "KIT-MUG-CER", 4),
        (1004, "KIT-KTL-GOO", 5),
    ):
        order_id = await past_order(shop, shopper, {sku: 1})
        async with shop.store.uow() as uow:
            customer = await uow.customers.get_or_create(shopper)
            await ratings.rate(uow, customer.id, order_id, await product_id_in(uow, sku), stars)
    async with shop.store.reading() as uow:
        mug = await uow.products.get(await product_id_in(uow, "KIT-MUG-CER"))
        assert mug is not None
    page: Page = page_of(shop.user(1001, "Alice"))
    kitchen = await page.ok("GET", f"categories/{mug.category_id}?sort=rating")
    titles = [item["title"] for item in kitchen["items"]]
    assert titles[:2] == ["Gooseneck Kettle 1L", "Stoneware Mug 350ml"], titles
    assert len(titles) > 2  # the unrated after them


async def test_alice_sees_the_stars_on_the_mugs_page_in_the_browser(
    shop: ShopHarness, browser: Browser
) -> None:
    for shopper, stars in ((1002, 4), (1003, 5)):
        order_id = await past_order(shop, shopper, {"KIT-MUG-CER": 1})
        await rate(shop.user(shopper, "Bob"), order_id, "⭐ Rate Stoneware Mug 350ml", stars)
    await open_the_mug(shop, browser, shop.user(1001, "Alice"))
    await browser.find(".product .rating", "★ 4.5 (2 ratings)")


async def test_alice_rates_the_mug_of_her_order_from_the_page(
    shop: ShopHarness, page_of: Any
) -> None:
    order_id = await past_order(shop, 1001, {"KIT-MUG-CER": 1, "APP-TEE-ORG-M-OAT": 1})
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    mug, tee = await product_id(shop, "KIT-MUG-CER"), await product_id(shop, "APP-TEE-ORG")
    order = await page.ok("GET", f"orders/{order_id}")
    assert order["rateable"] == [
        {"product_id": mug, "title": "Stoneware Mug 350ml", "stars": None},
        {"product_id": tee, "title": "Organic Tee", "stars": None},
    ]

    rated = await page.ok("PUT", f"orders/{order_id}/ratings/{mug}", {"stars": 5})
    assert rated == {"stars": 5, "notice": "Thank you! You gave Stoneware Mug 350ml ★★★★★."}
    assert (await page.ok("GET", f"products/{mug}"))["rating_text"] == "★ 5.0 (1 rating)"
    assert (await page.ok("GET", f"orders/{order_id}"))["rateable"][0]["stars"] == 5
    await alice.send("/orders")
    await alice.wait_for(f"#{order_id} ")
    await alice.press(f"#{order_id} ")
    assert "★★★★★ Stoneware Mug 350ml" in [b.label for b in alice.last_message.all_buttons]  # type: ignore[union-attr]


async def test_forged_stars_and_orders_are_refused_in_the_shoppers_words(
    shop: ShopHarness, page_of: Any
) -> None:
    bobs = await past_order(shop, 1002, {"KIT-MUG-CER": 1})
    cancelled = await past_order(shop, 1001, {"KIT-MUG-CER": 1}, status="cancelled")
    mug, kettle = await product_id(shop, "KIT-MUG-CER"), await product_id(shop, "KIT-KTL-GOO")
    olga: Page = page_of(shop.user(1001, "Olga", language_code="ru"))
    mine = await past_order(shop, 1001, {"KIT-MUG-CER": 1})
    assert (await olga.ok("GET", f"orders/{cancelled}"))["rateable"] == []
    not_rateable = "Оценить можно только товары из вашего оплаченного заказа (заказ №{})."
    refusals = [
        (f"orders/{bobs}/ratings/{mug}", {"stars": 5}, 404, "Такого заказа нет в вашей истории."),
        (f"orders/{cancelled}/ratings/{mug}", {"stars": 5}, 409, not_rateable.format(cancelled)),
        (f"orders/{mine}/ratings/{kettle}", {"stars": 5}, 409, not_rateable.format(mine)),
        (f"orders/{mine}/ratings/{mug}", {"stars": 6}, 400, "stars: нужно целое число от 1 до 5."),
        (f"orders/{mine}/ratings/{mug}", {"stars": 0}, 400, "stars: нужно целое число от 1 до 5."),
        (f"orders/{mine}/ratings/{mug}", {}, 400, "Нужно указать stars."),
    ]
    for path, body, status, error in refusals:
        assert await olga.call("PUT", path, body) == (status, {"error": error}), path
    assert (await olga.ok("GET", f"products/{mug}"))["rating_text"] is None


async def test_stars_outside_one_to_five_are_a_bad_request_said_so(
    shop: ShopHarness, page_of: Any
) -> None:
    """Stars the page could never send are her request's fault (400, saying what to send),
    not her order's (409 stays for an order she may not rate from)."""
    mine = await past_order(shop, 1001, {"KIT-MUG-CER": 1})
    refunded = await past_order(shop, 1001, {"KIT-MUG-CER": 1}, status="refunded")
    mug = await product_id(shop, "KIT-MUG-CER")
    alice: Page = page_of(shop.user(1001, "Alice"))
    path = f"orders/{mine}/ratings/{mug}"
    one_to_five = {"error": "stars must be a whole number from 1 to 5."}
    for stars in (6, 0, -1, 10**13, 4.5, "5", True, [5]):
        assert await alice.call("PUT", path, {"stars": stars}) == (400, one_to_five), stars
    assert await alice.call("PUT", path, {"stars": None}) == (400, {"error": "stars is required."})
    assert await alice.call("PUT", path) == (400, {"error": "The body must be a JSON object."})
    status, _ = await alice.call("PUT", f"orders/{refunded}/ratings/{mug}", {"stars": 6})
    assert status == 400  # the stars are read first: no hint about the order
    refused = await alice.call("PUT", f"orders/{refunded}/ratings/{mug}", {"stars": 5})
    assert refused[0] == 409
    lucia: Page = page_of(shop.user(1002, "Lucía", language_code="es"))
    bad = await lucia.call("PUT", path, {"stars": 6})
    assert bad == (400, {"error": "stars debe ser un número entero del 1 al 5."})
    assert (await alice.ok("GET", f"products/{mug}"))["rating_text"] is None


async def test_alice_gives_the_mug_four_stars_on_her_orders_page(
    shop: ShopHarness, browser: Browser
) -> None:
    order_id = await past_order(shop, 1001, {"KIT-MUG-CER": 1})
    alice = shop.user(1001, "Alice")
    mug = await product_id(shop, "KIT-MUG-CER")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click("#to-orders")
    await browser.click(f".order-row[data-order-id='{order_id}']")
    await browser.click(f".rate[data-product-id='{mug}'] .star[data-stars='4']")
    await browser.find("#toast", "Thank you! You gave Stoneware Mug 350ml ★★★★.")
    assert await browser.js("return document.querySelectorAll('.rate .star.on').length") == 4
    await browser.js("window.__tg.pressBack()")
    await browser.js("window.__tg.pressBack()")  # home, then the mug: the card shows her stars
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{mug}']")
    await browser.find(".product .rating", "★ 4.0 (1 rating)")
