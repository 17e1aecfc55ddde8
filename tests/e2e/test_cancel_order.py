"""✖️ Cancel order: a shopper cancels her own paid order before it ships, and gets her money
back (a real localstripe refund, or refundStarPayment), the stock goes back and the admins
hear of it. Shipped orders, stale and forged buttons, double presses and a shop that turned
it off are refused in her language, and nothing is refunded twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.callback_data import CancelMyOrder
from bot.i18n import translator
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.usecases.orders import ship_order
from bot.usecases.shopper_orders import cancel_own_order_said
from tests.e2e.shopper import newest_order, open_invoice, open_order, screen, shown
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    StripeTestAccount,
    add_product,
    card_shop,
    stars_harness,
    stripe_account,
)

ADMIN_ID = 9001
SAM = 1001


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe) as harness:
        yield harness


async def card_paid_order(
    h: ShopHarness, shopper: FakeUser, account: StripeTestAccount
) -> tuple[int, str]:
    """She buys a $16 mug (+ $5 shipping) and pays by card: (order id, Stripe charge id).
    The shop has ten mugs before the first."""
    assert h.shop is not None
    async with h.store.reading() as uow:
        on_sale = await uow.products.get_by_sku("MUG")
    if on_sale is None:
        await add_product(h.shop, "MUG", price=1600, stock=10, title="Stoneware Mug")
    await open_invoice(shopper, "MUG")
    charge = await account.charge(2100)
    paid = await shopper.pay(shipping_option_id="standard", provider_payment_charge_id=charge)
    assert paid.ok, paid
    await shopper.wait_for("Payment received")
    return await newest_order(h), charge


async def stars_paid_order(h: ShopHarness, shopper: FakeUser) -> tuple[int, str]:
    """She buys a ⭐ 150 pottery lesson, a digital item the shop sends by hand (no file), so
    the order stays paid until then: (order id, Telegram's charge id)."""
    assert h.shop is not None
    await add_product(
        h.shop, "MUG", price=150, currency="XTR", digital=True, title="Pottery Lesson"
    )
    await open_invoice(shopper, "MUG")
    paid = await shopper.pay()
    assert paid.ok, paid
    await shopper.wait_for("Payment received")
    return await newest_order(h), paid.telegram_payment_charge_id


async def mugs_in_stock(h: ShopHarness) -> tuple[int, int]:
    async with h.store.uow() as uow:
        mug = await uow.products.get_by_sku("MUG")
        assert mug is not None
        return mug.stock, mug.reserved


async def status_of(h: ShopHarness, order_id: int) -> tuple[str, int, bool]:
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        return order.status, order.refunded_amount, order.needs_review


async def test_sam_cancels_his_card_paid_order_and_gets_it_all_back(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    assert await mugs_in_stock(h) == (9, 0)

    await open_order(sam, order_id)
    await sam.press("✖️ Cancel order")
    assert shown(sam) == f"Cancel order #{order_id}? You get $21.00 back to your card."
    assert await status_of(h, order_id) == ("paid", 0, False)  # asking changes nothing

    answer = await sam.press("Yes, cancel it")
    assert answer.text == f"✖️ Your order #{order_id} has been cancelled. We refunded $21.00."
    assert "↩️ Refunded" in shown(sam) and "Refunded: $21.00" in shown(sam)
    assert "Cancel order" not in screen(sam)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 2100
    assert await status_of(h, order_id) == ("refunded", 2100, False)
    assert await mugs_in_stock(h) == (10, 0)
    alert = await admin.wait_for("cancelled by the shopper")
    assert alert.text == f"✖️ Order #{order_id} was cancelled by the shopper; refunded $21.00."
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        cancel = next(e for e in order.events if e.to_status == "cancelled")
        assert cancel.actor == f"customer:{SAM}"


async def test_when_stripe_cannot_refund_she_hears_it_is_on_its_way_and_the_admins_are_flagged(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    await open_order(sam, order_id)
    await sam.press("✖️ Cancel order")
    stripe, h.shop.stripe = h.shop.stripe, None  # Stripe cannot be reached
    answer = await sam.press("Yes, cancel it")
    h.shop.stripe = stripe

    assert answer.text == (
        f"✖️ Your order #{order_id} has been cancelled. "
        "Your refund is being processed; we'll message you when it's done."
    )
    alert = await admin.wait_for("cancelled by the shopper")
    assert "the refund failed, so the order is flagged for review" in (alert.text or "")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 0
    assert await status_of(h, order_id) == ("cancelled", 0, True)
    assert await mugs_in_stock(h) == (10, 0)


async def test_a_double_press_and_two_presses_at_once_refund_once(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam = h.user(SAM, "Sam")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    await open_order(sam, order_id)
    await sam.press("✖️ Cancel order")
    question, yes = sam.find_button("Yes, cancel it")

    first, second = await asyncio.gather(
        sam.press_button(question, yes), sam.press_button(question, yes)
    )
    third = await sam.press_button(question, yes)  # and once more, later

    told = sorted(a.text or "" for a in (first, second, third))
    assert told == [
        f"Order #{order_id} can no longer be cancelled: it is ↩️ Refunded.",
        f"Order #{order_id} can no longer be cancelled: it is ↩️ Refunded.",
        f"✖️ Your order #{order_id} has been cancelled. We refunded $21.00.",
    ]
    assert (await stripe_account.charge_info(charge)).amount_refunded == 2100
    async with h.store.uow() as uow:
        assert len(await uow.refunds.for_order(order_id)) == 1
    assert await status_of(h, order_id) == ("refunded", 2100, False)
    assert await mugs_in_stock(h) == (10, 0)


async def test_two_workers_cancelling_at_once_refund_once_on_either_database(
    tmp_path: Path,
    migrated_database_url: str,
    localstripe: str,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Two presses taken by two workers at the same moment: both find the order paid, one
    moves it, the other is told it has gone on (PostgreSQL lets both read before either
    writes)."""
    async with card_shop(tmp_path, localstripe, database_url=migrated_database_url) as h:
        assert h.shop is not None
        sam = h.user(SAM, "Sam")
        order_id, charge = await card_paid_order(h, sam, stripe_account)
        both = await asyncio.gather(
            cancel_own_order_said(h.shop, SAM, order_id),
            cancel_own_order_said(h.shop, SAM, order_id),
        )
        lost, won = sorted(said(translator("en")) for said in both)
        assert won == f"✖️ Your order #{order_id} has been cancelled. We refunded $21.00."
        gone_on = f"Order #{order_id} can no longer be cancelled: it is "
        assert lost in (gone_on + "✖️ Cancelled.", gone_on + "↩️ Refunded.")  # how far it got
        assert (await stripe_account.charge_info(charge)).amount_refunded == 2100
        async with h.store.uow() as uow:
            assert len(await uow.refunds.for_order(order_id)) == 1
        assert await status_of(h, order_id) == ("refunded", 2100, False)
        assert await mugs_in_stock(h) == (10, 0)


async def test_a_shipped_order_has_no_cancel_and_a_stale_button_is_refused(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    sam = h.user(SAM, "Sam")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    await open_order(sam, order_id)
    old_screen, cancel = sam.find_button("✖️ Cancel order")
    await sam.press("✖️ Cancel order")
    question, yes = sam.find_button("Yes, cancel it")
    await ship_order(h.shop, order_id, actor=f"admin:{ADMIN_ID}")  # meanwhile, the shop ships

    refused = f"Order #{order_id} can no longer be cancelled: it is 🚚 Shipped."
    assert (await sam.press_button(question, yes)).text == refused
    assert (await sam.press_button(old_screen, cancel)).text == refused
    await open_order(sam, order_id)
    assert "🚚 Shipped" in shown(sam) and "Cancel order" not in screen(sam)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 0
    assert await status_of(h, order_id) == ("shipped", 0, False)
    assert await mugs_in_stock(h) == (9, 0)


async def test_nobody_cancels_someone_elses_order(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam, eve = h.user(SAM, "Sam"), h.user(1002, "Eve")
    order_id, charge = await card_paid_order(h, sam, stripe_account)
    await eve.send("/orders")
    menu = await eve.wait_for("no orders yet")
    for sure in (0, 1):
        await eve.press_data(menu, CancelMyOrder(order_id, sure).encode())
        assert "That order is not in your history." in shown(eve)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 0
    assert await status_of(h, order_id) == ("paid", 0, False)


async def test_an_order_flagged_for_review_waits_for_the_admin(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam = h.user(SAM, "Sam")
    order_id, _ = await card_paid_order(h, sam, stripe_account)
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        uow.orders.flag_for_review(order, "amount mismatch")
    await open_order(sam, order_id)
    assert "Cancel order" not in screen(sam)
    forged = CancelMyOrder(order_id, 1).encode()
    answer = await sam.press_data(sam.messages[-1], forged)
    assert answer.text == (
        f"Order #{order_id} is being checked by the shop: it will write to you about it."
    )
    assert await status_of(h, order_id) == ("paid", 0, True)


async def test_a_shopper_who_chose_russian_is_asked_and_answered_in_russian(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    olga = h.user(SAM, "Olga")
    order_id, _ = await card_paid_order(h, olga, stripe_account)
    async with h.store.uow() as uow:  # /language: русский, after paying
        customer = await uow.customers.get_by_telegram_id(SAM)
        assert customer is not None
        await uow.customers.set_language(customer.id, "ru")
    await open_order(olga, order_id)
    await olga.press("✖️ Отменить заказ")
    assert shown(olga) == f"Отменить заказ №{order_id}? 21,00\u00a0$ вернутся на вашу карту."
    answer = await olga.press("Да, отменить")
    assert answer.text == f"✖️ Ваш заказ №{order_id} отменён. Мы вернули 21,00\u00a0$."


async def test_with_shopper_cancel_off_there_is_no_button_and_a_forged_press_is_refused(
    tmp_path: Path,
    localstripe: str,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    async with card_shop(tmp_path, localstripe, shopper_cancel=False) as h:
        sam = h.user(SAM, "Sam")
        order_id, charge = await card_paid_order(h, sam, stripe_account)
        await open_order(sam, order_id)
        assert "Cancel order" not in screen(sam)
        for sure in (0, 1):
            forged = CancelMyOrder(order_id, sure).encode()
            answer = await sam.press_data(sam.messages[-1], forged)
            assert answer.text == (
                "In this shop, orders are cancelled by the shop: tap 💬 Ask about this order."
            )
        assert (await stripe_account.charge_info(charge)).amount_refunded == 0
        assert await status_of(h, order_id) == ("paid", 0, False)


async def test_a_stars_order_cancelled_by_its_shopper_gets_its_stars_back(tmp_path: Path) -> None:
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
        order_id, charge_id = await stars_paid_order(h, sam)

        await open_order(sam, order_id)
        await sam.press("✖️ Cancel order")
        assert "You get ⭐ 150 back to your Telegram balance." in shown(sam)
        answer = await sam.press("Yes, cancel it")

        assert "We refunded ⭐ 150" in (answer.text or "")
        assert [r.telegram_payment_charge_id for r in h.standin.star_refunds] == [charge_id]
        history = await h.app.bot.get_star_transactions()
        refund = history.transactions[-1]
        assert (refund.id, refund.amount, refund.source) == (charge_id, 150, None)
        await admin.wait_for("cancelled by the shopper; refunded ⭐ 150")
        assert await mugs_in_stock(h) == (10, 0)
