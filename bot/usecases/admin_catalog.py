"""The admin's catalog: prices, stock, visibility, the product list, catalog files and the
shop report. The checks and the audit are the service's (bot.services.admin_catalog); each
function here is one unit of work and returns plain data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import (
    BundleSet,
    ImportOutcome,
    PriceSet,
    ProductFacts,
    ProductList,
    StockChange,
    StockResult,
    TaxRateSet,
    TiersSet,
)
from bot.services.reports import StoreStats, store_stats
from bot.shop import Shop
from bot.store.models import utcnow

PAGE_SIZE = 15


@dataclass(frozen=True)
class CatalogExport:
    """The catalog file, in a temporary file at its start: whoever sends it closes it."""

    file: IO[bytes]
    file_name: str
    count: int


async def product_page(
    shop: Shop, page: int = 0, *, after_id: int = 0, before_id: int = 0
) -> ProductList:
    """A reading unit: the list waits for no writer, and no shopper waits for it. The page
    after or before a product of the page shown (`catalog.products_page`)."""
    async with shop.store.reading() as uow:
        return await catalog.products_page(
            uow, PAGE_SIZE, page=page, after_id=after_id, before_id=before_id
        )


async def set_price(shop: Shop, admin_id: int, sku: str, amount: str) -> PriceSet:
    """`amount` as the admin typed it ("14.50"), in the product's own currency; a price not
    below the product's regular one ends its sale (`PriceSet.sale_ended`)."""
    async with shop.store.uow() as uow:
        product = await catalog.product_by_sku(uow, sku)
        price = catalog.parse_price(amount, product.currency)
        return await catalog.set_price(uow, sku, price, actor=admin_id)


async def set_tax_rate(shop: Shop, admin_id: int, sku: str, rate: str) -> TaxRateSet:
    """`rate` as typed: "5", "7.7", or "default" (the shop's TAX_RATE again)."""
    parsed = catalog.parse_tax_rate(rate)
    async with shop.store.uow() as uow:
        return await catalog.set_tax_rate(uow, sku, parsed, actor=admin_id)


async def set_tiers(shop: Shop, admin_id: int, sku: str, words: Sequence[str]) -> TiersSet:
    """/tiers SKU [3:10% 6:15% | off]: `words` as typed after the SKU; none shows them."""
    tiers = catalog.parse_tiers_words(words)
    async with shop.store.uow() as uow:
        if tiers is None:
            return await catalog.show_tiers(uow, sku)
        return await catalog.set_tiers(uow, sku, tiers, actor=admin_id)


async def set_bundle(shop: Shop, admin_id: int, sku: str, words: Sequence[str]) -> BundleSet:
    """/bundle SKU [PART:2 PART:1 | off]: `words` as typed after the SKU; none shows them."""
    named = catalog.parse_bundle_words(words)
    async with shop.store.uow() as uow:
        if named is None:
            return await catalog.show_bundle(uow, sku)
        return await catalog.set_bundle(uow, sku, named, actor=admin_id)


async def change_stock(shop: Shop, admin_id: int, sku: str, change: str) -> StockResult:
    """`change` as typed: "10" sets the stock, "+5" / "-2" adjust it."""
    parsed = StockChange.parse(change)
    async with shop.store.uow() as uow:
        return await catalog.change_stock(uow, sku, parsed, actor=admin_id)


async def set_visibility(shop: Shop, admin_id: int, sku: str, active: bool) -> ProductFacts:
    async with shop.store.uow() as uow:
        return ProductFacts.of(await catalog.set_visibility(uow, sku, active, actor=admin_id))


async def import_file(
    shop: Shop,
    admin_id: int,
    file_name: str,
    data: bytes,
    waiting: Callable[[], Awaitable[object]] | None = None,
) -> ImportOutcome:
    """Validate the whole file, then apply every row, or nothing (CatalogError, AdminInputError).

    The file is read and checked on a worker thread before the unit of work begins: a file of
    up to 20 MB (some 90,000 products) takes seconds to check, which neither the event loop
    nor, on SQLite, every shopper's write (the unit's writer lock) should wait for. There its
    rows are then compared with the shop in a snapshot, beside the shop's writes
    (`plan_rows`), so the writing unit compares again only the products changed meanwhile
    (2.2-3.0 s -> 0.6-0.8 s of every shopper's writes waiting at 90,000 products); on
    PostgreSQL nothing waits for the import's writing, and comparing first would double it.
    Download files are looked up beside the catalog file, as when seeding. Imports are
    applied one at a time (`take_import_turn`): `waiting` is told when this one waits.
    """
    files_dir = shop.settings.catalog_path.parent
    rows = await asyncio.to_thread(
        catalog.read_catalog_file, file_name, data, files_dir, currency=shop.settings.currency
    )
    plan = await catalog.plan_rows(shop.store, rows)
    async with shop.store.uow() as uow:
        if not await uow.products.take_import_turn(wait=False):
            if waiting is not None:
                await waiting()  # another admin's import is being applied: say so, then wait
            await uow.products.take_import_turn(wait=True)
        return await catalog.import_rows(uow, file_name, rows, actor=admin_id, plan=plan)


async def export_file(shop: Shop, now: datetime | None = None) -> CatalogExport:
    """The catalog at one moment (a snapshot: a product changed while it is read, or an
    import applied meanwhile, is wholly in the file or wholly out), read a chunk at a time
    beside the shop's writes, written to a temporary file (on disk past a megabyte), so
    memory does not grow with the catalog. Zipped past the 50 MB a bot may send."""
    name = f"catalog-{now or utcnow():%Y%m%d-%H%M}.csv"
    out = catalog.spooled_file()
    try:
        async with shop.store.snapshot() as uow:
            count = await catalog.export_catalog(uow, out, taxed=shop.settings.tax_on)
        if out.tell() > catalog.MAX_SEND_BYTES:  # more than a bot may send: zipped, off the loop
            name, out = await asyncio.to_thread(catalog.zip_export, name, out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return CatalogExport(out, name, count)


async def report(shop: Shop) -> StoreStats:
    """Revenue, orders, top products and low stock, in the shop's currency."""
    settings = shop.settings
    async with shop.store.uow() as uow:
        return await store_stats(
            uow,
            currency=settings.currency,
            threshold=settings.low_stock_threshold,
            zone=settings.zone,
            tax_label=settings.shown_tax_label,
        )
