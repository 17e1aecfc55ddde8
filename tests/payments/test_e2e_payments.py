"""The real bot over HTTP against the Bot API stand-in: Telegram's whole payment flow.

The invoice is sent by the payments feature for an order placed from the shopper's cart;
the stand-in then plays Telegram's side: shipping query, pre-checkout query, successful
payment. (The "Pay" button of the chat's checkout places the order the same way.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.payments.invoice import build_invoice
from bot.payments.stripe_gateway import StripeGateway
from bot.services import refunds, reports
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from bot.store.models import utcnow
from bot.usecases.orders import refund_order
from bot.usecases.refunds import (
    PENDING_REFUND_GRACE,
    SECOND_REFUND_PAUSES,
    resume_pending_refunds,
)
from tests.e2e.shopper import open_order_summary
from tests.payments.conftest import (
    ADMIN_ID,
    STRIPE_KEY,
    UNREACHABLE_STRIPE,
    StripeTestAccount,
    add_product,
    fill_cart,
    mark_invoice_sent,
    place_order,
    stars_harness,
)

ALICE, BOB = 1001, 1002


async def _invoice_for_cart(h: ShopHarness, user: FakeUser) -> Message:
    """What pressing Pay at checkout does: order placed, stock held, invoice sent."""
    assert h.shop is not None
    placed = await place_order(h.shop, telegram_id=user.user_id)
    request = build_invoice(placed.order, h.shop.settings, photo_url=placed.photo_url)
    sent = await request.send(h.app.bot, user.user_id)
    await mark_invoice_sent(h.shop, placed.order.order_id, sent.message_id)
    return await user.wait_for(lambda m: m.invoice is not None, include_existing=True)


async def _order_row(h: ShopHarness, telegram_id: int) -> tuple[str, int, list[str]]:
    """(status, number of payments, verification statuses) of the shopper's latest order."""
    async with h.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        assert customer is not None
        (latest, *_) = await uow.orders.list_for_customer(customer.id)
        payments = await uow.payments.for_order(latest.id)
        return latest.status, len(payments), [p.verification_status for p in payments]


@pytest.fixture
async def stripe_harness(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    async with ShopHarness(
        tmp_path,
        seed=False,
        admin_ids=frozenset({ADMIN_ID}),
        payment_provider_token="TEST:provider",
        stripe_api_key=STRIPE_KEY,
        stripe_api_base=localstripe,
    ) as h:
        yield h


async def test_shopper_pays_with_stripe_end_to_end_and_a_replay_counts_once(
    stripe_harness: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    h = stripe_harness
    assert h.shop is not None
    admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
    await alice.send("/start")
    mug = await add_product(h.shop, "MUG", price=1600, stock=3, title="Stoneware Mug")
    await fill_cart(h.shop, ALICE, {mug: 2})
    invoice = await _invoice_for_cart(h, alice)
    assert invoice.invoice is not None and invoice.invoice["is_flexible"]
    charge = await stripe_account.charge(3700)  # $32 + $5 standard shipping

    result = await alice.pay(shipping_option_id="standard", provider_payment_charge_id=charge)

    assert result.ok, result
    receipt = await alice.wait_for("Payment received")
    assert receipt.text is not None
    assert "2 × Stoneware Mug — $32.00" in receipt.text
    assert "Total: $37.00" in receipt.text and "when it ships" in receipt.text
    alert = await admin.wait_for("New paid order")
    assert "Alice" in (alert.text or "") and "San Francisco" in (alert.text or "")
    assert await _order_row(h, ALICE) == ("paid", 1, ["verified"])

    assert result.successful_payment_update is not None
    await alice.replay(result.successful_payment_update)
    await alice.send("/help")  # the chat's updates run in order: the replay is done after this
    await alice.wait_for("/catalog")
    assert len([m for m in alice.messages if "Payment received" in (m.text or "")]) == 1
    assert await _order_row(h, ALICE) == ("paid", 1, ["verified"])
    async with h.store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None and (product.stock, product.reserved) == (1, 0)

    change = await refund_order(h.shop, 1, amount=700, actor="admin:9001")
    assert change.new_status == "paid"  # a partial refund keeps the status
    assert (await stripe_account.charge_info(charge)).amount_refunded == 700


async def test_a_charge_stripe_does_not_know_is_flagged_and_admins_alerted(
    stripe_harness: ShopHarness,
) -> None:
    h = stripe_harness
    assert h.shop is not None
    admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
    mug = await add_product(h.shop, "MUG", price=1600, stock=3)
    await fill_cart(h.shop, ALICE, {mug: 1})
    await _invoice_for_cart(h, alice)

    result = await alice.pay(provider_payment_charge_id="ch_forged")

    assert result.ok
    await alice.wait_for("double-checking the payment")
    alert = await admin.wait_for("needs review")
    assert "does not know charge ch_forged" in (alert.text or "")
    assert await _order_row(h, ALICE) == ("paid", 1, ["unknown_charge"])


async def test_tampered_payments_are_declined_with_a_clear_message(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, seed=False, payment_provider_token="TEST:provider") as h:
        assert h.shop is not None
        alice, bob = h.user(ALICE, "Alice"), h.user(BOB, "Bob")
        await bob.send("/start")
        mug = await add_product(h.shop, "MUG", price=1600, stock=3)
        await fill_cart(h.shop, ALICE, {mug: 1})
        invoice = await _invoice_for_cart(h, alice)

        wrong_total = await alice.pay(total_amount=1)
        assert (wrong_total.ok, wrong_total.stage) == (False, "pre_checkout")
        assert "does not match order" in (wrong_total.error_message or "")

        wrong_currency = await alice.pay(currency="EUR")
        assert "is in USD" in (wrong_currency.error_message or "")

        far_away = await alice.pay(shipping_address={"country_code": "BR", "city": "Rio"})
        assert (far_away.ok, far_away.stage) == (False, "shipping")
        assert "don't ship to BR" in (far_away.error_message or "")

        forwarded = await bob.pay(invoice)  # Alice's invoice forwarded to Bob
        assert not forwarded.ok
        assert "made for someone else" in (forwarded.error_message or "")

        forged = await alice.pay(payload="1.1.1001.AAAA")
        assert "not valid" in (forged.error_message or "")

        assert await _order_row(h, ALICE) == ("awaiting_payment", 0, [])


async def test_shopper_pays_in_stars_and_gets_a_star_refund(tmp_path: Path) -> None:
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        guide = await add_product(
            h.shop, "GUIDE", price=150, currency="XTR", digital=True, title="Brewing Guide"
        )
        await fill_cart(h.shop, ALICE, {guide: 1})
        invoice = await _invoice_for_cart(h, alice)
        assert invoice.invoice is not None
        assert (invoice.invoice["currency"], invoice.invoice["provider_token"]) == ("XTR", "")

        result = await alice.pay()

        assert result.ok, result
        receipt = await alice.wait_for("Payment received")
        assert "1 × Brewing Guide — ⭐ 150" in (receipt.text or "")
        assert "digital items" in (receipt.text or "")
        await admin.wait_for("New paid order")
        assert await _order_row(h, ALICE) == ("paid", 1, ["skipped"])

        change = await refund_order(h.shop, 1, actor="admin:9001")
        assert change.new_status == "refunded"
        assert [r.telegram_payment_charge_id for r in h.standin.star_refunds] == [
            result.telegram_payment_charge_id
        ]


async def _refunds_of(h: ShopHarness, order_id: int) -> list[tuple[int, str, str | None]]:
    """(amount, status, provider refund id) of each refund recorded for the order."""
    async with h.store.uow() as uow:
        return [
            (r.amount, r.status, r.provider_refund_id)
            for r in await uow.refunds.for_order(order_id)
        ]


async def test_a_stars_order_paid_twice_gets_the_second_payment_refunded_at_once(
    tmp_path: Path,
) -> None:
    """Alice pays, Telegram is slow to tell the bot, she pays again from the same invoice:
    the late update is a second payment for a paid order, given back at once."""
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        guide = await add_product(
            h.shop, "GUIDE", price=150, currency="XTR", digital=True, title="Brewing Guide"
        )
        await fill_cart(h.shop, ALICE, {guide: 1})
        await _invoice_for_cart(h, alice)
        late = await alice.pay(lose_update=True)  # the Stars are taken, the update is late
        assert (await alice.pay()).ok  # she pays again: this one reaches the bot first
        await alice.wait_for("Payment received")
        await admin.wait_for("New paid order")
        assert late.successful_payment_update is not None

        await alice.replay(late.successful_payment_update)

        notice = await alice.wait_for("twice")
        assert "order #1" in (notice.text or "") and "⭐ 150" in (notice.text or "")
        assert "refunded" in (notice.text or "")
        alert = await admin.wait_for("paid twice")
        assert late.telegram_payment_charge_id in (alert.text or "")
        assert [(r.user_id, r.telegram_payment_charge_id) for r in h.standin.star_refunds] == [
            (ALICE, late.telegram_payment_charge_id)
        ]
        assert len([m for m in alice.messages if "Payment received" in (m.text or "")]) == 1
        assert await _order_row(h, ALICE) == ("paid", 2, ["skipped", "skipped"])
        assert await _refunds_of(h, 1) == [(150, "succeeded", None)]
        async with h.store.uow() as uow:
            order = await uow.orders.get(1)
            assert order is not None
            assert (order.total, order.refunded_amount, order.needs_review) == (150, 0, False)
        await admin.send("/orders_admin")
        await admin.wait_for("[#1 · ⭐ 150]")
        await admin.press("#1 · ⭐ 150")
        detail = await admin.wait_for("Order #1 · ✅ Paid")
        assert f"{late.telegram_payment_charge_id} · skipped · ↩️ second payment, refunded" in (
            detail.text or ""
        )


async def _paid_twice(
    h: ShopHarness, account: StripeTestAccount
) -> tuple[FakeUser, FakeUser, dict[str, Any], str, str]:
    """Alice pays her mugs ($37.00) with two forms open; the first payment's update is held
    back, to come late. (Ada, Alice, that update, the first and the second charge id.)"""
    assert h.shop is not None
    admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
    mug = await add_product(h.shop, "MUG", price=1600, stock=3, title="Stoneware Mug")
    await fill_cart(h.shop, ALICE, {mug: 2})
    await _invoice_for_cart(h, alice)
    first, second = await account.charge(3700), await account.charge(3700)
    late = await alice.pay(provider_payment_charge_id=first, lose_update=True)
    assert (await alice.pay(provider_payment_charge_id=second)).ok
    await admin.wait_for("New paid order")
    assert late.successful_payment_update is not None
    return admin, alice, late.successful_payment_update, first, second


async def test_a_card_payment_made_twice_is_refunded_at_stripe(
    stripe_harness: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    h = stripe_harness
    admin, alice, late, first, second = await _paid_twice(h, stripe_account)

    await alice.replay(late)

    notice = await alice.wait_for("twice")
    assert "$37.00" in (notice.text or "") and "refunded" in (notice.text or "")
    await admin.wait_for("paid twice")
    assert (await stripe_account.charge_info(first)).amount_refunded == 3700
    assert (await stripe_account.charge_info(second)).amount_refunded == 0
    assert await _order_row(h, ALICE) == ("paid", 2, ["verified", "skipped"])
    ((amount, status, stripe_refund),) = await _refunds_of(h, 1)
    assert (amount, status) == (3700, "succeeded") and stripe_refund
    async with h.store.uow() as uow:
        order = await uow.orders.get(1)
        assert order is not None and (order.refunded_amount, order.needs_review) == (0, False)
        stats = await reports.store_stats(uow, currency="USD", threshold=0)
    assert (stats.periods[0].gross, stats.periods[0].refunds) == (3700, 0)


async def _paid_twice_while_stripe_is_down(
    h: ShopHarness, account: StripeTestAccount
) -> tuple[FakeUser, FakeUser, str]:
    """Alice pays her mugs ($37.00) twice; the second payment arrives while Stripe cannot be
    reached, so it cannot go back at once. (Ada, Alice, the second payment's charge id.)"""
    admin, alice, late, first, _ = await _paid_twice(h, account)
    assert h.shop is not None
    stripe, h.shop.stripe = h.shop.stripe, StripeGateway(STRIPE_KEY, UNREACHABLE_STRIPE)
    await alice.replay(late)
    notice = await alice.wait_for("twice")
    assert "shop will refund the second payment of $37.00" in (notice.text or "")
    alert = await admin.wait_for("tried again")
    assert "$37.00" in (alert.text or "") and "do not refund it by hand" in (alert.text or "")
    assert await _refunds_of(h, 1) == [(3700, "pending", None)]
    async with h.store.uow() as uow:
        order = await uow.orders.get(1)
        assert order is not None and not order.needs_review
    await admin.send("/orders_admin")
    await admin.press("#1 · ", message=await admin.wait_for("[#1 · "))
    detail = await admin.wait_for("Order #1 · ✅ Paid")
    assert "⏳ second payment, refund tried again automatically" in (detail.text or "")
    await h.shop.stripe.close()
    h.shop.stripe = stripe
    return admin, alice, first


async def test_a_second_payment_stripe_could_not_take_back_is_refunded_by_the_job_once(
    stripe_harness: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    """Stripe was down when Alice paid twice: the admins hear the refund will be tried again
    (nothing for them to do by hand); the job tries after a pause, Stripe is back, the money
    goes back once, and Alice and Ada hear."""
    h = stripe_harness
    admin, alice, charge = await _paid_twice_while_stripe_is_down(h, stripe_account)
    assert h.shop is not None
    assert await resume_pending_refunds(h.shop) == []  # not yet: a pause first

    later = utcnow() + SECOND_REFUND_PAUSES[0] + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=later) == [1]

    await alice.wait_for("We refunded the second payment of $37.00")
    done = await admin.wait_for("second payment")
    assert "refunded now" in (done.text or "") and "$37.00" in (done.text or "")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    ((amount, status, stripe_refund),) = await _refunds_of(h, 1)
    assert (amount, status) == (3700, "succeeded") and stripe_refund
    assert await resume_pending_refunds(h.shop, now=later + timedelta(days=1)) == []  # once
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700


async def _tried_after_every_pause(h: ShopHarness, moment: datetime) -> datetime:
    """The job runs halfway through each of SECOND_REFUND_PAUSES from `moment` (not due yet)
    and after it (due, and Stripe still down): nothing is finished. The last run's moment."""
    assert h.shop is not None
    for pause in SECOND_REFUND_PAUSES:
        assert await resume_pending_refunds(h.shop, now=moment + pause / 2) == []  # pausing
        moment += pause + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=moment) == []
    return moment


async def test_a_second_payment_stripe_never_takes_back_is_left_to_the_admins_at_last(
    stripe_harness: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    """Stripe stays down: the job tries again after each pause, longer each time, and after
    the last the order is flagged and the admins are told to refund it by hand."""
    h = stripe_harness
    admin, _, charge = await _paid_twice_while_stripe_is_down(h, stripe_account)
    assert h.shop is not None
    stripe, h.shop.stripe = h.shop.stripe, StripeGateway(STRIPE_KEY, UNREACHABLE_STRIPE)
    moment = await _tried_after_every_pause(h, utcnow())
    await h.shop.stripe.close()
    h.shop.stripe = stripe

    alert = await admin.wait_for("needs review")
    assert "could not be refunded automatically" in (alert.text or "")
    assert await _refunds_of(h, 1) == [(3700, "failed", None)]
    assert (await stripe_account.charge_info(charge)).amount_refunded == 0
    async with h.store.uow() as uow:
        order = await uow.orders.get(1)
        assert order is not None and order.needs_review and order.refunded_amount == 0
    assert await resume_pending_refunds(h.shop, now=moment + timedelta(days=1)) == []


async def test_a_second_payment_that_cannot_be_refunded_is_flagged_for_the_admins(
    tmp_path: Path,
) -> None:
    """No STRIPE_API_KEY: the bot cannot give the money back itself, so the admins must."""
    async with ShopHarness(
        tmp_path,
        seed=False,
        payment_provider_token="TEST:provider",
        admin_ids=frozenset({ADMIN_ID}),
    ) as h:
        assert h.shop is not None
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        mug = await add_product(h.shop, "MUG", price=1600, stock=3)
        await fill_cart(h.shop, ALICE, {mug: 1})
        await _invoice_for_cart(h, alice)
        late = await alice.pay(lose_update=True)
        assert (await alice.pay()).ok
        await admin.wait_for("New paid order")
        assert late.successful_payment_update is not None

        await alice.replay(late.successful_payment_update)

        notice = await alice.wait_for("twice")
        assert "$21.00" in (notice.text or "") and "shop will refund" in (notice.text or "")
        alert = await admin.wait_for("needs review")
        assert "paid twice" in (alert.text or "") and "STRIPE_API_KEY" in (alert.text or "")
        assert await _refunds_of(h, 1) == [(2100, "failed", None)]
        async with h.store.uow() as uow:
            order = await uow.orders.get(1)
            assert order is not None and order.needs_review and order.refunded_amount == 0
        await admin.send("/orders_admin")
        await admin.wait_for("[#1 · ")
        await admin.press("#1 · ")
        detail = await admin.wait_for("Order #1 · ✅ Paid")
        assert "second payment, not refunded: refund it at the provider" in (detail.text or "")


async def test_a_stars_refund_telegram_had_made_already_is_recorded_as_done(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The Stars went back to Alice before the bot could record it (a refund made elsewhere,
    or a crash right after refundStarPayment): Telegram answers CHARGE_ALREADY_REFUNDED, and
    the admin's refund is recorded as done and said so plainly, with no error trace."""
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        await admin.send("/start")
        guide = await add_product(
            h.shop, "GUIDE", price=150, currency="XTR", digital=True, title="Brewing Guide"
        )
        await fill_cart(h.shop, ALICE, {guide: 1})
        await _invoice_for_cart(h, alice)
        paid = await alice.pay()
        await admin.wait_for("New paid order")
        assert paid.telegram_payment_charge_id is not None
        assert await h.app.bot.refund_star_payment(ALICE, paid.telegram_payment_charge_id)

        await admin.send("/orders_admin")
        await admin.wait_for("[#1 · ⭐ 150]")
        await admin.press("#1 · ⭐ 150")
        await admin.wait_for("Order #1 · ✅ Paid")
        await admin.press("↩️ Refund")
        await admin.wait_for("it can be refunded in full")
        await admin.press("↩️ Full refund (⭐ 150)")
        await admin.wait_for("Refund ⭐ 150 of order #1?")
        await admin.press("↩️ Refund ⭐ 150")

        done = await admin.wait_for("already refunded")
        assert "Order #1: ↩️ Refunded." in (done.text or "")
        assert "did not go through" not in (done.text or "")
        assert await _refunds_of(h, 1) == [(150, "succeeded", None)]
        assert await _order_row(h, ALICE) == ("refunded", 1, ["skipped"])
        await alice.wait_for("has been refunded")
        assert len(h.standin.star_refunds) == 1  # the one made before, none again
        assert not [r for r in caplog.records if r.exc_info], "an error trace was logged"


async def test_a_shop_in_uganda_prices_whole_shillings_as_telegram_counts_them(
    tmp_path: Path,
) -> None:
    """Telegram reads a UGX amount in whole shillings (its currencies.json: exp 0). The admin
    prices a guide at 5000 shillings; Alice sees UGX 5,000 and is asked for 5,000, not 500,000."""
    async with ShopHarness(
        tmp_path,
        seed=False,
        currency="UGX",
        payment_provider_token="TEST:provider",
        admin_ids=frozenset({ADMIN_ID}),
    ) as h:
        assert h.shop is not None
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        await admin.send("/start")
        await add_product(h.shop, "GUIDE", price=1, currency="UGX", digital=True, title="Guide")
        await admin.send("/price GUIDE 5000")
        await admin.wait_for("UGX\u00a05,000")

        await alice.send("/start product_GUIDE")
        card = await alice.wait_for("Add to cart")
        assert "UGX\u00a05,000" in (card.text or card.caption or "")
        await alice.press("Add to cart")
        await open_order_summary(alice)
        await alice.press("Pay")
        invoice = await alice.wait_for(lambda m: m.invoice is not None)
        assert invoice.invoice is not None
        assert [p["amount"] for p in invoice.invoice["prices"]] == [5000]
        assert (await alice.pay()).ok
        receipt = await alice.wait_for("Payment received")
        assert "Total: UGX\u00a05,000" in (receipt.text or "")
        assert ".00" not in (receipt.text or "")


async def test_a_total_above_telegrams_maximum_is_explained_and_holds_nothing(
    tmp_path: Path,
) -> None:
    """Seven espresso machines come to $10,500: Telegram refuses an invoice above $10,000
    (CURRENCY_TOTAL_AMOUNT_INVALID). Alice is told why and what to do before any invoice is
    asked for: no order is made and no machine is held for her, not even for a moment."""
    async with ShopHarness(tmp_path, seed=False, payment_provider_token="TEST:provider") as h:
        assert h.shop is not None
        alice = h.user(ALICE, "Alice")
        await alice.send("/start")
        machine = await add_product(h.shop, "ESP", price=150000, stock=10, title="Espresso")
        await fill_cart(h.shop, ALICE, {machine: 7})
        await open_order_summary(alice)

        await alice.press("Pay")

        said = await alice.wait_for("at most")
        assert "$10,000.00" in (said.text or "") and "your order comes to $10,500.00" in (
            said.text or ""
        )
        assert not [m for m in alice.messages if m.invoice is not None]
        assert not h.standin.calls_to("sendInvoice")
        await _nothing_held(h, machine, stock=10)


async def test_shipping_that_would_push_the_total_past_telegrams_maximum_is_not_offered(
    tmp_path: Path,
) -> None:
    """A $9,990 espresso machine passes Pay ($10,000 is the most one payment in USD takes).
    At home, free standard shipping fits and express ($15) would not: only standard is
    offered, and she pays $9,990. Bob's goes to Germany, where both options cost: the form
    tells him why, and nothing is paid."""
    async with ShopHarness(tmp_path, seed=False, payment_provider_token="TEST:provider") as h:
        assert h.shop is not None
        alice, bob = h.user(ALICE, "Alice"), h.user(BOB, "Bob")
        machine = await add_product(h.shop, "ESP", price=999000, stock=5, title="Espresso")
        for shopper in (alice, bob):
            await shopper.send("/start")
            await fill_cart(h.shop, shopper.user_id, {machine: 1})
            await open_order_summary(shopper)
            await shopper.press("Pay")
            await shopper.wait_for(lambda m: m.invoice is not None)

        with pytest.raises(LookupError, match="no shipping option 'express'"):
            await alice.pay(shipping_option_id="express")
        paid = await alice.pay()
        assert paid.ok and paid.total_amount == 999000

        refused = await bob.pay(shipping_address={"country_code": "DE"})
        assert (refused.ok, refused.stage) == (False, "shipping")
        assert "With shipping your order comes to $10,005.00" in (refused.error_message or "")
        assert "at most $10,000.00 in one payment in USD" in (refused.error_message or "")


async def test_a_tip_that_would_push_the_payment_past_telegrams_maximum_is_refused(
    tmp_path: Path,
) -> None:
    """A $9,990 espresso machine with $5 standard shipping: the form offers tips of at most
    $10 (what is left to $10,000 once the goods are counted; the shop allows $20). Alice's
    $10 tip with shipping would come to $10,005: she is told to choose a smaller one, and
    her $5 tip goes through at exactly $10,000."""
    async with ShopHarness(
        tmp_path,
        seed=False,
        payment_provider_token="TEST:provider",
        tip_max=2000,
        tip_suggested=(500, 1500),
        free_shipping_over=10**8,
    ) as h:
        assert h.shop is not None
        alice = h.user(ALICE, "Alice")
        machine = await add_product(h.shop, "ESP", price=999000, stock=5, title="Espresso")
        await alice.send("/start")
        await fill_cart(h.shop, ALICE, {machine: 1})
        await open_order_summary(alice)
        await alice.press("Pay")
        invoice = await alice.wait_for(lambda m: m.invoice is not None)
        assert invoice.invoice is not None
        assert invoice.invoice["max_tip_amount"] == 1000
        assert invoice.invoice["suggested_tip_amounts"] == [500]

        refused = await alice.pay(tip_amount=1000)
        assert (refused.ok, refused.stage) == (False, "pre_checkout")
        assert "this payment comes to $10,005.00" in (refused.error_message or "")
        assert "Choose a smaller tip" in (refused.error_message or "")

        paid = await alice.pay(tip_amount=500)
        assert paid.ok and paid.total_amount == 1_000_000


async def test_a_stars_total_above_telegrams_10000_stars_is_explained_and_holds_nothing(
    tmp_path: Path,
) -> None:
    """Three courses at ⭐ 4,000 come to ⭐ 12,000: one Stars invoice takes at most ⭐ 10,000.
    Alice is told so at Pay, before any invoice is asked for or any seat is held."""
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        alice = h.user(ALICE, "Alice")
        await alice.send("/start")
        course = await add_product(
            h.shop, "CRS", price=4000, stock=10, currency="XTR", digital=True, title="Course"
        )
        await fill_cart(h.shop, ALICE, {course: 3})
        await open_order_summary(alice)

        await alice.press("Pay")

        said = await alice.wait_for("at most")
        assert "⭐ 10,000" in (said.text or "") and "your order comes to ⭐ 12,000" in (
            said.text or ""
        )
        assert not h.standin.calls_to("sendInvoice")
        await _nothing_held(h, course, stock=10)


async def test_admin_cannot_price_a_stars_product_above_what_one_invoice_takes(
    tmp_path: Path,
) -> None:
    async with stars_harness(tmp_path) as h:
        assert h.shop is not None
        admin = h.user(ADMIN_ID, "Ada")
        await add_product(h.shop, "CRS", price=4000, currency="XTR", digital=True)

        await admin.send("/price CRS 10001")
        await admin.wait_for("can be at most 10000 XTR")
        await admin.send("/price CRS 10000")
        await admin.wait_for("CRS now costs ⭐ 10,000")


async def test_a_total_below_telegrams_minimum_names_the_minimum_and_holds_nothing(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path, seed=False, payment_provider_token="TEST:provider") as h:
        assert h.shop is not None
        alice = h.user(ALICE, "Alice")
        await alice.send("/start")
        sticker = await add_product(h.shop, "STK", price=50, stock=5, title="Sticker")
        await fill_cart(h.shop, ALICE, {sticker: 1})
        await open_order_summary(alice)

        await alice.press("Pay")

        said = await alice.wait_for("Add something to your cart")
        assert "from $1.00" in (said.text or "") and "$0.50" in (said.text or "")
        await _nothing_held(h, sticker, stock=5)


async def _nothing_held(h: ShopHarness, product_id: int, stock: int) -> None:
    """No order was made for Alice and the product's stock was never held."""
    async with h.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE)
        assert customer is not None
        assert await uow.orders.list_for_customer(customer.id) == []
        product = await uow.products.get(product_id)
        assert product is not None and (product.stock, product.reserved) == (stock, 0)


async def _stars_paid_order(h: ShopHarness, alice: FakeUser) -> str:
    """Alice buys a ⭐ 150 guide (order #1) and pays; the payment's charge id."""
    assert h.shop is not None
    guide = await add_product(
        h.shop, "GUIDE", price=150, currency="XTR", digital=True, title="Brewing Guide"
    )
    await fill_cart(h.shop, ALICE, {guide: 1})
    await _invoice_for_cart(h, alice)
    paid = await alice.pay()
    await alice.wait_for("Payment received")
    assert paid.telegram_payment_charge_id is not None
    return paid.telegram_payment_charge_id


async def _stars_order_with_a_pending_refund(h: ShopHarness, alice: FakeUser) -> str:
    """Alice buys a ⭐ 150 guide; an admin's refund of it is claimed in the database, and
    then the bot dies before it records the refund. The payment's charge id."""
    charge = await _stars_paid_order(h, alice)
    async with h.store.uow() as uow:
        await refunds.claim(uow, 1, None, f"admin:{ADMIN_ID}", None)
    return charge


@pytest.mark.parametrize("stars_went_back", [False, True])
async def test_a_refund_a_crash_left_pending_is_finished_after_the_restart(
    tmp_path: Path, stars_went_back: bool
) -> None:
    """The bot died between claiming a refund and recording it: before refundStarPayment, or
    right after it (Telegram then answers CHARGE_ALREADY_REFUNDED). After the restart the job
    finishes it either way: the Stars go back once, the books say so, Alice and Ada hear."""
    async with stars_harness(tmp_path) as h:
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        await admin.send("/start")
        charge = await _stars_order_with_a_pending_refund(h, alice)
        if stars_went_back:
            assert await h.app.bot.refund_star_payment(ALICE, charge)
        await h.restart()
        assert h.shop is not None
        assert await resume_pending_refunds(h.shop) == []  # not yet: it may still be under way

        later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=later) == [1]

        await alice.wait_for("has been refunded")
        await admin.wait_for("left unfinished")
        assert [r.telegram_payment_charge_id for r in h.standin.star_refunds] == [charge]
        assert await _refunds_of(h, 1) == [(150, "succeeded", None)]
        assert (await _order_row(h, ALICE))[0] == "refunded"
        assert await resume_pending_refunds(h.shop, now=later) == []  # done: once


async def test_each_admin_hears_of_a_refund_finished_after_a_restart_in_her_own_language(
    tmp_path: Path,
) -> None:
    """Ada reads English, Bea's Telegram speaks Spanish (she never chose with /language).
    The refund a crash left pending is finished: Ada reads it in English, Bea in Spanish."""
    bea_id = ADMIN_ID + 1
    async with ShopHarness(
        tmp_path,
        seed=False,
        currency="XTR",
        payment_provider_token="",
        admin_ids=frozenset({ADMIN_ID, bea_id}),
    ) as h:
        ada, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        bea = h.user(bea_id, "Bea", language_code="es")
        await bea.send("/start")
        await bea.wait_for("Bienvenido")
        await _stars_order_with_a_pending_refund(h, alice)
        await h.restart()
        assert h.shop is not None

        later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=later) == [1]

        await ada.wait_for("↩️ Order #1: a refund of ⭐ 150 left unfinished by a restart")
        await bea.wait_for("↩️ Pedido n.º 1: el reembolso de ⭐ 150 que un reinicio dejó a medias")


async def _card_order_with_a_pending_refund(
    h: ShopHarness, account: StripeTestAccount, *, made_at_stripe: bool
) -> tuple[FakeUser, FakeUser, str, StripeGateway]:
    """Alice pays $37.00 for her mugs by card; Ada refunds $10.00 of it from the order screen,
    and the bot dies after claiming it: before asking Stripe, or right after Stripe made it.
    Then the bot starts again with Stripe down. (Ada, Alice, the charge id, and the gateway
    to bring Stripe back with.)"""
    assert h.shop is not None
    admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
    mug = await add_product(h.shop, "MUG", price=1600, stock=3, title="Stoneware Mug")
    await fill_cart(h.shop, ALICE, {mug: 2})
    await _invoice_for_cart(h, alice)
    charge = await account.charge(3700)
    assert (await alice.pay(provider_payment_charge_id=charge)).ok
    await admin.wait_for("New paid order")
    async with h.store.uow() as uow:
        claimed = await refunds.claim(uow, 1, 1000, f"admin:{ADMIN_ID}", None)
    if made_at_stripe:
        assert h.shop.stripe is not None
        await h.shop.stripe.refund(charge, 1000, "USD", claimed.idempotency_key)
    await h.restart()
    assert h.shop is not None
    up, h.shop.stripe = h.shop.stripe, StripeGateway(STRIPE_KEY, UNREACHABLE_STRIPE)
    assert up is not None
    return admin, alice, charge, up


@pytest.mark.parametrize("made_at_stripe", [False, True])
async def test_an_admins_refund_a_crash_left_pending_waits_out_stripe_and_goes_back_once(
    stripe_harness: ShopHarness, stripe_account: StripeTestAccount, made_at_stripe: bool
) -> None:
    """Ada's $10.00 refund was left pending by a crash, and Stripe is down when the job
    finishes it: Ada reads it is tried again (not to refund it by hand); after a pause Stripe
    is back, the same refund is asked for again, $10.00 goes back once, Alice and Ada hear."""
    h = stripe_harness
    admin, alice, charge, up = await _card_order_with_a_pending_refund(
        h, stripe_account, made_at_stripe=made_at_stripe
    )
    assert h.shop is not None
    later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=later) == []

    told = await admin.wait_for("tried again automatically")
    assert "Order #1: a refund of $10.00 left unfinished by a restart" in (told.text or "")
    assert await _refunds_of(h, 1) == [(1000, "pending", None)]
    await admin.send("/orders_admin")
    await admin.press("#1 · ", message=await admin.wait_for("[#1 · "))
    detail = await admin.wait_for("Order #1 · ✅ Paid")
    assert "· ⏳ a refund tried again automatically" in (detail.text or "")
    assert await resume_pending_refunds(h.shop, now=later + SECOND_REFUND_PAUSES[0] / 2) == []
    await h.shop.stripe.close()
    h.shop.stripe = up
    later += SECOND_REFUND_PAUSES[0] + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=later) == [1]

    await alice.wait_for("$10.00")
    await admin.wait_for("↩️ Order #1: the refund of $10.00 that could not be made at first is done")
    assert (await stripe_account.charge_info(charge)).amount_refunded == 1000
    ((amount, status, stripe_refund),) = await _refunds_of(h, 1)
    assert (amount, status) == (1000, "succeeded") and stripe_refund
    assert (await _order_row(h, ALICE))[0] == "paid"
    assert await resume_pending_refunds(h.shop, now=later + timedelta(days=1)) == []  # once
    assert (await stripe_account.charge_info(charge)).amount_refunded == 1000


async def test_an_admins_refund_stripe_never_takes_back_is_given_back_and_flagged_at_last(
    stripe_harness: ShopHarness, stripe_account: StripeTestAccount
) -> None:
    """Stripe stays down: the job tries Ada's pending refund after each pause, then gives the
    $10.00 back to the order's books, flags the order and tells Ada why."""
    h = stripe_harness
    admin, _, charge, up = await _card_order_with_a_pending_refund(
        h, stripe_account, made_at_stripe=False
    )
    assert h.shop is not None and h.shop.stripe is not None
    moment = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
    assert await resume_pending_refunds(h.shop, now=moment) == []
    await _tried_after_every_pause(h, moment)
    await h.shop.stripe.close()
    h.shop.stripe = up

    alert = await admin.wait_for("needs review")
    assert "a refund tried again automatically failed" in (alert.text or "")
    assert len([m for m in admin.messages if "do not refund it by hand" in (m.text or "")]) == 1
    assert await _refunds_of(h, 1) == [(1000, "failed", None)]
    assert (await stripe_account.charge_info(charge)).amount_refunded == 0
    async with h.store.uow() as uow:
        order = await uow.orders.get(1)
        assert order is not None and order.needs_review and order.refunded_amount == 0


async def test_a_stars_refund_telegram_asks_to_wait_for_is_made_on_a_later_try(
    tmp_path: Path,
) -> None:
    """Telegram answers the job's refundStarPayment with "retry after" a minute: the refund
    stays pending (not given back and flagged), and the next try gives the Stars back once."""
    async with stars_harness(tmp_path) as h:
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        await admin.send("/start")
        charge = await _stars_order_with_a_pending_refund(h, alice)
        await h.restart()
        assert h.shop is not None
        h.standin.faults.flood("refundStarPayment", retry_after=60)
        later = utcnow() + PENDING_REFUND_GRACE + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=later) == []
        await admin.wait_for("tried again automatically")
        assert await _refunds_of(h, 1) == [(150, "pending", None)]

        later += SECOND_REFUND_PAUSES[0] + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=later) == [1]

        await alice.wait_for("has been refunded")
        await admin.wait_for("could not be made at first is done now, on a later try")
        assert [r.telegram_payment_charge_id for r in h.standin.star_refunds] == [charge]
        assert await _refunds_of(h, 1) == [(150, "succeeded", None)]


async def test_an_admins_stars_refund_telegram_asks_to_wait_for_is_tried_again_not_failed(
    tmp_path: Path,
) -> None:
    """Ada refunds Alice's ⭐ 150 guide and Telegram answers "retry after" a minute: the
    refund stays pending for the job (no failure, nothing flagged), which gives the Stars
    back once on its next try."""
    async with stars_harness(tmp_path) as h:
        admin, alice = h.user(ADMIN_ID, "Ada"), h.user(ALICE, "Alice")
        await admin.send("/start")
        assert h.shop is not None
        charge = await _stars_paid_order(h, alice)
        h.standin.faults.flood("refundStarPayment", retry_after=60)

        change = await refund_order(h.shop, 1, actor=f"admin:{ADMIN_ID}")

        assert change.refund is None and change.refund_deferred is not None
        assert await _refunds_of(h, 1) == [(150, "pending", None)]
        assert (await _order_row(h, ALICE))[0] == "paid"
        later = utcnow() + SECOND_REFUND_PAUSES[0] + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=later) == [1]
        await alice.wait_for("has been refunded")
        assert [r.telegram_payment_charge_id for r in h.standin.star_refunds] == [charge]
        assert await _refunds_of(h, 1) == [(150, "succeeded", None)]
