"""On the page: Alice's cart of a mug asks when it should arrive, Checkout off until she taps
a time; the time she chose fills up before she checks out, so the page says so in the shop's
words and she chooses another, then Checkout opens the invoice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.services.order_summary import day_label
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from tests.conftest import seeded_shop_in
from tests.webapp.browser import Browser
from tests.webapp.conftest import a_mug_in_the_cart, storefront_settings

MORNING, AFTERNOON = "10:00-12:00", "14:00-16:00"
SLOTS = {
    "delivery_slots": (MORNING, AFTERNOON),
    "delivery_days_ahead": 2,
    "delivery_slot_capacity": 1,
}
EN = translator("en")


@pytest.fixture
async def bakery(tmp_path: Path, seeded_sqlite: Path) -> AsyncIterator[ShopHarness]:
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(tmp_path, **storefront_settings(**SLOTS)) as h:
        yield h


async def test_she_chooses_a_time_on_the_page_chooses_again_when_it_fills_and_checks_out(
    bakery: ShopHarness, browser: Browser
) -> None:
    tomorrow = utcnow().date() + timedelta(days=1)
    day = day_label(EN, tomorrow)
    await a_mug_in_the_cart(bakery, browser, bakery.user(1001, "Alice"))
    await browser.find("#delivery-ask", "🕒 Delivery time: choose one, then check out.")
    await browser.until("!window.__tg.main.isActive", "the Checkout button off")

    await browser.click(f".slot[data-key='{tomorrow} {MORNING}']", f"{day} · {MORNING}")
    await browser.find("#delivery-chosen", f"🕒 Delivery: {day}, {MORNING}")
    await browser.until("window.__tg.main.isActive", "the Checkout button on")

    async with bakery.store.uow() as uow:  # meanwhile another shopper took its one seat
        assert await uow.delivery_slots.take(tomorrow, MORNING, 1)
    await browser.click("#tg-main-button", "Checkout")
    await browser.find(
        "#delivery-refused", "That delivery time is no longer free. Please choose another one."
    )
    assert not await browser.js(
        f"return document.querySelector(\".slot[data-key='{tomorrow} {MORNING}']\")"
    )
    await browser.until("!window.__tg.main.isActive", "the Checkout button off again")
    assert await browser.js("return window.__tg.invoices.length") == 0

    await browser.click(f".slot[data-key='{tomorrow} {AFTERNOON}']", f"{day} · {AFTERNOON}")
    await browser.find("#delivery-chosen", f"🕒 Delivery: {day}, {AFTERNOON}")
    await browser.until("!document.getElementById('delivery-refused')", "the refusal gone")
    await browser.until("window.__tg.main.isActive", "the Checkout button rested")
    await browser.click("#tg-main-button", "Checkout")
    await browser.until("window.__tg.invoices.length === 1", "the invoice opened")
