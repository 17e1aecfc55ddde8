"""Shopper service fixtures: the seed catalog on both backends, and a customer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.store.models import Product
from bot.store.seed import seed_catalog
from bot.store.uow import Store
from tests.conftest import CATALOG_PATH


@dataclass(frozen=True)
class Shopfront:
    store: Store
    customer_id: int

    async def product_id(self, sku: str) -> int:
        async with self.store.uow() as uow:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            return product.id

    async def update_product(self, sku: str, **values: object) -> None:
        async with self.store.uow() as uow:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            for name, value in values.items():
                setattr(product, name, value)


@pytest.fixture
async def shopfront(store: Store) -> Shopfront:
    """The seed catalog (30 products) and one customer, on SQLite and PostgreSQL."""
    await seed_catalog(store, CATALOG_PATH)
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(1001, first_name="Alice")
    return Shopfront(store, customer.id)


async def add_products(store: Store, count: int, *, category: str = "Mugs") -> list[int]:
    """`count` products "Mug 01".. in one category, for pagination."""
    ids = []
    async with store.uow() as uow:
        cat = await uow.categories.get_or_create(category.lower(), category)
        for i in range(1, count + 1):
            product = await uow.products.add(
                Product(
                    sku=f"MUG-{i:02d}",
                    title=f"Mug {i:02d}",
                    description="A plain mug",
                    category_id=cat.id,
                    price=1000 + i,
                    currency="USD",
                    stock=5,
                )
            )
            ids.append(product.id)
    return ids
