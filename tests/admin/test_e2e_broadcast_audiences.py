"""Broadcasts to an audience, and broadcasts planned for later: Ada picks who gets it (with
how many each choice reaches), and a broadcast scheduled for 09:00 goes out once, when the
job on every worker finds it due."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.shop import Shop
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.models import render
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry, Broadcast, Cart, CartLine, Customer, Order, Product, utcnow
from bot.store.repositories.broadcasts import BroadcastRepository
from bot.store.uow import Store
from bot.usecases import broadcast, privacy
from tests.admin.conftest import ADMIN_ID, admin_shop

MADRID = ZoneInfo("Europe/Madrid")
BOB, CY, DI, EVE, ZOE = 5001, 5002, 5003, 5004, 5005


@pytest.fixture
async def shop(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    async with admin_shop(tmp_path, standin, seeded_sqlite, shop_timezone="Europe/Madrid") as h:
        yield h


async def customers(h: ShopHarness, standin: BotApiStandIn) -> None:
    """Bob bought 10 days ago, Cy 200 days ago; Di never did and has a mug in her cart; Eve
    reads Russian; Zoe bought 10 days ago and then deleted her data (/privacy)."""
    now = utcnow()
    async with h.store.uow() as uow:
        people = {}
        for telegram_id, name in ((BOB, "Bob"), (CY, "Cy"), (DI, "Di"), (EVE, "Eve"), (ZOE, "Zoe")):
            standin.user(telegram_id, name)
            people[telegram_id] = Customer(telegram_id=telegram_id, first_name=name)
        people[EVE].language = "ru"
        uow.session.add_all(people.values())
        await uow.session.flush()
        for who, days in ((BOB, 10), (CY, 200), (ZOE, 10)):
            paid = now - timedelta(days=days)
            order = Order(customer_id=people[who].id, currency="USD", total=1600)
            order.status, order.paid_at = "delivered", paid
            uow.session.add(order)
        product = await uow.session.scalar(select(Product).limit(1))
        assert product is not None
        cart = Cart(customer_id=people[DI].id)
        uow.session.add(cart)
        await uow.session.flush()
        uow.session.add(CartLine(cart_id=cart.id, product_id=product.id, quantity=1))
    assert h.shop is not None
    assert (await privacy.forget(h.shop, ZOE)).done


def got(standin: BotApiStandIn, text: str) -> set[int]:
    return {
        who
        for who in (BOB, CY, DI, EVE, ZOE)
        if any(text in (m.text or "") for m in standin.user(who).messages)
    }


async def audit(h: ShopHarness, action: str) -> list[dict[str, object]]:
    async with h.store.reading() as uow:
        rows = (
            await uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        ).all()
    return [row.details or {} for row in rows]


async def test_ada_sends_to_those_who_bought_lately_and_not_to_zoe_who_deleted_her_data(
    shop: ShopHarness, standin: BotApiStandIn
) -> None:
    await customers(shop, standin)
    ada = shop.user(ADMIN_ID, "Ada")
    await ada.send("/broadcast")
    await ada.wait_for("broadcast to 4 customers")  # not Zoe
    await ada.send("Thank you for your order: 10% off your next one with THANKS10")
    preview = await ada.wait_for("[📣 Send to 4]")
    labels = [b.label for b in preview.all_buttons]
    assert labels[:7] == [
        "✅ 👥 Everyone (4)",
        "🛍 Bought in the last 90 days (1)",
        "🆕 Never bought (2)",
        "🛒 Has items in the cart (1)",
        "🌐 Reads Russian (1)",
        "🌐 Reads Spanish (0)",
        "🌐 Reads English (3)",
    ]
    await ada.press("🛍 Bought in the last 90 days (1)")
    chosen = await ada.wait_for("[✅ 🛍 Bought in the last 90 days (1)]")
    await ada.press("📣 Send to 1", message=chosen)
    await ada.wait_for("Broadcast finished: 1 sent", timeout=15)
    await shop.until_idle()
    assert got(standin, "THANKS10") == {BOB}
    assert [d.get("audience") for d in await audit(shop, "broadcast.start")] == ["buyers"]
    async with shop.store.reading() as uow:
        (row,) = (await uow.session.scalars(select(Broadcast))).all()
    assert (row.audience, row.total, row.status) == ("buyers", 1, "done")


def read_by_both() -> Callable[[BroadcastRepository, datetime], Awaitable[list[tuple[int, str]]]]:
    """The job's read of what is due, answered to each of two workers only once both have read
    it: neither has claimed the broadcast yet when the other looks."""
    read, both = BroadcastRepository.due, asyncio.Barrier(2)

    async def due(self: BroadcastRepository, now: datetime) -> list[tuple[int, str]]:
        found = await read(self, now)
        await both.wait()
        return found

    return due


async def plan(ada: FakeUser, text: str, audience: str, when: str) -> None:
    await ada.send("/broadcast")
    await ada.wait_for("Send the text")
    await ada.send(text)
    preview = await ada.wait_for("[📣 Send to 4]")
    if f"[✅ {audience}]" not in render(preview):  # Everyone is chosen to begin with
        await ada.press(audience, message=preview)
        preview = await ada.wait_for(f"[✅ {audience}]")
    await ada.press("⏰ Send later", message=preview)
    await ada.wait_for("Send a time on the shop's clock (Europe/Madrid), like 2026-12-05 09:00")
    await ada.send(when)


async def test_ada_schedules_a_broadcast_for_9_and_it_goes_out_once_from_two_workers(
    shop: ShopHarness, standin: BotApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The two workers below look for what is due themselves: the harness's own job (its
    # first run a second in, then every half minute) must not meet them at their barrier.
    shop.without_job("send-scheduled-broadcasts")
    await customers(shop, standin)
    ada, worker = shop.user(ADMIN_ID, "Ada"), running(shop)
    nine = (datetime.now(MADRID) + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    typed = nine.strftime("%Y-%m-%d %H:%M")

    await plan(ada, "Winter sale starts now!", "🆕 Never bought (2)", "tomorrow at nine")
    await ada.wait_for("“tomorrow at nine” is not a time like 2026-12-05 09:00")
    await ada.send("2020-01-01 09:00")
    await ada.wait_for("That time has passed.")
    await ada.send((nine + timedelta(days=31)).strftime("%Y-%m-%d %H:%M"))
    await ada.wait_for("That is more than 30 days ahead.")
    await ada.send(typed)
    await ada.wait_for(f"⏰ Scheduled for {typed} (🆕 Never bought).")
    await plan(ada, "Oops, wrong text", "👥 Everyone (4)", typed)
    await ada.wait_for(f"⏰ Scheduled for {typed} (👥 Everyone).")

    await ada.send("/broadcast")  # lists them with their Cancel, and asks for a new one's text
    listed = await ada.wait_for("⏰ Scheduled broadcasts:")
    assert (listed.text or "").splitlines()[1:] == [
        f"1. {typed} · 🆕 Never bought · Winter sale starts now!",
        f"2. {typed} · 👥 Everyone · Oops, wrong text",
    ]
    await ada.press(f"✖ Cancel 2 ({typed})", message=listed)
    await ada.wait_for(f"✖ Cancelled the broadcast scheduled for {typed}.")
    again = await ada.press(f"✖ Cancel 2 ({typed})", message=listed)
    assert again.text == "That broadcast is no longer scheduled: cancelled already, or sent."
    await ada.send("/cancel")
    await ada.wait_for("Cancelled")
    assert await broadcast.send_due(worker, now=nine - timedelta(minutes=1)) == 0

    other_store = Store.from_url(shop.store.engine.url.render_as_string(hide_password=False))
    other: Shop = dataclasses.replace(worker, store=other_store)  # a second worker
    try:
        with monkeypatch.context() as both_read_it:  # each finds it due, then both claim it
            both_read_it.setattr(BroadcastRepository, "due", read_by_both())
            runs = await asyncio.gather(
                broadcast.send_due(worker, now=nine), broadcast.send_due(other, now=nine)
            )
    finally:
        await other_store.close()
    assert sorted(runs) == [0, 1]
    await ada.wait_for("Broadcast finished: 2 sent")
    assert await broadcast.send_due(worker, now=nine + timedelta(minutes=1)) == 0  # a restart
    await shop.until_idle()
    assert got(standin, "Winter sale") == {DI, EVE}
    assert all(len(standin.user(who).messages) <= 1 for who in (BOB, CY, DI, EVE, ZOE))
    assert not got(standin, "Oops")
    starts = await audit(shop, "broadcast.start")
    assert [(d.get("audience"), d.get("scheduled")) for d in starts] == [("new", True)]
    assert len(await audit(shop, "broadcast.schedule")) == 2
    assert [d.get("audience") for d in await audit(shop, "broadcast.cancel")] == ["all"]
    await ada.send("/audit")
    log = (await ada.wait_for("Audit log")).text or ""
    assert "started a broadcast · 🆕 Never bought, 2 recipients, as scheduled" in log
    assert "cancelled a scheduled broadcast · 👥 Everyone" in log
    assert f"scheduled a broadcast · 🆕 Never bought, for {nine.strftime('%b')} " in log


def running(h: ShopHarness) -> Shop:
    assert h.shop is not None
    return h.shop
