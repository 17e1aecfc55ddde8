"""Discounts and tips through the payment path, on SQLite and PostgreSQL: pre-checkout takes
a tip only as the shop offers it, the payment records it, a hold released before the payment
takes its use again, Stars carry the discounted price, and refunds of discounted and tipped
orders give back exactly what was paid, line by line and unit by unit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.payments.invoice import build_invoice
from bot.services import refunds
from bot.services.checkout import PlacedOrder
from bot.services.errors import PromoRefused, RefundNotPossible, RefundTooLarge
from bot.services.order_summary import summarize
from bot.services.promos import parse_new
from bot.shop import Shop
from bot.store.models import PromoRedemption, utcnow
from bot.usecases.orders import refund_order
from bot.usecases.payments import PaymentRefused, check_pre_checkout
from tests.payments.conftest import (
    ADMIN_ID,
    StripeTestAccount,
    add_product,
    expire_holds,
    fill_cart,
    incoming_for,
    pay,
    place_order,
)

ALICE = 1001
ADMIN = f"admin:{ADMIN_ID}"


async def _code(shop: Shop, line: str) -> None:
    async with shop.store.uow() as uow:
        await uow.promos.add(parse_new(line.split(), shop.settings.currency).to_model())


async def _attach(shop: Shop, code: str, telegram_id: int = ALICE) -> None:
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(telegram_id)
        (await uow.carts.get_for_customer(customer.id)).promo_code = code


async def _placed(shop: Shop, order_id: int) -> PlacedOrder:
    """The order as checkout placed it (what `pay` builds the payment from)."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        return PlacedOrder(summarize(order), None, [])


async def _three_line_order(shop: Shop) -> int:
    """$10.00 × 3 + $7.00 + $3.33 × 2 = $43.66, with $10.00 off: 2-4 units a line."""
    pens = await add_product(shop, "PEN", price=1000, stock=9)
    ink = await add_product(shop, "INK", price=700, stock=9)
    clip = await add_product(shop, "CLIP", price=333, stock=9)
    await fill_cart(shop, ALICE, {pens: 3, ink: 1, clip: 2})
    await _code(shop, "TENOFF 10.00")
    await _attach(shop, "TENOFF")
    placed = await place_order(shop, telegram_id=ALICE)
    assert (placed.order.items_total, placed.order.discount_total) == (4366, 1000)
    assert [line.discount for line in placed.order.lines] == [687, 160, 153]
    return placed.order.order_id


def _tipping(shop: Shop) -> Shop:
    return replace(shop, settings=replace(shop.settings, tip_max=500, tip_suggested=(100, 300)))


async def _pre_checkout(shop: Shop, order_id: int, tip: int) -> None:
    order = (await _placed(shop, order_id)).order
    goods = order.items_total - order.discount_total
    payload = build_invoice(order, shop.settings).payload
    await check_pre_checkout(
        shop,
        user_id=ALICE,
        payload=payload,
        currency="USD",
        total_amount=goods + 500 + tip,  # standard shipping at home: $5.00 under $50.00
        shipping_option_id="standard",
        country_code="US",
    )


async def test_pre_checkout_takes_a_tip_only_as_the_shop_offers_it(shop: Shop) -> None:
    order_id = await _three_line_order(shop)
    with pytest.raises(PaymentRefused, match="does not match"):
        await _pre_checkout(shop, order_id, tip=100)  # this shop offers no tips
    tipping = _tipping(shop)
    await _pre_checkout(tipping, order_id, tip=500)
    with pytest.raises(PaymentRefused, match="does not match"):
        await _pre_checkout(tipping, order_id, tip=501)


async def test_a_tipped_discounted_order_is_refunded_to_the_cent_line_by_line(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    shop = _tipping(stripe_shop)
    order_id = await _three_line_order(shop)
    charge = await stripe_account.charge(3366 + 500 + 300)
    placed = await _placed(shop, order_id)
    with_shipping = incoming_for(shop, placed, charge="tg-tip").total_amount
    outcome = await pay(
        shop, placed, charge="tg-tip", provider_charge=charge, total=with_shipping + 300
    )
    assert outcome.kind == "paid" and outcome.order is not None
    assert (outcome.order.shipping_total, outcome.order.tip_amount, outcome.order.total) == (
        500,
        300,
        4166,
    )

    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        assert refunds.refundable(order) == 4166
        # SKUs in any case; one unit of a line gets its share of the line's discount.
        assert [refunds.line_amount(order, sku, 1) for sku in ("pen", "INK", "clip")] == [
            1000 - 229,
            700 - 160,
            333 - 76,  # 513 over two units: 257 + 256
        ]
        whole_lines = [refunds.line_amount(order, line.sku) for line in order.lines]
        assert whole_lines == [3000 - 687, 700 - 160, 666 - 153]
        assert sum(whole_lines) == 3366
        with pytest.raises(RefundNotPossible, match="has 3 × PEN: refund 1 to 3"):
            refunds.line_amount(order, "PEN", 4)
        with pytest.raises(RefundNotPossible, match="no line NOPE"):
            refunds.line_amount(order, "NOPE")

    # Every unit of every line, one refund each, then shipping and tip: the charge, exactly.
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        per_unit = [
            refunds.line_amount(order, line.sku, n) - refunds.line_amount(order, line.sku, n - 1)
            if n > 1
            else refunds.line_amount(order, line.sku, 1)
            for line in order.lines
            for n in range(1, line.quantity + 1)
        ]
    assert sum(per_unit) == 3366
    for amount in per_unit:
        await refund_order(shop, order_id, amount=amount, actor=ADMIN)
    with pytest.raises(RefundTooLarge):
        await refund_order(shop, order_id, amount=801, actor=ADMIN)
    last = await refund_order(shop, order_id, amount=None, actor=ADMIN)
    assert last.refund is not None and last.refund.amount == 800  # shipping + tip
    assert last.new_status == "refunded"
    assert (await stripe_account.charge_info(charge)).amount_refunded == 4166


async def test_a_payment_after_its_hold_was_released_takes_its_use_again(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", price=1600, stock=5)
    await fill_cart(shop, ALICE, {mug: 2})
    await _code(shop, "ONLYONE 10% uses=1")
    await _attach(shop, "ONLYONE")
    placed = await place_order(shop, telegram_id=ALICE, now=utcnow() - timedelta(minutes=20))

    async def state() -> tuple[int, list[str]]:
        async with shop.store.uow() as uow:
            promo = await uow.promos.by_code("ONLYONE")
            assert promo is not None
            rows = await uow.session.scalars(select(PromoRedemption.status))
            return promo.uses, list(rows)

    assert await state() == (1, ["held"])
    assert [h.order_id for h in await expire_holds(shop)] == [placed.order.order_id]
    assert await state() == (0, ["released"])
    outcome = await pay(shop, placed)  # sold from free stock, at the discounted price
    assert outcome.kind == "paid" and outcome.order is not None
    assert outcome.order.discount_total == 320
    assert await state() == (1, ["used"])
    again = await pay(shop, placed)  # redelivered: nothing counted twice
    assert again.kind == "duplicate"
    assert await state() == (1, ["used"])


async def test_stars_invoices_carry_the_discounted_price_in_one_line(stars_shop: Shop) -> None:
    guide = await add_product(stars_shop, "GUIDE", price=150, currency="XTR", digital=True)
    await fill_cart(stars_shop, ALICE, {guide: 2})
    await _code(stars_shop, "STARS 20%")
    await _attach(stars_shop, "STARS")
    placed = await place_order(stars_shop, telegram_id=ALICE)
    invoice = build_invoice(placed.order, stars_shop.settings)
    assert [(p.label, p.amount) for p in invoice.prices] == [
        (f"Order #{placed.order.order_id} (2 items)", 240)
    ]
    assert "max_tip_amount" not in invoice.extra


async def test_a_code_that_would_go_below_telegrams_minimum_is_refused_at_pay_time(
    shop: Shop,
) -> None:
    pencil = await add_product(shop, "PENCIL", price=750, stock=5)
    await fill_cart(shop, ALICE, {pencil: 1})
    await _code(shop, "SEVEN 7.00")
    await _attach(shop, "SEVEN")
    with pytest.raises(PromoRefused, match=r"would be \$0.50, less than the smallest payment"):
        await place_order(shop, telegram_id=ALICE)
    async with shop.store.uow() as uow:
        promo = await uow.promos.by_code("SEVEN")
        product = await uow.products.get(pencil)
        assert promo is not None and product is not None
        assert (promo.uses, product.reserved) == (0, 0)  # nothing held, nothing used
