"""Pick up at the shop (PICKUP_POINTS): Alice pays choosing the Main Street shop in the payment
form, Ada presses 🏬 Ready for pickup, Alice is told where to collect it, and Sam (staff)
presses ✅ Picked up. Every screen of the order names the place instead of a delivery method;
a pickup button on an order to deliver, or Ship on one she collects, is refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.callback_data import ReadyForPickup, ShipOrder
from bot.config import PickupPoint
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry, Order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop, open_detail
from tests.admin.test_e2e_order_export import exported
from tests.e2e.shopper import (
    collected_at,
    newest_order,
    open_invoice,
    open_order,
    past_order,
    shown,
)
from tests.webapp.conftest import Page, init_data_for, storefront_on, storefront_url

SAM = 9003  # staff
OLGA, ELENA = 1002, 1003  # shoppers who read Russian and Spanish
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


async def listed(shopper: FakeUser, order_id: int) -> str:
    """Her /orders list's button of that order: "#7 · 🏬 Ready for pickup · $18.00 · ..."."""
    await shopper.send("/orders")
    await shopper.wait_for(f"#{order_id} ")
    listing = shopper.last_message
    assert listing is not None
    (label,) = [b.label for b in listing.all_buttons if b.label.startswith(f"#{order_id} ")]
    return label


async def on_the_storefront(h: ShopHarness, shopper: FakeUser, order_id: int) -> tuple[str, ...]:
    """What her storefront's API says of the order: its pickup line and status, and the
    status her list of orders gives it."""
    async with aiohttp.ClientSession() as http:
        page = Page(http, storefront_url(h), init_data_for(h, shopper))
        seen = await page.ok("GET", f"orders/{order_id}")
        listed = {o["id"]: o for o in (await page.ok("GET", "orders"))["orders"]}
    return seen["pickup_text"], seen["status_label"], listed[order_id]["status_label"]


async def my_data(shopper: FakeUser) -> dict[str, Any]:
    """/privacy → 📦 My data: the JSON document of what the shop keeps about her."""
    await shopper.send("/privacy")
    await shopper.wait_for(lambda m: m.from_bot and bool(m.all_buttons))
    await shopper.press("📦")
    sent = await shopper.wait_for(lambda m: m.document is not None)
    assert sent.document is not None
    return dict(json.loads(sent.document.data.decode()))


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
    ready = await ada.wait_for(f"Order #{order_id} · 🏬 Ready for pickup")
    assert "✅ Picked up" in [b.label for b in ready.all_buttons]
    assert "✏️ Tracking number" not in [b.label for b in ready.all_buttons]
    assert "🚚 Shipped" not in (ready.text or "")
    assert (await listed(alice, order_id)).startswith(f"#{order_id} · 🏬 Ready for pickup · ")
    await open_order(alice, order_id)
    mine = await alice.wait_for(f"Order #{order_id} · 🏬 Ready for pickup")

    stale, picked = ada.find_button("✅ Picked up")
    screen = await open_detail(sam, order_id)
    await sam.press("✅ Picked up")
    await alice.wait_for(f"✅ Order #{order_id} was picked up. Thank you!")
    await ada.press_button(stale, picked)  # Ada's older screen: Sam got there first
    late = await ada.wait_for(f"Order #{order_id} was not changed")
    assert f"Order #{order_id} was not changed: it is 🛍️ Collected now." in (late.text or "")
    done = await sam.wait_for(f"Order #{order_id} · 🛍️ Collected")
    assert f"✅ Paid → 🏬 Ready for pickup by admin:{ADMIN_ID} (ready for pickup at {PLACE})" in (
        done.text or ""
    )
    assert f"🏬 Ready for pickup → 🛍️ Collected by staff:{SAM} (picked up)" in (done.text or "")
    assert "Shipped" not in (done.text or "") and "Delivered" not in (done.text or "")
    await ada.send("/orders_admin")
    assert f"#{order_id} · 🛍️ Collected · " in (await ada.wait_for(f"#{order_id} · ")).text
    async with h.store.uow() as uow:
        actions = await uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == f"order:{order_id}")
        )
        assert list(actions) == [
            "order.pickup_ready",
            "order.picked_up",
            "order.picked_up.refused",  # Ada's, late
        ]
    await ada.send("/audit")
    log = (await ada.wait_for("Audit log")).text or ""
    assert (
        f"admin:{ADMIN_ID} · made ready for pickup order:{order_id} · ✅ Paid → 🏬 Ready for pickup"
    ) in log
    assert (
        f"staff:{SAM} · marked picked up order:{order_id} · 🏬 Ready for pickup → 🛍️ Collected"
    ) in log

    await open_order(alice, order_id)
    mine = await alice.wait_for(f"Order #{order_id}")
    assert f"Pick up at {PLACE}" in (mine.text or "")
    assert f"Order #{order_id} · 🛍️ Collected" in (mine.text or "")
    assert await on_the_storefront(h, alice, order_id) == (
        f"Pick up at {PLACE}",
        "🛍️ Collected",
        "🛍️ Collected",
    )
    _, rows = await exported(ada, "/export orders")
    assert [row["shipping_option"] for row in rows] == [f"Pick up at {PLACE}"]
    [kept] = (await my_data(alice))["orders"]
    assert (kept["shipping_option"], kept["pickup_point"]) == ("pickup:1", PLACE)


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


async def pickup_order(h: ShopHarness, shopper: FakeUser, option: str, place: str | None) -> int:
    """A paid mug she collects at `option`, her order keeping `place`, made in the database
    after she first wrote to the shop (so the shop knows her language); its id."""
    await shopper.send("/start")
    await shopper.wait_for(lambda m: m.from_bot)
    order_id = await past_order(h, shopper.user_id, {"KIT-MUG-CER": 1}, status="paid")
    await collected_at(h, order_id, option, place)
    return order_id


async def test_a_pickup_point_the_shop_no_longer_offers_is_named_plainly(h: ShopHarness) -> None:
    """Olga (Russian) paid to collect at the shop's seventh place, gone from PICKUP_POINTS by
    the time she paid, so her order kept no words of it: every screen names it "Pickup point
    7 (no longer offered)" in its reader's language, never "pickup:7"."""
    ada, olga = h.user(ADMIN_ID, "Ada"), h.user(OLGA, "Olga", language_code="ru")
    order_id = await pickup_order(h, olga, "pickup:7", None)
    gone_en, gone_ru = "Pickup point 7 (no longer offered)", "Пункт выдачи 7 (больше не работает)"

    screen = await open_detail(ada, order_id)
    assert f"Pick up at {gone_en}" in (screen.text or "")
    await ada.press("🏬 Ready for pickup")
    told = await olga.wait_for(f"№{order_id}")
    assert gone_ru in (told.text or "") and "pickup:7" not in (told.text or "")
    ready = await ada.wait_for(f"Order #{order_id} · 🏬 Ready for pickup")
    assert f"(ready for pickup at {gone_en})" in (ready.text or "")

    assert (await listed(olga, order_id)).startswith(f"#{order_id} · 🏬 Готов к выдаче · ")
    await open_order(olga, order_id)
    mine = await olga.wait_for(f"Самовывоз: {gone_ru}")
    assert "🏬 Готов к выдаче" in (mine.text or "")
    assert await on_the_storefront(h, olga, order_id) == (
        f"Самовывоз: {gone_ru}",
        "🏬 Готов к выдаче",
        "🏬 Готов к выдаче",
    )
    _, rows = await exported(ada, "/export orders")
    assert [row["shipping_option"] for row in rows] == [f"Pick up at {gone_en}"]
    [kept] = (await my_data(olga))["orders"]
    assert (kept["shipping_option"], kept["pickup_point"]) == ("pickup:7", gone_en)


async def test_elena_cannot_cancel_an_order_ready_for_pickup(h: ShopHarness) -> None:
    """Elena (Spanish) opens her pickup order to cancel it; Ada makes it ready for pickup
    meanwhile, and Elena's stale button is refused in her words for a pickup order."""
    ada, elena = h.user(ADMIN_ID, "Ada"), h.user(ELENA, "Elena", language_code="es")
    order_id = await pickup_order(h, elena, "pickup:2", "Harbour kiosk, Pier 3")
    await open_order(elena, order_id)
    assert "Recogida en Harbour kiosk, Pier 3" in shown(elena)
    old_screen, cancel = elena.find_button("✖️")

    await open_detail(ada, order_id)
    await ada.press("🏬 Ready for pickup")
    await ada.wait_for(f"Order #{order_id} · 🏬 Ready for pickup")

    refused = await elena.press_button(old_screen, cancel)
    assert refused.text == (
        f"El pedido n.º {order_id} ya no se puede cancelar: está 🏬 Listo para recoger."
    )
    await open_order(elena, order_id)
    assert "🏬 Listo para recoger" in shown(elena) and "Enviado" not in shown(elena)
