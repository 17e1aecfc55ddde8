"""Seed the catalog from data/catalog.json: on first start, and on demand (idempotent)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import func, select

from bot.store.catalog_file import (
    CatalogRow,
    ImportReport,
    plan_beside_writes,
    read_file,
    upsert_rows,
)
from bot.store.models import Product
from bot.store.uow import Store


async def seed_catalog(store: Store, path: Path, *, currency: str | None = None) -> ImportReport:
    """Upsert every product of the file by SKU in one transaction, all or nothing: a bad row
    anywhere rolls back every one. On PostgreSQL rows are written as they are checked; on
    SQLite they are checked, then compared with the shop in a snapshot as an admin's import
    does (`plan_beside_writes`), so shoppers' writes wait only for the writing itself.
    `currency`: the shop's, which every row must be in. On PostgreSQL it waits for its turn
    as an admin's import does (`take_import_turn`): a seed during one would collide with its
    new rows."""
    rows: Iterable[CatalogRow] = read_file(path, currency=currency)  # unreadable: raises here
    plan = None
    if store.one_writer:
        rows = list(rows)  # every row checked (a bad one raises) before any is compared
        plan = await plan_beside_writes(store, rows)
    async with store.uow() as uow:
        await uow.products.take_import_turn(wait=True)
        report = await upsert_rows(uow, rows, plan)
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
