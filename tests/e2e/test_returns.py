"""↩️ Return items: Sam asks to return a line of his delivered card order, picked from its
lines with a reason; Ada approves it (exactly that line refunded at localstripe, once, however
often pressed) or declines it with a reason he reads. No button where a return is not his to
ask: not delivered yet, paid in Stars, past RETURN_DAYS, someone else's, or one waiting
already. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.callback_data import ApproveReturn, ReturnItems
from bot.handlers.admin.guard import REFUSAL
from bot.i18n import translator
from bot.payments.invoice import build_invoice
from bot.payments.stripe_gateway import StripeGateway
from bot.services import refunds as refund_books
from bot.services.promos import parse_new
from bot.services.returns import ReturnDecided
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import OrderEvent, ReturnRequest, utcnow
from bot.store.order_states import IllegalOrderTransition
from bot.store.repositories.returns import ReturnRepository
from bot.store.uow import Store
from bot.usecases import returns as return_cases
from bot.usecases.admin_orders import OrderNotChanged
from bot.usecases.orders import deliver_order, ship_order
from bot.usecases.refunds import (
    PENDING_REFUND_GRACE,
    SECOND_REFUND_PAUSES,
    resume_pending_refunds,
)
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.e2e.shopper import open_order, screen, shown
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    STRIPE_KEY,
    UNREACHABLE_STRIPE,
    StripeTestAccount,
    add_product,
    card_shop,
    fill_cart,
    mark_invoice_sent,
    place_order,
    stripe_account,
    stripe_harness,
)
from tests.pg_databases import PgDatabases, pg_database_url

MUGS = "2 × Stoneware Mug 350ml"
CUSHION = "1 × Linen Cushion Cover"


@pytest.fixture
async def h(
    tmp_path: Path, localstripe: str, migrated_database_url: str
) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe, database_url=migrated_database_url) as harness:
        yield harness


async def card_order(
    h: ShopHarness, shopper: FakeUser, account: StripeTestAccount, *, delivered: bool = True
) -> tuple[int, str]:
    """The shopper buys 2 mugs ($16 each) and a cushion cover ($24) with 10% off, shipped free,
    and pays $50.40 by card; the shop ships it and (unless told not to) marks it delivered:
    (order id, Stripe charge id)."""
    assert h.shop is not None
    await shopper.send("/start")
    await shopper.wait_for(shopper.user_json["first_name"])
    async with h.store.reading() as uow:
        on_sale = await uow.products.get_by_sku("MUG")
        cover = await uow.products.get_by_sku("CUSH")
    mug = on_sale.id if on_sale else await add_product(h.shop, "MUG", title="Stoneware Mug 350ml")
    cushion = (
        cover.id
        if cover
        else await add_product(h.shop, "CUSH", price=2400, title="Linen Cushion Cover")
    )
    await fill_cart(h.shop, shopper.user_id, {mug: 2, cushion: 1})
    async with h.store.uow() as uow:  # with 10% off: the mugs' share of it is $3.20
        if await uow.promos.by_code("WELCOME10") is None:
            await uow.promos.add(parse_new(["WELCOME10", "10%"], "USD").to_model())
        customer = await uow.customers.get_by_telegram_id(shopper.user_id)
        assert customer is not None
        cart = await uow.carts.get_for_customer(customer.id)
        cart.promo_code = "WELCOME10"
    placed = await place_order(h.shop, telegram_id=shopper.user_id)
    request = build_invoice(placed.order, h.shop.settings, photo_url=placed.photo_url)
    sent = await request.send(h.app.bot, shopper.user_id)
    await mark_invoice_sent(h.shop, placed.order.order_id, sent.message_id)
    await shopper.wait_for(lambda m: m.invoice is not None, include_existing=True)
    assert placed.order.total == 5040
    charge = await account.charge(5040)
    paid = await shopper.pay(shipping_option_id="standard", provider_payment_charge_id=charge)
    assert paid.ok, paid
    await shopper.wait_for("✅")  # the receipt, in her language
    order_id = placed.order.order_id
    await ship_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    if delivered:
        await deliver_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")
    return order_id, charge


async def sam_asks_to_return_the_mugs(sam: FakeUser, order_id: int, reason: str) -> str:
    """Sam picks the mugs from his order, a reason, and sends: what he is told."""
    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    assert f"☐ {MUGS}" in screen(sam) and f"☐ {CUSHION}" in screen(sam)
    await sam.press(f"☐ {MUGS}")
    assert f"☑ {MUGS}" in screen(sam) and f"☐ {CUSHION}" in screen(sam)
    await sam.press("Next")
    await sam.press(reason)
    assert shown(sam) == (
        f"↩️ Return from order #{order_id}: {MUGS}.\nReason: {reason}.\n"
        "If the shop approves, you get $28.80 back to your card."
    )
    answer = await sam.press("Send request")
    return answer.text or ""


async def books(h: ShopHarness, order_id: int) -> tuple[str, int]:
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        return order.status, order.refunded_amount


async def requests_of(h: ShopHarness, order_id: int) -> list[tuple[str, str | None]]:
    async with h.store.uow() as uow:
        return [(r.status, r.decided_by) for r in await uow.returns.of_order(order_id)]


async def audited(h: ShopHarness) -> list[str]:
    """The audit log's actions, newest first."""
    async with h.store.reading() as uow:
        return [row.action for row in await uow.audit.list_recent()]


async def test_sam_returns_the_mugs_and_ada_approves_so_exactly_they_are_refunded(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)

    said = await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    assert said == f"Return request #1 for order #{order_id} sent. The shop will answer here."
    assert "↩️ Return requested (waiting for the shop)" in shown(sam)
    assert "Return items" not in screen(sam)

    alert = await ada.wait_for("↩️ Return request #1")
    assert alert.text == (
        f"↩️ Return request #1, order #{order_id} from Sam: {MUGS} ($28.80). Reason: Damaged."
    )
    await ada.press("✅ Approve and refund", message=alert)
    question = await ada.wait_for("Approve return #1")
    assert question.text == f"Approve return #1 and refund $28.80 of order #{order_id}?"
    assert await books(h, order_id) == ("delivered", 0)  # asking changes nothing
    await ada.press("Yes, approve and refund")
    done = await ada.wait_for("✅ Return #1 approved")
    assert done.text == (
        f"✅ Return #1 approved: $28.80 of order #{order_id} refunded; the shopper was told."
    )
    told = await sam.wait_for("Your return #1")
    assert told.text == "✅ Your return #1 was approved: $28.80 is on its way back to your card."
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await books(h, order_id) == ("delivered", 2880)
    assert await requests_of(h, order_id) == [("approved", f"admin:{ADMIN_ID}")]

    again = await ada.press_data(question, ApproveReturn(1).encode())  # an older Yes
    assert again.text == f"Return #1 was already approved by admin:{ADMIN_ID}."
    late = await ada.press("✅ Approve and refund", message=alert)
    assert late.text == f"Return #1 was already approved by admin:{ADMIN_ID}."
    assert await stripe_account.refunds_of(charge) == [2880]

    # The mugs are back; the cushion cover may still go back.
    await open_order(sam, order_id)
    await sam.press("↩️ Return items")
    assert f"☐ {CUSHION}" in screen(sam) and "Stoneware Mug" not in screen(sam)

    await ada.send("/audit")
    log = await ada.wait_for("Audit log")
    assert f"approved a return of order:{order_id}" in (log.text or "")
    refunded = f"admin:{ADMIN_ID} · refunded a return of order:{order_id} · return #1 ($28.80)"
    assert refunded in (log.text or "")
    asked = (
        f"customer:{SHOPPER_ID} · asked to return items of order:{order_id} · "
        f"return #1: {MUGS} ($28.80), reason: Damaged"
    )
    assert asked in (log.text or "")


async def test_ada_declines_with_a_reason_sam_reads_and_nothing_is_refunded(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Changed my mind")

    await open_detail(ada, order_id)  # the order's screen shows the request, with its buttons
    assert "↩️ Return request #1" in shown(ada)
    await ada.press("✖️ Decline")
    await ada.wait_for("Decline return #1")
    await ada.send("x" * 201)
    await ada.wait_for("That is 201 characters long; a reason is at most 200.")
    await ada.send("Mugs are not returnable once used.")
    await ada.wait_for("✖️ Return #1 declined")
    told = await sam.wait_for("declined")
    assert told.text == "Your return request #1 was declined: Mugs are not returnable once used."
    assert await stripe_account.refunds_of(charge) == []
    assert await books(h, order_id) == ("delivered", 0)
    assert await requests_of(h, order_id) == [("declined", f"admin:{ADMIN_ID}")]

    await ada.send("/audit")
    log = await ada.wait_for("Audit log")
    assert "declined: “Mugs are not returnable once used.”" in (log.text or "")


async def test_two_approvals_at_the_same_moment_refund_once(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Wrong item")
    alert = await ada.wait_for("↩️ Return request #1")
    yes = ApproveReturn(1).encode()
    answers = await asyncio.gather(ada.press_data(alert, yes), ada.press_data(alert, yes))
    already = f"Return #1 was already approved by admin:{ADMIN_ID}."
    assert [a.text for a in answers].count(already) == 1
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await books(h, order_id) == ("delivered", 2880)


async def test_no_return_button_where_a_return_is_not_his_to_ask(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam, eve = h.user(SHOPPER_ID, "Sam"), h.user(1002, "Eve")
    shipped, _ = await card_order(h, sam, stripe_account, delivered=False)
    await open_order(sam, shipped)
    assert "Return items" not in screen(sam)
    forged = await sam.press_data(sam.last_message, ReturnItems(shipped).encode())  # type: ignore[arg-type]
    assert forged.text == f"Order #{shipped} can be returned once it has been delivered."

    delivered, _ = await card_order(h, sam, stripe_account)
    async with h.store.uow() as uow:  # delivered 15 days ago: past RETURN_DAYS (14)
        await uow.session.execute(
            update(OrderEvent)
            .where(OrderEvent.order_id == delivered, OrderEvent.to_status == "delivered")
            .values(created_at=utcnow() - timedelta(days=15))
        )
    await open_order(sam, delivered)
    assert "Return items" not in screen(sam)
    late = await sam.press_data(sam.last_message, ReturnItems(delivered, 1, 1, 3).encode())  # type: ignore[arg-type]
    assert "delivered more than 14 days ago" in (late.text or "")
    async with h.store.uow() as uow:
        assert await uow.returns.of_order(delivered) == []

    await eve.send("/start")
    await eve.wait_for("Welcome")
    await eve.send("/orders")
    await eve.wait_for("orders")
    theirs = await eve.press_data(eve.last_message, ReturnItems(delivered, 1, 1, 3).encode())  # type: ignore[arg-type]
    assert theirs.text == "That order is not in your history."


async def test_one_request_waits_at_a_time_and_a_stale_send_changes_nothing(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, _ = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Other")
    stale = ReturnItems(order_id, 1, 5, 3).encode()  # the same Send, pressed again
    again = await sam.press_data(sam.last_message, stale)  # type: ignore[arg-type]
    assert again.text == f"Order #{order_id} already has a return request waiting for the shop."
    async with h.store.uow() as uow:
        assert len(await uow.returns.of_order(order_id)) == 1


async def test_stars_orders_offer_no_return(tmp_path: Path) -> None:
    """Stars goods are digital and Telegram refunds Stars only whole: no ↩️ Return items."""
    from tests.e2e.shopper import paid_order
    from tests.payments.conftest import stars_harness

    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        sam = h.user(SHOPPER_ID, "Sam")
        await add_product(
            h.shop, "LESSON", price=150, currency="XTR", digital=True, title="Pottery Lesson"
        )
        order_id = await paid_order(h, sam, "LESSON")
        async with h.store.uow() as uow:  # the shop sent it by hand: delivered
            order = await uow.orders.get(order_id)
            assert order is not None
            await uow.orders.transition(order, "deliver_digital", actor="admin:1")
        await open_order(sam, order_id)
        assert "Return items" not in screen(sam)
        forged = await sam.press_data(sam.last_message, ReturnItems(order_id).encode())  # type: ignore[arg-type]
        assert forged.text == f"Order #{order_id} was paid in Stars: tap 💬 Ask about this order."
        async with h.store.uow() as uow:
            assert (await uow.session.get(ReturnRequest, 1)) is None


async def test_a_shopper_pressing_approve_is_refused_and_nothing_is_refunded(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    forged = await sam.press_data(sam.last_message, ApproveReturn(1).encode())  # type: ignore[arg-type]
    assert forged.text == translator("en")._(REFUSAL)
    assert await stripe_account.refunds_of(charge) == []
    assert await requests_of(h, order_id) == [("requested", None)]


@pytest.mark.parametrize(
    ("language", "button", "sent", "approved"),
    [
        (
            "ru",
            "↩️ Вернуть товары",
            "Запрос на возврат №1 по заказу №{order_id} отправлен. Магазин ответит здесь.",
            "✅ Ваш возврат №1 одобрен: 28,80\u00a0$ возвращаются на вашу карту.",
        ),
        (
            "es",
            "↩️ Devolver artículos",
            "Solicitud de devolución n.º 1 del pedido n.º {order_id} enviada. La tienda "
            "responderá aquí.",
            "✅ Tu devolución n.º 1 fue aprobada: 28,80\u00a0US$ vuelven a tu tarjeta.",
        ),
    ],
)
async def test_sam_asks_and_hears_in_his_language(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    language: str,
    button: str,
    sent: str,
    approved: str,
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam", language_code=language)
    order_id, _ = await card_order(h, sam, stripe_account)
    await sam.send("/orders")
    await sam.wait_for(f"#{order_id} ")
    await sam.press(f"#{order_id} ")
    await sam.press(button)
    await sam.press(f"☐ {MUGS}")
    await sam.press("➡")
    tr = translator(language)
    await sam.press(tr._("Damaged"))
    answer = await sam.press(tr._("📨 Send request"))
    assert answer.text == sent.format(order_id=order_id)
    await ada.wait_for("↩️ Return request #1")
    await ada.press("✅ Approve and refund")
    await ada.wait_for("Approve return #1")
    await ada.press("Yes, approve and refund")
    told = await sam.wait_for(lambda m: (m.text or "").startswith("✅ "))
    assert told.text == approved


async def test_ada_declines_from_the_alert_without_a_reason_and_sam_can_ask_again(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Doesn't fit")
    alert = await ada.wait_for("↩️ Return request #1")
    await ada.press("✖️ Decline", message=alert)
    await ada.wait_for("Decline return #1")
    await ada.send("/skip")
    await ada.wait_for("✖️ Return #1 declined")
    told = await sam.wait_for("declined")
    assert told.text == (
        "Your return request #1 was declined. Tap 💬 Ask about this order on the order to "
        "talk to the shop."
    )
    late = await ada.press("✅ Approve and refund", message=alert)
    assert late.text == f"Return #1 was already declined by admin:{ADMIN_ID}."
    await open_order(sam, order_id)  # declined: nothing is waiting, so he may ask again
    assert "↩️ Return items" in screen(sam)


async def test_a_refund_stripe_refuses_leaves_the_request_waiting_for_another_try(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """As the Refund button's refusal: nothing refunded, the admin reads why, and the request
    waits again (Sam hears nothing yet); approved later, it refunds."""
    assert h.shop is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    alert = await ada.wait_for("↩️ Return request #1")
    stripe, h.shop.stripe = h.shop.stripe, None  # no STRIPE_API_KEY: Stripe cannot refund
    try:
        refused = await ada.press_data(alert, ApproveReturn(1).encode())
    finally:
        h.shop.stripe = stripe
    assert (refused.text or "").startswith(f"Order #{order_id} was not changed: ")
    assert await stripe_account.refunds_of(charge) == []
    assert await books(h, order_id) == ("delivered", 0)
    assert await requests_of(h, order_id) == [("requested", None)]

    await ada.press_data(alert, ApproveReturn(1).encode())
    await sam.wait_for("✅ Your return #1 was approved")
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await audited(h) == [  # newest first: each approval, and how its refund ended
        "return.refund",
        "return.approve",
        "return.refund.refused",
        "return.approve",
        "return.request",
    ]


async def test_with_stripe_out_of_reach_the_approved_refund_is_tried_again_not_doubled(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """The refund stays pending for the job (as the Refund button's): Ada reads so, the
    request stays approved, and the job makes it once."""
    assert h.shop is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    alert = await ada.wait_for("↩️ Return request #1")
    up, h.shop.stripe = h.shop.stripe, StripeGateway(STRIPE_KEY, UNREACHABLE_STRIPE)
    try:
        await ada.press_data(alert, ApproveReturn(1).encode())
        said = await ada.wait_for("✅ Return #1 approved")
    finally:
        await h.shop.stripe.close()
        h.shop.stripe = up
    assert said.text is not None
    assert said.text.startswith("✅ Return #1 approved; the shopper was told.\n⏳ The refund of ")
    assert await requests_of(h, order_id) == [("approved", f"admin:{ADMIN_ID}")]
    assert await stripe_account.refunds_of(charge) == []
    await sam.wait_for("✅ Your return #1 was approved: $28.80 is on its way")
    assert await return_cases.tell_untold(h.shop) == 0
    assert (await audited(h))[0] == "return.approve"  # the refund has not ended yet
    later = utcnow() + SECOND_REFUND_PAUSES[0] + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=later) == [order_id]
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await books(h, order_id) == ("delivered", 2880)
    await sam.wait_for("We refunded $28.80")
    assert await return_cases.tell_untold(h.shop) == 0
    assert [m.text for m in sam.messages].count(
        "✅ Your return #1 was approved: $28.80 is on its way back to your card."
    ) == 1
    assert (await audited(h))[0] == "return.refund"


async def test_a_shop_with_return_days_0_takes_no_returns(
    tmp_path: Path,
    localstripe: str,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with stripe_harness(tmp_path, standin, localstripe, return_days=0) as h:
            sam = h.user(SHOPPER_ID, "Sam")
            order_id, _ = await card_order(h, sam, stripe_account)
            await open_order(sam, order_id)
            assert "Return items" not in screen(sam)
            forged = ReturnItems(order_id, 1, 1, 3).encode()
            said = await sam.press_data(sam.last_message, forged)  # type: ignore[arg-type]
            assert said.text == "This shop takes no returns here: tap 💬 Ask about this order."
            async with h.store.uow() as uow:
                assert await uow.returns.of_order(order_id) == []


class Crash(BaseException):
    """The bot killed mid-approval (SIGKILL, a restart): nothing after it runs."""


async def _crash(*args: object, **kwargs: object) -> None:
    raise Crash


@pytest.mark.parametrize("when", ["setting the refund aside", "at Stripe", "recording it"])
async def test_a_crash_during_an_approval_never_loses_sams_refund_nor_doubles_it(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    """Ada approves; the bot dies once the decision is committed (as the refund is set aside,
    as Stripe is asked, or after Stripe refunded but before the books say so). After the
    restart the pending-refunds job (or Ada's second press, if nothing was decided) refunds
    the mugs exactly once, Sam hears of it, and /audit shows Ada's approval once."""
    assert h.shop is not None
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    with monkeypatch.context() as dying:
        if when == "setting the refund aside":
            dying.setattr(refund_books, "claim", _crash)
        elif when == "at Stripe":
            assert h.shop.stripe is not None
            dying.setattr(h.shop.stripe, "refund", _crash)
        else:
            dying.setattr(refund_books, "record_refund", _crash)
        with pytest.raises(Crash):
            await return_cases.approve(h.shop, ADMIN_ID, 1, restock=True)

    # Restarted: the job finishes what the approval left pending, once.
    later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    await resume_pending_refunds(h.shop, now=later)
    assert await resume_pending_refunds(h.shop, now=later + timedelta(days=1)) == []
    if await requests_of(h, order_id) == [("requested", None)]:  # nothing was decided
        assert await stripe_account.refunds_of(charge) == []
        await return_cases.approve(h.shop, ADMIN_ID, 1, restock=True)
    else:
        told = await sam.wait_for("We refunded $28.80")
        assert told.text is not None and "Reason: return #1" in told.text
        assert await return_cases.tell_untold(h.shop) == 0  # the job's message told him
    assert await requests_of(h, order_id) == [("approved", f"admin:{ADMIN_ID}")]
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await books(h, order_id) == ("delivered", 2880)
    with pytest.raises(ReturnDecided):  # a second press, a redelivered update
        await return_cases.approve(h.shop, ADMIN_ID, 1, restock=True)
    assert await stripe_account.refunds_of(charge) == [2880]
    async with h.store.reading() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None and mug.stock == 10  # the two mugs came back once
        log = [(row.action, row.actor_telegram_id) for row in await uow.audit.list_recent()]
    assert log.count(("return.approve", ADMIN_ID)) == 1
    assert [action for action, _ in log].count("return.refund") == 1  # how it ended, once
    news = ("✅ Your return #1 was approved", "↩️ We refunded $28.80")
    heard = [m.text for m in sam.messages if (m.text or "").startswith(news)]
    assert len(heard) == 1, heard  # one message of the refund: the job's, or the approval's


async def test_a_refund_the_job_finds_refused_after_a_crash_reopens_the_request(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bot dies as Stripe is asked; after the restart the job finds Stripe refusing (no
    STRIPE_API_KEY now): nothing is refunded, the admins read why, and the request waits for
    them again, as after a refusal at Ada's press, instead of reading "approved" unpaid."""
    assert h.shop is not None and h.shop.stripe is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    with monkeypatch.context() as dying:
        dying.setattr(h.shop.stripe, "refund", _crash)
        with pytest.raises(Crash):
            await return_cases.approve(h.shop, ADMIN_ID, 1)
    assert await requests_of(h, order_id) == [("approved", f"admin:{ADMIN_ID}")]

    later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    stripe, h.shop.stripe = h.shop.stripe, None
    try:
        assert await resume_pending_refunds(h.shop, now=later) == []
    finally:
        h.shop.stripe = stripe
    await ada.wait_for("a refund left pending by a restart failed")
    assert await requests_of(h, order_id) == [("requested", None)]
    assert await books(h, order_id) == ("delivered", 0)
    assert await stripe_account.refunds_of(charge) == []
    assert await return_cases.tell_untold(h.shop) == 0  # nothing to tell Sam: not approved

    await return_cases.approve(h.shop, ADMIN_ID, 1)
    await sam.wait_for("✅ Your return #1 was approved")
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await books(h, order_id) == ("delivered", 2880)
    assert (await audited(h))[:4] == [
        "return.refund",
        "return.approve",
        "return.refund.refused",  # the job's refusal, written where the refund was given back
        "return.approve",
    ]


BEFORE_TAKEN, AS_SENT = "before his message is taken", "as it is sent"


def dying_as_sam_is_told(dying: pytest.MonkeyPatch, h: ShopHarness, when: str) -> None:
    """The bot dies after a decision was stored: before Sam's message about it is taken for
    sending, or as it is sent (Telegram cannot say whether it arrived). The harness's own
    `tell-returns` job is stopped first: the test runs the job itself after the "restart", and
    the timer's run in between would have told him already."""
    assert h.shop is not None
    h.without_job("tell-returns")
    if when == BEFORE_TAKEN:
        dying.setattr(ReturnRepository, "take_message", _crash)
    else:
        dying.setattr(h.shop.notifier, "notify", _crash)


async def restarted(h: ShopHarness, sam: FakeUser, when: str, told: str) -> None:
    """After the restart the job (on every worker, every minute) tells Sam `told` if the
    crash left it owed, once: a second run sends nothing."""
    assert h.shop is not None
    if when == BEFORE_TAKEN:
        assert await return_cases.tell_untold(h.shop) == 1
        await sam.wait_for(told)
    assert await return_cases.tell_untold(h.shop) == 0


@pytest.mark.parametrize("when", [BEFORE_TAKEN, AS_SENT])
async def test_a_crash_after_a_decline_tells_sam_once_if_it_can_and_never_twice(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    """The decline is stored, then the bot dies: before Sam's message was taken for sending,
    the job sends it after the restart, once; as it was being sent (Telegram cannot say
    whether it arrived), it is not sent again. Either way his order says it was declined,
    with the reason, and he may ask again."""
    assert h.shop is not None
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Changed my mind")
    why = "Mugs are not returnable once used."
    with monkeypatch.context() as dying:
        dying_as_sam_is_told(dying, h, when)
        with pytest.raises(Crash):
            await return_cases.decline(h.shop, ADMIN_ID, 1, why)
    assert await requests_of(h, order_id) == [("declined", f"admin:{ADMIN_ID}")]

    told = f"Your return request #1 was declined: {why}"
    await restarted(h, sam, when, told)
    with pytest.raises(ReturnDecided):  # Ada's update, handled again after the restart
        await return_cases.decline(h.shop, ADMIN_ID, 1, why)
    heard = [m.text for m in sam.messages if "was declined" in (m.text or "")]
    assert heard == ([told] if when == BEFORE_TAKEN else [])
    await open_order(sam, order_id)
    assert f"↩️ Return #1 declined: {why}" in shown(sam)
    assert "↩️ Return items" in screen(sam)
    assert await stripe_account.refunds_of(charge) == []


@pytest.mark.parametrize("when", [BEFORE_TAKEN, AS_SENT])
async def test_a_crash_after_an_approved_refund_tells_sam_once_if_it_can_and_never_twice(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    """Ada approves, Stripe refunds, the books record it, then the bot dies: before Sam's
    message was taken for sending, the job sends it after the restart, once; as it was being
    sent, it is not sent again. Either way the refund is made once, /audit shows the
    approval and how its refund ended once each, and his order says it was refunded."""
    assert h.shop is not None
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    with monkeypatch.context() as dying:
        dying_as_sam_is_told(dying, h, when)
        with pytest.raises(Crash):
            await return_cases.approve(h.shop, ADMIN_ID, 1)
    assert await stripe_account.refunds_of(charge) == [2880]
    assert await books(h, order_id) == ("delivered", 2880)

    told = "✅ Your return #1 was approved: $28.80 is on its way back to your card."
    await restarted(h, sam, when, told)
    later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=later) == []  # nothing left pending
    with pytest.raises(ReturnDecided):  # Ada's update, handled again after the restart
        await return_cases.approve(h.shop, ADMIN_ID, 1)
    heard = [m.text for m in sam.messages if "Your return #1" in (m.text or "")]
    assert heard == ([told] if when == BEFORE_TAKEN else [])
    assert await stripe_account.refunds_of(charge) == [2880]
    await open_order(sam, order_id)
    assert "↩️ Return #1 approved: $28.80 refunded." in shown(sam)
    assert (await audited(h))[:2] == ["return.refund", "return.approve"]
    assert (await audited(h)).count("return.refund") == 1
    await ada.send("/audit")
    log = await ada.wait_for("Audit log")
    refunded = f"admin:{ADMIN_ID} · refunded a return of order:{order_id} · return #1 ($28.80)"
    assert (log.text or "").count(refunded) == 1


async def test_a_refund_stripe_made_but_the_books_missed_is_never_made_again(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sam returns the cushion cover ($21.60); Stripe refunds it, but the order keeps moving
    under the books (another admin), so the refund cannot be recorded yet. The request stays
    approved and the job records it; Ada's second approval refunds nothing more."""
    assert h.shop is not None
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam.send("/start")
    await return_cases.request_return(h.shop, SHOPPER_ID, order_id, 0b10, 1)  # the cushion
    with monkeypatch.context() as moving:

        async def moved(*args: object, **kwargs: object) -> None:
            raise IllegalOrderTransition("refund_part", "shipped")

        moving.setattr(refund_books, "record_refund", moved)
        with pytest.raises(OrderNotChanged):
            await return_cases.approve(h.shop, ADMIN_ID, 1)
    assert await stripe_account.refunds_of(charge) == [2160]
    assert await requests_of(h, order_id) == [("approved", f"admin:{ADMIN_ID}")]

    later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=later) == [order_id]
    with pytest.raises(ReturnDecided):
        await return_cases.approve(h.shop, ADMIN_ID, 1)
    assert await stripe_account.refunds_of(charge) == [2160]
    assert await books(h, order_id) == ("delivered", 2160)


@pytest.fixture
async def on_pg(
    tmp_path: Path, localstripe: str, pg_databases: PgDatabases, migrated_pg: str
) -> AsyncIterator[ShopHarness]:
    """The card shop on PostgreSQL only: the two jobs below meet inside their transactions,
    which SQLite's one writer at a time would make wait for each other."""
    name = await pg_databases.take(migrated_pg)
    try:
        url = pg_database_url(pg_databases.admin_dsn, name)
        async with card_shop(tmp_path, localstripe, database_url=url) as harness:
            yield harness
    finally:
        pg_databases.give_back(name)


TELL_RETURNS, PENDING_REFUNDS = "tell-returns", "pending refunds"


def meeting(jobs: pytest.MonkeyPatch, first: str) -> None:
    """The pending-refunds job has just recorded the refund (so the approval's message is
    owed) as the `tell-returns` job of another worker reads what is owed: both meet there,
    at a barrier, then both take Sam's message, `first` before the other."""
    recorded, taking = asyncio.Barrier(2), asyncio.Barrier(2)
    read = ReturnRepository.approvals_untold
    take = ReturnRepository.take_message
    take_of_refund = ReturnRepository.take_message_of_refund

    async def approvals_untold(self: ReturnRepository, limit: int) -> list[ReturnRequest]:
        await recorded.wait()
        return await read(self, limit)

    async def take_message(
        self: ReturnRepository, request_id: int, status: str, at: datetime
    ) -> bool:
        if first != TELL_RETURNS:
            await taking.wait()
        took = await take(self, request_id, status, at)
        if first == TELL_RETURNS:
            await taking.wait()
        return took

    async def take_message_of_refund(self: ReturnRepository, refund_id: int, at: datetime) -> bool:
        await recorded.wait()
        if first == TELL_RETURNS:
            await taking.wait()
        took = await take_of_refund(self, refund_id, at)
        if first != TELL_RETURNS:
            await taking.wait()
        return took

    jobs.setattr(ReturnRepository, "approvals_untold", approvals_untold)
    jobs.setattr(ReturnRepository, "take_message", take_message)
    jobs.setattr(ReturnRepository, "take_message_of_refund", take_message_of_refund)


@pytest.mark.postgres
@pytest.mark.parametrize("first", [TELL_RETURNS, PENDING_REFUNDS])
async def test_the_job_finishing_a_returns_refund_and_tell_returns_at_once_tell_sam_once(
    on_pg: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    first: str,
) -> None:
    """Ada approves; the bot dies as Stripe is asked. After the restart the pending-refunds
    job refunds the mugs and records it, and at that very moment another worker's
    `tell-returns` job finds the approval's message owed: Sam hears of his refund once,
    whichever of them takes the message first."""
    h = on_pg
    assert h.shop is not None
    h.without_job("tell-returns")  # the test runs it, as another worker
    sam = h.user(SHOPPER_ID, "Sam")
    order_id, charge = await card_order(h, sam, stripe_account)
    await sam_asks_to_return_the_mugs(sam, order_id, "Damaged")
    with monkeypatch.context() as dying:
        assert h.shop.stripe is not None
        dying.setattr(h.shop.stripe, "refund", _crash)
        with pytest.raises(Crash):
            await return_cases.approve(h.shop, ADMIN_ID, 1)

    later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    other_store = Store.from_url(h.store.engine.url.render_as_string(hide_password=False))
    other = dataclasses.replace(h.shop, store=other_store)  # a second worker
    try:
        with monkeypatch.context() as jobs:
            meeting(jobs, first)
            finished, told = await asyncio.gather(
                resume_pending_refunds(h.shop, now=later), return_cases.tell_untold(other)
            )
    finally:
        await other_store.close()
    assert finished == [order_id]
    assert told == (1 if first == TELL_RETURNS else 0)
    assert await stripe_account.refunds_of(charge) == [2880]
    news = ("✅ Your return #1 was approved", "↩️ We refunded $28.80")
    heard = [m.text for m in sam.messages if (m.text or "").startswith(news)]
    assert len(heard) == 1, heard
    assert heard[0].startswith(news[0] if first == TELL_RETURNS else news[1])
