"""A bakery that delivers itself: the shopper chooses when her order arrives on the order
summary, pays with a card (localstripe), and sees the time on her receipt and order; the
admins' alert names it. A time that filled up while the summary was open, or a forged button,
is refused with the summary drawn again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.callback_data import ChooseSlot
from bot.i18n import translator
from bot.services import delivery_slots
from bot.services.order_summary import day_label
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import DeliverySlot, Order, utcnow
from tests.e2e.shopper import open_order, open_order_summary, screen
from tests.payments.conftest import (
    ADMIN_ID,
    StripeTestAccount,
    add_product,
    card_shop,
    fill_cart,
    stars_harness,
)

ALICE, BOB = 1001, 1002
MORNING = "10:00-12:00"
EN = translator("en")


@pytest.fixture
async def bakery(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    """A card shop (UTC) delivering in two windows a day for two days, one order a window."""
    async with card_shop(
        tmp_path,
        localstripe,
        delivery_slots=(MORNING, "14:00-16:00"),
        delivery_slot_capacity=1,
        delivery_days_ahead=2,
    ) as h:
        yield h


def _tomorrow_morning() -> str:
    """The button of tomorrow's morning window ("Mon, Dec 7 · 10:00-12:00"): open whenever
    the test runs, as a window is offered until an hour before it starts."""
    return f"{day_label(EN, utcnow().date() + timedelta(days=1))} · {MORNING}"


async def _summary_with_a_loaf(h: ShopHarness, shopper: FakeUser) -> None:
    assert h.shop is not None
    loaf = await add_product(h.shop, f"LOAF{shopper.user_id}", price=1600, title="Sourdough")
    await shopper.send("/start")
    await fill_cart(h.shop, shopper.user_id, {loaf: 1})
    await open_order_summary(shopper)


async def test_alice_chooses_tomorrow_morning_pays_and_sees_it_everywhere(
    bakery: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    h = bakery
    admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
    await _summary_with_a_loaf(h, alice)
    summary = screen(alice)
    assert "🕒 Delivery time: choose one below, then pay." in summary
    assert "Pay" not in summary  # no 💳 Pay until a time is chosen
    assert f"[{_tomorrow_morning()}]" in summary

    await alice.press(_tomorrow_morning())
    when = f"🕒 Delivery: {day_label(EN, utcnow().date() + timedelta(days=1))}, {MORNING}"
    await alice.wait_for(when, include_existing=True)
    summary = screen(alice)
    assert "[🕒 Change delivery time]" in summary and "💳 Pay $16.00" in summary

    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    charge = await stripe_account.charge(2100)  # $16 + $5 standard shipping
    result = await alice.pay(shipping_option_id="standard", provider_payment_charge_id=charge)
    assert result.ok, result
    receipt = await alice.wait_for("Payment received")
    assert when in (receipt.text or "")
    alert = await admin.wait_for("New paid order")
    assert when in (alert.text or "")

    await open_order(alice, 1)
    await alice.wait_for(when, include_existing=True)
    async with h.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
        assert customer is not None
        assert (await uow.carts.get_for_customer(customer.id)).delivery_slot is None


async def test_a_time_taken_while_the_summary_was_open_is_refused_and_asked_again(
    bakery: ShopHarness,
) -> None:
    """Alice and Bob both look at tomorrow morning's last seat; Bob chooses it and places his
    order first; Alice's press is refused, her summary drawn again without it. A forged
    button is refused the same way."""
    h = bakery
    alice, bob = h.user(ALICE, "Alice"), h.user(BOB, "Bob")
    await _summary_with_a_loaf(h, alice)
    stale = alice.last_message
    await _summary_with_a_loaf(h, bob)
    await bob.press(_tomorrow_morning())
    await bob.wait_for("🕒 Delivery:", include_existing=True)
    await bob.press("Pay")
    await bob.wait_for(lambda m: m.invoice is not None, include_existing=True)

    await alice.press(_tomorrow_morning(), message=stale)
    refused = await alice.wait_for("no longer free", include_existing=True)
    assert "choose one below" in (refused.text or "")
    assert f"[{_tomorrow_morning()}]" not in screen(alice)
    assert "Pay" not in screen(alice)

    assert alice.last_message is not None
    await alice.press_data(alice.last_message, ChooseSlot(20261399, 1000, 1200).encode())
    await alice.wait_for("no longer free", include_existing=True)
    async with h.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
        assert customer is not None
        assert (await uow.carts.get_for_customer(customer.id)).delivery_slot is None


async def test_when_every_window_is_taken_the_summary_says_so_and_offers_no_pay(
    bakery: ShopHarness,
) -> None:
    h = bakery
    assert h.shop is not None
    alice = h.user(ALICE, "Alice")
    async with h.store.uow() as uow:  # every window of both days booked (capacity 1)
        for state in await delivery_slots.states(uow, h.shop.settings, utcnow()):
            await uow.delivery_slots.take(state.day, state.window, 1)
    await _summary_with_a_loaf(h, alice)
    summary = screen(alice)
    assert "🕒 No delivery times are free in the next 2 days." in summary
    assert "Pay" not in summary
    assert alice.last_message is not None
    assert not [b.label for b in alice.last_message.all_buttons if " · " in b.label]


async def test_a_stars_shop_with_delivery_times_ships_nothing_so_asks_no_time(
    tmp_path: Path, migrated_database_url: str
) -> None:
    """DELIVERY_SLOTS set in a Telegram Stars shop. Telegram Stars invoices cannot ask for a
    shipping address, so such a shop sells nothing that ships and no order of it has a time
    to choose: Alice's sourdough is refused on her summary (no 💳 Pay, which would only be
    refused), before any time is asked or seat taken; Bob's Brewing Guide (a download) is paid
    in Stars with no time asked, his receipt naming none."""
    async with stars_harness(
        tmp_path,
        database_url=migrated_database_url,
        delivery_slots=(MORNING, "14:00-16:00"),
        delivery_slot_capacity=1,
    ) as h:
        assert h.shop is not None
        alice, bob = h.user(ALICE, "Alice"), h.user(BOB, "Bob")
        loaf = await add_product(h.shop, "LOAF", price=50, currency="XTR", title="Sourdough")
        await alice.send("/start")
        await fill_cart(h.shop, ALICE, {loaf: 1})
        await alice.send("/cart")
        await alice.wait_for("Your cart")
        await alice.press("Checkout")
        refused = await alice.wait_for("cannot ask for a shipping address", include_existing=True)
        assert "Sourdough must be shipped" in (refused.text or "")
        summary = screen(alice)  # her summary says so, in place of 💳 Pay and a time
        assert "Pay" not in summary and "chosen in the payment form" not in summary
        assert "🕒" not in summary and MORNING not in summary

        guide = await add_product(
            h.shop, "GUIDE", price=150, currency="XTR", digital=True, title="Brewing Guide"
        )
        await bob.send("/start")
        await fill_cart(h.shop, BOB, {guide: 1})
        await open_order_summary(bob)
        summary = screen(bob)
        assert "🕒" not in summary and MORNING not in summary
        assert "💳 Pay ⭐ 150" in summary
        await bob.press("Pay")
        await bob.wait_for(lambda m: m.invoice is not None, include_existing=True)
        assert (await bob.pay()).ok
        receipt = (await bob.wait_for("Payment received")).text or ""
        assert "1 × Brewing Guide — ⭐ 150" in receipt and "Delivery" not in receipt

        async with h.store.reading() as uow:
            orders = (await uow.session.scalars(select(Order))).all()
            assert [(o.status, o.delivery_day, o.delivery_window) for o in orders] == [
                ("paid", None, None)
            ]
            assert (await uow.session.scalars(select(DeliverySlot))).all() == []
