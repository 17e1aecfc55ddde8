"""The shop blocks an abusive user: Ada blocks Mallory by @username with a reason. Mallory's
messages get one short answer, then silence for the hour; her button press gets the alert,
her inline query nothing, her support message never reaches Ada, her invoice from before the
block cannot be paid (its stock went back at once). /blocked lists her; Ada unblocks her and
she shops again, her cart as she left it. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.services import support as conversations
from bot.standin import FakeUser, Message
from bot.standin.harness import ShopHarness
from bot.store.models import AuditEntry, Customer, Order, SupportMessage, utcnow
from bot.usecases import support
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart, open_invoice

MALLORY = 1001
REFUSAL = "🚫 This shop can't take your messages."
REASON = "spams the support chat"


def refusals(h: ShopHarness, user_id: int) -> int:
    return sum(REFUSAL in (m.text or "") for m in h.user(user_id, "").messages)


async def held(h: ShopHarness, sku: str) -> int:
    async with h.store.reading() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        return product.reserved


def ada_and_mallory(h: ShopHarness) -> tuple[FakeUser, FakeUser]:
    return h.user(ADMIN_ID, "Ada"), h.user(MALLORY, "Mallory", username="mallory")


async def ada_blocks_mallory(ada: FakeUser) -> Message:
    await ada.send(f"/block @mallory {REASON}")
    return await ada.wait_for("is blocked")


async def test_ada_blocks_mallory_who_is_refused_everywhere_until_unblocked(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    ada, mallory = ada_and_mallory(h)
    invoice = await open_invoice(mallory, "KIT-MUG-CER")  # a mug held for her invoice
    assert await held(h, "KIT-MUG-CER") == 1
    await add_to_cart(mallory, "STA-PEN-FTN")  # and a pen, still in her cart
    await mallory.send("/support")
    await mallory.wait_for("Write your question")

    done = await ada_blocks_mallory(ada)
    assert (done.text or "").startswith("🚫 Mallory (@mallory, 1001) is blocked.")
    assert f"Reason: {REASON}" in (done.text or "")
    async with h.store.reading() as uow:
        order = await uow.session.scalar(select(Order).order_by(Order.id.desc()))
    assert order is not None and order.status == "cancelled"  # her hold went back at once
    assert f"Her unpaid order #{order.id} was cancelled and its stock is back." in (done.text or "")
    assert await held(h, "KIT-MUG-CER") == 0

    # A flood: one answer, then silence; her support message never reaches Ada.
    await mallory.send("You owe me a refund!!!")
    await mallory.wait_for(REFUSAL)
    for text in ("hello?", "/start", "/privacy", "/cart"):
        await mallory.send(text)
    await h.until_idle()
    assert refusals(h, MALLORY) == 1
    assert not [m for m in ada.messages if "refund!!!" in (m.text or "")]

    answer = await mallory.press("Add to cart")  # a button shown before the block
    assert (answer.text, answer.show_alert) == (REFUSAL, True)

    found = await mallory.inline_query("mug")
    assert found.results == [] and found.is_personal

    paying = await mallory.pay(invoice)  # the invoice sent before the block
    assert not paying.ok and paying.error_message == REFUSAL

    # An hour later she is told once more (her row says when she was last told).
    async with h.store.uow() as uow:
        hour_ago = utcnow() - timedelta(hours=1, minutes=1)
        await uow.session.execute(
            update(Customer).where(Customer.telegram_id == MALLORY).values(blocked_told_at=hour_ago)
        )
    await mallory.send("still here")
    await mallory.wait_for(REFUSAL)
    await h.until_idle()
    assert refusals(h, MALLORY) == 2

    await ada.send("/block 1001")
    again = await ada.wait_for("has been blocked since")
    assert (again.text or "").startswith("Mallory (@mallory, 1001) has been blocked since ")

    await ada.send("/blocked")
    listed = await ada.wait_for("🚫 Blocked: 1")
    assert "• Mallory (@mallory, 1001) · " in (listed.text or "")
    assert f"· by admin:9001 · {REASON}" in (listed.text or "")

    await ada.send("/unblock @mallory")
    await ada.wait_for("✅ Mallory (@mallory, 1001) is unblocked: she can shop again.")
    await ada.send("/unblock @mallory")
    await ada.wait_for("Mallory (@mallory, 1001) is not blocked.")

    await mallory.send("/cart")  # she shops again, her cart as she left it
    cart = await mallory.wait_for("Your cart")
    assert "Fountain Pen" in (cart.text or "")
    assert refusals(h, MALLORY) == 2

    await ada.send("/audit")
    log = (await ada.wait_for("Audit log")).text or ""
    assert f"admin:9001 · unblocked customer:{MALLORY}" in log
    assert f"admin:9001 · blocked customer:{MALLORY} · “{REASON}”, unpaid orders #" in log


async def test_blocked_mallory_still_reads_gets_and_deletes_her_data_and_stays_blocked(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    ada, mallory = ada_and_mallory(h)
    await add_to_cart(mallory, "STA-PEN-FTN")
    await ada_blocks_mallory(ada)

    await mallory.send("/privacy")  # her data is hers, blocked or not
    await mallory.wait_for("Your privacy")
    await mallory.press("📦 My data")
    sent = await mallory.wait_for(lambda m: m.document is not None)
    assert sent.document is not None and b"Fountain Pen" in sent.document.data

    await mallory.press("🗑 Delete my data")
    await mallory.wait_for("This deletes your cart")
    answer = await mallory.press("🗑 Yes, delete")
    assert answer.text == "Your data has been deleted."
    assert refusals(h, MALLORY) == 0  # served, not refused

    async with h.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(MALLORY)
    assert customer is not None and customer.blocked_at is not None  # the block stays
    await mallory.send("/start")
    await mallory.wait_for(REFUSAL)


async def test_mallorys_question_still_waiting_when_she_is_blocked_never_reaches_ada(
    harness_on_each_backend: ShopHarness,
) -> None:
    h = harness_on_each_backend
    ada, mallory = ada_and_mallory(h)
    await mallory.send("/support")
    await mallory.wait_for("Write your question")
    async with h.store.uow() as uow:  # kept, and its worker died before relaying it
        customer = await uow.customers.get_by_telegram_id(MALLORY)
        assert customer is not None
        await conversations.add_question(uow, customer.id, None, author=MALLORY, text="You owe me")

    await ada_blocks_mallory(ada)
    assert h.shop is not None
    later = utcnow() + support.STALLED_AFTER * 2
    assert await support.relay_stalled(h.shop, now=later) == 0  # nothing left to relay
    await h.until_idle()
    assert not [m for m in ada.messages if "You owe me" in (m.text or "")]
    async with h.store.reading() as uow:
        kept = (await uow.session.scalars(select(SupportMessage))).all()
        audit = await uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "customer.block")
        )
    assert [(m.text, m.delivery) for m in kept] == [("You owe me", "withheld")]
    assert audit is not None and audit.details["withheld_questions"] == 1
