"""The catalog's `download` field: only on digital products, checked, exported and imported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.store.catalog_file import (
    GIFT_CODE,
    CatalogError,
    load_file,
    parse_csv,
    parse_json,
    rows_to_csv,
    upsert_rows,
)
from bot.store.seed import seed_catalog
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH

STARS_CATALOG = CATALOG_PATH.with_name("catalog-stars.json")
GUIDE = {
    "sku": "DIG-1",
    "title": "Guide",
    "description": "A guide",
    "category": "Digital",
    "price": "5.00",
    "currency": "USD",
    "stock": 99,
    "photo": "",
    "digital": True,
}


@pytest.mark.parametrize(
    "download",
    [
        "downloads/guide.pdf",
        "https://example.com/guide.pdf",
        "BQACAgIAAxkBAAIBZ2ZmYWtlLWZpbGUtaWQtZm9yLXRlc3Rz",
        GIFT_CODE,
    ],
)
def test_a_digital_product_takes_a_path_url_file_id_or_giftcode(download: str) -> None:
    (row,) = parse_json(f"[{_json({**GUIDE, 'download': download})}]")
    assert row.download == download


def test_no_download_is_fine_and_stays_none() -> None:
    (row,) = parse_json(f"[{_json(GUIDE)}]")
    assert row.download is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"digital": False, "download": "downloads/guide.pdf"}, "only digital products"),
        ({"download": "http://example.com/guide.pdf"}, "https://"),
        ({"download": "../secrets/guide.pdf"}, "relative to the catalog file"),
        ({"download": "/etc/passwd.txt"}, "relative to the catalog file"),
        ({"download": 42}, "must be a file path"),
    ],
)
def test_a_bad_download_is_refused_naming_line_and_field(
    change: dict[str, object], message: str
) -> None:
    other = {**GUIDE, "sku": "DIG-0"}
    with pytest.raises(CatalogError) as caught:
        parse_json(f"[{_json(other)}, {_json({**GUIDE, **change})}]")
    (error,) = caught.value.errors
    assert (error.line, error.sku, error.field) == (2, "DIG-1", "download")
    assert message in error.message
    assert "line 2 (DIG-1), download:" in str(caught.value)


@pytest.mark.parametrize("catalog", [CATALOG_PATH, STARS_CATALOG], ids=["usd", "stars"])
def test_every_shipped_digital_product_has_a_download_that_exists(catalog: Path) -> None:
    digital = [row for row in load_file(catalog) if row.digital]
    assert digital
    for row in digital:
        assert row.download, row.sku
        if row.download != GIFT_CODE:
            data = (catalog.parent / row.download).read_bytes()
            assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF"), row.sku
            assert len(data) < 2000
        else:
            assert "Gift" in row.title


async def test_csv_export_and_import_keep_the_download(store: Store) -> None:
    await seed_catalog(store, CATALOG_PATH)
    async with store.uow() as uow:
        exported = rows_to_csv(await uow.products.list_all())
    assert b"download" in exported.splitlines()[0].split(b",")
    downloads = {r.sku: r.download for r in parse_csv(exported)}
    assert downloads["DIG-GDE-BRW"] == "downloads/dig-gde-brw.pdf"
    assert downloads["DIG-GFT-025"] == GIFT_CODE
    assert downloads["KIT-MUG-CER"] is None


async def test_a_changed_download_forgets_the_cached_file_id(store: Store) -> None:
    await seed_catalog(store, CATALOG_PATH)
    async with store.uow() as uow:
        product = await uow.products.get_by_sku("DIG-GDE-BRW")
        assert product is not None
        product.download_file_id = "cached-id"
    rows = [r for r in load_file(CATALOG_PATH) if r.sku == "DIG-GDE-BRW"]
    async with store.uow() as uow:
        report = await upsert_rows(uow, rows)  # unchanged: the cache stays
        assert report.unchanged == ["DIG-GDE-BRW"]
    changed = [dataclasses.replace(row, download="downloads/weekly-planner.pdf") for row in rows]
    async with store.uow() as uow:
        report = await upsert_rows(uow, changed)
        assert report.updated == ["DIG-GDE-BRW"]
    async with store.uow() as uow:
        product = await uow.products.get_by_sku("DIG-GDE-BRW")
        assert product is not None
        assert (product.download, product.download_file_id) == (
            "downloads/weekly-planner.pdf",
            None,
        )


def _json(item: dict[str, object]) -> str:
    return json.dumps(item)
