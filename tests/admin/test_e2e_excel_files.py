"""Catalog files as spreadsheets write them: Excel's separators, encodings, decimal commas and
headers; files that cannot be a catalog are refused in words an admin can act on."""

from __future__ import annotations

import codecs
import json

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser


async def stored(shop: ShopHarness, sku: str) -> tuple[str, int, int]:
    async with shop.store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None, sku
        return product.title, product.price, product.stock


EXCEL_ROWS = (
    "SKU;Title;Description;Category;Price;Currency;Stock;Photo;Title RU\r\n"
    "XL-1;Кружка;Большая;Кухня;5,50;USD;7;;Кружка большая\r\n"
    'XL-2;"Tea; green";;Кухня;12;USD;3;;\r\n'
)


async def test_a_russian_excel_csv_in_cp1251_with_semicolons_and_decimal_commas_imports(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Russian Excel saves "CSV (разделители - точки с запятой)": cp1251, `;`, "5,50"."""
    await admin.send_document("excel.csv", EXCEL_ROWS.encode("cp1251"), "text/csv")
    await admin.wait_for("2 created, 0 updated, 0 unchanged")
    assert await stored(shop, "XL-1") == ("Кружка", 550, 7)
    assert await stored(shop, "XL-2") == ("Tea; green", 1200, 3)


async def test_excel_unicode_text_in_utf16_with_tabs_imports(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Excel's "Unicode Text": UTF-16 with its byte-order mark, columns split by tabs."""
    text = EXCEL_ROWS.replace(";", "\t").replace('"Tea\t green"', "Tea green")
    await admin.send_document("unicode.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    await admin.wait_for("2 created, 0 updated, 0 unchanged")
    assert await stored(shop, "XL-1") == ("Кружка", 550, 7)


async def test_unknown_columns_are_named_in_the_report(shop: ShopHarness, admin: FakeUser) -> None:
    data = (
        b"sku,title,description,category,price,currency,stock,photo,Supplier,weight\n"
        b"XL-3,Cup,,Kitchen,5.00,USD,2,,ACME,200g\n"
    )
    await admin.send_document("extra.csv", data, "text/csv")
    report = await admin.wait_for("1 created, 0 updated, 0 unchanged")
    assert "Ignored columns (not catalog fields): supplier, weight" in (report.text or "")


async def test_an_empty_file_and_a_file_with_a_column_twice_are_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document("empty.csv", b"", "text/csv")
    answer = await admin.wait_for("Nothing was imported")
    assert "the file: it is empty" in (answer.text or "")

    twice = (
        b"sku,title,description,category,price,currency,stock,photo,Price\n"
        b"XL-4,Cup,,Kitchen,5.00,USD,2,,6.00\n"
    )
    await admin.send_document("twice.csv", twice, "text/csv")
    answer = await admin.wait_for("column price")
    assert "line 1, header: column price appears twice" in (answer.text or "")
    async with shop.store.uow() as uow:
        assert await uow.products.get_by_sku("XL-4") is None


async def test_unknown_fields_of_a_json_file_are_named_too(
    shop: ShopHarness, admin: FakeUser
) -> None:
    item = {
        "sku": "XL-5",
        "title": "Cup",
        "description": "",
        "category": "Kitchen",
        "price": "5.00",
        "currency": "USD",
        "stock": 2,
        "photo": "",
        "colour": "red",
    }
    await admin.send_document("extra.json", json.dumps([item]).encode(), "application/json")
    report = await admin.wait_for("1 created, 0 updated, 0 unchanged")
    assert "Ignored columns (not catalog fields): colour" in (report.text or "")
