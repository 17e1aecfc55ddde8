"""Order lifecycle and refunds against a real localstripe charge (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest
from sqlalchemy import update

from bot.i18n import translator
from bot.payments.stars import StarsGateway
from bot.payments.stripe_gateway import StripeGateway
from bot.services.errors import (
    NotApprovable,
    NotUnderReview,
    OrderUnderReview,
    RefundFailed,
    RefundNotPossible,
    RefundTooLarge,
)
from bot.shop import Shop
from bot.store.models import Order, utcnow
from bot.store.order_states import IllegalOrderTransition
from bot.store.uow import Store
from bot.usecases import admin_orders
from bot.usecases.admin_orders import OrderNotChanged
from bot.usecases.audit import AuditLine
from bot.usecases.orders import (
    approve_order,
    cancel_order,
    deliver_order,
    flag_for_review,
    refund_order,
    ship_order,
)
from bot.usecases.payments import settle_stock_gone
from bot.usecases.verification import verify_payment, verify_pending
from bot.views.admin_audit import audit_log
from tests.payments.conftest import (
    STRIPE_KEY,
    UNREACHABLE_STRIPE,
    FakeStarsBot,
    StripeTestAccount,
    add_product,
    expire_holds,
    fill_cart,
    make_settings,
    pay,
    place_order,
    stock_of,
)

ALICE = 1001
ADMIN = "admin:9001"

ENGLISH = translator("en")  # the words a shopper with no other language reads


async def _paid_order(
    shop: Shop, account: StripeTestAccount | None = None, *, stock: int = 5, qty: int = 2
) -> tuple[int, int, str]:
    """Alice buys `qty` mugs at $16 + $5 shipping; (order id, product id, Stripe charge id)."""
    mug = await add_product(shop, "MUG", price=1600, stock=stock)
    await fill_cart(shop, ALICE, {mug: qty})
    placed = await place_order(shop, telegram_id=ALICE)
    amount = 1600 * qty + 500
    charge = await account.charge(amount) if account else "ch_offline"
    outcome = await pay(shop, placed, provider_charge=charge)
    assert outcome.kind == "paid"
    return placed.order.order_id, mug, charge


async def _events(shop: Shop, order_id: int) -> list[tuple[str | None, str, str]]:
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        return [(e.from_status, e.to_status, e.actor) for e in order.events]


async def _refunds(shop: Shop, order_id: int) -> list[tuple[int, str, bool]]:
    async with shop.store.uow() as uow:
        return [
            (r.amount, r.status, bool(r.provider_refund_id))
            for r in await uow.refunds.for_order(order_id)
        ]


async def test_ship_and_deliver_tell_the_shopper_and_record_each_step(shop: Shop) -> None:
    order_id, _, _ = await _paid_order(shop)

    shipped = await ship_order(shop, order_id, actor=ADMIN, tracking="1Z999")
    delivered = await deliver_order(shop, order_id, actor=ADMIN)

    assert (shipped.old_status, shipped.new_status) == ("paid", "shipped")
    assert "on its way" in shipped.message_for_shopper(
        ENGLISH
    ) and "1Z999" in shipped.message_for_shopper(ENGLISH)
    assert shipped.customer_telegram_id == ALICE
    assert delivered.new_status == "delivered"
    assert await _events(shop, order_id) == [
        (None, "awaiting_payment", "system"),
        ("awaiting_payment", "paid", f"user:{ALICE}"),
        ("paid", "shipped", ADMIN),
        ("shipped", "delivered", ADMIN),
    ]
    with pytest.raises(IllegalOrderTransition, match="delivered cannot ship"):
        await ship_order(shop, order_id, actor=ADMIN, tracking=None)


async def test_an_order_under_review_is_not_shipped(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=5)
    await fill_cart(shop, ALICE, {mug: 1})
    placed = await place_order(shop, telegram_id=ALICE)
    await pay(shop, placed, total=1)  # paid less than the goods: flagged
    with pytest.raises(OrderUnderReview, match="flagged for review"):
        await ship_order(shop, placed.order.order_id, actor=ADMIN)


async def test_an_approved_review_can_ship_and_only_flagged_paid_orders_are_approved(
    shop: Shop,
) -> None:
    mug = await add_product(shop, "MUG", stock=5)
    await fill_cart(shop, ALICE, {mug: 2})
    placed = await place_order(shop, telegram_id=ALICE)
    order_id = placed.order.order_id
    await pay(shop, placed, total=1)  # paid less than the goods: flagged

    change = await approve_order(shop, order_id, actor=ADMIN, note="checked at the bank")
    assert (change.old_status, change.new_status) == ("paid", "paid")
    assert (
        "is confirmed" in change.message_for_shopper(ENGLISH)
        and change.customer_telegram_id == ALICE
    )
    assert change.delivery is not None and not change.delivery.downloads  # a mug: nothing to send
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and not order.needs_review and order.review_reason is None
        last = order.events[-1]
        assert (last.from_status, last.to_status, last.actor) == ("paid", "paid", ADMIN)
        note = ENGLISH.said(last.note)
        assert "review cleared by admin:9001: " in note
        assert "goods cost" in note and "(checked at the bank)" in note
    with pytest.raises(NotUnderReview, match="not flagged for review"):
        await approve_order(shop, order_id, actor=ADMIN)
    assert (await ship_order(shop, order_id, actor=ADMIN)).new_status == "shipped"

    await fill_cart(shop, ALICE, {mug: 1})
    unpaid = await place_order(shop, telegram_id=ALICE)
    await cancel_order(shop, unpaid.order.order_id, actor=ADMIN)
    await flag_for_review(shop, unpaid.order.order_id, "odd")
    with pytest.raises(NotApprovable, match="only a paid order can be approved"):
        await approve_order(shop, unpaid.order.order_id, actor=ADMIN)


async def test_cancelling_an_unpaid_order_releases_its_stock(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=5)
    await fill_cart(shop, ALICE, {mug: 2})
    placed = await place_order(shop, telegram_id=ALICE)

    change = await cancel_order(shop, placed.order.order_id, actor=ADMIN, reason="duplicate")

    assert change.new_status == "cancelled" and change.refund is None
    assert "cancelled (duplicate)" in change.message_for_shopper(ENGLISH)
    assert await stock_of(shop, mug) == (5, 0)


async def test_partial_then_full_refund_lands_on_the_stripe_charge_and_is_capped(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id, _, charge = await _paid_order(stripe_shop, stripe_account)  # $37.00

    part = await refund_order(stripe_shop, order_id, amount=1000, actor=ADMIN, reason="chipped")
    with pytest.raises(RefundTooLarge, match=r"at most \$27.00 more"):
        await refund_order(stripe_shop, order_id, amount=2701, actor=ADMIN)
    rest = await refund_order(stripe_shop, order_id, amount=None, actor=ADMIN)
    with pytest.raises(RefundTooLarge):
        await refund_order(stripe_shop, order_id, amount=1, actor=ADMIN)

    assert (part.new_status, rest.new_status) == ("paid", "refunded")  # a part keeps "paid"
    assert "We refunded $10.00 of order" in part.message_for_shopper(ENGLISH)
    assert rest.refund is not None and rest.refund.amount == 2700
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    assert await _refunds(stripe_shop, order_id) == [
        (1000, "succeeded", True),
        (2700, "succeeded", True),
    ]
    async with stripe_shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.refunded_amount == 3700


async def test_why_a_refund_was_refused_keeps_its_sums_for_each_readers_language(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Ada typed $30.00 of a $37.00 order, and Bea refunded $10.00 before she confirmed: her
    refund is refused, and the audit log keeps why with its sums, so Ada reads "$27.00" and
    an admin who reads Russian "27,00 $" (a no-break space before $), not the English way."""
    order_id, _, _ = await _paid_order(stripe_shop, stripe_account)
    await refund_order(stripe_shop, order_id, amount=1000, actor="admin:9002")

    with pytest.raises(OrderNotChanged):
        await admin_orders.refund(stripe_shop, 9001, order_id, 3000)

    async with stripe_shop.store.uow() as uow:
        (refused,) = [e for e in await uow.audit.list_recent() if e.action.endswith("refused")]
    assert refused.details is not None
    why = refused.details["error"]
    assert ENGLISH.said(why) == (
        f"Order #{order_id} can be refunded at most $27.00 more; $30.00 is too much."
    )
    assert translator("ru").said(why) == (
        f"По заказу №{order_id} можно вернуть ещё не больше 27,00\u00a0$; 30,00\u00a0$ — "
        "слишком много."
    )


async def test_a_collected_orders_lost_cancel_and_its_refunds_read_as_a_pickups(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Alice collects her mugs at the shop. Ada confirms a cancel from an older screen after
    Bea made the order ready for pickup: she reads "it is 🏬 Ready for pickup now", not
    Shipped. Once Alice has them, Ada's refunds read in the audit log as the order's screens
    do (🛍️ Collected), not as a parcel's (📦 Delivered)."""
    order_id, _, _ = await _paid_order(stripe_shop, stripe_account)
    async with stripe_shop.store.uow() as uow:
        picked_at = update(Order).where(Order.id == order_id)
        await uow.session.execute(picked_at.values(shipping_option="pickup:1"))
    await ship_order(stripe_shop, order_id, actor="admin:9002", pickup=True)

    with pytest.raises(OrderNotChanged) as lost:
        await admin_orders.cancel(stripe_shop, 9001, order_id)
    said = lost.value.said
    assert said(ENGLISH) == f"Order #{order_id} was not changed: it is 🏬 Ready for pickup now."
    assert "🏬 Готов к выдаче" in said(translator("ru"))
    assert "🏬 Listo para recoger" in said(translator("es"))

    await deliver_order(stripe_shop, order_id, actor="admin:9002", pickup=True)
    part = await refund_order(stripe_shop, order_id, amount=1000, actor=ADMIN)
    rest = await refund_order(stripe_shop, order_id, actor=ADMIN)
    at = utcnow()
    log = audit_log(
        [
            AuditLine(at, ADMIN, "order.refund", f"order:{order_id}", change.audit_details())
            for change in (rest, part)
        ],
        UTC,
    )
    assert log.splitlines()[1:] == [
        f"• {ENGLISH.datetime(at, UTC)} · {ADMIN} · refunded order:{order_id} · "
        + moved
        + ", refunded "
        + amount
        for moved, amount in [
            ("🛍️ Collected → ↩️ Refunded", "$27.00"),
            ("🛍️ Collected → 🛍️ Collected", "$10.00"),
        ]
    ]


async def test_a_delivered_order_partly_refunded_stays_delivered_and_is_never_restocked(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """The goods reached the shopper: a partial refund does not make them shippable or
    cancellable (with a restock) again; only more of the money can go back."""
    order_id, mug, charge = await _paid_order(stripe_shop, stripe_account, stock=10, qty=2)
    await ship_order(stripe_shop, order_id, actor=ADMIN, tracking="1Z")
    await deliver_order(stripe_shop, order_id, actor=ADMIN)

    part = await refund_order(stripe_shop, order_id, amount=500, actor=ADMIN, reason="chipped")

    assert (part.old_status, part.new_status) == ("delivered", "delivered")
    with pytest.raises(IllegalOrderTransition):
        await cancel_order(stripe_shop, order_id, actor=ADMIN)
    with pytest.raises(IllegalOrderTransition):
        await ship_order(stripe_shop, order_id, actor=ADMIN)
    assert await stock_of(stripe_shop, mug) == (8, 0)  # the shopper has the two mugs
    assert (await stripe_account.charge_info(charge)).amount_refunded == 500
    more = await refund_order(stripe_shop, order_id, amount=700, actor=ADMIN)
    assert more.new_status == "delivered"
    rest = await refund_order(stripe_shop, order_id, amount=None, actor=ADMIN)
    assert rest.new_status == "refunded" and rest.refund is not None
    assert rest.refund.amount == 3700 - 1200
    assert await stock_of(stripe_shop, mug) == (8, 0)
    assert [e[:2] for e in await _events(stripe_shop, order_id)][-4:] == [
        ("shipped", "delivered"),
        ("delivered", "delivered"),  # $5.00 back
        ("delivered", "delivered"),  # $7.00 back
        ("delivered", "refunded"),
    ]
    async with stripe_shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        assert [ENGLISH.said(e.note) for e in order.events][-3] == "refunded $5.00: chipped"


async def test_a_paid_order_partly_refunded_can_still_ship(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id, _, _ = await _paid_order(stripe_shop, stripe_account, stock=10, qty=1)
    await refund_order(stripe_shop, order_id, amount=300, actor=ADMIN)
    assert (await ship_order(stripe_shop, order_id, actor=ADMIN)).new_status == "shipped"


async def test_a_paid_order_partly_refunded_can_still_be_cancelled_and_restocked(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Nothing went out yet: it is cancelled, restocked and refunded what is left."""
    order_id, mug, charge = await _paid_order(stripe_shop, stripe_account, stock=10, qty=2)
    assert await stock_of(stripe_shop, mug) == (8, 0)
    await refund_order(stripe_shop, order_id, amount=500, actor=ADMIN)
    change = await cancel_order(stripe_shop, order_id, actor=ADMIN)

    assert change.new_status == "refunded" and change.refund is not None
    assert change.refund.amount == 3200
    assert await stock_of(stripe_shop, mug) == (10, 0)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700


async def test_cancelling_a_paid_order_restocks_and_refunds_everything(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id, mug, charge = await _paid_order(stripe_shop, stripe_account, stock=5, qty=2)
    assert await stock_of(stripe_shop, mug) == (3, 0)

    change = await cancel_order(stripe_shop, order_id, actor=ADMIN, reason="customer asked")

    assert change.new_status == "refunded" and change.refund is not None
    assert "We refunded $37.00" in change.message_for_shopper(ENGLISH)
    assert await stock_of(stripe_shop, mug) == (5, 0)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700
    with pytest.raises(IllegalOrderTransition):
        await cancel_order(stripe_shop, order_id, actor=ADMIN)
    assert await stock_of(stripe_shop, mug) == (5, 0)  # not restocked twice


async def test_cancelling_a_partly_refunded_order_tells_the_shopper_the_refund_in_all(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """$10 came back for a chipped mug; the cancel gives back the other $27 and says both."""
    order_id, _, charge = await _paid_order(stripe_shop, stripe_account)  # $37.00
    await refund_order(stripe_shop, order_id, amount=1000, actor=ADMIN, reason="chipped")

    change = await cancel_order(stripe_shop, order_id, actor=ADMIN)

    said = "We refunded the remaining $27.00; $37.00 refunded in all."
    assert said in change.message_for_shopper(ENGLISH)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 3700


async def test_a_refund_stripe_rejects_is_not_counted(stripe_shop: Shop) -> None:
    order_id, _, _ = await _paid_order(stripe_shop)  # a charge id Stripe has never seen
    with pytest.raises(RefundFailed, match="did not go through"):
        await refund_order(stripe_shop, order_id, amount=500, actor=ADMIN)
    assert await _refunds(stripe_shop, order_id) == [(500, "failed", False)]
    async with stripe_shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and (order.status, order.refunded_amount) == ("paid", 0)


async def test_without_a_stripe_key_refunds_are_refused_clearly(shop: Shop) -> None:
    order_id, _, _ = await _paid_order(shop)
    with pytest.raises(RefundFailed, match="STRIPE_API_KEY is not set"):
        await refund_order(shop, order_id, actor=ADMIN)


async def test_why_a_cancels_refund_failed_is_read_in_each_admins_language(shop: Shop) -> None:
    """No STRIPE_API_KEY: an admin cancels a paid order and its refund cannot be made. The
    order is flagged; whoever reads the reason later reads all of it in her language, the
    admin who cancelled as well as one who reads Russian."""
    order_id, _, _ = await _paid_order(shop)

    change = await cancel_order(shop, order_id, actor=ADMIN)

    assert change.refund_error is not None
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.needs_review
    assert ENGLISH.said(order.review_reason) == (
        f"refund after cancel failed: The refund of order #{order_id} did not go through: "
        "STRIPE_API_KEY is not set; refund it in the Stripe dashboard instead"
    )
    assert translator("ru").said(order.review_reason) == (
        f"возврат после отмены не прошёл: Возврат по заказу №{order_id} не прошёл: "
        "STRIPE_API_KEY не задан; сделайте возврат в панели Stripe"
    )


async def _sold_out_late_payment(shop: Shop, account: StripeTestAccount) -> tuple[int, str]:
    """Alice's hold on the last mug expired, the mug broke meanwhile, then her $21.00 card
    payment arrived: the goods are gone. (The order id, the Stripe charge id.)"""
    mug = await add_product(shop, "MUG", price=1600, stock=1)
    await fill_cart(shop, ALICE, {mug: 1})
    late = await place_order(shop, telegram_id=ALICE, now=utcnow() - timedelta(hours=1))
    await expire_holds(shop)
    async with shop.store.uow() as uow:
        assert await uow.products.adjust_stock(mug, -1)  # the last mug broke meanwhile
    charge = await account.charge(2100)
    outcome = await pay(shop, late, provider_charge=charge)
    assert outcome.kind == "stock_gone"
    return late.order.order_id, charge


async def test_sold_out_late_payment_is_refunded_automatically(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id, charge = await _sold_out_late_payment(stripe_shop, stripe_account)

    text, review, retrying = await settle_stock_gone(stripe_shop, order_id)

    assert "We refunded $21.00 in full" in text and (review, retrying) == (None, None)
    assert (await stripe_account.charge_info(charge)).amount_refunded == 2100
    assert [e[1] for e in await _events(stripe_shop, order_id)] == [
        "awaiting_payment",
        "cancelled",
        "paid",
        "refunded",
    ]


async def test_a_sold_out_payment_stripe_cannot_take_back_yet_is_tried_again_not_flagged(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Stripe is down when the sold-out payment must go back: Alice hears the shop will
    refund her, and the refund stays pending for the pending-refunds job (the order
    unflagged, the admins told why it is tried again) instead of being called failed."""
    order_id, charge = await _sold_out_late_payment(stripe_shop, stripe_account)
    up, stripe_shop.stripe = stripe_shop.stripe, StripeGateway(STRIPE_KEY, UNREACHABLE_STRIPE)
    try:
        text, review, retrying = await settle_stock_gone(stripe_shop, order_id)
    finally:
        await stripe_shop.stripe.close()
        stripe_shop.stripe = up

    assert "We'll refund you in full" in text and review is None and retrying
    assert await _refunds(stripe_shop, order_id) == [(2100, "pending", False)]
    async with stripe_shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and not order.needs_review
    assert await stripe_account.refunds_of(charge) == []


async def test_stars_refunds_are_full_only_and_go_through_refund_star_payment(
    stars_shop: Shop,
) -> None:
    guide = await add_product(stars_shop, "GUIDE", price=150, currency="XTR", digital=True)
    await fill_cart(stars_shop, ALICE, {guide: 1})
    placed = await place_order(stars_shop, telegram_id=ALICE)
    outcome = await pay(stars_shop, placed, charge="stxn-1")
    assert outcome.kind == "paid" and not outcome.verify
    bot = FakeStarsBot()
    stars_shop.stars = StarsGateway(bot)

    with pytest.raises(RefundNotPossible, match="only be refunded in full") as refused:
        await refund_order(stars_shop, placed.order.order_id, amount=50, actor=ADMIN)
    assert refused.value.said(translator("ru")) == (
        "Платежи звёздами возвращаются только целиком (⭐ 150)."
    )
    change = await refund_order(stars_shop, placed.order.order_id, actor=ADMIN)

    assert change.new_status == "refunded"
    assert bot.star_refunds == [(ALICE, "stxn-1")]


async def test_an_admin_reading_russian_is_told_in_russian_an_unpaid_order_has_nothing_to_refund(
    shop: Shop,
) -> None:
    mug = await add_product(shop, "MUG", price=1600, stock=5)
    await fill_cart(shop, ALICE, {mug: 1})
    placed = await place_order(shop, telegram_id=ALICE)

    with pytest.raises(RefundNotPossible) as refused:
        await refund_order(shop, placed.order.order_id, actor=ADMIN)

    order_id = placed.order.order_id
    assert refused.value.said(ENGLISH) == (
        f"Order #{order_id} has not been paid, so there is nothing to refund."
    )
    assert refused.value.said(translator("ru")) == (
        f"Заказ №{order_id} не оплачен, возвращать нечего."
    )


# -- Verification ----------------------------------------------------------------------------


async def test_a_matching_stripe_charge_is_verified(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id, _, _ = await _paid_order(stripe_shop, stripe_account)
    async with stripe_shop.store.uow() as uow:
        (payment,) = await uow.payments.for_order(order_id)
    outcome = await verify_payment(stripe_shop, payment.id)
    assert (outcome.status, outcome.flagged) == ("verified", False)


async def test_an_icelandic_payment_is_verified_and_refunded_in_whole_kronur(
    store: Store, localstripe: str, stripe_account: StripeTestAccount
) -> None:
    """Telegram counts ISK in whole krónur (its currencies.json: exp 0), Stripe's API in
    hundredths, whole krónur only (100 is 1 kr.): Alice's two guides at 1,600 kr. are a
    charge of 320000 at Stripe. Her payment is verified, not flagged as a mismatch, and a
    1,000 kr. refund takes 100000 off the charge (1000 there would be 10 kr.)."""
    settings = make_settings(currency="ISK", stripe_api_key=STRIPE_KEY, stripe_api_base=localstripe)
    shop = Shop(settings=settings, store=store, stripe=StripeGateway.from_settings(settings))
    try:
        guide = await add_product(shop, "GUIDE", price=1600, currency="ISK", digital=True)
        await fill_cart(shop, ALICE, {guide: 2})
        placed = await place_order(shop, telegram_id=ALICE)
        charge = await stripe_account.charge(320000, "ISK")
        assert (await pay(shop, placed, provider_charge=charge)).kind == "paid"
        async with shop.store.uow() as uow:
            (payment,) = await uow.payments.for_order(placed.order.order_id)
        assert (payment.amount, payment.currency) == (3200, "ISK")
        outcome = await verify_payment(shop, payment.id)
        assert (outcome.status, outcome.flagged) == ("verified", False)
        await refund_order(shop, placed.order.order_id, amount=1000, actor=ADMIN)
        assert await stripe_account.refunds_of(charge) == [100000]
    finally:
        assert shop.stripe is not None
        await shop.stripe.close()


async def test_a_mismatched_or_unknown_charge_flags_the_order(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    mug = await add_product(stripe_shop, "MUG", price=1600, stock=5)
    await fill_cart(stripe_shop, ALICE, {mug: 1})
    placed = await place_order(stripe_shop, telegram_id=ALICE)
    cheap = await stripe_account.charge(100)  # Stripe took $1, Telegram says $21
    outcome = await pay(stripe_shop, placed, provider_charge=cheap)
    assert outcome.payment_id is not None

    verdict = await verify_payment(stripe_shop, outcome.payment_id)

    assert verdict.flagged and "amount 100 ≠ 2100" in ENGLISH.said(verdict.note)
    with pytest.raises(OrderUnderReview):
        await ship_order(stripe_shop, placed.order.order_id, actor=ADMIN)

    await fill_cart(stripe_shop, 1002, {mug: 1})
    other = await place_order(stripe_shop, telegram_id=1002)
    unknown = await pay(stripe_shop, other, provider_charge="ch_never_made")
    assert unknown.payment_id is not None
    assert (await verify_payment(stripe_shop, unknown.payment_id)).status == "unknown_charge"


async def test_two_workers_checking_one_payment_decide_and_alert_once(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    mug = await add_product(stripe_shop, "MUG", price=1600, stock=5)
    await fill_cart(stripe_shop, ALICE, {mug: 1})
    placed = await place_order(stripe_shop, telegram_id=ALICE)
    outcome = await pay(stripe_shop, placed, provider_charge="ch_never_made")
    assert outcome.payment_id is not None

    first, second = await asyncio.gather(
        verify_payment(stripe_shop, outcome.payment_id),
        verify_payment(stripe_shop, outcome.payment_id),
    )

    assert first.status == second.status == "unknown_charge"
    assert [first.decided_here, second.decided_here].count(True) == 1
    assert await verify_pending(stripe_shop) == []  # nothing left for the job to report
    async with stripe_shop.store.uow() as uow:
        (payment,) = await uow.payments.for_order(placed.order.order_id)
        assert payment.verification_attempts == 1


async def test_stripe_outage_keeps_the_check_pending_until_the_retry(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    order_id, _, _ = await _paid_order(stripe_shop, stripe_account)
    async with stripe_shop.store.uow() as uow:
        (payment,) = await uow.payments.for_order(order_id)
    working = stripe_shop.stripe
    stripe_shop.stripe = StripeGateway("sk_test_x", "http://127.0.0.1:9")  # nothing listens
    try:
        outage = await verify_payment(stripe_shop, payment.id)
    finally:
        await stripe_shop.stripe.close()
        stripe_shop.stripe = working
    assert outage.status == "pending" and "unreachable" in ENGLISH.said(outage.note)

    (retried,) = await verify_pending(stripe_shop)

    assert retried.status == "verified"
    async with stripe_shop.store.uow() as uow:
        (payment,) = await uow.payments.for_order(order_id)
        assert (payment.verification_attempts, payment.verified_at is not None) == (2, True)
