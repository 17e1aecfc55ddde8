"""Sale prices from the admin's chat: a catalog file puts a product on sale (`compare_at`,
the regular price), /export writes it back, and a regular price not above the price is
refused on its line in the admin's language."""

from __future__ import annotations

import csv
import io

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
