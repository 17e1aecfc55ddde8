"""Blocking from the admin's chat: the 🚫 Block button of a customer's screen asks for a
reason (or Skip) first, ✅ Unblock lifts it; a stale or forged button says why nothing
happened; the shop's team cannot be blocked, and staff may not block anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.callback_data import BlockCustomer
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.usecases import blocking
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, admin_shop

SAM = 9003  # staff


@pytest.fixture
async def h(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    """The seeded shop: Ada the admin, Sam on the staff, and Mallory, who has written."""
    standin.user(SAM, "Sam")
    async with admin_shop(tmp_path, standin, seeded_sqlite, staff_ids=frozenset({SAM})) as shop:
        mallory = shop.user(SHOPPER_ID, "Mallory", username="mallory")
        await mallory.send("/start")
        await mallory.wait_for("")
        yield shop


async def test_the_block_button_asks_for_a_reason_and_unblock_lifts_it(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    await ada.send("/customer @mallory")
    screen = await ada.wait_for("Telegram id: 1001")
    await ada.press("🚫 Block")
    asked = await ada.wait_for("🚫 Block Mallory (@mallory, 1001)?")
    assert [b.label for b in asked.all_buttons] == ["🚫 Block without a reason", "✖️ Cancel"]
    await ada.send("x" * 201)
    await ada.wait_for("That reason is 201 characters long; a reason is at most 200.")
    await ada.send("insulted Sam on the phone")
    await ada.wait_for("🚫 Mallory (@mallory, 1001) is blocked.")
    now = await ada.wait_for("⛔ Blocked by the shop since")
    assert "(admin:9001): insulted Sam on the phone" in (now.text or "")
    assert "✅ Unblock" in [b.label for b in now.all_buttons]

    stale = await ada.press("🚫 Block", message=screen)  # her screen from before the block
    assert (stale.text or "").startswith("Mallory (@mallory, 1001) has been blocked since ")

    await ada.press("✅ Unblock", message=now)
    await ada.wait_for("✅ Mallory (@mallory, 1001) is unblocked: she can shop again.")
    again = await ada.press("✅ Unblock", message=now)  # a second press: nothing to lift
    assert again.text == "Mallory (@mallory, 1001) is not blocked."

    await ada.press("🚫 Block", message=screen)
    asked = await ada.wait_for("🚫 Block Mallory (@mallory, 1001)?")
    await ada.press("🚫 Block without a reason", message=asked)
    await ada.wait_for("🚫 Mallory (@mallory, 1001) is blocked.")
    assert "no reason given" in ((await ada.wait_for("⛔ Blocked by the shop")).text or "")

    forged = await ada.press_data(screen, BlockCustomer(424242).encode())
    assert forged.text == "No customer #424242 in this shop."


async def test_the_team_cannot_be_blocked_and_staff_may_not_block(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
    await sam.send("/start")  # Sam has written to the shop as a customer too
    await sam.wait_for("")
    await ada.send("/block 9003 slow at packing")
    await ada.wait_for("Sam (9003) is on the shop's team (admin or staff) and cannot be blocked.")
    await ada.send("/block")
    await ada.wait_for("Whom? Send /block 1001 (a Telegram id)")
    await ada.send("/unblock nobody!")
    await ada.wait_for("Whom? Send /unblock 1001 (a Telegram id)")
    await ada.send("/block @nobody")
    await ada.wait_for("No customer @nobody in this shop.")

    await sam.send("/block @mallory")
    await sam.wait_for("for the shop's admins only")
    await sam.send("/customer @mallory")
    shown = await sam.wait_for("Telegram id: 1001")
    assert not [b for b in shown.all_buttons if "Block" in b.label]  # not offered to him
    pressed = await sam.press_data(shown, BlockCustomer(1).encode())  # forwarded from Ada
    assert "for the shop's admins only" in (pressed.text or "")
    await h.until_idle()
    async with h.store.reading() as uow:
        mallory = await uow.customers.get_by_telegram_id(SHOPPER_ID)
        assert mallory is not None and mallory.blocked_at is None
        assert await uow.audit.list_recent() == []


async def test_blocked_pages_ten_at_a_time_newest_first(h: ShopHarness) -> None:
    ada = h.user(ADMIN_ID, "Ada")
    assert h.shop is not None
    await ada.send("/blocked")
    await ada.wait_for("Nobody is blocked.")
    async with h.store.uow() as uow:
        for n in range(11):
            await uow.customers.get_or_create(2000 + n, first_name=f"Spammer {n}")
    for n in range(11):
        await blocking.block(h.shop, ADMIN_ID, f"{2000 + n} flood {n}")
    await ada.send("/blocked")
    first = await ada.wait_for("🚫 Blocked: 11, newest first (page 1 of 2):")
    assert (first.text or "").split("\n")[1].startswith("• Spammer 10 (2010) · ")
    assert [b.label for b in first.all_buttons] == ["Next ▶️"]
    await ada.press("Next ▶️", message=first)
    last = await ada.wait_for("(page 2 of 2)")
    assert "• Spammer 0 (2000) · " in (last.text or "") and "· flood 0" in (last.text or "")
    assert [b.label for b in last.all_buttons] == ["◀️ Previous"]
