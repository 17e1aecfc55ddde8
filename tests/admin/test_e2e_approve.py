"""Approving a payment flagged for review, and hearing about digital items that did not go out.

Flagged orders are paid for real through the stand-in: a Stripe charge id localstripe does not
know puts the order under review, as a forged or mistyped charge would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.callback_data import ApproveOrder, AskApproveOrder, ResolveReview
from bot.demo import STARS_CATALOG
from bot.i18n import translator
from bot.standin import BotApiStandIn, FakeUser, Message
from bot.standin.harness import ShopHarness
from bot.store.models import Order
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.e2e.shopper import open_invoice
from tests.payments.conftest import STRIPE_KEY


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    """The demo catalog (mugs and a PDF guide), paid by card and checked with localstripe."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path,
            standin=standin,
            admin_ids=frozenset({ADMIN_ID}),
            payment_provider_token="TEST:provider",
            stripe_api_key=STRIPE_KEY,
            stripe_api_base=localstripe,
        ) as harness:
            yield harness


async def flagged_order(h: ShopHarness, shopper: FakeUser, admin: FakeUser, sku: str) -> int:
    """The shopper pays for one `sku` with a charge Stripe does not know: flagged, admin told."""
    await open_invoice(shopper, sku)
    result = await shopper.pay(provider_payment_charge_id="ch_forged")
    assert result.ok, result
    await shopper.wait_for("double-checking the payment", include_existing=True)
    alert = await admin.wait_for("needs review")
    order_id = int((alert.text or "").split("#", 1)[1].split(" ", 1)[0])
    order = await load(h, order_id)
    assert order.needs_review and order.status == "paid"
    return order_id


async def load(h: ShopHarness, order_id: int) -> Order:
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None
    return order


async def audit_actions(h: ShopHarness) -> list[tuple[int | None, str, str | None]]:
    async with h.store.uow() as uow:
        return [(e.actor_telegram_id, e.action, e.target) for e in await uow.audit.list_recent()]


def documents(user: FakeUser) -> list[Message]:
    return [m for m in user.messages if m.document is not None]


async def test_admin_approves_a_flagged_mug_then_ships_it(h: ShopHarness) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await flagged_order(h, shopper, admin, "KIT-MUG-CER")

    detail = await open_detail(admin, order_id)
    assert "⚠️ Needs review: payment check: Stripe does not know charge ch_forged" in (
        detail.text or ""
    )
    answer = await admin.press("🚚 Ship")  # refused while it is flagged, before any question
    assert answer.text and "is flagged for review" in answer.text
    await admin.wait_for("is flagged for review")
    assert not [m for m in admin.messages if "Send the tracking number" in (m.text or "")]
    assert (await load(h, order_id)).status == "paid"

    detail = await open_detail(admin, order_id)
    await admin.press("✅ Approve payment", message=detail)
    confirm = await admin.wait_for("Check the payment at the provider first")
    assert (await load(h, order_id)).needs_review  # nothing before the confirmation
    await admin.press("✅ Yes, approve", message=confirm)
    await admin.wait_for(f"Order #{order_id}: ✅ Paid. Payment approved. The shopper was notified.")
    told = await shopper.wait_for("is confirmed")
    assert "preparing your order" in (told.text or "")
    order = await load(h, order_id)
    assert not order.needs_review and order.review_reason is None
    last = order.events[-1]
    assert (last.from_status, last.to_status, last.actor) == ("paid", "paid", f"admin:{ADMIN_ID}")
    assert (
        f"review cleared by admin:{ADMIN_ID}: payment check: Stripe does not know charge ch_forged"
        in translator("en").said(last.note)
    )
    assert (ADMIN_ID, "order.approve", f"order:{order_id}") in await audit_actions(h)

    reopened = await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    assert "Approve payment" not in str([b.label for b in reopened.all_buttons])
    await admin.press("🚚 Ship", message=reopened)
    await admin.wait_for("Send the tracking number")
    await admin.press("🚚 Ship without tracking")
    await admin.wait_for(f"Order #{order_id}: 🚚 Shipped.")
    await shopper.wait_for("is on its way")

    # A second "Yes, approve" (a stale confirmation, another admin): nothing is under review.
    latest = admin.last_message
    assert latest is not None
    await admin.press_data(latest, ApproveOrder(order_id).encode())
    await admin.wait_for("is not flagged for review")
    assert (ADMIN_ID, "order.approve.refused", f"order:{order_id}") in await audit_actions(h)


async def test_approving_a_flagged_guide_sends_the_pdf_and_delivers_it(h: ShopHarness) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await flagged_order(h, shopper, admin, "DIG-GDE-BRW")
    await h.until_idle()
    assert not documents(shopper)  # nothing goes out while the payment is in doubt

    detail = await open_detail(admin, order_id)
    await admin.press("✅ Approve payment", message=detail)
    await admin.wait_for("Check the payment at the provider first")
    await admin.press("✅ Yes, approve")
    await admin.wait_for(f"Order #{order_id}: 📦 Delivered. Payment approved. Digital items sent.")
    await shopper.wait_for("Your digital items follow below.")
    document = await shopper.wait_for(lambda m: m.document is not None, include_existing=True)
    assert document.document is not None
    assert document.document.file_name == "dig-gde-brw.pdf"
    order = await load(h, order_id)
    assert order.status == "delivered" and not order.needs_review
    assert (order.events[-1].from_status, order.events[-1].to_status) == ("paid", "delivered")


async def test_a_spanish_shopper_gets_the_approved_guide_in_spanish_from_an_english_admin(
    h: ShopHarness,
) -> None:
    """Sam chose Spanish after paying; Ada approves in English. The guide's caption is Sam's."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await flagged_order(h, shopper, admin, "DIG-GDE-BRW")
    await shopper.send("/language")
    await shopper.wait_for("Choose your language")
    await shopper.press("Español")
    await shopper.wait_for("A partir de ahora hablo")

    detail = await open_detail(admin, order_id)
    await admin.press("✅ Approve payment", message=detail)
    await admin.wait_for("Check the payment at the provider first")
    await admin.press("✅ Yes, approve")
    await shopper.wait_for("Tus artículos digitales llegan a continuación.")
    document = await shopper.wait_for(lambda m: m.document is not None, include_existing=True)
    guide = "Guía para preparar café en casa (PDF)"
    assert document.text == f"⬇️ {guide}\nPedido n.º {order_id}"


async def test_a_shopper_pressing_a_forged_approve_button_is_refused(h: ShopHarness) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await flagged_order(h, shopper, admin, "KIT-MUG-CER")
    own = shopper.last_message
    assert own is not None
    for action in (AskApproveOrder(order_id), ApproveOrder(order_id)):
        answer = await shopper.press_data(own, action.encode())
        assert answer.text and "admins only" in answer.text
    order = await load(h, order_id)
    assert order.needs_review and order.status == "paid"
    assert not [m for m in shopper.messages if "is confirmed" in (m.text or "")]


async def test_a_failed_download_alerts_the_admins_once(tmp_path: Path) -> None:
    async with ShopHarness(
        tmp_path,
        catalog_path=STARS_CATALOG,
        currency="XTR",
        payment_provider_token="",
        admin_ids=frozenset({ADMIN_ID}),
    ) as h:
        admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
        await admin.send("/start")
        h.standin.fail_next("sendDocument")  # the shopper blocked the bot meanwhile
        h.standin.fail_next("sendDocument")
        await open_invoice(shopper, "STR-GDE-ESP", "STR-TPL-MNU")
        assert (await shopper.pay()).ok
        alert = await admin.wait_for("could not send")
        await h.until_idle()
        text = alert.text or ""
        assert "Order #1" in text and "Espresso Dial-In Guide (PDF)" in text
        assert "Café Menu Templates" in text  # the second product is named in the same alert
        alerts = [m for m in admin.messages if "could not send" in (m.text or "")]
        assert len(alerts) == 1
        assert (await load(h, 1)).status == "paid"


async def test_a_flagged_guide_cancelled_offers_no_approve_and_no_part_refund(
    h: ShopHarness,
) -> None:
    """Cancelling a flagged order whose charge Stripe does not know: the refund fails, the order
    stays flagged (money is owed) but can no longer be approved, so no Approve is offered and
    an older screen's Approve says why at once; a part of it cannot be refunded either. Once
    Ada has sorted it out at Stripe, ☑️ Review resolved clears the flag (while it was paid,
    only ✅ Approve payment could), once, in its history and the audit log."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id = await flagged_order(h, shopper, admin, "DIG-GDE-BRW")
    detail = await open_detail(admin, order_id)
    approve = next(b for b in detail.all_buttons if "Approve" in b.label)
    assert "Review resolved" not in str([b.label for b in detail.all_buttons])
    answer = await admin.press_data(detail, ResolveReview(order_id).encode())
    assert answer.text == (
        f"Order #{order_id} is paid: ✅ Approve payment clears its review, and lets it ship "
        "and sends its digital items."
    )
    await admin.press("✖️ Cancel", message=detail)
    await admin.wait_for("a paid order is refunded in full")
    await admin.press("✖️ Yes, cancel it")
    done = await admin.wait_for(f"Order #{order_id} · ✖️ Cancelled")
    assert "Needs review: " in (done.text or "")
    assert "Approve payment" not in str([b.label for b in done.all_buttons])

    answer = await admin.press_data(detail, approve.callback_data or "")
    said = f"Order #{order_id} is ✖️ Cancelled: only a paid order can be approved."
    assert answer.text == said
    await h.until_idle()
    assert not [m for m in admin.messages if "Check the payment at the provider" in (m.text or "")]

    await admin.press("↩️ Refund")
    await admin.wait_for("it can be refunded in full only")
    await admin.send("1")
    await admin.wait_for("only all that is left ($9.00) can be refunded.")
    order = await load(h, order_id)
    assert (order.status, order.refunded_amount, order.needs_review) == ("cancelled", 0, True)

    await admin.press("☑️ Review resolved", message=done)
    question = await admin.wait_for(f"Mark the review of order #{order_id} as resolved?")
    yes = next(b for b in question.all_buttons if b.label == "☑️ Yes, resolved")
    await admin.press_button(question, yes)
    await admin.wait_for(f"☑️ Order #{order_id}: its review is marked resolved; the flag is gone.")
    screen = (await admin.wait_for(f"Order #{order_id} · ✖️ Cancelled")).text or ""
    assert "Needs review" not in screen
    flagged_for = (
        "payment check: Stripe does not know charge ch_forged; refund after cancel failed: "
    )
    assert f"(review resolved by admin:9001: {flagged_for}" in screen
    again = await admin.press_data(question, yes.callback_data or "")  # pressed twice
    assert again.text == (
        f"Order #{order_id} is not flagged for review: there is nothing to resolve."
    )
    assert not (await load(h, order_id)).needs_review
    await admin.send("/audit")
    audit = (await admin.wait_for("Audit log")).text or ""
    assert f"admin:9001 · marked resolved the review of order:{order_id} (refused) · " in audit
    resolved = f"admin:9001 · marked resolved the review of order:{order_id} · flagged for: "
    assert resolved + flagged_for in audit


RUSSIAN_HEADING = "Заказ №{order_id} · "


async def test_a_russian_admin_reads_why_a_payment_is_flagged_in_russian(h: ShopHarness) -> None:
    """Ada reads Russian. Sam pays with a charge Stripe does not know: her alert and the
    order's screen say why in Russian, the charge id as it is. An order flagged before
    reasons were stored for their reader (an English sentence in the row) still shows it."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    await admin.send("/language")
    await admin.press("Русский", message=await admin.wait_for("Choose your language"))
    await admin.wait_for("говорю")

    await open_invoice(shopper, "KIT-MUG-CER")
    assert (await shopper.pay(provider_payment_charge_id="ch_forged")).ok

    alert = await admin.wait_for("требует проверки")
    assert "требует проверки: Stripe не знает платёж ch_forged" in (alert.text or "")
    assert "does not know" not in (alert.text or "")
    detail = await open_detail(admin, 1, RUSSIAN_HEADING)
    assert "⚠️ Требует проверки: проверка платежа: Stripe не знает платёж ch_forged" in (
        detail.text or ""
    )

    old = "payment check: Stripe does not know charge ch_old"
    async with h.store.uow() as uow:
        order = await uow.orders.get(1)
        assert order is not None
        order.review_reason = old
        await uow.orders.record_event(order, actor="system", note="digital items sent in the chat")
    detail = await open_detail(admin, 1, RUSSIAN_HEADING)
    assert f"⚠️ Требует проверки: {old}" in (detail.text or "")
    assert "(digital items sent in the chat)" in (detail.text or "")
