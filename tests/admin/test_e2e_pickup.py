"""Pick up at the shop (PICKUP_POINTS): Alice pays choosing the Main Street shop in the payment
form, Ada presses 🏬 Ready for pickup, Alice is told where to collect it, and Sam (staff)
presses ✅ Picked up. Every screen of the order names the place instead of a delivery method;
a pickup button on an order to deliver, or Ship on one she collects, is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.callback_data import ReadyForPickup, ShipOrder
from bot.config import PickupPoint
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.store.models import AuditEntry, Order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop, open_detail
from tests.admin.test_e2e_order_export import exported
from tests.e2e.shopper import newest_order, open_invoice, open_order, past_order
from tests.webapp.conftest import Page, init_data_for, storefront_on, storefront_url

SAM = 9003  # staff
MAIN_STREET = PickupPoint("Main Street shop", "12 Main St, Springfield, open 9-18")
PLACE = "Main Street shop, 12 Main St, Springfield, open 9-18"


@pytest.fixture
async def h(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    """The seeded shop with two pickup points and its storefront: Ada the admin, Sam on the
    staff."""
    standin.user(SAM, "Sam")
    points = (MAIN_STREET, PickupPoint("Harbour kiosk", "Pier 3"))
    async with admin_shop(
        tmp_path,
        standin,
        seeded_sqlite,
        staff_ids=frozenset({SAM}),
        payment_provider_token="TEST:provider",
        pickup_points=points,
        **storefront_on(),
    ) as shop:
        yield shop


async def test_alice_collects_her_mug_at_the_main_street_shop(h: ShopHarness) -> None:
    ada, sam, alice = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam"), h.user(SHOPPER_ID, "Alice")

    await open_invoice(alice, "KIT-MUG-CER")
    paid = await alice.pay(shipping_option_id="pickup:1")
    assert paid.ok
    receipt = await alice.wait_for("Payment received")
    assert f"Pick up at {PLACE}" in (receipt.text or "")
    assert "when your order is ready for pickup" in (receipt.text or "")
    order_id = await newest_order(h)
    async with h.store.uow() as uow:
        order = await uow.session.get(Order, order_id)
        assert order is not None
        assert (order.shipping_option, order.pickup_place, order.shipping_total) == (
            "pickup:1",
            PLACE,
            0,
        )
    alert = await ada.wait_for(f"🛒 New paid order #{order_id}")
    assert f"Pick up at {PLACE}" in (alert.text or "") and "Ship to:" not in (alert.text or "")

    screen = await open_detail(ada, order_id)
    assert f"Pick up at {PLACE}" in (screen.text or "") and "address:" not in (screen.text or "")
    labels = [b.label for b in screen.all_buttons]
    assert "🏬 Ready for pickup" in labels and "🚚 Ship" not in labels
    refused = await ada.press_data(screen, ShipOrder(order_id).encode())  # forged: no parcel
    assert refused.text == (
        f"Order #{order_id} is collected at a pickup point: use 🏬 Ready for pickup and "
        "✅ Picked up, not Ship or Delivered."
    )

    await ada.press("🏬 Ready for pickup")
    await alice.wait_for(
        f"🏬 Your order #{order_id} is ready for pickup at {PLACE}. Show this message when "
        "you collect it."
    )
    ready = await ada.wait_for(f"Order #{order_id} · 🚚 Shipped")
    assert "✅ Picked up" in [b.label for b in ready.all_buttons]
    assert "✏️ Tracking number" not in [b.label for b in ready.all_buttons]

    screen = await open_detail(sam, order_id)
    await sam.press("✅ Picked up")
    await alice.wait_for(f"✅ Order #{order_id} was picked up. Thank you!")
    done = await sam.wait_for(f"Order #{order_id} · 📦 Delivered")
    assert f"(ready for pickup at {PLACE})" in (done.text or "")
    assert f"by staff:{SAM} (picked up)" in (done.text or "")
    async with h.store.uow() as uow:
        actions = await uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == f"order:{order_id}")
        )
        assert list(actions) == ["order.pickup_ready", "order.picked_up"]

    await open_order(alice, order_id)
    mine = await alice.wait_for(f"Order #{order_id}")
    assert f"Pick up at {PLACE}" in (mine.text or "")
    async with aiohttp.ClientSession() as http:
        page = Page(http, storefront_url(h), init_data_for(h, alice))
        assert (await page.ok("GET", f"orders/{order_id}"))["pickup_text"] == f"Pick up at {PLACE}"
    _, rows = await exported(ada, "/export orders")
    assert [row["shipping_option"] for row in rows] == [f"Pick up at {PLACE}"]


async def test_a_pickup_button_on_an_order_to_deliver_is_refused(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    order_id = await past_order(h, SHOPPER_ID, {"KIT-MUG-CER": 1}, status="paid")
    screen = await open_detail(ada, order_id)
    assert "🏬 Ready for pickup" not in [b.label for b in screen.all_buttons]

    await ada.press_data(screen, ReadyForPickup(order_id).encode())
    await ada.wait_for(
        f"Order #{order_id} was not changed: Order #{order_id} is delivered, not collected: "
        "use 🚚 Ship and 📦 Delivered, not the pickup buttons."
    )
    async with h.store.uow() as uow:
        order = await uow.session.get(Order, order_id)
        assert order is not None and order.status == "paid"
