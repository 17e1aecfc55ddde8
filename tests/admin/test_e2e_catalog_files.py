"""Catalog files from the chat: export as CSV, import CSV/JSON all or nothing."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest

from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Product
from tests.admin.conftest import ADMIN_ID

HEADER = "sku,title,description,category,price,currency,stock,photo\n"


async def prices(shop: ShopHarness) -> dict[str, int]:
    async with shop.store.uow() as uow:
        return {p.sku: p.price for p in await uow.products.list_all()}


async def test_export_sends_the_catalog_as_a_csv_that_imports_unchanged(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    assert (exported.document.file_name or "").endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    assert len(rows) == 38  # 30 products, 8 of them variant rows of the two with options
    mug = next(r for r in rows if r["sku"] == "KIT-MUG-CER")
    assert (mug["price"], mug["stock"], mug["currency"]) == ("16.00", "24", "USD")

    await admin.send_document("catalog.csv", exported.document.data, "text/csv")
    await admin.wait_for("0 created, 0 updated, 30 unchanged")


async def test_an_export_telegram_fails_to_take_once_arrives_whole_on_the_retry(
    shop: ShopHarness, admin: FakeUser, standin: BotApiStandIn
) -> None:
    """The export is streamed from its temporary file; a 502 on the first upload is tried
    again, and the file goes again from its start, not from where the first try ended."""
    standin.faults.server_error("sendDocument", 502)
    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    assert len(rows) == 38
    assert [c for c in standin.calls if c.method == "sendDocument" and c.fault]


async def test_a_good_csv_creates_and_updates_in_one_go(shop: ShopHarness, admin: FakeUser) -> None:
    data = (
        HEADER
        + "KIT-MUG-CER,Stoneware Mug 350ml,Mug,Kitchen,17.50,USD,2,photos/kit-mug-cer.png\n"
        + "NEW-1,Brand New,Shiny,Gadgets,5.00,USD,9,\n"
    ).encode()
    await admin.send_document("update.csv", data, "text/csv")
    report = await admin.wait_for("Imported update.csv")
    assert "1 created, 1 updated, 0 unchanged" in (report.text or "")
    assert "Created: NEW-1" in (report.text or "") and "Updated: KIT-MUG-CER" in (report.text or "")
    assert (await prices(shop))["KIT-MUG-CER"] == 1750
    await admin.wait_for("Low stock")  # the mug went down to 2
    async with shop.store.uow() as uow:
        entry = (await uow.audit.list_recent())[0]
        assert (entry.actor_telegram_id, entry.action, entry.target) == (
            ADMIN_ID,
            "catalog.import",
            "update.csv",
        )


async def test_a_json_file_imports_too(shop: ShopHarness, admin: FakeUser) -> None:
    rows = [
        {
            "sku": "JSON-1",
            "title": "From JSON",
            "description": "",
            "category": "Kitchen",
            "price": "3.20",
            "currency": "USD",
            "stock": 4,
            "photo": "",
        }
    ]
    await admin.send_document("more.json", json.dumps(rows).encode(), "application/json")
    await admin.wait_for("1 created, 0 updated, 0 unchanged")
    assert (await prices(shop))["JSON-1"] == 320


async def test_a_bad_file_lists_every_bad_row_and_applies_nothing(
    shop: ShopHarness, admin: FakeUser
) -> None:
    before = await prices(shop)
    data = (
        HEADER
        + "KIT-MUG-CER,Mug,Mug,Kitchen,1.00,USD,2,\n"  # fine on its own
        + "BAD-1,Bad,,Kitchen,12.345,USD,1,\n"
        + "BAD-2,Bad,,Kitchen,2.00,USD,-4,\n"
        + ",No sku,,Kitchen,2.00,USD,1,\n"
    ).encode()
    await admin.send_document("bad.csv", data, "text/csv")
    answer = await admin.wait_for("Nothing was imported")
    text = answer.text or ""
    assert "3 problems" in text
    assert "line 3 (BAD-1), price" in text
    assert "line 4 (BAD-2), stock" in text
    assert "line 5, sku: missing" in text
    assert await prices(shop) == before


async def test_a_file_in_another_currency_is_refused_naming_the_shops(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A USD shop: a cart of EUR and USD products would add euros to dollars."""
    before = await prices(shop)
    data = (
        HEADER
        + "KIT-MUG-CER,Mug,Mug,Kitchen,1.00,USD,2,\n"
        + "E-1,Euro thing,,Kitchen,5.00,EUR,3,\n"
        + "J-1,Yen thing,,Kitchen,500,JPY,3,\n"
        + "X-1,Star thing,,Kitchen,50,XTR,3,\n"
    ).encode()
    await admin.send_document("euro.csv", data, "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "3 problems" in text
    assert "line 3 (E-1), currency: EUR, but this shop sells in USD" in text
    assert "line 4 (J-1), currency: JPY" in text and "line 5 (X-1), currency: XTR" in text
    assert await prices(shop) == before


async def test_a_price_of_nothing_is_refused_as_price_refuses_it(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A shopper could not pay for it ("Total price must be positive")."""
    before = await prices(shop)
    tee = {
        "sku": "V-6",
        "title": "Tee",
        "description": "",
        "category": "Merch",
        "price": "5.00",
        "currency": "USD",
        "photo": "",
        "options": {"Size": ["S"]},
        "variants": [{"sku": "V-6-S", "values": {"Size": "S"}, "stock": 1, "price": "0.00"}],
    }
    free = {**tee, "sku": "Z-1", "price": "0", "stock": 3}
    del free["options"], free["variants"]
    await admin.send_document("free.json", json.dumps([free, tee]).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 1 (Z-1), price: A price must be more than 0." in text
    assert "line 2 (V-6), variants: V-6-S: price: A price must be more than 0." in text
    assert await prices(shop) == before


async def test_numbers_past_the_limits_are_refused_naming_value_and_limit(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Not a traceback from the database: each line, its value and the most it may be."""
    before = await prices(shop)
    data = (
        HEADER
        + "S-1,Huge stock,,Kitchen,5.00,USD,99999999999999999999,\n"
        + "S-2,Big stock,,Kitchen,5.00,USD,5000000,\n"
        + "P-1,Huge price,,Kitchen,99999999999999999999999.00,USD,1,\n"
        + "P-2,Big price,,Kitchen,92233720368547758.07,USD,1,\n"
        + "P-3,Dear price,,Kitchen,10000.01,USD,1,\n"
    ).encode()
    await admin.send_document("huge.csv", data, "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 2 (S-1), stock: 99999999999999999999 is more than 1000000" in text
    assert "line 3 (S-2), stock: 5000000 is more than 1000000" in text
    assert "line 4 (P-1), price: A price can be at most 10000.00 USD" in text
    assert "line 5 (P-2), price: A price can be at most 10000.00 USD" in text
    assert "line 6 (P-3), price: A price can be at most 10000.00 USD" in text
    tee = {
        "sku": "V-7",
        "title": "Tee",
        "description": "",
        "category": "Merch",
        "price": "5.00",
        "currency": "USD",
        "photo": "",
        "options": {"Size": ["S", "M"]},
        "variants": [
            {"sku": "V-7-S", "values": {"Size": "S"}, "stock": 10**30},
            {"sku": "V-7-M", "values": {"Size": "M"}, "stock": 1, "price": "10000.01"},
        ],
    }
    await admin.send_document("tee.json", json.dumps([tee]).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert f"line 1 (V-7), variants: V-7-S: stock: {10**30} is more than 1000000" in text
    assert "V-7-M: price: A price can be at most 10000.00 USD" in text
    assert await prices(shop) == before


async def test_skus_in_a_file_are_the_same_in_any_case_as_in_commands(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """/price kit-mug-cer is the mug; so is kit-mug-cer in a file: no twin beside it."""
    data = (HEADER + "kit-mug-cer,Lower mug,Mug,Kitchen,17.50,USD,24,\n").encode()
    await admin.send_document("lower.csv", data, "text/csv")
    await admin.wait_for("0 created, 1 updated, 0 unchanged")
    assert "kit-mug-cer" not in await prices(shop)
    assert (await prices(shop))["KIT-MUG-CER"] == 1750

    twins = (HEADER + "DUPC-1,A,,Kitchen,5.00,USD,1,\ndupc-1,B,,Kitchen,6.00,USD,1,\n").encode()
    await admin.send_document("twins.csv", twins, "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 3 (dupc-1), sku: duplicate SKU dupc-1, first seen on line 2" in text
    tee = {
        "sku": "V-8",
        "title": "Tee",
        "description": "",
        "category": "Merch",
        "price": "5.00",
        "currency": "USD",
        "photo": "",
        "options": {"Size": ["S", "M"]},
        "variants": [
            {"sku": "V-8-S", "values": {"Size": "S"}, "stock": 1},
            {"sku": "v-8-s", "values": {"Size": "M"}, "stock": 1},
        ],
    }
    await admin.send_document("tee.json", json.dumps([tee]).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 1 (V-8), variants: duplicate SKU v-8-s, first seen on line 1" in text
    assert not {"DUPC-1", "dupc-1", "V-8"} & set(await prices(shop))


async def test_wrong_kinds_and_sizes_of_file_are_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send_document("notes.txt", b"hello", "text/plain")
    await admin.wait_for("only .csv or .json")
    too_big = HEADER.encode() + b"x" * (20 * 1024 * 1024 + 1)  # more than a bot may download
    await admin.send_document("huge.csv", too_big, "text/csv")
    refusal = await admin.wait_for("Telegram lets a bot download at most 20 MB")
    assert "That file is 20.1 MB" in (refusal.text or "")  # rounded up: never "20.0 MB" here
    await admin.send_document("broken.json", b"{not json", "application/json")
    await admin.wait_for("not valid JSON")


async def test_export_after_shoppers_saw_the_photos_still_imports_unchanged(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Showing a product caches its photo's file_id; the export keeps the catalog's own path."""
    alice = shop.user(1001, "Alice")
    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Add to cart")
    await shop.until_idle()
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None and mug.photo_file_id  # cached by the upload

    await admin.send("/export")
    exported = await admin.wait_for(lambda m: m.document is not None)
    assert exported.document is not None
    rows = list(csv.DictReader(io.StringIO(exported.document.data.decode())))
    assert next(r for r in rows if r["sku"] == "KIT-MUG-CER")["photo"] == "photos/kit-mug-cer.png"
    await admin.send_document("catalog.csv", exported.document.data, "text/csv")
    await admin.wait_for("0 created, 0 updated, 30 unchanged")

    older_export = (
        HEADER + f"KIT-MUG-CER,Stoneware Mug 350ml,{mug.description},Kitchen,16.00,USD,24,"
        f"{mug.photo_file_id}\n"
    ).encode()  # exports used to name the cached file_id: that is no change either
    await admin.send_document("older.csv", older_export, "text/csv")
    await admin.wait_for("0 created, 0 updated, 1 unchanged")


async def test_a_download_file_missing_from_the_catalog_folder_is_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    row = {
        "sku": "DIG-NEW-1",
        "title": "New Guide",
        "description": "",
        "category": "Digital",
        "price": "3.00",
        "currency": "USD",
        "stock": 100,
        "photo": "",
        "digital": True,
    }
    rows = [
        {**row, "download": "downloads/not-there.pdf"},
        {**row, "sku": "DIG-NEW-2", "download": "downloads/weekly-planner.pdf"},
    ]
    await admin.send_document("guides.json", json.dumps(rows).encode(), "application/json")
    answer = await admin.wait_for("Nothing was imported")
    assert "line 1 (DIG-NEW-1), download: no file downloads/not-there.pdf in" in (answer.text or "")
    assert "DIG-NEW-2" not in (answer.text or "")
    assert "DIG-NEW-1" not in await prices(shop)

    await admin.send_document("guides.json", json.dumps(rows[1:]).encode(), "application/json")
    await admin.wait_for("1 created, 0 updated, 0 unchanged")


async def test_a_catalog_of_thousands_of_products_imports_from_the_chat(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    """A big shop's file (here 8,000 products, 1.3 MB: more than the chat took before) is
    imported whole, and a shopper asking for /help meanwhile is answered."""
    about = "One of many products a big shop sells and each has a line or two of text. " * 2
    rows = "".join(
        f"BIG-{n:05d},Big product {n},{about},Bulk,{n % 90 + 1}.25,USD,{n % 7},\n"
        for n in range(8_000)
    )
    data = (HEADER + rows).encode()
    assert len(data) > 1024 * 1024
    await admin.send_document("big.csv", data, "text/csv")
    await shopper.send("/help")
    await shopper.wait_for("/cart")
    await admin.wait_for("8000 created, 0 updated, 0 unchanged", timeout=60)
    stored = await prices(shop)
    assert (stored["BIG-00000"], stored["BIG-07999"]) == (125, 8025)


GOOD_ROW = {
    "sku": "JS-1",
    "title": "From JSON",
    "description": "",
    "category": "Kitchen",
    "price": "5.00",
    "currency": "USD",
    "stock": 1,
    "photo": "",
}


async def test_a_list_or_object_where_text_belongs_is_refused_naming_line_and_field(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """Not stored as the text "['a', 'b']"."""
    rows = [
        {**GOOD_ROW, "title": ["a", "b"]},
        {**GOOD_ROW, "sku": "JS-2", "description": ["a", 1], "category": {"en": {"a": 1}}},
        {**GOOD_ROW, "sku": "JS-3", "title": {"en": "Mug", "ru": ["Кружка"]}},
        {**GOOD_ROW, "sku": ["JS-4"], "photo": True},
    ]
    await admin.send_document("shapes.json", json.dumps(rows).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 1 (JS-1), title: must be text" in text
    assert "line 2 (JS-2), description: must be text" in text
    assert "line 2 (JS-2), category: must be text" in text
    assert "line 3 (JS-3), title: must be text" in text
    assert "line 4, sku: must be text" in text and "line 4, photo: must be text" in text
    assert not {"JS-1", "JS-2", "JS-3"} & set(await prices(shop))


async def test_a_json_file_nested_past_reading_is_refused_as_no_catalog(
    shop: ShopHarness, admin: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    """Not "Sorry, something went wrong" with a traceback in the log."""
    deep = "[" * 100_000 + "]" * 100_000
    await admin.send_document("deep.json", deep.encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "the file: not a catalog: lists or objects nested too deeply" in text

    nested_stock = json.dumps([{**GOOD_ROW, "stock": "@"}]).replace('"@"', "[" * 900 + "]" * 900)
    await admin.send_document("stock.json", nested_stock.encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "not a catalog" in text or "line 1 (JS-1), stock" in text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "JS-1" not in await prices(shop)


async def test_texts_longer_than_addproduct_takes_are_refused_with_line_and_limit(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """One limit per field, the file's as /addproduct's: a description fits a photo caption."""
    header = HEADER.strip() + ",description_ru\n"
    data = (
        header
        + f"LT-1,{'T' * 129},,Kitchen,5.00,USD,1,,\n"
        + f"LD-1,Long text,{'word ' * 200},Kitchen,5.00,USD,1,,\n"
        + f"LC-1,Long category,,{'C' * 65},5.00,USD,1,,\n"
        + f"LR-1,Long Russian,,Kitchen,5.00,USD,1,,{'слово ' * 200}\n"
        + f"OK-1,Just fits,{'d' * 800},Kitchen,5.00,USD,1,,\n"
    ).encode()
    await admin.send_document("long.csv", data, "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "4 problems" in text
    assert "line 2 (LT-1), title: 129 characters; at most 128 are allowed." in text
    assert "line 3 (LD-1), description: 999 characters; at most 800 are allowed." in text
    assert "line 4 (LC-1), category: 65 characters; at most 64 are allowed." in text
    assert "line 5 (LR-1), description_ru: 1199 characters; at most 800 are allowed." in text
    assert not {"LT-1", "LD-1", "LC-1", "LR-1", "OK-1"} & set(await prices(shop))


async def test_control_characters_in_titles_and_skus_are_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A NUL cannot be stored on PostgreSQL and others garble the chat; a description may
    still have line breaks and tabs."""
    rows = [
        {**GOOD_ROW, "sku": "NU-1", "title": "Nul\x00char"},
        {**GOOD_ROW, "sku": "NU-2", "category": "Kit\x07chen", "description": "bad\x1b[31m"},
        {**GOOD_ROW, "sku": "NU-3\x00"},
        {**GOOD_ROW, "sku": "NU-4", "description": "Two lines\n\tand a tab", "title_ru": "\x0b"},
    ]
    await admin.send_document("nul.json", json.dumps(rows).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "4 problems" in text
    assert "line 1 (NU-1), title: Control characters such as U+0000 are not allowed." in text
    assert "line 2 (NU-2), category: Control characters such as U+0007" in text
    assert "line 2 (NU-2), description: Control characters such as U+001B" in text
    assert "line 3 (NU-3\x00), sku: use letters, digits" in text
    assert "line 4 (NU-4), title_ru" not in text  # blank: only spaces around it, stripped

    await admin.send_document("nul.json", json.dumps(rows[3:]).encode(), "application/json")
    await admin.wait_for("1 created, 0 updated, 0 unchanged")


async def test_a_photo_file_missing_from_the_catalog_folder_is_refused(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """As a missing download is: else the product shows no photo and only a log says why. A
    URL or a Telegram file_id is not a file to look for."""
    data = (
        HEADER
        + "PH-1,Photo missing,,Kitchen,5.00,USD,1,photos/nope.png\n"
        + "PH-2,Photo url,,Kitchen,5.00,USD,1,https://example.com/a.png\n"
        + "PH-3,Photo file_id,,Kitchen,5.00,USD,1,AgACAgIAAxkBAAIBZ2Vb\n"
        + "PH-4,Photo here,,Kitchen,5.00,USD,1,photos/kit-mug-cer.png\n"
    ).encode()
    await admin.send_document("photos.csv", data, "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "1 problem" in text
    assert "line 2 (PH-1), photo: no file photos/nope.png in" in text
    assert "PH-1" not in await prices(shop)

    tee = {**GOOD_ROW, "sku": "V-1", "stock": None, "options": {"Size": ["S"]}}
    tee["variants"] = [{"sku": "V-1-S", "values": {"Size": "S"}, "stock": 1, "photo": "s.jpg"}]
    await admin.send_document("tee.json", json.dumps([tee]).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 1 (V-1-S), photo: no file s.jpg in" in text

    await admin.send_document("photos.csv", HEADER.encode() + data.split(b"\n", 2)[2], "text/csv")
    await admin.wait_for("3 created, 0 updated, 0 unchanged")


async def test_a_variant_row_with_a_gallery_is_refused_saying_where_the_gallery_goes(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A variant has one photo (its card shows it in place of the product's first); the
    product's row takes the gallery. A `photos` cell on a variant's row used to vanish
    unseen: it is refused, naming the variant, and the file without it goes in."""
    header = HEADER.strip() + ",photos,options,variant_of,values\n"
    tee = "V-2,Tee,,Merch,5.00,USD,,photos/kit-mug-cer.png,photos/kit-ktl-goo.png,Size: S|M,,\n"
    small = "V-2-S,,,,,,3,,,,V-2,Size: S\n"
    medium = "V-2-M,,,,,,3,photos/kit-mug-cer.png,{photos},,V-2,Size: M\n"
    gallery = medium.format(photos="photos/kit-ktl-goo.png|photos/kit-mug-cer.png")
    await admin.send_document("tee.csv", (header + tee + small + gallery).encode(), "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "1 problem" in text
    assert (
        "line 2 (V-2), variants: V-2-M: photos: a variant takes one photo, in photo; "
        "the further photos go in its product's photos" in text
    )
    assert "V-2" not in await prices(shop)

    json_tee = {**GOOD_ROW, "sku": "V-3", "stock": None, "options": {"Size": ["S"]}}
    json_tee["variants"] = [
        {"sku": "V-3-S", "values": {"Size": "S"}, "stock": 1, "photos": ["photos/kit-mug-cer.png"]}
    ]
    await admin.send_document("tee.json", json.dumps([json_tee]).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 1 (V-3), variants: V-3-S: photos: a variant takes one photo" in text

    without = header + tee + small + medium.format(photos="")
    await admin.send_document("tee.csv", without.encode(), "text/csv")
    await admin.wait_for("1 created, 0 updated, 0 unchanged")


async def test_a_photo_too_long_or_an_option_with_a_control_character_is_named_on_its_line(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """PostgreSQL could store neither: the admin was told something went wrong on our side."""
    base = {"title": "Tee", "category": "Kitchen", "price": "5", "currency": "USD"}
    rows = [
        {**base, "sku": "PH-1", "stock": 1, "photo": "https://example.com/" + "p" * 600},
        {
            **base,
            "sku": "OPT-1",
            "photo": "",
            "options": {"Size": ["S\u001b"]},
            "variants": [{"sku": "OPT-1-S", "values": {"Size": "S\u001b"}, "stock": 1}],
        },
    ]
    before = await prices(shop)
    await admin.send_document("odd.json", json.dumps(rows).encode(), "application/json")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 1 (PH-1), photo: 620 characters; at most 512 are allowed." in text
    assert "line 2 (OPT-1), options: Size: 'S\\x1b': Control characters" in text
    assert await prices(shop) == before


async def test_skus_stored_as_case_twins_are_named_never_guessed(
    shop: ShopHarness, admin: FakeUser
) -> None:
    """A shop from before SKUs compared without case has KIT-MUG-CER and kit-mug-cer. An
    SKU spelt as one of them is that one; any other spelling could be either, so /price and
    an import's row are refused naming both; every import's report lists the twins."""
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        old = {"title": "Old mug", "price": 900, "currency": "USD", "stock": 2}
        await uow.products.add(Product(sku="kit-mug-cer", category_id=mug.category_id, **old))

    await admin.send("/price Kit-Mug-Cer 5.00")
    refusal = await admin.wait_for("could be any of")
    assert refusal.text == (
        "Kit-Mug-Cer could be any of KIT-MUG-CER, kit-mug-cer: their SKUs differ only in "
        "case. Send it spelt exactly as one of them."
    )
    await admin.send("/price kit-mug-cer 5.00")
    await admin.wait_for("kit-mug-cer now costs $5.00")
    assert (await prices(shop))["KIT-MUG-CER"] == 1600  # the other twin kept its price

    data = (HEADER + "Kit-Mug-Cer,Mug,Mug,Kitchen,17.50,USD,24,\n").encode()
    await admin.send_document("guess.csv", data, "text/csv")
    text = (await admin.wait_for("Nothing was imported")).text or ""
    assert "line 2 (Kit-Mug-Cer), sku: Kit-Mug-Cer could be any of KIT-MUG-CER, kit-mug" in text
    assert (await prices(shop))["KIT-MUG-CER"] == 1600

    exact = (HEADER + "KIT-MUG-CER,Mug,Mug,Kitchen,17.50,USD,24,\n").encode()
    await admin.send_document("exact.csv", exact, "text/csv")
    report = (await admin.wait_for("0 created, 1 updated")).text or ""
    twins = "These SKUs differ only in case, so each is found only spelt exactly as here"
    assert f"{twins}: KIT-MUG-CER / kit-mug-cer" in report
    assert (await prices(shop))["KIT-MUG-CER"] == 1750  # the exact spelling's product
    assert (await prices(shop))["kit-mug-cer"] == 500
