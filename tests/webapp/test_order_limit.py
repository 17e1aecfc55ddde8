"""The storefront page keeps a product's per-order limit as the chat does (the same rule,
bot.services.cart.limit_room): its page says "Limit: 2 per order", the stepper's cap counts
every size in her cart, and an add past the limit adds up to it and says so."""

from __future__ import annotations

from typing import Any

from bot.standin.harness import ShopHarness
from tests.webapp.conftest import Page, change_product, product_id


async def test_alice_asks_the_page_for_three_limited_tees_and_gets_two(
    shop: ShopHarness, page_of: Any
) -> None:
    await change_product(shop, "APP-TEE-ORG", max_per_order=2)
    alice = shop.user(1001, "Alice")
    page: Page = page_of(alice)
    tee = await product_id(shop, "APP-TEE-ORG")
    card = await page.ok("GET", f"products/{tee}")
    assert (card["limit_text"], card["limit_full"]) == ("Limit: 2 per order", False)
    variants = {v["title"]: v for v in card["variants"]}
    assert variants["S / Oat"]["can_add"] == 2  # 9 left, but two per order

    update = await page.add(tee, 3, variant_id=variants["S / Oat"]["id"])
    assert update["done"]
    assert update["notice"] == (
        "Added 2 × Organic Tee - S / Oat to your cart. "
        "You can buy at most 2 × Organic Tee in one order."
    )
    [line] = update["cart"]["lines"]
    assert (line["quantity"], line["max_quantity"], line["can_add"]) == (2, 2, 0)

    card = await page.ok("GET", f"products/{tee}")
    assert card["limit_full"]
    medium = next(v for v in card["variants"] if v["title"] == "M / Oat")
    assert medium["can_add"] == 0
    assert medium["cap_text"] == "Your cart has 2, the most one order may have."
    refused = await page.add(tee, 1, variant_id=medium["id"])  # another size: still two
    assert not refused["done"]
    assert refused["notice"] == "You can buy at most 2 × Organic Tee in one order."
    assert [ln["quantity"] for ln in (await page.cart())["lines"]] == [2]


async def test_a_product_without_a_limit_says_none(shop: ShopHarness, page_of: Any) -> None:
    page: Page = page_of(shop.user(1001, "Alice"))
    card = await page.ok("GET", f"products/{await product_id(shop, 'KIT-MUG-CER')}")
    assert (card["limit_text"], card["limit_full"], card["can_add"]) == (None, False, 24)
