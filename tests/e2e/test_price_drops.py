"""A product she saved is cheaper now: each shopper who saved it gets one message, whatever
lowered the price (/price, /edit, an import), never for a rise, a hidden product, or a
shopper who turned the alerts off in /settings."""

from __future__ import annotations

import json

import pytest

from bot.standin import FakeUser
from bot.standin.harness import ShopHarness
from bot.usecases import price_drops
from tests.e2e.conftest import ADMIN_ID

MUG = "KIT-MUG-CER"
DROP = "🔖 Stoneware Mug 350ml, which you saved, is now $12.00 (was $16.00)."


@pytest.fixture
def shop(harness: ShopHarness) -> ShopHarness:
    """A seeded shop with one admin, Ada (tests/e2e/conftest.py); the mug costs $16.00."""
    return harness


async def tell(shop: ShopHarness) -> int:
    """One run of the price-drop job, as each worker runs it every few seconds."""
    assert shop.shop is not None
    return await price_drops.tell_price_drops(shop.shop)


async def save(shopper: FakeUser, sku: str = MUG) -> None:
    await shopper.send(f"/start product_{sku}")
    await shopper.wait_for(lambda m: any("♡ Save" in b.label for b in m.all_buttons))
    await shopper.press("♡ Save")


async def set_price(shop: ShopHarness, price: str, sku: str = MUG) -> None:
    admin = shop.user(ADMIN_ID, "Ada")
    await admin.send(f"/price {sku} {price}")
    await admin.wait_for(f"now costs ${price}")


def drops_told(shop: ShopHarness, text: str = DROP) -> int:
    return sum(c.params.get("text") == text for c in shop.standin.calls_to("sendMessage"))


async def test_a_shopper_who_saved_the_mug_hears_once_when_the_admin_lowers_its_price(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await save(alice)
    assert await tell(shop) == 0  # the price she saw it at: nothing to tell

    await set_price(shop, "12.00")
    assert await tell(shop) == 1
    notice = await alice.wait_for(DROP)
    assert alice.render(notice) == f"{DROP}\n[🛍 Stoneware Mug 350ml · $12.00]"
    await alice.press("Stoneware Mug 350ml · $12.00", message=notice)
    card = await alice.wait_for("Add to cart", include_existing=True)
    assert "$12.00" in (card.text or "")

    assert await tell(shop) == 0  # told once
    await set_price(shop, "18.00")
    assert await tell(shop) == 0  # a rise is not told
    await set_price(shop, "12.00")
    assert await tell(shop) == 0  # back down to the level she was told of already
    assert drops_told(shop) == 1


async def edit(ada: FakeUser, field: str, value: str) -> None:
    """The admin changes one field of the mug with /edit, after its preview."""
    await ada.send(f"/edit {MUG}")
    await ada.wait_for("Which field")
    await ada.press(field)
    await ada.send(value)
    await ada.wait_for(f"Change the {field.lower()} of {MUG} to: ${value}?")
    await ada.press("✅ Save")
    await ada.wait_for("Saved:")


async def test_the_mug_put_on_sale_with_edit_is_told_at_its_sale_price(
    shop: ShopHarness,
) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await save(alice)
    await edit(ada, "Was price", "20.00")
    assert await tell(shop) == 0  # a struck-through regular price is no drop of what she pays

    await edit(ada, "Price", "12.00")
    assert await tell(shop) == 1
    await alice.wait_for(DROP)


async def test_an_import_putting_the_mug_on_sale_tells_who_saved_it(shop: ShopHarness) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await save(alice)
    row = {
        "sku": MUG,
        "title": "Stoneware Mug 350ml",
        "category": "Kitchen",
        "price": "12.00",
        "compare_at": "16.00",
        "currency": "USD",
        "stock": 12,
        "photo": "photos/kit-mug-cer.png",
    }
    await ada.send_document("sale.json", json.dumps([row]).encode(), "application/json")
    await ada.wait_for("Imported sale.json")
    assert await tell(shop) == 1
    await alice.wait_for(DROP)


async def test_a_hidden_product_is_not_told_now_or_when_shown_again(shop: ShopHarness) -> None:
    alice, ada = shop.user(1001, "Alice"), shop.user(ADMIN_ID, "Ada")
    await save(alice)
    await ada.send(f"/hide {MUG}")
    await ada.wait_for("is hidden from shoppers")
    await set_price(shop, "12.00")
    assert await tell(shop) == 0
    await ada.send(f"/show {MUG}")
    await ada.wait_for(MUG)
    assert await tell(shop) == 0
    assert drops_told(shop) == 0


async def test_a_shopper_who_turned_the_alerts_off_in_settings_is_not_told(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await save(alice)
    await alice.send("/settings")
    settings = await alice.wait_for("Settings")
    assert "Price drop alerts are on" in (settings.text or "")
    await alice.press("🔕 Price drop alerts off")
    off = await alice.wait_for("Price drop alerts are off.", include_existing=True)
    assert "[🔖 Price drop alerts on]" in alice.render(off)
    await set_price(shop, "12.00")
    assert await tell(shop) == 0

    await alice.press("🔖 Price drop alerts on", message=off)
    await alice.wait_for("Price drop alerts are on.", include_existing=True)
    assert await tell(shop) == 0  # the drop while they were off is not told later
    await set_price(shop, "11.00")
    assert await tell(shop) == 1
    await alice.wait_for("is now $11.00 (was $12.00)")
    assert drops_told(shop) == 0


async def test_a_russian_shopper_reads_the_drop_in_her_words(shop: ShopHarness) -> None:
    olga = shop.user(1002, "Olga", language_code="ru")
    await olga.send(f"/start product_{MUG}")
    await olga.wait_for(lambda m: any("♡" in b.label for b in m.all_buttons))
    await olga.press("♡")
    await set_price(shop, "12.00")
    assert await tell(shop) == 1
    notice = await olga.wait_for("подешевел")
    assert olga.render(notice) == (
        "🔖 Товар из вашего избранного подешевел: Кружка керамическая 350 мл теперь стоит"
        " 12,00\xa0$ (было 16,00\xa0$).\n[🛍 Кружка керамическая 350 мл · 12,00\xa0$]"
    )
