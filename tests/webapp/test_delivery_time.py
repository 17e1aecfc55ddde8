"""The storefront of a shop that delivers itself: its checkout has no choice of time, so
without one it places no order, answers that she should choose it in the chat, and sends
her the chat's order summary with the times; once chosen there, the page's checkout goes
through and her order's page says when it arrives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.standin.harness import ShopHarness
from tests.conftest import seeded_shop_in
from tests.e2e.shopper import screen
from tests.webapp.conftest import (
    Page,
    init_data_for,
    product_id,
    storefront_settings,
    storefront_url,
)

SLOTS = {"delivery_slots": ("10:00-12:00", "14:00-16:00"), "delivery_days_ahead": 2}


@pytest.fixture
async def bakery(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **storefront_settings(**SLOTS)) as h:
        yield h


async def test_the_page_sends_her_to_the_chat_to_choose_a_time_then_takes_the_order(
    bakery: ShopHarness, http: aiohttp.ClientSession
) -> None:
    alice = bakery.user(1001, "Alice")
    page = Page(http, storefront_url(bakery), init_data_for(bakery, alice))
    await alice.send("/start")
    await alice.wait_for("Welcome")
    await page.add(await product_id(bakery, "KIT-MUG-CER"), 1)

    refused: Any = await page.ok("POST", "checkout")
    assert refused["status"] == "refused" and refused["delivery_time"] is True
    assert "Choose your delivery time on the order summary in your chat" in refused["notice"]
    assert (await page.ok("GET", "orders"))["orders"] == []  # no order without a time

    summary = await alice.wait_for("🕒 Delivery time: choose one below, then pay.")
    times = [b.label for b in summary.all_buttons if " · " in b.label and ":00-" in b.label]
    assert times and "Pay" not in screen(alice)
    await alice.press(times[0], message=summary)
    await alice.wait_for("🕒 Delivery:", include_existing=True)

    invoice: Any = await page.ok("POST", "checkout")
    assert invoice["status"] == "invoice"
    mine = await page.ok("GET", f"orders/{invoice['order_id']}")
    assert mine["delivery_text"].startswith("🕒 Delivery: ")
    assert times[0].split(" · ")[1] in mine["delivery_text"]
