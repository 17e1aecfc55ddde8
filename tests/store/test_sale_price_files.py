"""Sale prices in catalog files: `compare_at` (the regular price, written as `price` is) is
stored beside `price`, above it or refused on its line, written back by /export so that an
exported file imports unchanged, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.services import catalog
from bot.store.catalog_file import (
    CatalogError,
    parse_csv,
    parse_json,
    plan_import,
    rows_to_csv,
    rows_to_json,
    upsert_rows,
)
from bot.store.uow import Store
from tests.conftest import selects_run

MUG: dict[str, Any] = {
    "sku": "MUG",
    "title": "Stoneware Mug",
    "description": "",
    "category": "Kitchen",
    "price": "16.00",
    "compare_at": "20.00",
    "currency": "USD",
    "stock": 4,
    "photo": "",
}
TEE: dict[str, Any] = {
    "sku": "TEE",
    "title": "Organic Tee",
    "description": "",
    "category": "Merch",
    "price": "24.00",
    "currency": "USD",
    "photo": "",
    "options": {"Size": ["M", "L"]},
    "variants": [
        {"sku": "TEE-M", "values": {"Size": "M"}, "stock": 3},
        {
            "sku": "TEE-L",
            "values": {"Size": "L"},
            "stock": 2,
            "price": "26.00",
            "compare_at": "32.50",
        },
    ],
}
HEADER = "sku,title,description,category,price,currency,stock,photo,compare_at\n"


async def _import(store: Store, rows: list[Any], *, planned: bool = False) -> Any:
    plan = None
    if planned:
        async with store.reading() as uow:
            plan = await plan_import(uow, rows)
    async with store.uow() as uow:
        return await upsert_rows(uow, rows, plan)


async def _sales(store: Store) -> dict[str, int | None]:
    async with store.reading() as uow:
        products = await uow.products.list_all()
        sales: dict[str, int | None] = {p.sku: p.compare_at_price for p in products}
        for p in products:
            for v in await uow.products.variants_of(p.id):
                sales[v.sku] = v.compare_at_price
    return sales


def test_a_csv_cell_reads_as_a_price_and_an_empty_one_as_not_on_sale() -> None:
    text = HEADER + 'MUG,Mug,,Kitchen,16.00,USD,4,,"20,00"\nCUP,Cup,,Kitchen,5.00,USD,4,,\n'
    mug, cup = parse_csv(text)
    assert (mug.price, mug.compare_at) == (1600, 2000)
    assert cup.compare_at is None and "compare_at" in cup.given


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"compare_at": "16.00"},
            "line 1 (MUG), compare_at: 16.00 is not more than the price, 16.00",
        ),
        ({"compare_at": "12.00"}, "line 1 (MUG), compare_at: 12.00 is not more than the price"),
        ({"compare_at": "0"}, "line 1 (MUG), compare_at: A price must be more than 0."),
        ({"compare_at": "20.001"}, "line 1 (MUG), compare_at: "),
        ({"compare_at": 20.0}, 'compare_at: write the price as a decimal string such as "12.50"'),
    ],
)
def test_a_regular_price_not_above_the_price_is_refused_on_its_line(
    changes: dict[str, Any], problem: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([{**MUG, **changes}]))
    assert problem in str(caught.value)


def test_a_variant_on_sale_of_its_own_needs_its_own_price() -> None:
    tee = json.loads(json.dumps(TEE))
    tee["variants"][0]["compare_at"] = "30.00"
    tee["variants"][1]["compare_at"] = "25.00"
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([tee]))
    text = str(caught.value)
    assert "line 1 (TEE), variants: TEE-M: compare_at: a variant on sale of its own needs" in text
    assert "TEE-L: compare_at: 25.00 is not more than the price, 26.00" in text


def test_a_variant_row_on_sale_at_its_products_price_is_refused_even_above_it() -> None:
    """A regular price beside no price of its own is refused on its product's line, also
    when it is above the price the variant inherits: that price moves with the product's
    (/price, /sale), and the product's own compare_at is the sale of its variants."""
    rows = (
        "TEE,Organic Tee,,Merch,24.00,USD,,,,Size: M|L,,\n"
        "TEE-M,,,,,,3,,30.00,,TEE,Size: M\n"
        "TEE-L,,,,26.00,,2,,32.50,,TEE,Size: L\n"
    )
    header = HEADER.removesuffix("\n") + ",options,variant_of,values\n"
    with pytest.raises(CatalogError) as caught:
        parse_csv(header + rows)
    assert str(caught.value).endswith(
        "line 2 (TEE), variants: TEE-M: compare_at: a variant on sale of its own needs a price "
        "of its own"
    )


async def test_a_variant_that_loses_its_own_price_loses_its_own_sale(store: Store) -> None:
    """A file without the compare_at column that leaves a variant's price empty (it sells at
    the product's again) ends the variant's own sale: nothing is stored that a file would
    refuse, and the export imports unchanged."""
    await _import(store, parse_json(json.dumps([TEE])))
    assert (await _sales(store))["TEE-L"] == 3250
    tee = json.loads(json.dumps(TEE))
    del tee["variants"][1]["price"], tee["variants"][1]["compare_at"]
    assert (await _import(store, parse_json(json.dumps([tee])))).updated == ["TEE"]
    assert (await _sales(store))["TEE-L"] is None
    async with store.reading() as uow:
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    for rows in (parse_csv(as_csv), parse_json(as_json)):
        assert (await _import(store, rows)).unchanged == ["TEE"]


@pytest.mark.parametrize("planned", [False, True], ids=["in-unit", "planned"])
async def test_sales_are_stored_and_an_export_imports_unchanged(
    store: Store, planned: bool
) -> None:
    await _import(store, parse_json(json.dumps([MUG, TEE])))
    assert await _sales(store) == {"MUG": 2000, "TEE": None, "TEE-M": None, "TEE-L": 3250}
    async with store.reading() as uow:
        products = await uow.products.list_all()
        as_csv, as_json = rows_to_csv(products), rows_to_json(products)
    # compare_at, then max_per_order (empty: no limit) and tiers (empty: none) last
    assert "MUG,Stoneware Mug" in as_csv.decode() and ",20.00,,\r\n" in as_csv.decode()
    exported = {item["sku"]: item for item in json.loads(as_json)}
    assert exported["MUG"]["compare_at"] == "20.00" and "compare_at" not in exported["TEE"]
    assert exported["TEE"]["variants"][1]["compare_at"] == "32.50"
    for rows in (parse_csv(as_csv), parse_json(as_json)):
        again = await _import(store, rows, planned=planned)
        assert again.updated == [] and sorted(again.unchanged) == ["MUG", "TEE"]


async def test_an_empty_cell_ends_a_sale_and_a_file_without_the_column_keeps_it(
    store: Store,
) -> None:
    await _import(store, parse_json(json.dumps([MUG, TEE])))
    older = HEADER.replace(",compare_at", "")  # a file from before sale prices
    kept = await _import(store, parse_csv(older + "MUG,Stoneware Mug,,Kitchen,16.00,USD,4,\n"))
    assert kept.unchanged == ["MUG"] and (await _sales(store))["MUG"] == 2000
    tee = {
        **TEE,
        "variants": [{k: v for k, v in x.items() if k != "compare_at"} for x in TEE["variants"]],
    }
    assert (await _import(store, parse_json(json.dumps([tee])))).unchanged == ["TEE"]
    assert (await _sales(store))["TEE-L"] == 3250

    ended = await _import(store, parse_csv(HEADER + "MUG,Stoneware Mug,,Kitchen,16.00,USD,4,,\n"))
    assert ended.updated == ["MUG"] and (await _sales(store))["MUG"] is None
    tee["variants"][1]["compare_at"] = ""
    assert (await _import(store, parse_json(json.dumps([tee])))).updated == ["TEE"]
    assert (await _sales(store))["TEE-L"] is None


async def test_a_file_without_the_column_raising_the_price_to_the_regular_one_ends_the_sale(
    store: Store,
) -> None:
    """A file from before sale prices keeps a sale, unless its price is now not below the
    regular one: then the sale ends, as /price ends it (the database refuses a sale whose
    regular price is not above the price, migration 0034); one still below keeps it."""
    await _import(store, parse_json(json.dumps([MUG, TEE])))
    older = HEADER.replace(",compare_at", "")
    raised = await _import(store, parse_csv(older + "MUG,Stoneware Mug,,Kitchen,20.00,USD,4,\n"))
    assert raised.updated == ["MUG"] and (await _sales(store))["MUG"] is None
    tee = {
        **TEE,
        "variants": [{k: v for k, v in x.items() if k != "compare_at"} for x in TEE["variants"]],
    }
    tee["variants"][1]["price"] = "30.00"  # still below its 32.50: still on sale
    assert (await _import(store, parse_json(json.dumps([tee])))).updated == ["TEE"]
    assert (await _sales(store))["TEE-L"] == 3250
    tee["variants"][1]["price"] = "35.00"
    assert (await _import(store, parse_json(json.dumps([tee])))).updated == ["TEE"]
    assert (await _sales(store))["TEE-L"] is None


async def test_a_card_on_sale_is_read_in_one_statement(sqlite_store: Store) -> None:
    """The regular price comes with the product's row: a card on sale costs one SELECT."""
    await _import(sqlite_store, parse_json(json.dumps([MUG])))
    ran = selects_run(sqlite_store)
    async with sqlite_store.reading() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None
        ran.clear()
        card = await catalog.product_card(uow, mug.id)
    assert (card.price, card.compare_at) == (1600, 2000)
    assert len(ran) == 1


async def test_a_card_in_a_category_sale_says_when_it_ends_still_in_one_statement(
    sqlite_store: Store,
) -> None:
    """The end of the category's sale is written on its products' rows as the sale starts,
    is re-dated and ends: the card reads it with the product. A product moved to another
    category meanwhile is not ended by that sale: its card says nothing."""
    await _import(sqlite_store, parse_json(json.dumps([MUG, TEE])))
    ends = datetime(2036, 12, 31, 23, tzinfo=UTC)
    async with sqlite_store.uow() as uow:
        mug, tee = await uow.products.get_by_sku("MUG"), await uow.products.get_by_sku("TEE")
        assert mug is not None and tee is not None
        kitchen, merch = mug.category_id, tee.category_id
        await uow.category_sales.started(kitchen, 20, ends, 1, ends - timedelta(days=30))
    ran = selects_run(sqlite_store)
    async with sqlite_store.reading() as uow:
        ran.clear()
        card = await catalog.product_card(uow, mug.id)
    assert (card.compare_at, card.sale_ends_at, len(ran)) == (2000, ends, 1)

    later = ends + timedelta(days=15)
    async with sqlite_store.uow() as uow:
        assert await uow.category_sales.ends(kitchen, later)
    async with sqlite_store.reading() as uow:
        assert (await catalog.product_card(uow, mug.id)).sale_ends_at == later
        assert (await catalog.product_card(uow, tee.id)).sale_ends_at is None  # not its sale

    async with sqlite_store.uow() as uow:
        moved = await uow.products.get_by_sku("MUG")
        assert moved is not None
        moved.category_id = merch
    async with sqlite_store.reading() as uow:
        assert (await catalog.product_card(uow, mug.id)).sale_ends_at is None
    async with sqlite_store.uow() as uow:
        back = await uow.products.get_by_sku("MUG")
        assert back is not None
        back.category_id = kitchen
        assert await uow.category_sales.take_due(kitchen, later)  # the job ends it
        await uow.category_sales.undated(kitchen)  # once its prices are back
    async with sqlite_store.reading() as uow:
        assert (await catalog.product_card(uow, mug.id)).sale_ends_at is None
