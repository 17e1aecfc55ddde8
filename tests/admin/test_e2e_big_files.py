"""Catalog files past Telegram's limits: a bot uploads at most 50 MB and downloads at most
20 MB. A bigger export goes zipped, and a zipped catalog imports."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from pathlib import Path

from sqlalchemy import event

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.catalog_file import CatalogRow, upsert_rows
from bot.store.models import Product

MB = 1024 * 1024
HEADER = "sku,title,description,category,price,currency,stock,photo\n"


async def _fill(shop: ShopHarness, count: int) -> None:
    """`count` products with every text as long as a catalog allows, in every language
    (Cyrillic: 2 bytes a letter), each some 5.5 KB of CSV."""
    title = ("Кружка керамическая " * 7)[:128]
    about = ("Кружка ручной работы из керамики, глазурь овсяного цвета. " * 14)[:800]
    category = ("Посуда и кухонная утварь " * 3)[:64]
    words = {"title": title, "description": about}
    rows = [
        CatalogRow(
            sku=f"HUGE-{n:05d}",
            title=title,
            description=about,
            category=category,
            price=1600,
            currency="USD",
            stock=20,
            photo="",
            translations={"ru": words, "es": words},
            category_translations={"ru": category, "es": category},
        )
        for n in range(count)
    ]
    async with shop.store.uow() as uow:
        await upsert_rows(uow, rows)


async def test_an_export_past_50_mb_comes_zipped_and_imports_back(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await _fill(shop, 10_000)  # with the 30 seeded: a CSV of 52.7 MB, 2.7 past the limit
    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None, timeout=120)
    assert exported.document is not None
    assert (exported.document.file_name or "").endswith(".zip")
    zipped = exported.document.data
    assert len(zipped) < 50 * MB
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        (member,) = archive.infolist()
        assert member.filename.endswith(".csv") and member.file_size > 50 * MB

    await admin.send_document("catalog.zip", zipped, "application/zip")
    await admin.wait_for("0 created, 0 updated, 10030 unchanged", timeout=120)


async def test_a_file_past_20_mb_without_a_size_is_refused_when_telegram_refuses_it(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """The size in the update is optional: getFile's refusal then says the file is too big."""
    too_big = HEADER.encode() + b"x" * (20 * MB)
    await admin.send_document("huge.csv", too_big, "text/csv", with_size=False)
    answer = await admin.wait_for("bigger than the 20 MB")
    assert ".zip" in (answer.text or "")


def _zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


async def test_a_zipped_csv_imports_and_a_zip_without_one_catalog_is_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    row = b"ZIP-1,Zipped,,Kitchen,5.00,USD,3,\n"
    await admin.send_document("new.zip", _zip(**{"new.csv": HEADER.encode() + row}))
    await admin.wait_for("1 created, 0 updated, 0 unchanged")

    await admin.send_document("notes.zip", _zip(**{"notes.txt": b"hello"}))
    await admin.wait_for("holds no .csv or .json catalog")
    await admin.send_document("two.zip", _zip(**{"a.csv": b"x", "b.json": b"[]"}))
    await admin.wait_for("holds 2 catalogs")
    await admin.send_document("broken.zip", b"PK not really a zip")
    await admin.wait_for("not a zip archive")


async def test_an_export_shows_the_catalog_of_one_moment_while_prices_change_under_it(
    shop: ShopHarness, admin: FakeUser, tmp_path: Path
) -> None:
    """The export reads 250 products at a time beside the shop's work. The moment it has
    read its first products, another writer (here straight into the database file, in one
    transaction) raises the first and the last product's price. The file is the catalog as
    it was when the export began: both old prices, never the first old and the last new."""
    await _fill(shop, 300)  # HUGE-00000 .. HUGE-00299 after the shop's 30: two chunks
    first, last = "APP-TEE-ORG", "HUGE-00299"
    changed = False

    def change_prices(product: Product, _context: object) -> None:
        nonlocal changed
        if changed:
            return
        changed = True
        with sqlite3.connect(tmp_path / "shop.db") as other:  # commits on leaving
            other.execute("UPDATE products SET price = 99900 WHERE sku IN (?, ?)", (first, last))

    event.listen(Product, "load", change_prices)
    try:
        await admin.send("/export")
        exported = await admin.wait_for(lambda m: m.document is not None)
    finally:
        event.remove(Product, "load", change_prices)
    assert changed and exported.document is not None
    rows = {r["sku"]: r for r in csv.DictReader(io.StringIO(exported.document.data.decode()))}
    assert (rows[first]["price"], rows[last]["price"]) == ("24.00", "16.00")
    async with shop.store.reading() as uow:
        now = [await uow.products.get_by_sku(sku) for sku in (first, last)]
    assert [p.price for p in now if p] == [99900, 99900]  # the change itself was made
