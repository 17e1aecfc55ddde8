"""A product's gallery in catalog files: `photo` first, then `photos` (a list in JSON, one
cell joined by "|" in CSV), checked as `photo` is, kept with the file_ids Telegram gave them,
and written back by /export so an exported file imports changing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.services import catalog
from bot.services.photos import GalleryPhoto, remember_file_id
from bot.store.catalog_file import (
    CatalogError,
    check_files,
    parse_csv,
    parse_json,
    rows_to_csv,
    rows_to_json,
    upsert_rows,
)
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH, selects_run

KETTLE: dict[str, Any] = {
    "sku": "KETTLE",
    "title": "Gooseneck Kettle",
    "description": "Pours slowly",
    "category": "Kitchen",
    "price": "45.00",
    "currency": "USD",
    "stock": 4,
    "photo": "photos/kit-ktl-goo.png",
    "photos": ["photos/kit-mug-cer.png", "https://example.com/kettle-lid.jpg"],
}
PLAIN: dict[str, Any] = {**KETTLE, "sku": "PLAIN", "title": "Plain Mug"}
del PLAIN["photos"]


async def _import(store: Store, items: list[dict[str, Any]]) -> Any:
    async with store.uow() as uow:
        return await upsert_rows(uow, parse_json(json.dumps(items)))


def test_csv_names_the_further_photos_in_one_cell_as_option_values_are() -> None:
    text = (
        "sku,title,description,category,price,currency,stock,photo,photos\n"
        "KETTLE,Kettle,,Kitchen,45.00,USD,4,photos/kit-ktl-goo.png,"
        "photos/kit-mug-cer.png | https://example.com/kettle-lid.jpg\n"
        "PLAIN,Mug,,Kitchen,5.00,USD,4,photos/kit-mug-cer.png,\n"
    )
    kettle, plain = parse_csv(text)
    assert kettle.photos == ("photos/kit-mug-cer.png", "https://example.com/kettle-lid.jpg")
    assert plain.photos == () and "photos" in plain.given  # an empty cell: none


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        ("photos/a.png", "photos: must be a list of photos"),
        ([1, 2], "photos: must be a list of photos"),
        ([f"photos/{n}.png" for n in range(10)], "11 photos; at most 10 are allowed"),
        (["photos/a.png", " "], "photos: #3: missing"),
        (["photos/a.png|photos/b.png"], "photos: #2: | is not allowed in a photo"),
        (["https://example.com/" + "a" * 600], "photos: #2: 620 characters; at most 512"),
        (["https://example.com/a\x00.png"], "photos: #2: Control characters"),
    ],
)
def test_bad_further_photos_are_named_on_their_line(photos: Any, message: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([{**KETTLE, "photos": photos}]))
    assert message in str(caught.value)


def test_further_photos_need_a_first_photo() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([{**KETTLE, "photo": ""}]))
    assert "photos: give the first photo in photo, the further ones here" in str(caught.value)


def test_ten_photos_in_all_are_taken() -> None:
    (row,) = parse_json(json.dumps([{**KETTLE, "photos": ["photos/kit-mug-cer.png"] * 9}]))
    assert len(row.photos) == 9


def test_an_import_refuses_a_further_photo_file_that_is_not_beside_the_catalog() -> None:
    rows = parse_json(json.dumps([{**KETTLE, "photos": ["photos/missing.png"]}]))
    with pytest.raises(CatalogError) as caught:
        check_files(rows, CATALOG_PATH.parent)
    assert "(KETTLE), photos: no file photos/missing.png" in str(caught.value)


async def test_the_gallery_is_stored_and_an_export_imports_unchanged(store: Store) -> None:
    report = await _import(store, [KETTLE, PLAIN])
    assert sorted(report.created) == ["KETTLE", "PLAIN"]
    async with store.uow() as uow:
        kettle = await uow.products.get_by_sku("KETTLE")
        assert kettle is not None and kettle.photo == "photos/kit-ktl-goo.png"
        assert kettle.photos == [
            {"photo": "photos/kit-mug-cer.png", "file_id": None},
            {"photo": "https://example.com/kettle-lid.jpg", "file_id": None},
        ]
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    assert "photos/kit-mug-cer.png|https://example.com/kettle-lid.jpg" in as_csv.decode()
    assert json.loads(as_json)[0]["photos"] == KETTLE["photos"]
    assert "photos" not in json.loads(as_json)[1]
    for exported in (parse_csv(as_csv), parse_json(as_json)):
        async with store.uow() as uow:
            again = await upsert_rows(uow, exported)
        assert again.updated == [] and sorted(again.unchanged) == ["KETTLE", "PLAIN"]


async def test_a_reimport_keeps_file_ids_of_photos_it_names_again(store: Store) -> None:
    """Telegram's file_id of a photo still in the gallery survives a file that reorders or
    adds photos; a file without the photos column leaves the gallery as it is."""
    await _import(store, [KETTLE])
    async with store.uow() as uow:
        kettle = await uow.products.get_by_sku("KETTLE")
        assert kettle is not None
        await remember_file_id(uow, kettle.id, "AgAD-mug", further="photos/kit-mug-cer.png")
    new = ["https://example.com/new.jpg", "photos/kit-mug-cer.png"]
    report = await _import(store, [{**KETTLE, "photos": new}])
    assert report.updated == ["KETTLE"]
    without_column = {k: v for k, v in KETTLE.items() if k != "photos"}
    assert (await _import(store, [without_column])).unchanged == ["KETTLE"]
    async with store.uow() as uow:
        card = await catalog.product_card(uow, kettle.id)
    assert card.further_photos == (
        GalleryPhoto("https://example.com/new.jpg", None),
        GalleryPhoto("photos/kit-mug-cer.png", "AgAD-mug"),
    )
    assert card.photo_count == 3
    assert (await _import(store, [{**KETTLE, "photos": []}])).updated == ["KETTLE"]
    async with store.uow() as uow:
        card = await catalog.product_card(uow, kettle.id)
    assert card.further_photos == () and card.photo_count == 1


async def test_a_card_reads_its_gallery_with_the_product_in_one_statement(
    sqlite_store: Store, tmp_path: Path
) -> None:
    await _import(sqlite_store, [KETTLE, PLAIN])
    ran = selects_run(sqlite_store)
    async with sqlite_store.reading() as uow:
        kettle = await uow.products.get_by_sku("KETTLE")
        assert kettle is not None
        ran.clear()
        card = await catalog.product_card(uow, kettle.id)
    assert card.photo_count == 3
    assert len(ran) == 1
