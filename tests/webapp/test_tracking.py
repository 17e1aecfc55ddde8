"""Her shipped order on the storefront shows its tracking number, and 📦 Track parcel opens
the carrier's page (TRACKING_URL, the number URL-encoded) through Telegram, leaving the
shop's page where it was. Without TRACKING_URL the number shows alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.standin.harness import ShopHarness
from bot.store.models import Order
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import past_order
from tests.webapp.browser import Browser
from tests.webapp.conftest import init_data_for, storefront_settings, storefront_url

NUMBER = "RR 123/456 US"
PAGE = "https://www.17track.net/en/track?nums={number}"


@pytest.fixture
async def tracked(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    """The storefront of a shop that links tracking numbers to 17track."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, tracking_url=PAGE, **storefront_settings()) as h:
        yield h


async def shipped_with_number(shop: ShopHarness) -> int:
    """Alice's order of a mug, shipped with NUMBER."""
    order_id = await past_order(shop, 1001, {"KIT-MUG-CER": 1}, status="shipped")
    async with shop.store.uow() as uow:
        await uow.session.execute(
            update(Order).where(Order.id == order_id).values(tracking_number=NUMBER)
        )
    return order_id


async def open_her_order(shop: ShopHarness, browser: Browser, order_id: int) -> None:
    alice = shop.user(1001, "Alice")
    await browser.open_mini_app(storefront_url(shop), init_data_for(shop, alice))
    await browser.click("#to-orders")
    await browser.click(f".order-row[data-order-id='{order_id}']")
    await browser.find("#order[data-status='shipped']")


async def test_she_taps_track_parcel_and_telegram_opens_the_carriers_page(
    tracked: ShopHarness, browser: Browser
) -> None:
    order_id = await shipped_with_number(tracked)
    await open_her_order(tracked, browser, order_id)
    await browser.find("#tracking", f"Tracking number: {NUMBER}")
    await browser.click("#track-parcel", "📦 Track parcel")
    assert await browser.js("return window.__tg.links") == [
        "https://www.17track.net/en/track?nums=RR%20123%2F456%20US"
    ]
    await browser.find("#title", f"Order #{order_id}")  # the shop's page stays


async def test_without_a_tracking_page_the_number_shows_alone(
    shop: ShopHarness, browser: Browser
) -> None:
    order_id = await shipped_with_number(shop)
    await open_her_order(shop, browser, order_id)
    await browser.find("#tracking", f"Tracking number: {NUMBER}")
    assert await browser.js("return document.querySelector('#track-parcel')") is None
