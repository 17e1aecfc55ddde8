"""An admin's product list and catalog export read a page or a chunk at a time, never the
whole catalog at once (at 100,000 products that took seconds and froze every chat), and show
and export the same as before (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from bot.services import admin_catalog as catalog
from bot.services.reports import LOW_STOCK_SHOWN, store_stats
from bot.store.catalog_file import (
    CatalogError,
    CatalogFile,
    ImportPlan,
    parse_csv,
    parse_json,
    plan_import,
    rows_to_csv,
    upsert_rows,
)
from bot.store.models import Product
from bot.store.uow import Store
from bot.views.admin_catalog import shop_report

TEE: dict[str, Any] = {
    "sku": "P-TEE",
    "title": "Organic Tee",
    "description": "Soft cotton",
    "category": "Clothing",
    "price": "25.00",
    "currency": "USD",
    "photo": "",
    "options": {"Size": ["S", "M"]},
    "variants": [
        {"sku": "P-TEE-S", "values": {"Size": "S"}, "stock": 4},
        {"sku": "P-TEE-M", "values": {"Size": "M"}, "stock": 5, "price": "27.00"},
    ],
}


def _product(n: int) -> dict[str, Any]:
    return {
        "sku": f"P-{n:03d}",
        "title": f"Product {n}",
        "description": "",
        "category": "Kitchen" if n % 2 else "Garden",
        "price": "1.50",
        "currency": "USD",
        "stock": n,
        "photo": "",
        "active": n % 7 != 0,  # some hidden: the admin sees them too
    }


async def _catalog(store: Store) -> None:
    """34 plain products and a tee sold in two sizes, imported in shuffled SKU order."""
    items = [_product(n) for n in range(34, 0, -1)]
    items.insert(17, TEE)
    async with store.uow() as uow:
        await upsert_rows(uow, parse_json(json.dumps(items)))


@contextmanager
def products_made() -> Iterator[list[str]]:
    """The SKUs of the Product objects the ORM builds meanwhile, in order."""
    made: list[str] = []

    def loaded(product: Product, _context: Any) -> None:
        made.append(product.sku)

    event.listen(Product, "load", loaded)
    try:
        yield made
    finally:
        event.remove(Product, "load", loaded)


async def test_the_product_list_reads_one_page_in_sku_order_hidden_ones_too(
    store: Store,
) -> None:
    await _catalog(store)
    skus = sorted([f"P-{n:03d}" for n in range(1, 35)] + ["P-TEE"])
    with products_made() as made:
        async with store.reading() as uow:
            first = await catalog.products_page(uow, 15)
    assert (first.page, first.pages, first.total) == (0, 3, 35)
    assert (first.has_previous, first.has_next, first.restarted) == (False, True, False)
    assert [p.sku for p in first.products] == skus[:15]
    assert made == skus[:15]  # the page, not the catalog
    assert not next(p for p in first.products if p.sku == "P-007").is_active

    async with store.reading() as uow:
        second = await catalog.products_page(uow, 15, page=1, after_id=first.products[-1].id)
        last = await catalog.products_page(uow, 15, page=2, after_id=second.products[-1].id)
        back = await catalog.products_page(uow, 15, page=1, before_id=last.products[0].id)
    assert second.page == 1 and [p.sku for p in second.products] == skus[15:30]
    assert (last.page, last.has_previous, last.has_next) == (2, True, False)
    assert [p.sku for p in last.products] == skus[30:]
    assert back == second
    tee = next(p for p in last.products if p.sku == "P-TEE")
    assert (tee.variants, tee.stock) == (2, 9)  # its stock is its sizes', summed


async def test_the_product_list_keeps_its_place_while_products_arrive(store: Store) -> None:
    """The admin is on page 2 when an import adds products before it: Next goes on from the
    last product shown, none skipped or shown twice, and Previous fills a whole page."""
    await _catalog(store)
    async with store.reading() as uow:
        first = await catalog.products_page(uow, 15)
        second = await catalog.products_page(uow, 15, page=1, after_id=first.products[-1].id)
    async with store.uow() as uow:
        earlier = [_product(n) | {"sku": f"A-{n:03d}"} for n in range(1, 5)]
        await upsert_rows(uow, parse_json(json.dumps(earlier)))
    async with store.reading() as uow:
        third = await catalog.products_page(uow, 15, page=2, after_id=second.products[-1].id)
        back = await catalog.products_page(uow, 15, page=0, before_id=second.products[0].id)
        start = await catalog.products_page(uow, 15, page=0, before_id=back.products[0].id)
    assert second.products[-1].sku == "P-030"
    assert [p.sku for p in third.products] == ["P-031", "P-032", "P-033", "P-034", "P-TEE"]
    assert (third.page, third.pages, third.total) == (2, 3, 39)
    assert [p.sku for p in back.products] == [f"P-{n:03d}" for n in range(1, 16)]
    assert (back.page, back.has_previous) == (1, True)  # not "page 1/3": the new ones are before
    assert [p.sku for p in start.products][3:5] == ["A-004", "P-001"]  # a whole first page
    assert (len(start.products), start.page, start.has_previous) == (15, 0, False)


async def test_a_stale_or_forged_page_button_gets_the_first_page_and_says_so(
    store: Store,
) -> None:
    await _catalog(store)
    async with store.reading() as uow:
        old_button = await catalog.products_page(uow, 15, page=2)  # "1:APL:2", before keysets
        forged = await catalog.products_page(uow, 15, page=1, after_id=99_999)
        first = await catalog.products_page(uow, 15)
    assert old_button.restarted and forged.restarted and not first.restarted
    assert old_button.products == forged.products == first.products
    assert old_button.page == forged.page == 0


async def test_an_empty_catalog_lists_one_empty_page(store: Store) -> None:
    async with store.reading() as uow:
        listing = await catalog.products_page(uow, 15, page=3)
    assert (listing.products, listing.page, listing.pages, listing.total) == ([], 0, 1, 0)
    assert not (listing.has_previous or listing.has_next)


async def test_the_export_read_in_chunks_is_the_whole_catalog_as_one_read_made_it(
    store: Store,
) -> None:
    await _catalog(store)
    async with store.reading() as uow:
        whole = rows_to_csv(await uow.products.list_all())
    out = io.BytesIO()
    with products_made() as made:
        async with store.snapshot() as uow:
            count = await catalog.export_catalog(uow, out, chunk=4)
    data = out.getvalue()
    assert data == whole and count == 35
    assert made == sorted(made) and len(made) == 35  # each product once, in SKU order
    rows = parse_csv(data)
    assert [r.sku for r in rows] == sorted([f"P-{n:03d}" for n in range(1, 35)] + ["P-TEE"])
    assert [v.sku for v in rows[-1].variants] == ["P-TEE-S", "P-TEE-M"]


async def test_an_import_applied_while_the_export_reads_is_wholly_out_of_the_file(
    store: Store,
) -> None:
    """The export reads a chunk at a time, beside the shop's writes. An admin's import that
    raises the first and the last product's price lands after the first chunk was read:
    the file shows the catalog as it was when the export began, both old prices, never
    one old and one new."""
    await _catalog(store)
    prices: dict[str, int] = {}
    async with store.snapshot() as uow:
        chunks = catalog.catalog_chunks(uow, chunk=4)
        first = await anext(chunks)
        prices.update((p.sku, p.price) for p in first)
        async with store.uow() as other:  # the import, committed meanwhile
            repriced = [_product(1) | {"price": "9.00"}, TEE | {"price": "99.00"}]
            await upsert_rows(other, parse_json(json.dumps(repriced)))
        async for products in chunks:
            prices.update((p.sku, p.price) for p in products)
    assert (prices["P-001"], prices["P-TEE"]) == (150, 2500)  # the catalog before the import
    assert len(prices) == 35

    async with store.snapshot() as uow:  # the next export has the import, wholly
        after = {p.sku: p.price async for chunk in catalog.catalog_chunks(uow) for p in chunk}
    assert (after["P-001"], after["P-TEE"]) == (900, 9900)


async def test_the_report_lists_the_lowest_stock_first_and_counts_the_rest(store: Store) -> None:
    """A shop with more low-stock units than a message holds lists the fewest available and
    says how many more there are, instead of losing the report's end to the length limit."""
    await _catalog(store)  # P-001..P-034 have 1..34 in stock (some hidden); the tee's sizes 4, 5
    threshold = 30
    async with store.reading() as uow:
        stats = await store_stats(uow, currency="USD", threshold=threshold)
    on_sale_and_low = [n for n in range(1, threshold + 1) if n % 7] + [4, 5]
    assert stats.low_stock_count == len(on_sale_and_low) == 28
    assert len(stats.low_stock) == LOW_STOCK_SHOWN == 20
    assert [line.available for line in stats.low_stock] == sorted(on_sale_and_low)[:20]
    assert [line.sku for line in stats.low_stock][:6] == [
        "P-001", "P-002", "P-003", "P-004", "P-TEE-S", "P-005",
    ]  # fmt: skip
    report = shop_report(stats)
    assert "… and 8 more (/export lists every product's stock)" in report
    assert len(report) < 4096


async def _plan(store: Store, items: list[dict[str, Any]]) -> tuple[CatalogFile, ImportPlan]:
    """An admin's file, checked and compared with the shop before the import's writing unit
    of work begins, as the bot does it (shoppers' writes go on meanwhile)."""
    upload = CatalogFile(parse_json(json.dumps(items)), ())
    async with store.snapshot() as uow:  # as plan_rows does on SQLite, here on both
        return upload, await plan_import(uow, upload.rows)


async def test_units_held_after_the_import_was_compared_still_refuse_a_lower_stock(
    store: Store,
) -> None:
    """The import compared P-010 (stock 10, none held) before it began writing; then a
    shopper's invoice held 4. Setting stock 3 would leave less than is held: refused,
    saying so, and nothing of the file written."""
    await _catalog(store)
    upload, plan = await _plan(store, [_product(10) | {"stock": 3}, _product(11) | {"price": "2"}])
    async with store.uow() as uow:
        p10 = await uow.products.get_by_sku("P-010")
        assert p10 is not None and await uow.products.reserve(p10.id, 4)
    with pytest.raises(CatalogError, match="below the 4 held by invoices"):
        async with store.uow() as uow:
            await catalog.import_rows(uow, "f.json", upload, actor=1, plan=plan)
    async with store.reading() as uow:
        stored = {p.sku: p for p in await uow.products.list_all()}
    assert (stored["P-010"].stock, stored["P-010"].reserved, stored["P-011"].price) == (10, 4, 150)


async def test_a_price_changed_after_the_import_was_compared_is_compared_again(
    store: Store,
) -> None:
    """The file gives P-012 at 1.50, as the shop had it when the import compared it; an
    admin's /price made it 2.00 before the import wrote. The import is applied as of when
    it writes: P-012 is updated back to the file's 1.50, and the report says so."""
    await _catalog(store)
    upload, plan = await _plan(store, [_product(12), _product(13)])
    async with store.uow() as uow:
        await catalog.set_price(uow, "P-012", 200, actor=1)
    async with store.uow() as uow:
        outcome = await catalog.import_rows(uow, "f.json", upload, actor=1, plan=plan)
    assert (outcome.report.updated, outcome.report.unchanged) == (["P-012"], ["P-013"])
    async with store.reading() as uow:
        p12 = await uow.products.get_by_sku("P-012")
    assert p12 is not None and p12.price == 150
