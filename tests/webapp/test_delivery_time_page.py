"""The storefront of a bakery that delivers itself chooses her delivery time on the page:
the cart offers the windows free now (the chat's rule: full, closed and past cut-off ones are
not), POST api/delivery_time keeps her choice on the cart the chat shares, a time not free is
refused in the chat's words, and checkout goes through only with a time, which her order
keeps. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.i18n import translator
from bot.services import delivery_slots
from bot.services.order_summary import day_label
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from tests.e2e.shopper import open_order_summary, screen
from tests.webapp.conftest import (
    Page,
    init_data_for,
    product_id,
    storefront_settings,
    storefront_url,
)

MIDNIGHT, MORNING, AFTERNOON = "00:00-01:00", "10:00-12:00", "14:00-16:00"
# Today's midnight window is always past its cut-off; tomorrow's morning never is.
SLOTS = {
    "delivery_slots": (MIDNIGHT, MORNING, AFTERNOON),
    "delivery_days_ahead": 2,
    "delivery_slot_capacity": 1,
}
NOT_FREE = "That delivery time is no longer free. Please choose another one."
EN = translator("en")


@pytest.fixture
async def bakery(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    settings = storefront_settings(**SLOTS)
    async with ShopHarness(tmp_path, database_url=seeded_database_url, **settings) as h:
        yield h


@pytest.fixture
async def alice(bakery: ShopHarness, http: aiohttp.ClientSession) -> Page:
    """Alice's page, a mug in her cart (goods to deliver)."""
    user = bakery.user(1001, "Alice")
    await user.send("/start")
    await user.wait_for("Welcome")
    page = Page(http, storefront_url(bakery), init_data_for(bakery, user))
    await page.add(await product_id(bakery, "KIT-MUG-CER"), 1)
    return page


def _tomorrow() -> date:
    return utcnow().date() + timedelta(days=1)


def _time(day: date, window: str) -> dict[str, str]:
    return {"day": day.isoformat(), "window": window}


async def _slot_of_cart(h: ShopHarness, telegram_id: int) -> str | None:
    async with h.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        assert customer is not None
        return (await uow.carts.get_for_customer(customer.id)).delivery_slot


async def _orders(page: Page) -> list[Any]:
    return list((await page.ok("GET", "orders"))["orders"])


async def test_the_cart_offers_the_windows_free_now_and_checkout_waits_for_one(
    bakery: ShopHarness, alice: Page
) -> None:
    assert bakery.shop is not None
    async with bakery.store.reading() as uow:
        free = await delivery_slots.open_slots(uow, bakery.shop.settings, utcnow())
    delivery = (await alice.cart())["delivery"]
    assert delivery["chosen"] is None and delivery["chosen_text"] is None
    assert delivery["choose_text"] == "🕒 Delivery time: choose one, then check out."
    offered = [(slot["day"], slot["window"]) for slot in delivery["offered"]]
    assert offered == [(s.day.isoformat(), s.window) for s in free]
    assert (utcnow().date().isoformat(), MIDNIGHT) not in offered  # past its cut-off
    tomorrow = _tomorrow()
    label = f"{day_label(EN, tomorrow)} · {MORNING}"
    assert {"key": f"{tomorrow} {MORNING}", **_time(tomorrow, MORNING), "label": label} in (
        delivery["offered"]
    )

    cart = await alice.cart()
    refused = await alice.ok(
        "POST", "checkout", {"fingerprint": cart["fingerprint"], "delivery": None}
    )
    assert refused["status"] == "refused" and refused["delivery_time"] is True
    assert refused["notice"] == "🕒 Delivery time: choose one, then check out."
    assert refused["delivery"]["offered"] == delivery["offered"]
    assert await _orders(alice) == []  # no order without a time
    alice_chat = bakery.user(1001, "Alice")
    assert "choose one below" not in screen(alice_chat)  # the page chooses: no summary sent


async def test_she_chooses_on_the_page_the_chat_shows_it_and_her_order_keeps_it(
    bakery: ShopHarness, alice: Page
) -> None:
    tomorrow = _tomorrow()
    chosen = await alice.ok("POST", "delivery_time", _time(tomorrow, MORNING))
    line = f"🕒 Delivery: {day_label(EN, tomorrow)}, {MORNING}"
    assert chosen["done"] is True and chosen["notice"] == line
    assert chosen["cart"]["delivery"]["chosen"]["key"] == f"{tomorrow} {MORNING}"
    assert chosen["cart"]["delivery"]["chosen_text"] == line
    assert await _slot_of_cart(bakery, 1001) == f"{tomorrow} {MORNING}"

    chat = bakery.user(1001, "Alice")  # the chat's summary shows the page's choice...
    await open_order_summary(chat)
    assert line in screen(chat) and "💳 Pay" in screen(chat)
    await chat.press("🕒 Change delivery time")  # ...and the page the chat's change
    await chat.wait_for("🕒 Delivery time: choose one below, then pay.", include_existing=True)
    assert (await alice.cart())["delivery"]["chosen"] is None

    afternoon = await alice.ok("POST", "delivery_time", _time(tomorrow, AFTERNOON))
    assert afternoon["cart"]["delivery"]["chosen"]["window"] == AFTERNOON
    cart = afternoon["cart"]
    key = cart["delivery"]["chosen"]["key"]
    invoice = await alice.ok(
        "POST", "checkout", {"fingerprint": cart["fingerprint"], "delivery": key}
    )
    assert invoice["status"] == "invoice"
    mine = await alice.ok("GET", f"orders/{invoice['order_id']}")
    assert mine["delivery_text"] == f"🕒 Delivery: {day_label(EN, tomorrow)}, {AFTERNOON}"
    async with bakery.store.reading() as uow:
        seat = await uow.delivery_slots.get(tomorrow, AFTERNOON)
    assert seat is not None and seat.taken == 1


async def test_a_full_closed_past_or_forged_time_is_refused_in_the_chats_words(
    bakery: ShopHarness, alice: Page
) -> None:
    assert bakery.shop is not None
    tomorrow, today = _tomorrow(), utcnow().date()
    await alice.ok("POST", "delivery_time", _time(tomorrow, AFTERNOON))  # her choice so far
    async with bakery.store.uow() as uow:
        assert await uow.delivery_slots.take(tomorrow, MORNING, 1)  # full (one a window)
        await delivery_slots.set_closed(uow, bakery.shop.settings, tomorrow, MIDNIGHT, True)
    refused = [
        _time(tomorrow, MORNING),  # full
        _time(tomorrow, MIDNIGHT),  # closed by /slots close
        _time(today, MIDNIGHT),  # past its cut-off
        _time(today - timedelta(days=1), MORNING),  # a day not offered
        _time(tomorrow + timedelta(days=5), MORNING),  # nor this one
        _time(tomorrow, "11:00-13:00"),  # not one of the shop's windows
    ]
    for time in refused:
        status, answer = await alice.call("POST", "delivery_time", time)
        assert (status, answer["error"]) == (409, NOT_FREE), time
        assert answer["done"] is False and answer["notice"] == NOT_FREE
        assert answer["cart"]["delivery"]["chosen"] is None  # her former choice forgotten
        offered = [(s["day"], s["window"]) for s in answer["cart"]["delivery"]["offered"]]
        assert (time["day"], time["window"]) not in offered
    assert await _slot_of_cart(bakery, 1001) is None


async def test_malformed_times_are_refused_saying_what_it_takes(alice: Page) -> None:
    day = "day is required: the delivery day, written as 2026-12-07."
    window = "window is required: a delivery window, written as 10:00-12:00."
    tomorrow = _tomorrow().isoformat()
    for body, said in [
        ({"window": MORNING}, day),
        ({"day": "7 Dec", "window": MORNING}, day),
        ({"day": "20261207", "window": MORNING}, day),  # a date, not written as asked
        ({"day": "2026-02-30", "window": MORNING}, day),
        ({"day": 20261207, "window": MORNING}, day),
        ({"day": tomorrow}, window),
        ({"day": tomorrow, "window": "10-12"}, window),
        ({"day": tomorrow, "window": 10}, window),
        ([tomorrow, MORNING], "The body must be a JSON object."),
    ]:
        status, answer = await alice.call("POST", "delivery_time", body)
        assert (status, answer["error"]) == (400, said), body
    status, answer = await alice.call("POST", "checkout", {"delivery": 7})
    assert status == 400
    assert answer["error"] == "delivery must be the delivery time the page shows, or null."


async def test_a_time_that_filled_up_meanwhile_is_refused_at_checkout_to_choose_again(
    bakery: ShopHarness, alice: Page
) -> None:
    tomorrow = _tomorrow()
    chosen = await alice.ok("POST", "delivery_time", _time(tomorrow, MORNING))
    async with bakery.store.uow() as uow:  # another shopper took the last seat
        assert await uow.delivery_slots.take(tomorrow, MORNING, 1)
    cart = chosen["cart"]
    body = {"fingerprint": cart["fingerprint"], "delivery": cart["delivery"]["chosen"]["key"]}
    refused = await alice.ok("POST", "checkout", body)
    assert refused["status"] == "refused" and refused["notice"] == NOT_FREE
    assert refused["delivery"]["chosen"] is None
    offered = [(s["day"], s["window"]) for s in refused["delivery"]["offered"]]
    assert (tomorrow.isoformat(), MORNING) not in offered and offered
    assert await _orders(alice) == []

    again = await alice.ok("POST", "delivery_time", _time(tomorrow, AFTERNOON))
    body = {"fingerprint": again["cart"]["fingerprint"], "delivery": f"{tomorrow} {AFTERNOON}"}
    assert (await alice.ok("POST", "checkout", body))["status"] == "invoice"


async def test_a_cart_with_nothing_to_deliver_has_no_time_to_choose(
    bakery: ShopHarness, alice: Page
) -> None:
    await alice.ok("DELETE", "cart")
    status, answer = await alice.call("POST", "delivery_time", _time(_tomorrow(), MORNING))
    assert status == 409
    assert answer["error"].startswith("This cart has nothing to deliver at a time")
    assert await _slot_of_cart(bakery, 1001) is None


async def test_a_checkout_showing_another_time_than_the_chat_chose_since_is_not_paid(
    bakery: ShopHarness, alice: Page
) -> None:
    tomorrow = _tomorrow()
    shown = await alice.ok("POST", "delivery_time", _time(tomorrow, MORNING))
    chat = bakery.user(1001, "Alice")  # meanwhile, in the chat, the afternoon instead
    await open_order_summary(chat)
    await chat.press("🕒 Change delivery time")
    await chat.press(f"{day_label(EN, tomorrow)} · {AFTERNOON}")
    await chat.wait_for(
        f"🕒 Delivery: {day_label(EN, tomorrow)}, {AFTERNOON}", include_existing=True
    )

    cart = shown["cart"]
    body = {"fingerprint": cart["fingerprint"], "delivery": cart["delivery"]["chosen"]["key"]}
    refused = await alice.ok("POST", "checkout", body)
    assert refused["status"] == "refused"
    assert refused["notice"] == "Your cart changed just now. Please check out again."
    assert refused["delivery"]["chosen"]["window"] == AFTERNOON
    assert await _orders(alice) == []
    body["delivery"] = refused["delivery"]["chosen"]["key"]
    assert (await alice.ok("POST", "checkout", body))["status"] == "invoice"


async def test_while_the_chats_invoice_waits_the_page_changes_no_time(
    bakery: ShopHarness, alice: Page
) -> None:
    tomorrow = _tomorrow()
    await alice.ok("POST", "delivery_time", _time(tomorrow, MORNING))
    chat = bakery.user(1001, "Alice")
    await open_order_summary(chat)
    await chat.press("Pay")
    await chat.wait_for(lambda m: m.invoice is not None, include_existing=True)

    status, answer = await alice.call("POST", "delivery_time", _time(tomorrow, AFTERNOON))
    assert status == 409 and answer["error"].startswith(
        "An invoice is already waiting in your chat"
    )
    status, answer = await alice.call("DELETE", "delivery_time")
    assert status == 409 and answer["error"].startswith(
        "An invoice is already waiting in your chat"
    )
    assert await _slot_of_cart(bakery, 1001) == f"{tomorrow} {MORNING}"
