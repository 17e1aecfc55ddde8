"""Staff (STAFF_IDS) pack, ship and answer shoppers without the keys to the till: Sam gets the
new-order alert, ships Alice's order with a tracking number, writes a note, answers her
message; his /price, /broadcast and a Refund button from an admin's screen are refused
politely and logged, nothing changes, and the audit log names him staff:<id>."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import BotCommandScopeChat

from bot.callback_data import RefundOrder
from bot.services import admin_flows
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.store.models import Order, Refund
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop, open_detail
from tests.e2e.shopper import paid_order

SAM = 9003  # staff
TRACKING = "1Z999AA10123456784"


@pytest.fixture
async def h(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    """The seeded shop: Ada the admin, Sam on the staff; every mug sold makes stock low."""
    standin.user(SAM, "Sam")  # he has a chat with the bot: his command menu is set at start
    settings = {"payment_provider_token": "TEST:provider", "low_stock_threshold": 30}
    async with admin_shop(
        tmp_path, standin, seeded_sqlite, staff_ids=frozenset({SAM}), **settings
    ) as shop:
        yield shop


async def test_sam_ships_notes_and_answers_but_cannot_touch_the_till(
    h: ShopHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.handlers.admin.guard")
    ada, sam, alice = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam"), h.user(SHOPPER_ID, "Alice")

    order_id = await paid_order(h, alice, "KIT-MUG-CER")
    await sam.wait_for(f"🛒 New paid order #{order_id} from")  # work to do: he hears of it
    await ada.wait_for("Low stock")  # the admins' business only
    await h.until_idle()
    assert not [m for m in sam.messages if "Low stock" in (m.text or "")]

    screen = await open_detail(sam, order_id)
    labels = [b.label for b in screen.all_buttons]
    assert "🚚 Ship" in labels and "🗒 Add note" in labels
    assert not {"↩️ Refund", "✖️ Cancel"} & set(labels)  # not shown to him
    await sam.press("🚚 Ship")
    await sam.wait_for("Send the tracking number")
    await sam.send(TRACKING)
    await sam.wait_for(f"Order #{order_id} · 🚚 Shipped")
    await alice.wait_for("is on its way")
    await sam.press("🗒 Add note")
    await sam.wait_for(f"A note on order #{order_id}")
    await sam.send("Fragile: packed twice")
    noted = await sam.wait_for(f"staff:{SAM}: Fragile: packed twice")
    assert f"admin:{SAM}" not in (noted.text or "")

    await alice.send("/support")
    await alice.wait_for("Write your question")
    await alice.send("When will my mug arrive?")
    relayed = await sam.wait_for("When will my mug arrive?")
    await sam.send("Thursday, it left today.", reply_to=relayed)
    await alice.wait_for("Thursday, it left today.")

    # What Sam may not do: refused politely, logged, nothing changed.
    await sam.send("/price KIT-MUG-CER 1.00")
    await sam.wait_for("for the shop's admins only")
    await sam.send("/broadcast")
    await sam.wait_for("for the shop's admins only")
    forwarded = RefundOrder(order_id).encode()  # from Ada's screen, forwarded to him
    answer = await sam.press_data(screen, forwarded)
    assert answer.show_alert and answer.text and "admins only" in answer.text
    await h.until_idle()
    assert sum("for the shop's admins only" in (m.text or "") for m in sam.messages) == 2
    refusals = [r.getMessage() for r in caplog.records if "refused admin" in r.getMessage()]
    assert [("/price" in r, "/broadcast" in r, forwarded in r) for r in refusals] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    assert all(str(SAM) in r for r in refusals)
    async with h.store.reading() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None and mug.price == 1600
        order = await uow.session.scalar(select(Order).where(Order.id == order_id))
        assert order is not None and order.status == "shipped" and order.refunded_amount == 0
        assert await uow.session.scalar(select(Refund.id)) is None
        assert await admin_flows.read_flow(uow, SAM) is None  # no broadcast was begun

    await ada.send("/audit")
    log = (await ada.wait_for("Audit log")).text or ""
    assert f"staff:{SAM} · shipped order:{order_id}" in log
    assert f"staff:{SAM} · added a note to order:{order_id}" in log
    history = await open_detail(ada, order_id)  # the order's history names him the same way
    assert f"Paid → 🚚 Shipped by staff:{SAM} ({TRACKING})" in (history.text or "")


async def test_sams_menus_and_help_show_only_what_he_may_use(h: ShopHarness) -> None:
    sam, alice = h.user(SAM, "Sam"), h.user(SHOPPER_ID, "Alice", username="alice")
    assert h.app is not None
    menu = await h.app.bot.get_my_commands(scope=BotCommandScopeChat(SAM))
    admins = await h.app.bot.get_my_commands(scope=BotCommandScopeChat(ADMIN_ID))
    staff_commands = {c.command for c in menu} - {c.command for c in admins}
    assert not staff_commands and {"orders_admin", "customer", "admin"} <= {c.command for c in menu}
    assert not {"price", "broadcast", "export", "audit", "stats"} & {c.command for c in menu}

    await sam.send("/help")
    said = (await sam.wait_for("For the shop's staff")).text or ""
    assert "/orders_admin - Orders" in said and "/price" not in said

    await sam.send("/admin")
    shown = await sam.wait_for("Staff menu")
    assert [b.label for b in shown.all_buttons] == ["🧾 Orders"]

    await alice.send("/start")
    await alice.wait_for("Welcome")
    await sam.send("/customer 1001")
    card = (await sam.wait_for("Telegram id: 1001")).text or ""
    assert "@alice" in card and "spent" not in card and "Cart" not in card
