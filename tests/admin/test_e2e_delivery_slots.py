"""/slots in a shop that delivers itself: Ada and Sam (staff) see the next days' windows with
the seats taken; Ada closes a window (the order booked in it keeps it, and she is told how
many are), shoppers are no longer offered it, and she opens it again; each move is in the
audit log. Sam's close is refused like any admin-only command; bad input is explained."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.services.order_summary import day_label
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop, open_detail
from tests.e2e.shopper import add_to_cart, newest_order, open_order_summary, screen

SAM = 9003  # staff
MORNING = "10:00-12:00"


@pytest.fixture
async def h(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    standin.user(SAM, "Sam")
    settings = {
        "payment_provider_token": "TEST:provider",
        "delivery_slots": (MORNING, "14:00-16:00"),
        "delivery_slot_capacity": 2,
        "delivery_days_ahead": 2,
    }
    async with admin_shop(
        tmp_path, standin, seeded_sqlite, staff_ids=frozenset({SAM}), **settings
    ) as shop:
        yield shop


async def test_ada_closes_and_opens_a_window_sam_only_looks(
    h: ShopHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.handlers.admin.guard")
    ada, sam, alice = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam"), h.user(SHOPPER_ID, "Alice")
    tomorrow = utcnow().date() + timedelta(days=1)
    button = f"{day_label(translator('en'), tomorrow)} · {MORNING}"

    await add_to_cart(alice, "KIT-MUG-CER")  # Alice books tomorrow morning and pays
    await open_order_summary(alice)
    await alice.press(button)
    await alice.wait_for("🕒 Delivery:", include_existing=True)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert (await alice.pay()).ok
    await alice.wait_for("Payment received")
    detail = await open_detail(ada, await newest_order(h))  # the order's screen says when
    assert f"🕒 Delivery: {day_label(translator('en'), tomorrow)}, {MORNING}" in (detail.text or "")

    await ada.send("/slots")
    listing = await ada.wait_for("Delivery times (taken/capacity)")
    assert f"({tomorrow.isoformat()})" in (listing.text or "")
    assert f"{MORNING}  1/2" in (listing.text or "")

    await sam.send("/slots")  # staff see the bookings: they pack and deliver them
    seen = await sam.wait_for("Delivery times (taken/capacity)")
    assert f"{MORNING}  1/2" in (seen.text or "")
    await sam.send(f"/slots close tomorrow {MORNING}")
    await sam.wait_for("for the shop's admins only")

    await ada.send(f"/slots close tomorrow {MORNING}")
    closed = await ada.wait_for("Closed ")
    assert "Orders already booked keep it: 1." in (closed.text or "")
    await ada.send("/slots")
    listing = await ada.wait_for(f"{MORNING}  1/2 (closed)")

    bob = h.user(1002, "Bob")
    await add_to_cart(bob, "KIT-MUG-CER")
    await open_order_summary(bob)
    assert f"[{button}]" not in screen(bob)

    await ada.send(f"/slots open {tomorrow.isoformat()} {MORNING}")
    await ada.wait_for("Opened ")
    await open_order_summary(bob)
    assert f"[{button}]" in screen(bob)

    for wrong, answer in [
        (f"/slots close yesterday {MORNING}", "is not a day from today on"),
        (f"/slots close 2020-01-01 {MORNING}", "is not a day from today on"),
        ("/slots close today 09:00-10:00", "is not one of the shop's delivery windows"),
        ("/slots shut today", "Use /slots to see the next days"),
    ]:
        await ada.send(wrong)
        await ada.wait_for(answer)

    await ada.send("/audit")
    log = await ada.wait_for("Audit log")
    assert "closed the delivery time" in (log.text or "")
    assert "opened the delivery time" in (log.text or "")
    refusals = [r.getMessage() for r in caplog.records if "refused admin" in r.getMessage()]
    assert len(refusals) == 1 and str(SAM) in refusals[0]
