"""The seed catalog and catalog files: validated whole, applied all-or-nothing, idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import String, func, select

from bot.store.catalog_file import CatalogError, load_file, parse_csv, parse_json, rows_to_csv
from bot.store.models import Category, Product, ProductVariant
from bot.store.seed import seed_catalog, seed_if_empty
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH

GOOD = {
    "sku": "MUG-1",
    "title": "Mug",
    "description": "A mug",
    "category": "Kitchen",
    "price": "12.50",
    "currency": "USD",
    "stock": 3,
    "photo": "photos/mug.png",
}


TEE = {
    **{k: v for k, v in GOOD.items() if k != "stock"},
    "sku": "TEE-1",
    "options": {"Size": ["S"]},
    "variants": [{"sku": "TEE-1-S", "values": {"Size": "S"}, "stock": 2}],
}


def _with_variant(**change: object) -> dict[str, object]:
    return {**TEE, "variants": [{**TEE["variants"][0], **change}]}  # type: ignore[dict-item]


def test_the_shipped_catalog_is_valid_and_big_enough() -> None:
    rows = load_file(CATALOG_PATH)
    assert len(rows) >= 24
    assert len({r.category for r in rows}) >= 4
    assert all(r.price > 0 and r.title and r.description and r.photo for r in rows)
    for row in rows:
        if not row.photo.startswith("http"):
            assert (CATALOG_PATH.parent / row.photo).is_file(), row.sku


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"price": "12.505"}, "price", "more than 2 decimals"),
        ({"price": 12.5}, "price", "decimal string"),
        ({"price": "free"}, "price", "not an amount"),
        ({"price": "0.00"}, "price", "more than 0"),
        ({"price": "10000.01"}, "price", "at most 10000.00 USD"),
        ({"price": "645700.01", "currency": "INR"}, "price", "at most 645700.00 INR"),
        ({"price": "8900.01", "currency": "EUR"}, "price", "at most 8900.00 EUR"),
        ({"stock": 1_000_001}, "stock", "1000001 is more than 1000000"),
        ({"stock": -1}, "stock", "whole number"),
        ({"stock": "\u0661\u0662"}, "stock", "whole number"),  # Arabic-Indic 12: not 0-9
        ({"currency": "US"}, "currency", "three-letter"),
        ({"title": ""}, "title", "missing"),
        ({"sku": "bad sku!"}, "sku", "letters, digits"),
    ],
)
def test_a_bad_field_is_named_with_its_product(
    change: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([GOOD, {**GOOD, "sku": "MUG-2", **change}]))
    (error,) = caught.value.errors
    assert (error.line, error.field) == (2, field)
    assert message in error.message
    assert "line 2" in str(caught.value)


def test_missing_fields_and_duplicate_skus_are_all_reported_at_once() -> None:
    broken = {k: v for k, v in GOOD.items() if k != "category"}
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([GOOD, GOOD, broken]))
    found = {(e.line, e.field) for e in caught.value.errors}
    assert found == {(2, "sku"), (3, "category")}


def test_not_json_and_not_a_list_are_clear_errors() -> None:
    with pytest.raises(CatalogError, match="not valid JSON"):
        parse_json(b"{oops")
    with pytest.raises(CatalogError, match="list of products"):
        parse_json(b'{"sku": 1}')


def test_a_stock_in_digits_other_than_0_to_9_is_refused_for_a_product_and_a_variant() -> None:
    """Arabic-Indic ١٢ is 12 to Python's int(); an admin's file writes a stock in 0-9."""
    data = (
        "sku,title,description,category,price,currency,stock,photo,options,variant_of,values\n"
        "MUG-1,Mug,,Kitchen,5.00,USD,\u0661\u0662,,,,\n"
        "TEE,Tee,,Clothing,9.00,USD,,,Size: S,,\n"
        "TEE-S,,,,,,\u0661,,,TEE,Size: S\n"
    )
    with pytest.raises(CatalogError) as caught:
        parse_csv(data)
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "stock"), (3, "variants")]
    assert "whole number" in caught.value.errors[0].message
    assert "TEE-S: stock: must be a whole number" in caught.value.errors[1].message


def test_csv_reports_line_numbers_and_missing_columns() -> None:
    text = "sku,title,description,category,price,currency,stock,photo\n"
    text += "A-1,Cup,Nice,Kitchen,3.00,USD,4,\nA-2,Bowl,Nice,Kitchen,3.001,USD,4,\n"
    with pytest.raises(CatalogError) as caught:
        parse_csv(text)
    assert [(e.line, e.sku, e.field) for e in caught.value.errors] == [(3, "A-2", "price")]
    with pytest.raises(CatalogError, match="header lacks column"):
        parse_csv("sku,title\nA,B\n")


async def test_seeding_is_idempotent_and_updates_by_sku(store: Store, tmp_path: Path) -> None:
    first = await seed_catalog(store, CATALOG_PATH)
    assert len(first.created) == len(load_file(CATALOG_PATH))
    again = await seed_catalog(store, CATALOG_PATH)
    assert again.created == [] and again.updated == []
    assert len(again.unchanged) == len(first.created)
    assert await seed_if_empty(store, CATALOG_PATH) is None

    edited = json.loads(CATALOG_PATH.read_text())
    edited[0]["price"] = "99.99"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(edited))
    report = await seed_catalog(store, path)
    assert report.updated == [edited[0]["sku"]]
    async with store.uow() as uow:
        product = await uow.products.get_by_sku(edited[0]["sku"])
        assert product is not None and product.price == 9999


async def test_a_seed_row_whose_sku_differs_only_in_case_updates_the_product(
    store: Store, tmp_path: Path
) -> None:
    await seed_catalog(store, CATALOG_PATH)
    rows = json.loads(CATALOG_PATH.read_text())
    tee = next(row for row in rows if row.get("variants"))
    sku = tee["sku"]
    tee["sku"] = sku.lower()
    tee["variants"][0]["sku"] = tee["variants"][0]["sku"].lower()
    tee["variants"][0]["stock"] = 77
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    report = await seed_catalog(store, path)
    assert (report.created, report.updated) == ([], [sku])
    async with store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None and await uow.products.get_by_sku(sku.lower()) is None
        stocks = [v.stock for v in await uow.products.variants_of(product.id)]
        assert stocks[0] == 77 and len(stocks) == len(tee["variants"])


async def test_a_corrupt_catalog_writes_nothing(store: Store, tmp_path: Path) -> None:
    rows = json.loads(CATALOG_PATH.read_text())
    rows[5]["price"] = "cheap"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(CatalogError, match=rf"line 6 \({rows[5]['sku']}\), price"):
        await seed_catalog(store, path)
    async with store.uow() as uow:
        assert await uow.session.scalar(select(func.count(Product.id))) == 0
        assert await uow.session.scalar(select(func.count(Category.id))) == 0


async def test_export_round_trips_through_csv_import(store: Store) -> None:
    await seed_catalog(store, CATALOG_PATH)
    async with store.uow() as uow:
        exported = rows_to_csv(await uow.products.list_all())
    rows = parse_csv(exported)
    assert {r.sku for r in rows} == {r.sku for r in load_file(CATALOG_PATH)}


# ------------------------------------------------------ every text a file writes fits its column

# Each text column of a product, its variants and its category that a catalog file writes:
# the field a refusal names, and a product whose column would hold `text`.
FILE_WRITES: dict[str, tuple[str, Callable[[str], dict[str, object]]]] = {
    "products.sku": ("sku", lambda text: {**GOOD, "sku": text}),
    "products.title": ("title", lambda text: {**GOOD, "title": text}),
    "products.description": ("description", lambda text: {**GOOD, "description": text}),
    "products.currency": ("currency", lambda text: {**GOOD, "currency": text}),
    "products.photo": ("photo", lambda text: {**GOOD, "photo": text}),
    "products.download": ("download", lambda text: {**GOOD, "digital": True, "download": text}),
    "categories.title": ("category", lambda text: {**GOOD, "category": text}),
    "products.tiers": ("tiers", lambda text: {**GOOD, "tiers": text}),
    "product_variants.sku": ("variants", lambda text: _with_variant(sku=text)),
    "product_variants.photo": ("variants", lambda text: _with_variant(photo=text)),
}
# The rest the bot fills: a file_id once Telegram has the file, a slug from the category's
# title, the search words from option values and translations (each checked as written).
FILLED_BY_THE_BOT = {
    "products.photo_file_id",
    "products.download_file_id",
    "products.option_words",
    "products.translated_text",
    "product_variants.photo_file_id",
    "categories.slug",
}


def _text_columns() -> dict[str, int | None]:
    """Every String (and Text) column of the catalog's tables, with its width."""
    return {
        f"{table.name}.{column.name}": column.type.length
        for model in (Product, ProductVariant, Category)
        for table in [model.__table__]
        for column in table.columns
        if isinstance(column.type, String)
    }


def _long(width: int, prefix: str = "https://example.com/") -> str:
    return prefix + "p" * (width - len(prefix))


def test_every_text_column_of_the_catalog_is_one_a_file_writes_or_the_bot_fills() -> None:
    """A new column is placed here, so a file cannot write what its column cannot hold."""
    assert set(_text_columns()) == FILE_WRITES.keys() | FILLED_BY_THE_BOT


@pytest.mark.parametrize("column", sorted(FILE_WRITES))
def test_a_text_too_wide_for_its_column_or_with_a_nul_is_refused_on_its_line(column: str) -> None:
    field, product = FILE_WRITES[column]
    width = _text_columns()[column] or 800  # a description: what a photo caption shows
    for text in (_long(width + 1), "https://example.com/a\x00.png", "A\x1bB"):
        with pytest.raises(CatalogError) as caught:
            parse_json(json.dumps([GOOD | {"sku": "OTHER"}, product(text)]))
        (error,) = caught.value.errors
        assert (error.line, error.field) == (2, field), text


async def test_texts_as_wide_as_their_columns_are_stored_on_either_database(
    store: Store, tmp_path: Path
) -> None:
    widths = _text_columns()
    rows = [
        {
            **GOOD,
            "sku": "D" * widths["products.sku"],  # type: ignore[operator]
            "title": "t" * widths["products.title"],  # type: ignore[operator]
            "category": "c" * widths["categories.title"],  # type: ignore[operator]
            "photo": _long(widths["products.photo"]),  # type: ignore[arg-type]
            "digital": True,
            "download": _long(widths["products.download"]),  # type: ignore[arg-type]
            "tiers": "2:10,3:20,4:30,5:40,6:50,7:60,8:70,10:80",  # as wide as products.tiers
        },
        _with_variant(
            sku="V" * widths["product_variants.sku"],  # type: ignore[operator]
            photo=_long(widths["product_variants.photo"]),  # type: ignore[arg-type]
        ),
    ]
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(rows))
    assert len((await seed_catalog(store, path)).created) == 2


@pytest.mark.parametrize(
    ("product", "field"),
    [
        ({**GOOD, "photo": _long(600)}, "photo"),
        ({**GOOD, "photo": "https://example.com/a\x00.png"}, "photo"),
        (_with_variant(photo="https://example.com/a\x00.png"), "variants"),
        ({**TEE, "options": {"Size": ["S\x00"]}}, "options"),
        ({**TEE, "options": {"Si\x1bze": ["S"]}}, "options"),
        ({**TEE, "options": {"Size": ["S" * 33]}}, "options"),
    ],
)
async def test_a_file_the_database_could_not_store_is_refused_before_it_on_either_database(
    store: Store, tmp_path: Path, product: dict[str, object], field: str
) -> None:
    """PostgreSQL refused a NUL or a photo longer than its column with a stack trace."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([GOOD, {**product, "sku": "BAD-1"}]))
    with pytest.raises(CatalogError, match=rf"line 2 \(BAD-1\), {field}: "):
        await seed_catalog(store, path)
    async with store.uow() as uow:
        assert await uow.session.scalar(select(func.count(Product.id))) == 0
