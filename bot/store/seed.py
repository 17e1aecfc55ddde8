"""Seed the catalog from data/catalog.json: on first start, and on demand (idempotent)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.store.catalog_file import ImportReport, read_file, upsert_rows
from bot.store.models import Product
from bot.store.uow import Store


async def seed_catalog(store: Store, path: Path, *, currency: str | None = None) -> ImportReport:
    """Upsert every product of the file by SKU in one transaction, all or nothing: rows
    are written as they are checked, and a bad row anywhere rolls back every one.
    `currency`: the shop's, which every row must be in. On PostgreSQL it waits for its turn
    as an admin's import does (`take_import_turn`): a seed during one would collide with its
    new rows."""
    rows = read_file(path, currency=currency)  # a file that cannot be read or parsed raises here
    async with store.uow() as uow:
        await uow.products.take_import_turn(wait=True)
        report = await upsert_rows(uow, rows)
        await uow.products.after_bulk_load()
    await store.vacuum_catalog()
    return report


async def seed_if_empty(
    store: Store, path: Path, *, currency: str | None = None
) -> ImportReport | None:
    """Seed an empty shop; leave a shop that has products alone."""
    async with store.uow() as uow:
        count = await uow.session.scalar(select(func.count(Product.id)))
    if count:
        return None
    return await seed_catalog(store, path, currency=currency)
