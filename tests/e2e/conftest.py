"""End-to-end fixtures: the real Application polling the Bot API stand-in over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo import STARS_CATALOG
from bot.standin.harness import ShopHarness
from tests.conftest import seeded_shop_in

ADMIN_ID = 9001


@pytest.fixture
async def harness(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    """A seeded shop (USD, Stripe-style provider token) with one admin."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(
        tmp_path, admin_ids=frozenset({ADMIN_ID}), payment_provider_token="TEST:provider"
    ) as h:
        yield h


@pytest.fixture
async def harness_on_each_backend(
    tmp_path: Path, seeded_database_url: str
) -> AsyncIterator[ShopHarness]:
    """A seeded shop with one admin, on SQLite and on PostgreSQL."""
    async with ShopHarness(
        tmp_path,
        database_url=seeded_database_url,
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
    ) as h:
        yield h


@pytest.fixture
async def stars_shop(tmp_path: Path) -> AsyncIterator[ShopHarness]:
    """The Telegram Stars shop of data/catalog-stars.json: every product is digital."""
    async with ShopHarness(
        tmp_path, catalog_path=STARS_CATALOG, currency="XTR", payment_provider_token=""
    ) as h:
        yield h


@pytest.fixture
async def stars_shop_with_admin(tmp_path: Path) -> AsyncIterator[ShopHarness]:
    """`stars_shop` with Ada (ADMIN_ID) as its admin."""
    async with ShopHarness(
        tmp_path,
        catalog_path=STARS_CATALOG,
        currency="XTR",
        payment_provider_token="",
        admin_ids=frozenset({ADMIN_ID}),
    ) as h:
        yield h
