"""The admin's catalog: prices, stock, visibility, the product list, catalog files and the
shop report. The checks and the audit are the service's (bot.services.admin_catalog); each
function here is one unit of work and returns plain data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from bot.services import admin_catalog as catalog
from bot.services.admin_catalog import ImportOutcome, ProductFacts, StockChange, StockResult
from bot.services.reports import StoreStats, store_stats
from bot.shop import Shop
from bot.store.models import utcnow

PAGE_SIZE = 15


@dataclass(frozen=True)
class ProductList:
    """One page of every product, hidden ones too."""

    products: list[ProductFacts]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class CatalogExport:
    data: bytes
    file_name: str
    count: int


async def product_page(shop: Shop, page: int) -> ProductList:
    async with shop.store.uow() as uow:
        products = [
            ProductFacts.of(p, p.variants if p.has_variants else ())
            for p in await catalog.list_products(uow)
        ]
    pages = max(1, math.ceil(len(products) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = products[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    return ProductList(shown, page, pages, len(products))


async def set_price(shop: Shop, admin_id: int, sku: str, amount: str) -> ProductFacts:
    """`amount` as the admin typed it ("14.50"), in the product's own currency."""
    async with shop.store.uow() as uow:
        product = await catalog.product_by_sku(uow, sku)
        price = catalog.parse_price(amount, product.currency)
        return ProductFacts.of(await catalog.set_price(uow, sku, price, actor=admin_id))


async def change_stock(shop: Shop, admin_id: int, sku: str, change: str) -> StockResult:
    """`change` as typed: "10" sets the stock, "+5" / "-2" adjust it."""
    parsed = StockChange.parse(change)
    async with shop.store.uow() as uow:
        return await catalog.change_stock(uow, sku, parsed, actor=admin_id)


async def set_visibility(shop: Shop, admin_id: int, sku: str, active: bool) -> ProductFacts:
    async with shop.store.uow() as uow:
        return ProductFacts.of(await catalog.set_visibility(uow, sku, active, actor=admin_id))


async def import_file(shop: Shop, admin_id: int, file_name: str, data: bytes) -> ImportOutcome:
    """Validate the whole file, then apply every row, or nothing (CatalogError, AdminInputError).

    Download files are looked up beside the catalog file, as when seeding.
    """
    files_dir = shop.settings.catalog_path.parent
    async with shop.store.uow() as uow:
        return await catalog.import_catalog(
            uow, file_name, data, actor=admin_id, files_dir=files_dir
        )


async def export_file(shop: Shop, now: datetime | None = None) -> CatalogExport:
    async with shop.store.uow() as uow:
        data = await catalog.export_catalog(uow)
        count = len(await catalog.list_products(uow))
    return CatalogExport(data, f"catalog-{now or utcnow():%Y%m%d-%H%M}.csv", count)


async def report(shop: Shop) -> StoreStats:
    """Revenue, orders, top products and low stock, in the shop's currency."""
    settings = shop.settings
    async with shop.store.uow() as uow:
        return await store_stats(
            uow, currency=settings.currency, threshold=settings.low_stock_threshold
        )
