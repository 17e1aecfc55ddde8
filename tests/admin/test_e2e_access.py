"""Shoppers are refused every admin command and button, also from a forwarded admin message."""

from __future__ import annotations

import logging

import pytest

from bot import callback_data as cd
from bot.services import admin_flows
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from tests.admin.conftest import ADMIN_ID

ADMIN_COMMANDS = [
    "/admin",
    "/addproduct",
    "/edit KIT-MUG-CER",
    "/price KIT-MUG-CER 1.00",
    "/tiers KIT-MUG-CER 3:10%",
    "/bundle KIT-MUG-CER KIT-KTL-GOO:1",
    "/stock KIT-MUG-CER 0",
    "/hide KIT-MUG-CER",
    "/show KIT-MUG-CER",
    "/export",
    "/orders_admin",
    "/customer 1001",
    "/stats",
    "/report",
    "/report 2026-12-01",
    "/broadcast",
    "/promo",
    "/promo new FREE 100%",
    "/promo off WELCOME10",
    "/sale Kitchen 20%",
    "/sale end Kitchen",
    "/pause Back soon",
    "/pause until=2036-12-27 Back soon",
    "/pause status",
    "/resume",
    "/audit",
    "/faq add",
    "/faq del 1",
    "/slots",
    "/slots close tomorrow 10:00-12:00",
]


async def test_every_admin_command_is_refused_to_a_shopper_and_logged(
    shop: ShopHarness, shopper: FakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.handlers.admin.guard")
    for command in ADMIN_COMMANDS:
        await shopper.send(command)
        await shopper.wait_for("for the shop's admins only")
    await shop.until_idle()
    texts = [m.text or "" for m in shopper.messages]
    assert not any("I don't know" in t for t in texts)  # refused once, not also "unknown"
    assert sum("admins only" in t for t in texts) == len(ADMIN_COMMANDS)
    refusals = [r.getMessage() for r in caplog.records if "refused admin" in r.getMessage()]
    assert len(refusals) == len(ADMIN_COMMANDS)
    assert all(str(shopper.user_id) in r for r in refusals)
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None and mug.price == 1600 and mug.stock == 24 and mug.is_active
        assert await uow.audit.list_recent() == []
        assert await uow.promos.list_all() == []
        assert await uow.sales.pause() is None


async def test_admin_buttons_are_refused_to_a_shopper_even_when_forwarded(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    await admin.send("/admin")
    menu = await admin.wait_for("Admin menu")
    await shopper.send("/start")
    own = await shopper.wait_for("Welcome")
    # The shopper presses buttons copied from the admin's menu (a forwarded message keeps them).
    for data in [b.callback_data for b in menu.all_buttons] + [
        cd.CancelOrder(1).encode(),
        cd.RefundOrder(1).encode(),
        cd.AdminProducts(1).encode(),
        cd.ShowCustomer(1).encode(),
        cd.AdminOrders("all", 0, 1).encode(),
        cd.FlowConfirm("abc123").encode(),
        cd.ConfirmSale(1, 20, 12345).encode(),
        cd.CancelSale().encode(),
    ]:
        assert data is not None
        answer = await shopper.press_data(own, data)
        assert answer.show_alert and answer.text and "admins only" in answer.text
    await shop.until_idle()
    assert not [m for m in shopper.messages if "Products (" in (m.text or "")]


async def test_a_shopper_message_is_left_to_the_shop_even_while_an_admin_flow_is_open(
    shop: ShopHarness, admin: FakeUser, shopper: FakeUser
) -> None:
    await admin.send("/addproduct")
    await admin.wait_for("Send the product title")
    await shopper.send("/help")
    await shopper.wait_for("/catalog")
    await shopper.send_document("catalog.csv", b"sku,title\n", "text/csv")
    await shop.until_idle()
    assert not [m for m in shopper.messages if "import" in (m.text or "").lower()]
    await admin.send("Mug")  # the admin's flow is untouched by the shopper
    await admin.wait_for("Send the description")


async def test_an_admin_command_outside_a_flow_keeps_the_flow(
    shop: ShopHarness, admin: FakeUser
) -> None:
    await admin.send("/addproduct")
    await admin.wait_for("Send the product title")
    await admin.send("/stats")
    await admin.wait_for("Shop report")
    await admin.send("Mug")
    await admin.wait_for("Send the description")
    async with shop.store.uow() as uow:
        flow = await admin_flows.read_flow(uow, ADMIN_ID)
    assert flow is not None and flow["values"] == {"title": "Mug"}


async def test_an_admins_help_lists_the_admin_commands_a_shoppers_does_not(
    admin: FakeUser, shopper: FakeUser
) -> None:
    await admin.send("/help")
    own = await admin.wait_for("For admins")
    assert "/catalog - browse the catalog" in (own.text or "")  # the shopper's part is there too
    for line in ("/admin - Admin menu", "/orders_admin - Orders", "/stats - Revenue"):
        assert line in (own.text or "")
    await shopper.send("/help")
    theirs = await shopper.wait_for("/catalog - browse the catalog")
    assert "For admins" not in (theirs.text or "") and "/admin" not in (theirs.text or "")
