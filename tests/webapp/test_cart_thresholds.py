"""The storefront's cart says what the chat's does about the shop's minimum order ($20.00)
and free standard shipping at home (from $50.00): `min_order_text` (its checkout off while it
is there) and `free_shipping_text`; a checkout below the minimum places no order and holds no
stock, answering with the rule's own words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.standin.harness import ShopHarness
from bot.store.models import Order
from tests.webapp.conftest import (
    Page,
    init_data_for,
    product_id,
    storefront_settings,
    storefront_url,
)

SHORT_BY_4 = "Minimum order: $20.00 — add $4.00 more to check out."


@pytest.fixture
async def shop(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop with its storefront on and a $20.00 minimum order, on SQLite and on
    PostgreSQL."""
    settings = storefront_settings(min_order=2000, free_shipping_over=5000)
    async with ShopHarness(tmp_path, database_url=migrated_database_url, **settings) as h:
        yield h


@pytest.fixture
async def alice(shop: ShopHarness) -> AsyncIterator[Page]:
    """Alice's page, signed for her."""
    async with aiohttp.ClientSession() as http:
        yield Page(http, storefront_url(shop), init_data_for(shop, shop.user(1001, "Alice")))


async def orders(shop: ShopHarness) -> int:
    async with shop.store.uow() as uow:
        return int(await uow.session.scalar(select(func.count(Order.id))) or 0)


async def test_the_cart_says_how_far_from_the_minimum_and_free_shipping(
    shop: ShopHarness, alice: Page
) -> None:
    mug = await product_id(shop, "KIT-MUG-CER")  # $16.00
    assert (await alice.cart())["min_order_text"] is None  # empty: nothing to say yet
    added = await alice.add(mug)
    assert added["cart"]["min_order_text"] == SHORT_BY_4
    cart = await alice.cart()
    assert cart["min_order_text"] == SHORT_BY_4
    assert cart["free_shipping_text"] == "🚚 Add $34.00 more for free standard shipping (US)."

    refused = await alice.ok("POST", "checkout")
    assert refused["status"] == "refused" and refused["notice"] == SHORT_BY_4
    assert await orders(shop) == 0
    async with shop.store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.reserved == 0

    await alice.add(mug, 3)  # $64.00
    cart = await alice.cart()
    assert cart["min_order_text"] is None
    assert cart["free_shipping_text"] == "🚚 Free standard shipping (US)."
    invoice: Any = await alice.ok("POST", "checkout")
    assert invoice["status"] == "invoice" and await orders(shop) == 1
