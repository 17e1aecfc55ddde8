"""Orders from the admin's chat: list, filter, open, ship, deliver, cancel and refund.

Payments are real: the shopper pays an invoice through the stand-in with a localstripe
charge, and refunds reach localstripe.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import i18n
from bot.callback_data import RefundOrder, ShipOrder
from bot.i18n import translator
from bot.payments.invoice import build_invoice
from bot.services.promos import parse_new
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases import admin_orders
from bot.usecases.admin_orders import OrderNotChanged
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.e2e.shopper import open_order_summary, past_order
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    STRIPE_KEY,
    StripeTestAccount,
    add_product,
    card_shop,
    fill_cart,
    mark_invoice_sent,
    place_order,
    stripe_account,
)


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe) as harness:
        yield harness


async def paid_order(
    h: ShopHarness,
    shopper: FakeUser,
    account: StripeTestAccount,
    sku: str = "MUG",
    receipt: str = "Payment received",  # as the shopper's language says it
) -> tuple[int, str]:
    """The shopper buys 2 mugs ($32 + $5 shipping) and pays; (order id, Stripe charge id)."""
    assert h.shop is not None
    await shopper.send("/start")
    mug = await add_product(h.shop, sku, price=1600, stock=10, title="Stoneware Mug")
    await fill_cart(h.shop, shopper.user_id, {mug: 2})
    placed = await place_order(h.shop, telegram_id=shopper.user_id)
    request = build_invoice(placed.order, h.shop.settings, photo_url=placed.photo_url)
    sent = await request.send(h.app.bot, shopper.user_id)
    await mark_invoice_sent(h.shop, placed.order.order_id, sent.message_id)
    await shopper.wait_for(lambda m: m.invoice is not None, include_existing=True)
    charge = await account.charge(3700)
    result = await shopper.pay(shipping_option_id="standard", provider_payment_charge_id=charge)
    assert result.ok, result
    await shopper.wait_for(receipt)
    return placed.order.order_id, charge


async def order_state(h: ShopHarness, order_id: int) -> tuple[str, int, str | None]:
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        return order.status, order.refunded_amount, order.tracking_number


async def audit(h: ShopHarness) -> list[tuple[int | None, str, str | None]]:
    async with h.store.uow() as uow:
        return [(e.actor_telegram_id, e.action, e.target) for e in await uow.audit.list_recent()]


async def test_admin_ships_and_delivers_and_the_shopper_hears_each_step(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await paid_order(h, shopper, stripe_account)

    await admin.send("/orders_admin nonsense")
    await admin.wait_for("is not an order status or number")
    await admin.send(f"/orders_admin #{order_id}")  # "where is my order #1?": one step
    await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    await admin.send("/orders_admin #99999")
    await admin.wait_for("There is no order #99999.")
    await admin.send("/orders_admin paid")
    listing = await admin.wait_for(f"#{order_id} · ✅ Paid · $37.00 · ")
    await admin.press("Shipped")  # filter: no shipped orders yet
    await admin.wait_for("(no orders)")
    await admin.press("Admin menu")  # an empty list is no dead end
    await admin.wait_for("Admin menu")
    await admin.press("Orders")  # the menu's Orders: all of them again
    await admin.wait_for(f"#{order_id} · ✅ Paid")
    await admin.press(f"#{order_id} · $37.00")
    detail = await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    text = detail.text or ""
    assert "(id 1001)" in text and "2 × MUG Stoneware Mug — $32.00" in text
    assert "San Francisco" in text and "stripe $37.00" in text and "History:" in text
    assert listing is not None

    await admin.press("🚚 Ship")
    await admin.wait_for("Send the tracking number")
    await admin.send_photo()
    await admin.wait_for("A tracking number is one line of text")
    await admin.send("1Z999AA10123456784")
    await admin.wait_for(f"Order #{order_id}: 🚚 Shipped. The shopper was notified.")
    await admin.wait_for(f"Order #{order_id} · 🚚 Shipped")
    notice = await shopper.wait_for("is on its way")
    assert "1Z999AA10123456784" in (notice.text or "")
    assert await order_state(h, order_id) == ("shipped", 0, "1Z999AA10123456784")

    await admin.press("📦 Delivered")
    await admin.wait_for(f"Order #{order_id}: 📦 Delivered.")
    await shopper.wait_for("has been delivered")
    assert (await order_state(h, order_id))[0] == "delivered"
    assert (ADMIN_ID, "order.ship", f"order:{order_id}") in await audit(h)
    assert (ADMIN_ID, "order.deliver", f"order:{order_id}") in await audit(h)

    history = await admin.wait_for("History:", include_existing=True)
    assert "✅ Paid → 🚚 Shipped by admin:9001 (1Z999AA10123456784)" in (history.text or "")


async def test_a_russian_shopper_hears_what_an_english_admin_does_in_russian(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """The notices of an order's moves are worded for the shopper, not in the language of
    the admin who made the move."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sasha", language_code="ru")
    order_id, _ = await paid_order(h, shopper, stripe_account, receipt="Оплата получена")

    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    await admin.press("🚚 Ship")
    await admin.wait_for("Send the tracking number")
    await admin.send("1Z999AA10123456784")
    await admin.wait_for("The shopper was notified.")  # the admin reads English
    shipped = await shopper.wait_for(f"Ваш заказ №{order_id} в пути")
    assert "Трек-номер: 1Z999AA10123456784" in (shipped.text or "")

    await admin.wait_for(f"Order #{order_id} · 🚚 Shipped")
    await admin.press("📦 Delivered")
    await shopper.wait_for(f"Ваш заказ №{order_id} доставлен")
    await admin.wait_for(f"Order #{order_id} · 📦 Delivered")
    await admin.press("↩️ Refund")
    await admin.wait_for("up to $37.00")
    await admin.send("5.00")
    await admin.wait_for("Refund $5.00 of order")
    await admin.press("↩️ Refund $5.00")
    refunded = await shopper.wait_for(f"за заказ №{order_id}")
    assert "Мы вернули 5,00" in (refunded.text or "") and "выписке" in (refunded.text or "")


async def test_partial_then_full_refund_reaches_stripe_and_bad_amounts_are_refused(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await paid_order(h, shopper, stripe_account)
    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    await admin.wait_for(f"Order #{order_id} · ")

    await admin.press("↩️ Refund")
    await admin.wait_for("up to $37.00")
    for bad, expected in [
        ("-5", "A refund amount cannot be negative ('-5'). Send e.g. 12.50"),
        ("five", "Send the refund amount like 12.50."),
        ("5.001", "'5.001' has more than 2 decimals for USD. Send the refund amount like 12.50."),
        ("0", "A refund amount must be more than 0."),
        ("40.00", "more than the $37.00"),
    ]:
        await admin.send(bad)
        said = await admin.wait_for(expected)
        assert "price" not in (said.text or "")
    await admin.send("7.00")
    await admin.wait_for("Refund $7.00 of order")
    assert (await order_state(h, order_id))[1] == 0  # nothing before the confirmation
    await admin.press("↩️ Refund $7.00")
    await admin.wait_for("✅ Paid · ↩️ Partially refunded. Refunded $7.00")
    await admin.wait_for(f"Order #{order_id} · ✅ Paid · ↩️ Partially refunded")
    await shopper.wait_for("We refunded $7.00")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 700
    assert await order_state(h, order_id) == ("paid", 700, None)

    await admin.press("↩️ Refund")
    await admin.wait_for("up to $30.00")
    await admin.press("Full refund")
    await admin.wait_for("Refund $30.00 of order")
    await admin.press("↩️ Refund $30.00")
    await admin.wait_for("↩️ Refunded. Refunded $30.00")
    told = await shopper.wait_for("has been refunded")
    said = f"Order #{order_id} has been refunded: the remaining $30.00; $37.00 refunded in all."
    assert said in (told.text or "")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    assert (await order_state(h, order_id))[:2] == ("refunded", 3700)
    refunds = [a for a in await audit(h) if a[1] == "order.refund"]
    assert len(refunds) == 2


async def test_a_delivered_order_partly_refunded_offers_only_more_refund(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """The shopper has the mugs: after $5 back the order is still delivered, shows neither
    Ship nor Cancel (a cancel would put the mugs back in stock), and can refund the rest."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await paid_order(h, shopper, stripe_account)
    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    await admin.press("🚚 Ship")
    await admin.wait_for("Send the tracking number")
    await admin.send("TRACK1")
    await admin.wait_for(f"Order #{order_id} · 🚚 Shipped")
    await admin.press("📦 Delivered")
    await admin.wait_for(f"Order #{order_id} · 📦 Delivered")
    await admin.press("↩️ Refund")
    await admin.wait_for("up to $37.00")
    await admin.send("5.00")
    await admin.wait_for("Refund $5.00 of order")
    await admin.press("↩️ Refund $5.00")
    screen = await admin.wait_for(f"Order #{order_id} · 📦 Delivered · ↩️ Partially refunded")

    labels = [b.label for b in screen.all_buttons]
    assert "↩️ Refund" in labels
    assert not [label for label in labels if "Ship" in label or "Cancel" in label], labels
    assert "📦 Delivered → 📦 Delivered by admin:9001 (refunded $5.00)" in (screen.text or "")
    assert await order_state(h, order_id) == ("delivered", 500, "TRACK1")
    mine = await shopper.wait_for("We refunded $5.00")
    assert mine is not None
    await shopper.send("/orders")
    await shopper.wait_for("📦 Delivered · ↩️ Partially refunded")

    await admin.send("/orders_admin partially_refunded")
    await admin.wait_for(f"#{order_id} · 📦 Delivered · ↩️ Partially refunded · $37.00")
    await admin.press(f"#{order_id} · $37.00")
    await admin.wait_for(f"Order #{order_id} · 📦 Delivered")
    await admin.press("↩️ Refund")
    await admin.wait_for("up to $32.00")
    await admin.press("Full refund")
    await admin.wait_for("Refund $32.00 of order")
    await admin.press("↩️ Refund $32.00")
    await admin.wait_for(f"Order #{order_id} · ↩️ Refunded")
    async with h.store.uow() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None and (mug.stock, mug.reserved) == (8, 0)  # never restocked
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    assert await order_state(h, order_id) == ("refunded", 3700, "TRACK1")


async def test_cancelling_a_paid_order_asks_first_restocks_and_refunds(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await paid_order(h, shopper, stripe_account)
    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    await admin.wait_for(f"Order #{order_id} · ")
    await admin.press("✖️ Cancel")
    await admin.wait_for("a paid order is refunded in full")
    assert (await order_state(h, order_id))[0] == "paid"
    await admin.press("Yes, cancel it")
    await admin.wait_for(f"Order #{order_id}: ")
    await shopper.wait_for("has been cancelled")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    async with h.store.uow() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None and (mug.stock, mug.reserved) == (10, 0)
    assert (ADMIN_ID, "order.cancel", f"order:{order_id}") in await audit(h)


async def test_an_older_screens_buttons_say_at_once_what_the_order_is_now(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """After a cancel, the order's earlier screen still has Ship, Cancel and Refund: each
    says why not before asking anything, and the screen becomes the order as it is now."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await paid_order(h, shopper, stripe_account)
    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    old = await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    stale = {b.label: b.callback_data or "" for b in old.all_buttons}
    await admin.press("✖️ Cancel")
    await admin.wait_for("a paid order is refunded in full")
    await admin.press("Yes, cancel it")
    await admin.wait_for(f"Order #{order_id}: ↩️ Refunded.")

    answer = await admin.press_data(old, stale["🚚 Ship"])
    assert answer.text == f"Order #{order_id} cannot be shipped now: it is ↩️ Refunded."
    await admin.wait_for(f"Order #{order_id} cannot be shipped now: it is ↩️ Refunded.")
    await admin.wait_for(lambda m: m.message_id == old.message_id and "· ↩️ Refunded" in m.text)
    answer = await admin.press_data(old, stale["↩️ Refund"])
    assert answer.text == f"Order #{order_id} has nothing left to refund: it is ↩️ Refunded."
    answer = await admin.press_data(old, stale["✖️ Cancel"])
    assert answer.text == f"Order #{order_id} cannot be cancelled now: it is ↩️ Refunded."
    answer = await admin.press_data(old, ShipOrder(424242).encode())
    assert answer.text == "There is no order #424242."
    answer = await admin.press_data(old, RefundOrder(424242).encode())
    assert answer.text == "There is no order #424242."
    await h.until_idle()
    texts = " ".join(m.text or "" for m in admin.messages)
    assert "tracking number" not in texts.split("Yes, cancel it")[-1]
    assert "Full refund ($0.00)" not in texts and "up to $0.00" not in texts

    await admin.send("TRACK-X")  # no ship flow was started: nothing ships
    await h.until_idle()
    assert await order_state(h, order_id) == ("refunded", 3700, None)


async def test_a_shopper_cannot_use_order_buttons(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await paid_order(h, shopper, stripe_account)
    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    detail = await admin.wait_for(f"Order #{order_id}")
    own = shopper.last_message
    assert own is not None
    for button in detail.all_buttons:
        assert button.callback_data is not None
        answer = await shopper.press_data(own, button.callback_data)
        assert answer.text and "admins only" in answer.text
    assert (await order_state(h, order_id))[0] == "paid"


async def test_a_cancelled_order_whose_refund_failed_is_refunded_in_full_then_needs_no_review(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """$5 went back, then the cancel's refund of the other $32 failed (Stripe out of reach):
    a cancelled order can give back only all that is left, so the refund screens say so
    before any preview; once it is back, the flag goes and no Approve is offered."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await paid_order(h, shopper, stripe_account)
    await admin.send("/orders_admin")
    await admin.wait_for(f"[#{order_id} · $37.00]")
    await admin.press(f"#{order_id} · $37.00")
    await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    await admin.press("↩️ Refund")
    await admin.wait_for("up to $37.00")
    await admin.send("5.00")
    await admin.wait_for("Refund $5.00 of order")
    await admin.press("↩️ Refund $5.00")
    await admin.wait_for(f"Order #{order_id} · ✅ Paid · ↩️ Partially refunded")

    assert h.shop is not None
    stripe, h.shop.stripe = h.shop.stripe, None  # Stripe cannot be reached
    await admin.press("✖️ Cancel")
    await admin.wait_for("a paid order is refunded in full")
    await admin.press("Yes, cancel it")
    failed = await admin.wait_for("⚠️ The refund failed and the order is flagged for review")
    assert (failed.text or "").endswith("dashboard instead\nThe shopper was notified.")
    h.shop.stripe = stripe
    flagged = await admin.wait_for(f"Order #{order_id} · ✖️ Cancelled")
    assert "⚠️ Needs review: refund after cancel failed" in (flagged.text or "")
    assert "Approve payment" not in str([b.label for b in flagged.all_buttons])

    await admin.press("↩️ Refund", message=flagged)
    await admin.wait_for(f"Order #{order_id} is ✖️ Cancelled: it can be refunded in full only")
    for part in ("MUG 1", "16.00"):
        await admin.send(part)
        await admin.wait_for(
            f"Order #{order_id} is ✖️ Cancelled: only all that is left ($32.00) can be refunded."
        )
    await h.until_idle()
    texts = " ".join(m.text or "" for m in admin.messages)
    assert "Refund $16.00 of order" not in texts and "was not changed" not in texts
    await admin.press("Full refund")
    await admin.wait_for("Refund $32.00 of order")
    await admin.press("↩️ Refund $32.00")
    done = await admin.wait_for(f"Order #{order_id} · ↩️ Refunded")
    assert "Needs review" not in (done.text or "")
    assert "Approve payment" not in str([b.label for b in done.all_buttons])
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and not order.needs_review and order.review_reason is None
        assert "refund after cancel failed" in translator("en").said(order.events[-1].note)
    await admin.send("/orders_admin")
    listing = await admin.wait_for(f"#{order_id} · ↩️ Refunded")
    assert "⚠️" not in (listing.text or "")


async def test_a_spanish_admin_reads_the_shipping_option_in_spanish_and_the_code_as_stored(
    tmp_path: Path,
) -> None:
    """Ada reads the bot in Spanish: Sam's order shows "Envío: exprés" (not the option's id,
    "express"), the code WELCOME10 as it is stored, not lower-cased with its label, and its
    history in the words of its status line ("⏳ Pendiente de pago → ✅ Pagado")."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada", language_code="es")
        async with ShopHarness(
            tmp_path,
            standin=standin,
            seed=False,
            admin_ids=frozenset({ADMIN_ID}),
            payment_provider_token="TEST:provider",
        ) as h:
            assert h.shop is not None
            admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
            await shopper.send("/start")
            async with h.store.uow() as uow:
                await uow.promos.add(parse_new(["WELCOME10", "10%"], "USD").to_model())
            mug = await add_product(h.shop, "MUG", price=1600, stock=10, title="Stoneware Mug")
            await fill_cart(h.shop, SHOPPER_ID, {mug: 2})
            await shopper.send("/start promo_welcome10")
            await shopper.wait_for("Code WELCOME10 is saved")
            await open_order_summary(shopper)
            await shopper.press("Pay")
            await shopper.wait_for(lambda m: m.invoice is not None)
            assert (await shopper.pay(shipping_option_id="express")).ok
            await shopper.wait_for("Payment received")

            await admin.send("/orders_admin")
            await admin.wait_for("[#1 · ")
            await admin.press("#1 · ")
            detail = await admin.wait_for("Pedido n.º 1")

            text = detail.text or ""
            assert "Envío: exprés" in text, text
            assert "WELCOME10" in text and "welcome10" not in text, text
            assert "nuevo → ⏳ Pendiente de pago por " in text, text
            assert "⏳ Pendiente de pago → ✅ Pagado por " in text, text
            assert "awaiting_payment" not in text and "paid →" not in text, text


async def test_the_audit_log_keeps_refund_errors_worded_for_whoever_reads_it(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Ada reads Russian. With Stripe out of reach she asks to refund too much (refused), then
    cancels the paid order (its refund fails). The audit log keeps both errors worded: an
    English reader reads them in English, a Russian one in Russian; a row stored in English
    before reads as it was stored."""
    admin, shopper = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await paid_order(h, shopper, stripe_account)
    assert h.shop is not None
    stripe, h.shop.stripe = h.shop.stripe, None
    i18n.use("ru")  # Ada's update is handled in her language
    try:
        with pytest.raises(OrderNotChanged):
            await admin_orders.refund(h.shop, admin.user_id, order_id, 10_000)
        await admin_orders.cancel(h.shop, admin.user_id, order_id)
    finally:
        i18n.use(None)
        h.shop.stripe = stripe
    async with h.store.uow() as uow:
        details = {e.action: e.details or {} for e in await uow.audit.list_recent()}
    english, russian = translator("en"), translator("ru")
    refused = details["order.refund.refused"]["error"]
    assert english.said(refused) == (
        f"Order #{order_id} can be refunded at most $37.00 more; $100.00 is too much."
    )
    assert russian.said(refused).startswith(f"По заказу №{order_id}")
    failed = details["order.cancel"]["refund_error"]
    assert english.said(failed) == (
        f"The refund of order #{order_id} did not go through: STRIPE_API_KEY is not set; "
        "refund it in the Stripe dashboard instead"
    )
    assert russian.said(failed) == (
        f"Возврат по заказу №{order_id} не прошёл: STRIPE_API_KEY не задан; "
        "сделайте возврат в панели Stripe"
    )
    stored_before = "The refund of order #1 did not go through: card declined"
    assert russian.said(stored_before) == stored_before


async def test_each_action_on_an_order_leads_back_to_the_page_ada_opened_it_from(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Ada opens Sam's orders from page 2 of the paid orders (nine newer ones of other
    shoppers fill page 1) and works on them: after 🗒 Add note, ↩️ Refund, 🚚 Ship and ✖️
    Cancel, and after ✏️ Tracking number and 📦 Delivered on the shipped one opened from page
    2 of all orders, the order's ⬅️ Orders brings her back to the page and list she came
    from, not to the first page of all orders."""
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    by_card, _ = await paid_order(h, sam, stripe_account)
    to_ship = await past_order(h, SHOPPER_ID, {"MUG": 1}, status="paid")
    for shopper in range(2000, 2009):
        await past_order(h, shopper, {"MUG": 1}, status="paid")

    async def from_page_2(order_id: int, listing: str, press: str, asked: str) -> None:
        """Ada opens the order from page 2 of `listing` and presses `press`: `asked`."""
        await ada.send(f"/orders_admin {listing}")
        await ada.wait_for("page 1/2")
        await ada.press("Next ▶️")
        await ada.wait_for("page 2/2")
        await ada.press(f"#{order_id} · ")
        await ada.wait_for(f"Order #{order_id} · ")
        await ada.press(press)
        await ada.wait_for(asked)

    async def back_to(heading: str) -> None:
        await ada.press("⬅️ Orders")
        listing = await ada.wait_for("🧾 ")
        assert (listing.text or "").startswith(heading), listing.text

    await from_page_2(by_card, "paid", "🗒 Add note", "A note on order")
    await ada.send("Gift wrap, please.")
    await ada.wait_for("Gift wrap, please.")
    await back_to("🧾 ✅ Paid: 11, page 2/2")

    await from_page_2(by_card, "paid", "↩️ Refund", "up to $37.00")
    await ada.send("5.00")
    await ada.wait_for("Refund $5.00 of order")
    await ada.press("↩️ Refund $5.00")
    await ada.wait_for(f"Order #{by_card} · ✅ Paid · ↩️ Partially refunded")
    await back_to("🧾 ✅ Paid: 11, page 2/2")

    await from_page_2(to_ship, "paid", "🚚 Ship", "Send the tracking number")
    await ada.send("1Z999AA10123456784")
    await ada.wait_for(f"Order #{to_ship} · 🚚 Shipped")
    await back_to("🧾 ✅ Paid: 10, page 2/2")

    await from_page_2(to_ship, "", "✏️ Tracking number", "has the tracking number")
    await ada.send("1Z999AA10123456785")
    await ada.wait_for("Tracking: 1Z999AA10123456785")
    await back_to("🧾 All orders: 11, page 2/2")

    await from_page_2(to_ship, "", "📦 Delivered", f"Order #{to_ship} · 📦 Delivered")
    await back_to("🧾 All orders: 11, page 2/2")

    await from_page_2(by_card, "paid", "✖️ Cancel", "a paid order is refunded in full")
    await ada.press("Yes, cancel it")
    await ada.wait_for(f"Order #{by_card} · ↩️ Refunded")  # cancelled, the rest refunded
    await back_to("🧾 ✅ Paid: 9, page 2/2")
