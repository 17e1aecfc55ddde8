"""♡ on the storefront's product page: the chat's saved products, from the page and back."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from tests.e2e.shopper import save_the_most, shown
from tests.webapp.browser import Browser
from tests.webapp.conftest import (
    Page,
    change_product,
    open_the_mug,
    product_id,
)


async def test_what_alice_saves_in_the_page_is_under_saved_in_the_chat_and_back(
    shop: ShopHarness, page_of: Any
) -> None:
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    kettle, mug = await product_id(shop, "KIT-KTL-GOO"), await product_id(shop, "KIT-MUG-CER")
    assert (await page.ok("GET", f"products/{kettle}"))["saved"] is False

    saved = await page.ok("PUT", f"saved/{kettle}")
    assert saved == {"saved": True, "notice": "♥ Saved: /saved lists what you saved."}
    assert await page.ok("PUT", f"saved/{kettle}") == saved  # a double tap saves once
    assert (await page.ok("GET", f"products/{kettle}"))["saved"] is True
    await alice.send("/saved")
    listed = await alice.wait_for("Saved")
    assert [b.label for b in listed.all_buttons if "$" in b.label] == [
        "Gooseneck Kettle 1L · $45.00"
    ]

    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Stoneware Mug")
    await alice.press("♡ Save")
    assert "♥ Saved" in shown(alice)
    mine = await page.ok("GET", "saved")
    assert [item["id"] for item in mine["items"]] == [mug, kettle]  # the last saved first
    assert (mine["total"], mine["page"], mine["pages"]) == (2, 0, 1)

    dropped = await page.ok("DELETE", f"saved/{mug}")
    assert dropped == {"saved": False, "notice": "Removed from your saved products."}
    await change_product(shop, "KIT-KTL-GOO", is_active=False)  # off sale: off the list
    assert (await page.ok("GET", "saved"))["items"] == []
    await change_product(shop, "KIT-KTL-GOO", is_active=True)  # and back with it
    assert [item["id"] for item in (await page.ok("GET", "saved"))["items"]] == [kettle]


async def test_bad_saves_are_refused_in_the_shoppers_words(shop: ShopHarness, page_of: Any) -> None:
    boris: Page = page_of(shop.user(1601, "Boris", language_code="ru"))
    huge = "9" * 19
    assert await boris.call("PUT", "saved/999999") == (
        404,
        {"error": "Извините, этого товара больше нет в продаже."},
    )
    assert (await boris.call("DELETE", f"saved/{huge}"))[0] == 404
    assert (await boris.call("GET", "saved?page=x"))[0] == 400
    await change_product(shop, "KIT-KTL-GOO", is_active=False)
    kettle = await product_id(shop, "KIT-KTL-GOO")
    assert (await boris.call("PUT", f"saved/{kettle}"))[0] == 404

    # A hundred saved already: the 101st is refused as the chat refuses it.
    await save_the_most(shop, 1601, but="KIT-MUG-CER")
    mug = await product_id(shop, "KIT-MUG-CER")
    status, answer = await boris.call("PUT", f"saved/{mug}")
    assert status == 409 and answer["error"].startswith("У вас сохранено 100 товаров")


async def test_alice_saves_a_mug_on_the_page_and_finds_it_under_saved_in_the_chat(
    shop: ShopHarness, browser: Browser
) -> None:
    alice = shop.user(1001, "Alice")
    mug = await open_the_mug(shop, browser, alice)
    await browser.click("#save", "♡ Save")
    await browser.find("#toast", "♥ Saved: /saved lists what you saved.")
    await browser.find("#save[aria-pressed='true']", "♥ Saved")

    await alice.send("/saved")
    listed = await alice.wait_for("Saved")
    assert [b.label for b in listed.all_buttons if "$" in b.label] == [
        "Stoneware Mug 350ml · $16.00"
    ]
    await browser.js("window.__tg.pressBack()")
    assert await browser.js("return document.querySelector('.chips .chip').textContent") == (
        "♡ Saved"  # first: a row of chips wider than the phone scrolls, this one shows
    )
    await browser.click(".chip", "♡ Saved")
    await browser.find(f".card[data-product-id='{mug}']", "Stoneware Mug")
