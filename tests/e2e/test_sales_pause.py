"""Sales paused for the holidays: Ada sends /pause with a note; shoppers still browse and fill
their carts, but checkout shows the note instead of a Pay button, an invoice sent before the
pause cannot be paid, and no cart reminder goes out. /resume opens sales again, and each
shopper who met the paused checkout is told once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import AuditEntry, Order, ReopenWaiter, utcnow
from bot.usecases import reminders, sales_pause
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_invoice, open_order_summary, screen

MUG = "KIT-MUG-CER"
NOTE = "Back on Monday, 8 December! <3"
CLOSED = f"🌙 The shop is not taking orders right now: {NOTE}"
REOPENED = "🛍 The shop is taking orders again! Your cart is waiting for you."


async def pause(ada: FakeUser, text: str = f"/pause {NOTE}") -> str:
    await ada.send(text)
    return (await ada.wait_for("Sales are paused")).text or ""


async def resume(ada: FakeUser) -> str:
    await ada.send("/resume")
    return (await ada.wait_for("Sales are")).text or ""


async def tell(harness: ShopHarness) -> int:
    """One run of the job each worker runs every few seconds."""
    assert harness.shop is not None
    return await sales_pause.tell_reopened(harness.shop)


async def waiting(harness: ShopHarness) -> int:
    async with harness.store.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(ReopenWaiter)) or 0)


async def test_checkout_shows_the_note_instead_of_pay_and_she_hears_when_sales_open(
    harness: ShopHarness,
) -> None:
    ada, alice = harness.user(ADMIN_ID, "Ada"), harness.user(1001, "Alice")
    answer = await pause(ada)
    assert CLOSED in answer and "/resume opens sales again" in answer

    await add_to_cart(alice, MUG)  # browsing and the cart work as always
    await alice.send("/cart")  # the note instead of its Checkout button
    cart = alice.render(await alice.wait_for("Your cart"))
    assert CLOSED in cart and "1. Stoneware Mug" in cart and "Checkout" not in cart
    await alice.send("checkout")  # the word still shows the summary, without Pay
    await alice.wait_for("Order summary")
    summary = screen(alice)
    assert CLOSED in summary and "Your cart is kept" in summary
    assert "1 × Stoneware Mug 350ml" in summary
    assert "Pay" not in summary and "[🛒 Edit cart]" in summary
    await alice.send("checkout")  # a second look waits once, not twice
    await alice.wait_for("Order summary")
    assert await waiting(harness) == 1
    assert await tell(harness) == 0  # still paused: nobody is told

    answer = await resume(ada)
    told = "I am telling the 1 shopper who met the paused checkout."
    assert answer == f"✅ Sales are open again. {told}"
    assert await tell(harness) == 1
    notice = await alice.wait_for(REOPENED)
    assert alice.render(notice) == f"{REOPENED}\n[🛒 Cart]"
    assert await tell(harness) == 0 and await waiting(harness) == 0  # told once

    await alice.press("Cart", message=notice)
    await alice.wait_for("Your cart", include_existing=True)
    await alice.press("Checkout")
    await alice.wait_for("Order summary", include_existing=True)
    await alice.press("Pay")
    await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)

    async with harness.store.uow() as uow:
        actions = (await uow.session.scalars(select(AuditEntry.action))).all()
    assert actions.count("sales.pause") == 1 and actions.count("sales.resume") == 1
    await ada.send("/audit")
    log = (await ada.wait_for("Audit log")).text or ""
    assert f"admin:{ADMIN_ID} · opened sales again" in log
    assert f"admin:{ADMIN_ID} · paused sales · note: {NOTE}" in log


async def test_pay_on_a_summary_from_before_the_pause_places_no_order(
    harness: ShopHarness,
) -> None:
    ada, bob = harness.user(ADMIN_ID, "Ada"), harness.user(1002, "Bob")
    await add_to_cart(bob, MUG)
    await open_order_summary(bob)
    before = bob.last_message
    await pause(ada, "/pause")
    await bob.press("Pay", message=before)
    closed = await bob.wait_for("not taking orders", include_existing=True)
    assert "🌙 The shop is not taking orders right now.\nYour cart is kept" in (closed.text or "")
    assert not [m for m in bob.messages if m.invoice is not None]
    async with harness.store.uow() as uow:
        assert await uow.session.scalar(select(func.count(Order.id))) == 0


async def test_an_invoice_sent_before_the_pause_cannot_be_paid_during_it(
    harness: ShopHarness,
) -> None:
    ada, cleo = harness.user(ADMIN_ID, "Ada"), harness.user(1003, "Cleo")
    await open_invoice(cleo, MUG)
    await pause(ada)
    result = await cleo.pay()
    assert not result.ok and result.stage == "pre_checkout"
    assert result.error_message is not None and CLOSED in result.error_message
    async with harness.store.uow() as uow:
        assert (await uow.session.scalars(select(Order.status))).all() == ["awaiting_payment"]

    await resume(ada)
    assert (await cleo.pay()).ok  # the same invoice, its stock still held
    await cleo.wait_for("Payment received")


async def test_no_cart_reminder_goes_out_while_sales_are_paused(tmp_path: Path) -> None:
    async with ShopHarness(
        tmp_path, admin_ids=frozenset({ADMIN_ID}), cart_reminder_hours=1
    ) as harness:
        assert harness.shop is not None
        ada, dan = harness.user(ADMIN_ID, "Ada"), harness.user(1004, "Dan")
        await add_to_cart(dan, MUG)
        later = utcnow() + timedelta(hours=2)
        await pause(ada)
        assert await reminders.send_due(harness.shop, now=later) == 0
        await resume(ada)
        assert await reminders.send_due(harness.shop, now=later) == 1


async def test_a_long_note_is_refused_and_resume_without_a_pause_says_so(
    harness: ShopHarness,
) -> None:
    ada = harness.user(ADMIN_ID, "Ada")
    await ada.send("/pause " + "x" * 201)
    refused = await ada.wait_for("characters long")
    assert refused.text == (
        "That note is 201 characters long; keep it to 200, or send /pause alone."
    )
    assert (await resume(ada)).startswith("Sales are not paused.")
    async with harness.store.uow() as uow:
        assert await uow.sales.pause() is None


async def test_the_admin_menu_says_sales_are_paused_in_the_admins_language(
    harness: ShopHarness,
) -> None:
    ada = harness.user(ADMIN_ID, "Ada", language_code="es")
    await ada.send("/pause")
    paused = await ada.wait_for("pausadas")
    assert "🌙 La tienda no está aceptando pedidos" in (paused.text or "")
    await ada.send("/admin")
    menu = await ada.wait_for("/resume")
    assert (menu.text or "").startswith("🌙 Ventas pausadas (desde ")
