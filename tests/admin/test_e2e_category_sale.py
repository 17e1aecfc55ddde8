"""/sale from the admin's chat, on SQLite and PostgreSQL: Ada puts the whole Mugs category
on sale at 20% after a preview, every price lowered and its regular price kept beside it
(a mug already on sale and one too cheap left as they are), a shopper sees the struck price
and hears of the drop of the mug she saved, once; then Ada ends the sale and every price
is back. A second press, a stale preview, bad input and a shopper's try change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases import price_drops
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID

HEADER = (
    "sku,title,description,category,price,currency,stock,photo,active,compare_at,options,"
    "variant_of,values\n"
)
MUGS = (
    "KIT-MUG-CER,Stoneware Mug 350ml,Mug,Mugs,20.00,USD,24,photos/kit-mug-cer.png,true,,,,\n"
    "CUP-ESP,Espresso Cup,Cup,Mugs,9.99,USD,5,,true,,,,\n"
    "MUG-TRV,Travel Mug,Mug,Mugs,12.50,USD,5,,true,15.00,,,\n"
    "MUG-PNY,Penny Mug,Mug,Mugs,0.01,USD,5,,true,,,,\n"
    "MUG-OLD,Old Mug,Mug,Mugs,10.00,USD,5,,false,,,,\n"
    "MUG-SET,Mug Set,Set,Mugs,30.00,USD,,,true,,Size: S|L,,\n"
    "MUG-SET-S,,,,,,4,,,,,MUG-SET,Size: S\n"
    "MUG-SET-L,,,,35.00,,4,,,,,MUG-SET,Size: L\n"
)
PREVIEW = (
    "🔖 Put Mugs on sale at −20%? New prices for 3 products and 1 variant priced on its own:\n"
    "• Espresso Cup: $9.99 → $7.99\n"
    "• Stoneware Mug 350ml: $20.00 → $16.00\n"
    "• Mug Set: $30.00 → $24.00\n"
    "… and 1 more\n"
    "1 already on sale, left as it is.\n"
    "1 too cheap to take 20% off, left as it is."
)
STARTED = (
    "🔖 Mugs is on sale: 3 products and 1 variant priced on its own at −20% "
    "(1 already on sale, left as it is; 1 too cheap to take 20% off, left as it is)."
)
DROP = "🔖 Stoneware Mug 350ml, which you saved, is now $16.00 (was $20.00)."
USAGE = (
    "Send /sale CATEGORY 20% to put a category on sale (add until=2026-12-31 to end it by "
    "itself after that day), or /sale end CATEGORY to end it."
)


@pytest.fixture
async def shop(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop with Ada as its admin, on each database."""
    async with ShopHarness(
        tmp_path, database_url=seeded_database_url, admin_ids=frozenset({ADMIN_ID})
    ) as h:
        yield h


async def ada_with_mugs(shop: ShopHarness) -> FakeUser:
    """Ada, with the Mugs category imported (the stoneware mug moved into it at $20.00)."""
    ada = shop.user(ADMIN_ID, "Ada")
    await ada.send_document("mugs.csv", (HEADER + MUGS).encode(), "text/csv")
    await ada.wait_for("Imported mugs.csv")
    return ada


@pytest.fixture
async def admin(shop: ShopHarness) -> FakeUser:
    return await ada_with_mugs(shop)


async def prices(shop: ShopHarness) -> dict[str, tuple[int | None, int | None]]:
    """Each SKU of the shop, products and variants: (price, regular price)."""
    async with shop.store.reading() as uow:
        found: dict[str, tuple[int | None, int | None]] = {}
        for product in await uow.products.list_all():
            found[product.sku] = (product.price, product.compare_at_price)
            if product.has_variants:
                for v in await uow.products.variants_of(product.id):
                    found[v.sku] = (v.price, v.compare_at_price)
        return found


ON_SALE = {
    "KIT-MUG-CER": (1600, 2000),
    "CUP-ESP": (799, 999),  # 799.2 rounds down
    "MUG-TRV": (1250, 1500),  # on sale already: as it was
    "MUG-PNY": (1, None),  # 0.8 of a cent is a cent: no sale below it
    "MUG-OLD": (1000, None),  # hidden from shoppers: left out
    "MUG-SET": (2400, 3000),
    "MUG-SET-S": (None, None),  # sells at the product's price
    "MUG-SET-L": (2800, 3500),
}
REGULAR = ON_SALE | {
    "KIT-MUG-CER": (2000, None),
    "CUP-ESP": (999, None),
    "MUG-TRV": (1500, None),  # its own sale, from the file, ends with the category's
    "MUG-SET": (3000, None),
    "MUG-SET-L": (3500, None),
}


async def audit(shop: ShopHarness, action: str) -> list[dict[str, Any] | None]:
    async with shop.store.reading() as uow:
        return [e.details for e in await uow.audit.list_recent() if e.action == action]


async def test_ada_puts_the_mugs_on_sale_and_ends_the_sale(
    shop: ShopHarness, admin: FakeUser
) -> None:
    sam = shop.user(SHOPPER_ID, "Sam")
    await sam.send("/start product_KIT-MUG-CER")
    await sam.wait_for(lambda m: any("♡ Save" in b.label for b in m.all_buttons))
    await sam.press("♡ Save")
    before = await prices(shop)

    await admin.send("/sale mugs 20%")
    preview = await admin.wait_for("Put Mugs on sale")
    assert admin.render(preview) == f"{PREVIEW}\n[✅ Start sale] [✖️ Cancel]"
    assert await prices(shop) == before  # nothing before Start
    _, start = admin.find_button("✅ Start sale", preview)
    assert start.callback_data is not None

    await admin.press("✅ Start sale", message=preview)
    await admin.wait_for(STARTED)
    assert {sku: p for sku, p in (await prices(shop)).items() if sku in ON_SALE} == ON_SALE
    assert await audit(shop, "sale.start") == [
        {
            "category": "Mugs",
            "percent": 20,
            "products": 3,
            "variants": 1,
            "already": 1,
            "too_cheap": 1,
        }
    ]

    again = await admin.press_data(preview, start.callback_data)  # a double tap
    assert again.text == "Mugs is already on sale."
    assert len(await audit(shop, "sale.start")) == 1

    await sam.send("/start product_KIT-MUG-CER")
    card = await sam.wait_for("Stoneware Mug 350ml")
    assert "<s>$20.00</s> $16.00 · −20%" in (card.raw_text or "")
    assert shop.shop is not None
    assert await price_drops.tell_price_drops(shop.shop) == 1
    await sam.wait_for(DROP)
    assert await price_drops.tell_price_drops(shop.shop) == 0  # told once

    await admin.send("/sale end MUGS")
    ending = await admin.wait_for("End the sale of Mugs?")
    assert (ending.text or "").startswith(
        "End the sale of Mugs? Regular prices back for 4 products and 1 variant priced on its "
        "own:\n• Espresso Cup: $7.99 → $9.99\n"
    )
    _, end = admin.find_button("✅ End sale", ending)
    assert end.callback_data is not None
    await admin.press("✅ End sale", message=ending)
    await admin.wait_for(
        "The sale of Mugs has ended: 4 products and 1 variant priced on its own back at their "
        "regular price."
    )
    assert {sku: p for sku, p in (await prices(shop)).items() if sku in REGULAR} == REGULAR
    assert await audit(shop, "sale.end") == [{"category": "Mugs", "products": 4, "variants": 1}]
    assert (await admin.press_data(ending, end.callback_data)).text == "Mugs is not on sale."
    assert await price_drops.tell_price_drops(shop.shop) == 0  # a rise tells nothing

    await admin.send("/audit")
    log = (await admin.wait_for("Audit log")).text or ""
    assert "admin:9001 · ended the sale of Mugs · 4 products, 1 variant priced on its own" in log
    assert (
        "admin:9001 · put on sale Mugs · −20%, 3 products, 1 variant priced on its own, "
        "1 already on sale, 1 too cheap"
    ) in log


async def test_a_preview_older_than_a_change_of_the_category_starts_nothing(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/sale Mugs 20%")
    preview = await admin.wait_for("Put Mugs on sale")
    _, start = admin.find_button("✅ Start sale", preview)
    assert start.callback_data is not None
    await admin.send("/price CUP-ESP 8.00")
    await admin.wait_for("CUP-ESP now costs $8.00")
    before = await prices(shop)

    toast = await admin.press("✅ Start sale", message=preview)
    said = "Mugs has changed since this preview: send /sale Mugs 20% for a new one."
    assert toast.text == said
    await admin.wait_for(said)
    assert await prices(shop) == before and await audit(shop, "sale.start") == []

    forged = start.callback_data.replace(":20:", ":95:", 1)  # a percent no preview offers
    assert (await admin.press_data(preview, forged)).text == USAGE
    assert await prices(shop) == before

    await admin.send("/sale Mugs 20%")
    await admin.press("✖️ Cancel", message=await admin.wait_for("Put Mugs on sale"))
    await admin.wait_for("Nothing changed: the sale was not started or ended.")
    assert await prices(shop) == before


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/sale", USAGE),
        ("/sale Mugs", USAGE),
        ("/sale Mugs 0%", "'0%' is not a percent I can take off: send a whole number from 1 to 90"),
        ("/sale Mugs 91%", "'91%' is not a percent I can take off"),
        ("/sale Mugs 12.5%", "'12.5%' is not a percent I can take off"),
        ("/sale Mugs ٢٠%", "'٢٠%' is not a percent I can take off"),
        ("/sale Plates 20%", f"There is no category 'Plates'.\n{USAGE}"),
        ("/sale end", USAGE),
        ("/sale end Plates", f"There is no category 'Plates'.\n{USAGE}"),
    ],
)
async def test_bad_input_gets_what_is_accepted_and_changes_nothing(
    shop: ShopHarness, admin: FakeUser, command: str, answer: str
) -> None:
    before = await prices(shop)
    await admin.send(command)
    await admin.wait_for(answer)
    assert await prices(shop) == before


async def test_a_shopper_cannot_put_a_category_on_sale(shop: ShopHarness, admin: FakeUser) -> None:
    before = await prices(shop)
    sam = shop.user(SHOPPER_ID, "Sam")
    await sam.send("/sale Mugs 20%")
    await sam.wait_for("Sorry, that is for the shop's admins only.")
    await admin.send("/sale Mugs 20%")
    preview = await admin.wait_for("Put Mugs on sale")
    _, start = admin.find_button("✅ Start sale", preview)
    assert start.callback_data is not None
    forged = await sam.press_data(preview, start.callback_data)  # forwarded, or forged
    assert (forged.text or "").startswith("Sorry, that is for the shop's admins only.")
    assert await prices(shop) == before


async def test_a_russian_admin_reads_the_sale_in_russian(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.send("/sale Mugs 20%")
    preview = await admin.wait_for("Распродажа «Mugs» со скидкой −20\xa0%?")
    assert "Новые цены: 3 товара и 1 вариант со своей ценой:" in (preview.text or "")
    _, start = admin.find_button("✅ Начать распродажу", preview)
    assert start.callback_data is not None
    await admin.press("✅ Начать распродажу", message=preview)
    await admin.wait_for("🔖 Распродажа «Mugs» началась: 3 товара и 1 вариант со своей ценой")
    again = await admin.press_data(preview, start.callback_data)
    assert again.text == "Категория «Mugs» уже на распродаже."
    await admin.send("/sale Mugs 95%")
    await admin.wait_for("'95%' — не процент скидки: отправьте целое число от 1 до 90")


async def test_a_category_with_nothing_shoppers_can_see_has_nothing_to_put_on_sale(
    shop: ShopHarness, admin: FakeUser
) -> None:
    hidden = "OLD-JUG,Old Jug,Jug,Vintage,10.00,USD,5,,false,,,,\n"
    await admin.send_document("vintage.csv", (HEADER + hidden).encode(), "text/csv")
    await admin.wait_for("Imported vintage.csv")
    await admin.send("/sale Vintage 20%")
    await admin.wait_for(f"Vintage has no products shoppers can see.\n{USAGE}")
    assert (await prices(shop))["OLD-JUG"] == (1000, None)
