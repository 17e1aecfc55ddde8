"""Her order to collect at the Main Street shop, on the storefront's order page: the place she
chose where a delivered order shows its shipping, and the status in pickup words (🏬 Ready for
pickup, then 🛍️ Collected), in the list of her orders too. A place the shop no longer offers
reads "Pickup point 7 (no longer offered)", never "pickup:7"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import PickupPoint
from bot.standin.harness import ShopHarness
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import collected_at, past_order
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, storefront_settings, storefront_url

ALICE = 1001
PLACE = "Main Street shop, 12 Main St, Springfield, open 9-18"


@pytest.fixture
async def shop(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    """The storefront of a shop with one pickup point, the Main Street shop."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    point = PickupPoint("Main Street shop", "12 Main St, Springfield, open 9-18")
    async with ShopHarness(tmp_path, pickup_points=(point,), **storefront_settings()) as h:
        yield h


async def to_collect(shop: ShopHarness, status: str, option: str, place: str | None) -> int:
    """Alice's mug, paid to collect at `option` (her order keeping `place`), now `status`."""
    order_id = await past_order(shop, ALICE, {"KIT-MUG-CER": 1}, status=status)
    await collected_at(shop, order_id, option, place)
    return order_id


async def open_her_order(shop: ShopHarness, browser: Browser, order_id: int, row: str) -> None:
    """Alice opens the storefront, her orders (the order's row reading `row`), and the order."""
    alice = shop.user(ALICE, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click("#to-orders")
    await browser.find(f".order-row[data-order-id='{order_id}']", row)
    await browser.click(f".order-row[data-order-id='{order_id}']")
    await browser.find("#title", f"Order #{order_id}")


@pytest.mark.parametrize(
    ("status", "option", "kept", "label", "pickup_line", "not_shown"),
    [
        ("shipped", "pickup:1", PLACE, "🏬 Ready for pickup", f"Pick up at {PLACE}", "Shipped"),
        (  # a place the shop no longer offers, kept without words
            "delivered",
            "pickup:7",
            None,
            "🛍️ Collected",
            "Pick up at Pickup point 7 (no longer offered)",
            "Delivered",
        ),
    ],
)
async def test_her_order_page_names_where_she_collects_it(
    shop: ShopHarness,
    browser: Browser,
    status: str,
    option: str,
    kept: str | None,
    label: str,
    pickup_line: str,
    not_shown: str,
) -> None:
    order_id = await to_collect(shop, status, option, kept)
    await open_her_order(shop, browser, order_id, label)
    await browser.find("#order .status", label)
    await browser.find("#pickup", pickup_line)
    page = await browser.js("return document.querySelector('#order').innerText")
    assert not_shown not in page and "Shipping:" not in page and option not in page
