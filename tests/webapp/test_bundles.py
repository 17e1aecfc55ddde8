"""The storefront's product API says what is in a set and what it saves, as the chat's card
does, and a set goes in the cart and checks out with its parts' stock held; a part's own
page says nothing of sets."""

from __future__ import annotations

from typing import Any

from bot.services import admin_catalog
from bot.standin.harness import ShopHarness
from tests.admin.test_e2e_bundles import KETTLE, MUG, SET, add_tea_set
from tests.webapp.conftest import Page, product_id


async def _make_set(shop: ShopHarness) -> None:
    await add_tea_set(shop)
    async with shop.store.uow() as uow:
        await admin_catalog.set_bundle(uow, SET, [(KETTLE, 1), (MUG, 2)], actor=9001)


async def test_alices_page_lists_the_tea_set_and_its_saving_and_she_checks_it_out(
    shop: ShopHarness, page_of: Any
) -> None:
    await _make_set(shop)
    page: Page = page_of(shop.user(1001, "Alice"))
    tea_set = await product_id(shop, SET)
    card = await page.ok("GET", f"products/{tea_set}")
    assert card["bundle"] == {
        "parts": [
            {"sku": KETTLE, "title": "Gooseneck Kettle 1L", "quantity": 1},
            {"sku": MUG, "title": "Stoneware Mug 350ml", "quantity": 2},
        ],
        "saving": 900,
        "contents_text": "🧺 In this set: 1 × Gooseneck Kettle 1L, 2 × Stoneware Mug 350ml",
        "saving_text": "You save $9.00 against buying them apart",
    }
    assert card["max_quantity"] >= 1
    mug = await page.ok("GET", f"products/{await product_id(shop, MUG)}")
    assert mug["bundle"] is None

    basket = (await page.add(tea_set, 1))["cart"]
    invoice = await page.ok("POST", "checkout", {"fingerprint": basket["fingerprint"]})
    assert (invoice["status"], invoice["total"]) == ("invoice", 6800)
    async with shop.store.reading() as uow:
        kettle, mugs = await uow.products.get_by_sku(KETTLE), await uow.products.get_by_sku(MUG)
        assert kettle is not None and mugs is not None
        assert (kettle.reserved, mugs.reserved) == (1, 2)
