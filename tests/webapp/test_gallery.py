"""The storefront page shows a product's photos as the chat's card does: the first (a
variant's own, else the product's), then the product's further ones, paged with ‹ › or a
swipe; the API names each and serves it."""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.standin.harness import ShopHarness
from tests.webapp.browser import Browser
from tests.webapp.conftest import (
    Page,
    change_product,
    init_data_for,
    product_id,
    storefront_url,
)

KETTLE = "KIT-KTL-GOO"
FURTHER = [
    {"photo": "photos/kit-mug-cer.png", "file_id": None},
    {"photo": "photos/kit-frp-600.png", "file_id": None},
]


async def test_the_api_names_the_further_photos_and_serves_each(
    shop: ShopHarness, page_of: Any, http: aiohttp.ClientSession
) -> None:
    await change_product(shop, KETTLE, photos=FURTHER)
    kettle = await product_id(shop, KETTLE)
    page: Page = page_of(shop.user(1001, "Alice"))
    product = await page.ok("GET", f"products/{kettle}")
    assert product["photo"] == f"photos/{kettle}"
    assert product["photos"] == [f"photos/{kettle}?photo=1", f"photos/{kettle}?photo=2"]

    base = storefront_url(shop)
    bodies = []
    for path in (product["photo"], *product["photos"]):
        answer = await http.get(base + path)
        assert answer.status == 200, path
        bodies.append(await answer.read())
    assert len(set(bodies)) == 3  # three different pictures
    assert bodies[1] == (shop.catalog_path.parent / "photos" / "kit-mug-cer.png").read_bytes()
    for wrong in ("3", "x", "-1"):
        assert (await http.get(f"{base}photos/{kettle}?photo={wrong}")).status == 404

    press = await page.ok("GET", f"products/{await product_id(shop, 'KIT-FRP-600')}")
    assert press["photos"] == []  # one photo: nothing to page through


async def _open_the_kettle(shop: ShopHarness, browser: Browser) -> int:
    """Alice opens the storefront and the kettle's page, from Kitchen; its id."""
    kettle = await product_id(shop, KETTLE)
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click(".chip", "Kitchen")
    await browser.click(f".card[data-product-id='{kettle}']")
    await browser.find(".product h2", "Gooseneck Kettle")
    return kettle


async def test_a_shopper_pages_through_the_kettles_photos_on_its_page(
    shop: ShopHarness, browser: Browser
) -> None:
    await change_product(shop, KETTLE, photos=FURTHER)
    kettle = await _open_the_kettle(shop, browser)
    picture = ".gallery img.photo"
    shown = f"document.querySelector('{picture}').getAttribute('src')"
    assert await browser.js(f"return {shown};") == f"photos/{kettle}"
    await browser.find(".gallery .counter", "1/3")

    await browser.click(".gallery button[aria-label='Next photo']")
    await browser.find(".gallery .counter", "2/3")
    assert await browser.js(f"return {shown};") == f"photos/{kettle}?photo=1"
    await browser.click(".gallery button[aria-label='Previous photo']")
    await browser.click(".gallery button[aria-label='Previous photo']")  # round to the last
    await browser.find(".gallery .counter", "3/3")
    assert await browser.js(f"return {shown};") == f"photos/{kettle}?photo=2"
    await browser.until(
        f"document.querySelector('{picture}').complete"
        f" && document.querySelector('{picture}').naturalWidth > 1",
        "the third photo loaded",
    )


async def test_a_product_of_one_photo_has_no_arrows_on_its_page(
    shop: ShopHarness, browser: Browser
) -> None:
    await _open_the_kettle(shop, browser)
    hidden = await browser.js(
        "return [...document.querySelectorAll('.gallery .turn, .gallery .counter')]"
        ".map((el) => el.hidden);"
    )
    assert hidden == [True, True, True]
