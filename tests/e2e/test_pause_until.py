"""A break with an end, on SQLite and PostgreSQL: Ada closes the shop in Madrid through
Saturday 27 December (`/pause until=2036-12-27` and a note). Her answer counts Cleo's invoice,
sent before, that can no longer be paid. Alice still browses and fills her cart, but /start,
/help and her cart carry the banner, her cart has no Checkout button, the word "checkout"
places no order and holds no stock, and Cleo's invoice is refused at Telegram's payment form
in a short reason. /pause alone (or /pause status) says the pause; /resume ends it, and both
checkout and Cleo's invoice work again, carts kept. A pause also ends by itself at the
midnight after its last day, with no job and no /resume; a payment Telegram took before the
pause is kept; a day past, a day that is not one, a long note and staff are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.services import sales_pause as rule
from bot.standin.harness import ShopHarness
from bot.standin.payment_form import PaymentForm
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry, Order, Product, SalesPause
from bot.store.repositories import sales_pause as pause_repository
from bot.usecases import sales_pause
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_invoice, open_order_summary, screen

MUG = "KIT-MUG-CER"
SAM = 9003  # staff
MADRID = ZoneInfo("Europe/Madrid")
NOTE = "Stocktaking: back on Monday <3"
BREAK = (
    "🌙 The shop is taking a break until Sat, Dec 27, 2036 — you can browse and fill your "
    "cart; checkout opens again then."
)
BANNER = f"{BREAK}\n{NOTE}"
UNPAID = (
    "⚠️ 1 order awaits payment: its invoice cannot be paid while sales are paused (it can "
    "after /resume, while its stock is still held)."
)


@pytest.fixture
async def shop(tmp_path: Path, seeded_database_url: str) -> AsyncIterator[ShopHarness]:
    """The seeded shop in Madrid: Ada its admin, Sam on its staff, on each database."""
    async with ShopHarness(
        tmp_path,
        database_url=seeded_database_url,
        admin_ids=frozenset({ADMIN_ID}),
        staff_ids=frozenset({SAM}),
        payment_provider_token="TEST:provider",
        shop_timezone="Europe/Madrid",
    ) as h:
        yield h


async def orders(shop: ShopHarness) -> list[str]:
    async with shop.store.reading() as uow:
        return list((await uow.session.scalars(select(Order.status).order_by(Order.id))).all())


async def held(shop: ShopHarness) -> int:
    """Mugs held by open invoices (the stock a checkout would hold)."""
    async with shop.store.reading() as uow:
        found = await uow.session.scalar(select(Product.reserved).where(Product.sku == MUG))
        return int(found or 0)


async def audited(shop: ShopHarness) -> list[tuple[str, dict[str, Any] | None]]:
    async with shop.store.reading() as uow:
        rows = await uow.session.execute(
            select(AuditEntry.action, AuditEntry.details)
            .where(AuditEntry.action.like("sales.%"))
            .order_by(AuditEntry.id)
        )
        return [(action, details) for action, details in rows]


async def said(user: FakeUser, command: str, text: str) -> str:
    await user.send(command)
    return user.render(await user.wait_for(text))


async def test_ada_closes_the_shop_through_a_day_and_opens_it_again(shop: ShopHarness) -> None:
    ada, alice, cleo = (
        shop.user(ADMIN_ID, "Ada"),
        shop.user(1001, "Alice"),
        shop.user(1003, "Cleo"),
    )
    await add_to_cart(alice, MUG)
    await open_invoice(cleo, MUG)  # sent before the pause: her order awaits payment
    assert await orders(shop) == ["awaiting_payment"] and await held(shop) == 1

    answer = await said(ada, f"/pause until=2036-12-27 {NOTE}", "Sales are paused")
    assert answer.startswith(
        "🌙 Sales are paused through Sat, Dec 27, 2036: they open again by themselves after "
        "that day."
    )
    assert BANNER in answer and answer.endswith(f"/resume opens sales sooner.\n\n{UNPAID}")
    assert await audited(shop) == [("sales.pause", {"note": NOTE, "until": "2036-12-27"})]

    # Alice browses and fills her cart as always, under the banner.
    assert (await said(alice, "/start", "Welcome")).startswith(BANNER + "\n\n👋 Welcome")
    assert (await said(alice, "/help", "shop's assistant")).startswith(BANNER + "\n\n")
    await add_to_cart(alice, MUG)
    cart = await said(alice, "/cart", "Your cart")
    assert "1. Stoneware Mug 350ml\n    2 ×" in cart and BANNER in cart
    assert "Checkout" not in cart and "[🗑 Clear cart]" in cart
    await alice.send("checkout")  # the word: the summary, its Pay replaced by the banner
    await alice.wait_for("Order summary")
    assert BANNER in screen(alice) and "Pay" not in screen(alice)
    assert await orders(shop) == ["awaiting_payment"] and await held(shop) == 1  # Cleo's

    # Cleo's invoice, sent before, is refused at the payment form: no money taken.
    refused = await cleo.pay()
    assert not refused.ok and refused.stage == "pre_checkout"
    assert refused.error_message == BANNER and len(refused.error_message) <= 255

    # /pause alone, or /pause status, says the pause and changes nothing.
    status = await said(ada, "/pause", "since")
    assert status.startswith("🌙 Sales are paused since Dec")
    assert ", through Sat, Dec 27, 2036: they open again by themselves after that day." in status
    assert BANNER in status and UNPAID in status and "/resume opens sales again" in status
    assert await said(ada, "/pause status", "since") == status
    assert len(await audited(shop)) == 1

    assert (await said(ada, "/resume", "Sales are open again")).startswith(
        "✅ Sales are open again. I am telling the 1 shopper who met the paused checkout."
    )
    assert await audited(shop) == [
        ("sales.pause", {"note": NOTE, "until": "2036-12-27"}),
        ("sales.resume", {"until": "2036-12-27"}),
    ]
    assert "taking a break" not in await said(alice, "/start", "Welcome")
    assert "taking a break" not in await said(alice, "/help", "shop's assistant")
    await open_order_summary(alice)  # her cart kept, its Checkout back
    assert "2 × Stoneware Mug 350ml" in screen(alice)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert (await cleo.pay()).ok  # the same invoice, its stock held all along
    await cleo.wait_for("Payment received")
    assert await orders(shop) == ["paid", "awaiting_payment"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """The moment the pause is read at: [] is the real one; [moment] stands for it (the
    pause's clock, read on every look and by /pause; no job to run)."""
    now: list[datetime] = []
    real = pause_repository.utcnow
    for module in (pause_repository, rule, sales_pause):  # the reads, the banner's, /pause's
        monkeypatch.setattr(module, "utcnow", lambda: now[0] if now else real())
    yield now


async def test_a_pause_is_over_by_itself_at_the_midnight_after_its_last_day(
    shop: ShopHarness, clock: list[datetime]
) -> None:
    assert shop.shop is not None
    ada, alice = shop.user(ADMIN_ID, "Ada"), shop.user(1001, "Alice")
    tomorrow = datetime.now(MADRID).date() + timedelta(days=1)
    await said(ada, f"/pause until={tomorrow.isoformat()}", "Sales are paused")
    async with shop.store.reading() as uow:
        stored = await uow.session.get(SalesPause, 1)
        assert stored is not None and stored.until == tomorrow
    end = datetime.combine(tomorrow + timedelta(days=1), datetime.min.time(), MADRID)
    assert stored.ends_at == end  # Madrid's midnight that ends the day
    await add_to_cart(alice, MUG)
    day = f"{tomorrow:%a}, {tomorrow:%b} {tomorrow.day}, {tomorrow.year}"
    assert f"taking a break until {day} —" in await said(alice, "/cart", "Your cart")

    clock.append(end - timedelta(minutes=1))  # the last minute of the day: still paused
    assert "taking a break" in await said(alice, "/cart", "Your cart")
    assert await sales_pause.tell_reopened(shop.shop) == 0

    clock[0] = end  # midnight: open again, no /resume, no job ending it
    assert "taking a break" not in await said(alice, "/start", "Welcome")
    assert await sales_pause.tell_reopened(shop.shop) == 1  # she met the pause: told once
    await alice.wait_for("The shop is taking orders again!")
    await open_order_summary(alice)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert (await said(ada, "/pause status", "not paused")).startswith("Sales are not paused.")
    assert (await said(ada, "/resume", "not paused")).startswith("Sales are not paused.")
    assert [action for action, _ in await audited(shop)] == ["sales.pause"]  # no resume

    await said(ada, "/pause", "Sales are paused")  # a new pause, not the one that was over
    async with shop.store.reading() as uow:
        stored = await uow.session.get(SalesPause, 1)
        assert stored is not None and stored.until is None and stored.ends_at is None
        assert stored.paused_at == end  # it starts now, on the clock the pause reads


async def test_a_payment_telegram_took_before_the_pause_is_kept(
    shop: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-checkout query was answered yes; Ada pauses while Telegram charges Cleo: the
    successful_payment that follows pays her order as always (nothing lost)."""
    assert shop.shop is not None
    cleo = shop.user(1003, "Cleo")
    await open_invoice(cleo, MUG)
    charge = PaymentForm._pay

    async def paused_meanwhile(form: PaymentForm, checkout: dict[str, Any]) -> Any:
        assert shop.shop is not None
        await sales_pause.pause(shop.shop, ADMIN_ID, "until=2036-12-27")
        return await charge(form, checkout)

    monkeypatch.setattr(PaymentForm, "_pay", paused_meanwhile)
    assert (await cleo.pay()).ok
    await cleo.wait_for("Payment received")
    assert await orders(shop) == ["paid"]
    async with shop.store.reading() as uow:
        assert await uow.sales.pause() is not None  # paused all the same


async def test_what_pause_cannot_do_is_refused_and_changes_nothing(shop: ShopHarness) -> None:
    ada, sam = shop.user(ADMIN_ID, "Ada"), shop.user(SAM, "Sam")
    past = await said(ada, "/pause until=2020-01-01 Back soon", "in the past")
    assert past.startswith("until= is in the past: the pause would be over before it starts.")
    yesterday = datetime.now(MADRID).date() - timedelta(days=1)
    await said(ada, f"/pause until={yesterday.isoformat()}", "in the past")
    not_a_day = await said(ada, "/pause until=2026-02-30 Back soon", "not a date")
    assert not_a_day == "“2026-02-30” is not a date like 2026-12-31."
    long = await said(ada, "/pause until=2036-12-27 " + "x" * 201, "characters long")
    assert long == "That note is 201 characters long; keep it to 200, or send /pause alone."
    assert "admins only" in await said(sam, "/pause until=2036-12-27", "admins only")
    assert "admins only" in await said(sam, "/pause status", "admins only")
    assert await said(ada, "/pause status", "not paused") == (
        "Sales are not paused. /pause pauses them (holidays, stocktaking), e.g. "
        "/pause until=2026-12-27 Back after Christmas!"
    )
    async with shop.store.reading() as uow:
        assert await uow.session.get(SalesPause, 1) is None
    assert await audited(shop) == []


async def test_with_the_longest_note_the_payment_forms_reason_is_still_short(
    shop: ShopHarness,
) -> None:
    """Telegram shows a short reason on its payment form: the break's words without the
    admin's 200 characters, which the chat and the storefront still show in full."""
    ada, cleo = shop.user(ADMIN_ID, "Ada"), shop.user(1003, "Cleo")
    await open_invoice(cleo, MUG)
    note = "Inventario anual. " * 11 + "y" * 2  # 200 characters
    assert len(note) == rule.NOTE_MAX
    await said(ada, f"/pause until=2036-12-27 {note}", "Sales are paused")
    refused = await cleo.pay()
    assert not refused.ok and refused.error_message == BREAK
    assert await orders(shop) == ["awaiting_payment"]


def test_the_day_reads_each_shoppers_way() -> None:
    """The banner's day is a day of the shop's calendar, in the reader's language."""
    from bot import i18n

    pause = SalesPause(note=None, until=date(2036, 12, 27))
    assert rule.closed_by(i18n.translator("es"), pause).startswith(
        "🌙 La tienda se toma un descanso hasta el sáb, 27 dic 2036:"
    )
    assert rule.closed_by(i18n.translator("ru"), pause).startswith(
        "🌙 Магазин отдыхает до сб, 27 дек. 2036\u202fг. —"
    )
    assert rule.closed_by(i18n.translator("en"), None) == ""


async def test_the_admin_menu_says_the_last_day_of_the_pause(shop: ShopHarness) -> None:
    """/admin says since when sales are paused and, for a pause with an end, its last day."""
    ada = shop.user(ADMIN_ID, "Ada")
    await said(ada, "/pause until=2036-12-27", "Sales are paused")
    menu = await said(ada, "/admin", "/resume")
    assert menu.startswith("🌙 Sales are paused (since Dec")
    assert menu.split("\n")[0].endswith(", until Sat, Dec 27, 2036): /resume opens them sooner.")
    await said(ada, "/pause Back soon", "Sales stay paused")  # now until /resume
    menu = await said(ada, "/admin", "/resume")
    assert "until" not in menu.split("\n")[0] and "/resume opens them again." in menu


async def test_until_is_read_wherever_it_stands_and_only_once(shop: ShopHarness) -> None:
    """Ada writes the day after her note, or between its words: it is the pause's end, not
    words of the note; two days are refused, and a word that only contains until= is the
    note's."""
    ada = shop.user(ADMIN_ID, "Ada")
    answer = await said(ada, f"/pause {NOTE} until=2036-12-27", "Sales are paused")
    assert answer.startswith("🌙 Sales are paused through Sat, Dec 27, 2036")
    assert BANNER in answer and "until=" not in answer.split("/resume")[0]
    answer = await said(ada, "/pause Stocktaking: UNTIL=2036-12-28 back soon", "Sales")
    assert "🌙 Sales stay paused" in answer
    assert "break until Sun, Dec 28, 2036 — you can browse" in answer
    assert "checkout opens again then.\nStocktaking: back soon\n" in answer
    two = await said(ada, "/pause until=2036-12-27 Back until=2036-12-30", "not two")
    assert two == (
        "Send one until= day, not two: e.g. /pause until=2026-12-27 Back after Christmas!"
    )
    async with shop.store.reading() as uow:
        pause = await uow.session.get(SalesPause, 1)
        assert pause is not None and pause.until == date(2036, 12, 28)
        assert pause.note == "Stocktaking: back soon"
    kept = await said(ada, "/pause Open again-until=Monday", "Sales")
    assert "Open again-until=Monday" in kept and "taking orders right now" in kept
