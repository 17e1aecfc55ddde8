"""The storefront's product page lists the newest reviews shoppers wrote in the chat,
read-only; a review an admin hid is not among them."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from bot.i18n import translator
from bot.services import reviews
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from tests.e2e.test_reviews import MUG, reviewed_by
from tests.webapp.browser import Browser
from tests.webapp.conftest import Page, open_the_mug, product_id


async def test_the_page_brings_the_five_newest_reviews_and_none_hidden(
    shop: ShopHarness, page_of: Any
) -> None:
    await reviewed_by(shop, 7)
    mug = await product_id(shop, MUG)
    async with shop.store.uow() as uow:  # an admin hid the newest
        newest = await uow.customers.get_by_telegram_id(2007)
        assert newest is not None
        await reviews.hide(uow, newest.id, mug, True)
    page: Page = page_of(shop.user(1001, "Alice"))
    shown = await page.ok("GET", f"products/{mug}")
    assert shown["reviews_text"] == "💬 Reviews (6)"
    today = translator("en").date(utcnow(), UTC)
    assert shown["reviews"][0] == {
        "stars": 1,
        "stars_text": "★",
        "name": "Shopper 6",
        "date": today,
        "words": "Review 6 <i>honest</i>",
    }
    assert [r["name"] for r in shown["reviews"]] == [f"Shopper {n}" for n in (6, 5, 4, 3, 2)]
    kettle = await page.ok("GET", f"products/{await product_id(shop, 'KIT-KTL-GOO')}")
    assert kettle["reviews_text"] is None and kettle["reviews"] == []


async def test_alice_reads_the_reviews_on_the_mugs_page_in_the_browser(
    shop: ShopHarness, browser: Browser
) -> None:
    await reviewed_by(shop, 2)
    await open_the_mug(shop, browser, shop.user(1001, "Alice"))
    await browser.find(".product .reviews h3", "💬 Reviews (2)")
    words = await browser.find(".product .review-words", "Review 2")
    assert words.text == "Review 2 <i>honest</i>"  # her words as text, never markup
    head = await browser.find(".product .review-head", "Shopper 2")
    assert head.text.startswith("★★ Shopper 2 · ")
