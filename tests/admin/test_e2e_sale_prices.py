"""Sale prices from the admin's chat: a catalog file puts a product on sale (`compare_at`,
the regular price), /export writes it back, and a regular price not above the price is
refused on its line in the admin's language."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser

HEADER = "sku,title,description,category,price,currency,stock,photo,compare_at\n"
MUG_ROW = "KIT-MUG-CER,Stoneware Mug 350ml,Mug,Kitchen,16.00,USD,24,photos/kit-mug-cer.png"


async def sales(shop: ShopHarness) -> dict[str, int | None]:
    async with shop.store.reading() as uow:
        return {p.sku: p.compare_at_price for p in await uow.products.list_all()}


async def test_a_file_puts_the_mug_on_sale_and_its_export_imports_unchanged(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document("sale.csv", (HEADER + MUG_ROW + ",20.00\n").encode(), "text/csv")
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    assert (await sales(shop))["KIT-MUG-CER"] == 2000

    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    mug = next(r for r in rows if r["sku"] == "KIT-MUG-CER")
    assert (mug["price"], mug["compare_at"]) == ("16.00", "20.00")
    await admin.send_document("catalog.csv", exported.document.data, "text/csv")
    await admin.wait_for("0 created, 0 updated, 30 unchanged")


async def test_a_regular_price_at_or_below_the_price_is_refused_in_the_admins_language(
    shop: ShopHarness, admin: FakeUser
) -> None:
    data = HEADER + MUG_ROW + ",16.00\n" + "NEW-1,New,,Kitchen,5.00,USD,9,,4.00\n"
    await admin.send_document("sale.csv", data.encode(), "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 2 (KIT-MUG-CER), compare_at: 16.00 is not more than the price, 16.00" in text
    assert "line 3 (NEW-1), compare_at: 4.00 is not more than the price, 5.00" in text
    assert (await sales(shop))["KIT-MUG-CER"] is None and "NEW-1" not in await sales(shop)

    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.send_document("sale.csv", data.encode(), "text/csv")
    text = (await admin.wait_for("строка 2")).text or ""
    assert "строка 2 (KIT-MUG-CER), compare_at: 16.00 — не больше цены 16.00" in text


async def _audit(shop: ShopHarness, action: str) -> list[dict[str, Any] | None]:
    async with shop.store.reading() as uow:
        return [e.details for e in await uow.audit.list_recent() if e.action == action]


async def test_admin_puts_the_mug_on_sale_with_edit_and_ends_the_sale(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    await admin.send("/edit KIT-MUG-CER")
    card = await admin.wait_for("Which field")
    assert "Price: $16.00\nWas price: not on sale\n" in (card.text or "")
    await admin.press("Was price")
    await admin.wait_for("Send the regular price it is on sale from")
    await admin.send("16.00")
    await admin.wait_for("16.00 is not more than the price, 16.00")
    await admin.send("20.00")
    await admin.wait_for("Change the was price of KIT-MUG-CER to: $20.00?")
    assert (await sales(shop))["KIT-MUG-CER"] is None  # not before Save
    await admin.press("✅ Save")
    await admin.wait_for("Saved: the was price of KIT-MUG-CER is now $20.00.")
    assert (await sales(shop))["KIT-MUG-CER"] == 2000
    assert await _audit(shop, "product.edit.compare_at") == [{"from": None, "to": 2000}]

    await shopper.send("/start product_KIT-MUG-CER")
    sale = await shopper.wait_for("Stoneware Mug 350ml")
    assert "<s>$20.00</s> $16.00 · −20%" in (sale.raw_text or "")

    await admin.send("/edit KIT-MUG-CER")
    await admin.wait_for("Was price: $20.00\n")
    await admin.press("Was price")
    await admin.wait_for("or - to end the sale")
    await admin.send("-")
    await admin.wait_for("Change the was price of KIT-MUG-CER to: not on sale?")
    await admin.press("✅ Save")
    await admin.wait_for("Saved: the was price of KIT-MUG-CER is now not on sale.")
    assert (await sales(shop))["KIT-MUG-CER"] is None
    assert (await _audit(shop, "product.edit.compare_at"))[0] == {"from": 2000, "to": None}


async def test_a_new_price_not_below_the_regular_one_ends_the_sale_and_says_so(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document("sale.csv", (HEADER + MUG_ROW + ",20.00\n").encode(), "text/csv")
    await admin.wait_for("1 updated")
    await admin.send("/price KIT-MUG-CER 18.00")
    lower = await admin.wait_for("KIT-MUG-CER now costs $18.00.")
    assert "sale" not in (lower.text or "")
    assert (await sales(shop))["KIT-MUG-CER"] == 2000  # still on sale, now −10%

    await admin.send("/edit KIT-MUG-CER")
    await admin.wait_for("Which field")
    await admin.press("Price")
    await admin.send("21.00")
    preview = await admin.wait_for("Change the price of KIT-MUG-CER to: $21.00?")
    assert "Its sale ends: the new price is not below its regular price, $20.00." in (
        preview.text or ""
    )
    await admin.press("✖️ Cancel")
    assert (await sales(shop))["KIT-MUG-CER"] == 2000

    await admin.send("/price KIT-MUG-CER 20.00")
    ended = await admin.wait_for("KIT-MUG-CER now costs $20.00.")
    assert "Its sale ends: the new price is not below its regular price, $20.00." in (
        ended.text or ""
    )
    assert (await sales(shop))["KIT-MUG-CER"] is None
    assert (await _audit(shop, "product.price"))[0] == {
        "from": 1800,
        "to": 2000,
        "currency": "USD",
        "compare_at_ended": 2000,
    }


def _line(listing: Any, sku: str) -> str:
    (line,) = [line for line in (listing.text or "").splitlines() if line.startswith(sku + " ")]
    return line


async def test_the_admins_product_list_shows_what_is_on_sale_and_its_regular_price(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """The mug on sale shows its regular price and what the sale takes off, as the shopper's
    card does; the tee, sold as sizes, says how many of them are on sale (one size on a
    sale of its own: $26.00, was $32.50)."""
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        size = await uow.products.get_variant_by_sku("APP-TEE-ORG-M-OAT")
        assert mug is not None and size is not None
        mug.compare_at_price = 2000  # $16.00
        size.price, size.compare_at_price = 2600, 3250
    await admin.send("/admin")
    await admin.press("📦 Products", message=await admin.wait_for("Admin menu"))
    first = await admin.wait_for("Products (30), page 1/2")
    assert "APP-TEE-ORG · Organic Tee · $24.00 · stock" in _line(first, "APP-TEE-ORG")
    assert (_line(first, "APP-TEE-ORG")).split(" variants ")[1].startswith("(1 on sale)")
    assert "$24.00 (was" not in (first.text or "")  # the tee's own price is not on sale
    await admin.press("Next ▶️")
    second = await admin.wait_for("page 2/2")
    assert " · $16.00 (was $20.00, −20%) · stock 24" in _line(second, "KIT-MUG-CER")
    assert (second.text or "").count("(was") == 1  # the others are not on sale

    await admin.send("/language")
    await admin.press("Español", message=await admin.wait_for("Choose your language"))
    await admin.send("/admin")
    await admin.press("📦 Productos", message=await admin.wait_for("Menú de administración"))
    await admin.press("Siguiente ▶️", message=await admin.wait_for("página 1/2"))
    spanish = await admin.wait_for("página 2/2")
    assert "(antes " in _line(spanish, "KIT-MUG-CER")
