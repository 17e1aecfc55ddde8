"""Checkout holds stock, payment sells it once, expiry gives it back (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import InvoiceScreen
from bot.i18n import translator
from bot.payments.invoice import build_invoice
from bot.payments.payload import sign_payload
from bot.services import checkout
from bot.services.errors import (
    CartChanged,
    EmptyCart,
    NeedsShippingInStars,
    OutOfStock,
    WrongCurrency,
)
from bot.shop import Shop
from bot.store.models import utcnow
from bot.usecases.payments import PaymentRefused, check_pre_checkout, record_payment
from tests.payments.conftest import (
    add_product,
    cancel_open_invoices,
    expire_holds,
    fill_cart,
    incoming_for,
    pay,
    place_order,
    stock_of,
)

ALICE, BOB = 1001, 1002


async def _orders_of(shop: Shop, telegram_id: int) -> list[tuple[str, str]]:
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        assert customer is not None
        return [(o.status, o.hold_status) for o in await uow.orders.list_for_customer(customer.id)]


async def test_checkout_holds_the_stock_and_copies_prices(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", price=1600, stock=5)
    beans = await add_product(shop, "BEANS", price=1190, stock=3)
    await fill_cart(shop, ALICE, {mug: 2, beans: 1})

    placed = await place_order(shop, telegram_id=ALICE)

    order = placed.order
    assert order.status == "awaiting_payment"
    assert [(line.sku, line.unit_price, line.quantity) for line in order.lines] == [
        ("MUG", 1600, 2),
        ("BEANS", 1190, 1),
    ]
    assert (order.items_total, order.total, order.needs_shipping) == (4390, 4390, True)
    assert await stock_of(shop, mug) == (5, 2)
    assert await stock_of(shop, beans) == (3, 1)
    # the price changes after checkout: the order keeps the price it was placed at
    async with shop.store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None
        product.price = 9999
    async with shop.store.uow() as uow:
        saved = await uow.orders.get(order.order_id)
        assert saved is not None and saved.lines[0].unit_price == 1600


async def test_a_short_line_rolls_back_the_whole_order_and_names_what_is_short(
    shop: Shop,
) -> None:
    mug = await add_product(shop, "MUG", stock=5, title="Stoneware Mug")
    tea = await add_product(shop, "TEA", stock=1, title="Sencha Tea")
    await fill_cart(shop, ALICE, {mug: 2, tea: 3})

    with pytest.raises(OutOfStock) as refused:
        await place_order(shop, telegram_id=ALICE)

    assert "Sencha Tea: only 1 left (you asked for 3)" in str(refused.value)
    assert "Stoneware Mug" not in str(refused.value)
    assert await stock_of(shop, mug) == (5, 0)  # the mug's reservation was rolled back
    assert await stock_of(shop, tea) == (1, 0)
    assert await _orders_of(shop, ALICE) == []


async def test_empty_cart_and_foreign_currency_are_refused_clearly(shop: Shop) -> None:
    with pytest.raises(EmptyCart, match="cart is empty"):
        await place_order(shop, telegram_id=ALICE)
    euro = await add_product(shop, "EURO", currency="EUR", title="Euro Mug")
    await fill_cart(shop, ALICE, {euro: 1})
    with pytest.raises(WrongCurrency, match="Euro Mug can't be paid in USD"):
        await place_order(shop, telegram_id=ALICE)


async def test_stars_shop_sells_digital_goods_only(stars_shop: Shop) -> None:
    guide = await add_product(stars_shop, "GUIDE", price=150, currency="XTR", digital=True)
    mug = await add_product(stars_shop, "MUG", price=300, currency="XTR", title="Star Mug")
    await fill_cart(stars_shop, ALICE, {guide: 1, mug: 1})
    with pytest.raises(NeedsShippingInStars, match="Star Mug must be shipped"):
        await place_order(stars_shop, telegram_id=ALICE)
    await fill_cart(stars_shop, ALICE, {mug: 0})
    placed = await place_order(stars_shop, telegram_id=ALICE)
    assert (placed.order.currency, placed.order.total, placed.order.needs_shipping) == (
        "XTR",
        150,
        False,
    )


async def test_a_new_checkout_releases_the_previous_hold(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=3)
    await fill_cart(shop, ALICE, {mug: 2})
    first = await place_order(shop, telegram_id=ALICE)
    await fill_cart(shop, ALICE, {mug: 3})

    second = await place_order(shop, telegram_id=ALICE)

    assert [hold.order_id for hold in second.released] == [first.order.order_id]
    assert await stock_of(shop, mug) == (3, 3)
    assert await _orders_of(shop, ALICE) == [
        ("awaiting_payment", "held"),
        ("cancelled", "released"),
    ]


async def test_checkouts_of_one_cart_at_once_hold_it_once(shop: Shop) -> None:
    """A double tap, the chat and the page at once, or two workers: however many checkouts of
    one cart start together, one order holds the stock and each earlier one is replaced
    (cancelled, its invoice no longer payable)."""
    mug = await add_product(shop, "MUG", stock=5)
    await fill_cart(shop, ALICE, {mug: 2})

    placed = await asyncio.gather(*(place_order(shop, telegram_id=ALICE) for _ in range(4)))

    replaced = sorted(hold.order_id for p in placed for hold in p.released)
    assert replaced == sorted(p.order.order_id for p in placed)[:-1]  # each by the next
    assert sorted(await _orders_of(shop, ALICE)) == [
        ("awaiting_payment", "held"),
        *[("cancelled", "released")] * 3,
    ]
    assert await stock_of(shop, mug) == (5, 2)  # held once
    payable = []
    for p in placed:
        try:
            await _pre_checkout(shop, p)
            payable.append(p.order.order_id)
        except PaymentRefused as refused:
            assert "expired or was cancelled" in str(refused)
    assert len(payable) == 1


async def test_two_pay_taps_at_once_hold_the_cart_once(shop: Shop) -> None:
    """The chat's Pay, tapped twice and handled at the same moment (two webhook workers)."""
    mug = await add_product(shop, "MUG", stock=5)
    await fill_cart(shop, ALICE, {mug: 2})
    alice = Shopper(chat_id=ALICE, user_id=ALICE, first_name="Alice")

    screens = await asyncio.gather(journey.pay(shop, alice), journey.pay(shop, alice))

    assert all(isinstance(s, InvoiceScreen) for s in screens)  # the later replaced the other...
    assert sorted(await _orders_of(shop, ALICE)) == [
        ("awaiting_payment", "held"),
        ("cancelled", "released"),
    ]
    assert await stock_of(shop, mug) == (5, 2)  # ...so the stock is held once


async def test_an_order_is_placed_only_for_the_cart_the_shopper_last_saw(shop: Shop) -> None:
    """Between the summary's last check and the order, the cart changed on another device:
    no order, nothing held, and the invoice already waiting stays payable."""
    mug = await add_product(shop, "MUG", stock=5)
    beans = await add_product(shop, "BEANS", price=1190, stock=5)
    await fill_cart(shop, ALICE, {mug: 1})
    waiting = await place_order(shop, telegram_id=ALICE)
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_or_create(ALICE)
        seen = await checkout.review_cart(uow, customer.id, "USD")
    await fill_cart(shop, ALICE, {beans: 1})

    with pytest.raises(CartChanged):
        async with shop.store.uow() as uow:
            await checkout.place_order(uow, customer.id, ALICE, shop.settings, utcnow(), shown=seen)

    assert await _orders_of(shop, ALICE) == [("awaiting_payment", "held")]
    assert (await stock_of(shop, mug), await stock_of(shop, beans)) == ((5, 1), (5, 0))
    await _pre_checkout(shop, waiting)


async def test_shopper_cancel_releases_the_hold(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=3)
    await fill_cart(shop, ALICE, {mug: 2})
    await place_order(shop, telegram_id=ALICE)
    released = await cancel_open_invoices(shop, telegram_id=ALICE)
    assert len(released) == 1
    assert await stock_of(shop, mug) == (3, 0)
    assert await cancel_open_invoices(shop, telegram_id=ALICE) == []


async def test_expired_holds_are_released_and_only_those(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=4)
    await fill_cart(shop, ALICE, {mug: 1})
    await fill_cart(shop, BOB, {mug: 2})
    now = utcnow()
    alice = await place_order(shop, telegram_id=ALICE, now=now - timedelta(minutes=20))
    await place_order(shop, telegram_id=BOB, now=now - timedelta(minutes=5))

    released = await expire_holds(shop, now=now)

    assert [(h.order_id, h.customer_telegram_id) for h in released] == [
        (alice.order.order_id, ALICE)
    ]
    assert await stock_of(shop, mug) == (4, 2)  # Bob's hold stands
    assert await _orders_of(shop, ALICE) == [("cancelled", "released")]
    assert await expire_holds(shop, now=now) == []  # running again changes nothing


async def test_payment_sells_the_held_stock_exactly_once(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", price=1600, stock=5)
    other = await add_product(shop, "SPOON", price=300, stock=5)
    await fill_cart(shop, ALICE, {mug: 2})
    placed = await place_order(shop, telegram_id=ALICE)
    await fill_cart(shop, ALICE, {mug: 3, other: 1})  # added to the cart after checkout

    outcome = await pay(shop, placed, charge="tg-1", provider_charge="ch_1")
    replay = await pay(shop, placed, charge="tg-1", provider_charge="ch_1")

    assert outcome.kind == "paid" and outcome.order is not None
    assert (outcome.order.status, outcome.order.shipping_total, outcome.order.total) == (
        "paid",
        500,
        3700,
    )
    assert replay.kind == "duplicate"
    assert await stock_of(shop, mug) == (3, 0)
    async with shop.store.uow() as uow:
        payments = await uow.payments.for_order(placed.order.order_id)
        assert [(p.amount, p.provider_payment_charge_id) for p in payments] == [(3700, "ch_1")]
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None and order.hold_status == "sold"
        assert [e.to_status for e in order.events] == ["awaiting_payment", "paid"]
        assert order.shipping_address is not None
        assert order.shipping_address["city"] == "New York"
        cart = await uow.carts.get_for_customer(order.customer_id)
        assert {line.product_id: line.quantity for line in cart.lines} == {mug: 1, other: 1}


async def test_concurrent_replays_of_one_payment_count_once(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=5)
    await fill_cart(shop, ALICE, {mug: 1})
    placed = await place_order(shop, telegram_id=ALICE)
    incoming = incoming_for(shop, placed, charge="tg-same")

    outcomes = await asyncio.gather(*(record_payment(shop, incoming) for _ in range(5)))

    assert sorted(o.kind for o in outcomes) == ["duplicate"] * 4 + ["paid"]
    assert await stock_of(shop, mug) == (4, 0)


async def test_late_payment_after_expiry_sells_free_stock(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=2)
    await fill_cart(shop, ALICE, {mug: 1})
    placed = await place_order(shop, telegram_id=ALICE, now=utcnow() - timedelta(hours=1))
    await expire_holds(shop)

    outcome = await pay(shop, placed)

    assert outcome.kind == "paid"
    assert await stock_of(shop, mug) == (1, 0)
    assert await _orders_of(shop, ALICE) == [("paid", "sold")]


async def test_late_payment_for_sold_out_goods_is_flagged_for_refund(shop: Shop) -> None:
    mug = await add_product(shop, "MUG", stock=1)
    await fill_cart(shop, ALICE, {mug: 1})
    late = await place_order(shop, telegram_id=ALICE, now=utcnow() - timedelta(hours=1))
    await expire_holds(shop)
    await fill_cart(shop, BOB, {mug: 1})
    await pay(shop, await place_order(shop, telegram_id=BOB))  # Bob buys the last mug

    outcome = await pay(shop, late)

    assert outcome.kind == "stock_gone"
    assert await stock_of(shop, mug) == (0, 0)  # never below zero
    async with shop.store.uow() as uow:
        assert len(await uow.payments.for_order(late.order.order_id)) == 1  # money on record


async def test_a_late_payment_for_a_sold_out_mug_names_it_in_each_admins_language(
    shop: Shop,
) -> None:
    """The note the admins read about the refund names the mug the way each reads it."""
    mug = await add_product(shop, "MUG", stock=1, title="Stoneware Mug")
    async with shop.store.uow() as uow:
        product = await uow.products.get(mug)
        assert product is not None
        product.translations = {"ru": {"title": "Кружка"}, "es": {"title": "Taza"}}
    await fill_cart(shop, ALICE, {mug: 1})
    late = await place_order(shop, telegram_id=ALICE, now=utcnow() - timedelta(hours=1))
    await expire_holds(shop)
    await fill_cart(shop, BOB, {mug: 1})
    await pay(shop, await place_order(shop, telegram_id=BOB))

    outcome = await pay(shop, late)

    assert outcome.kind == "stock_gone"
    assert translator("ru").said(outcome.note) == "Кружка: распродано"
    assert translator("es").said(outcome.note).startswith("Taza")
    assert translator("en").said(outcome.note) == "Stoneware Mug sold out"


async def test_scarce_stock_race_twenty_shoppers_five_units(shop: Shop) -> None:
    mug = await add_product(shop, "LAST-MUGS", stock=5)
    shoppers = list(range(2000, 2020))
    for shopper in shoppers:
        await fill_cart(shop, shopper, {mug: 1})

    results = await asyncio.gather(
        *(place_order(shop, telegram_id=s) for s in shoppers), return_exceptions=True
    )
    placed = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(placed) == 5
    assert all(isinstance(r, OutOfStock) and "sold out" in str(r) for r in refused)
    assert await stock_of(shop, mug) == (5, 5)

    outcomes = await asyncio.gather(
        *(pay(shop, p, charge=f"tg-{p.order.order_id}") for p in placed)  # type: ignore[arg-type]
    )
    assert [o.kind for o in outcomes] == ["paid"] * 5
    assert await stock_of(shop, mug) == (0, 0)


# -- Pre-checkout: every tampering is refused with a sentence the shopper understands --------


async def _placed(shop: Shop, *, minutes_ago: int = 0):  # type: ignore[no-untyped-def]
    mug = await add_product(shop, "MUG", price=1600, stock=5)
    await fill_cart(shop, ALICE, {mug: 2})
    return await place_order(shop, telegram_id=ALICE, now=utcnow() - timedelta(minutes=minutes_ago))


async def _pre_checkout(shop: Shop, placed, **changes) -> None:  # type: ignore[no-untyped-def]
    incoming = incoming_for(shop, placed, charge="x")
    params = {
        "user_id": incoming.user_id,
        "payload": incoming.payload,
        "currency": incoming.currency,
        "total_amount": incoming.total_amount,
        "shipping_option_id": incoming.shipping_option_id,
        "country_code": "US",
    }
    params.update(changes)
    await check_pre_checkout(shop, **params)  # type: ignore[arg-type]


async def test_pre_checkout_accepts_the_exact_payment_and_stretches_the_hold(shop: Shop) -> None:
    placed = await _placed(shop, minutes_ago=14)  # 1 minute of the 15 left
    await _pre_checkout(shop, placed)
    async with shop.store.uow() as uow:
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None and order.hold_expires_at is not None
        assert order.hold_expires_at - utcnow() > timedelta(seconds=90)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_amount": 100}, "does not match order"),
        ({"currency": "EUR"}, "is in USD"),
        ({"user_id": BOB}, "made for someone else"),
        ({"shipping_option_id": "teleport"}, "shipping option is not available"),
        ({"shipping_option_id": None}, "choose a shipping option"),
        ({"country_code": "ZZ"}, "don't ship to ZZ"),
    ],
)
async def test_pre_checkout_refuses_tampering(
    shop: Shop, changes: dict[str, object], message: str
) -> None:
    placed = await _placed(shop)
    with pytest.raises(PaymentRefused, match=message):
        await _pre_checkout(shop, placed, **changes)


async def test_pre_checkout_refuses_a_forged_or_foreign_payload(shop: Shop) -> None:
    placed = await _placed(shop)
    forged = sign_payload(placed.order.order_id, ALICE, "not-our-secret")
    with pytest.raises(PaymentRefused, match="not valid"):
        await _pre_checkout(shop, placed, payload=forged)
    # Bob pays with a payload signed for him but naming Alice's order
    bobs = sign_payload(placed.order.order_id, BOB, shop.settings.payload_secret)
    with pytest.raises(PaymentRefused, match="can't find this order"):
        await _pre_checkout(shop, placed, payload=bobs, user_id=BOB)


async def test_pre_checkout_refuses_expired_cancelled_and_paid_orders(shop: Shop) -> None:
    placed = await _placed(shop, minutes_ago=16)
    with pytest.raises(PaymentRefused, match="hold has expired"):
        await _pre_checkout(shop, placed)
    await expire_holds(shop)
    with pytest.raises(PaymentRefused, match="expired or was cancelled"):
        await _pre_checkout(shop, placed)
    mug2 = await add_product(shop, "MUG2", stock=5)
    await fill_cart(shop, BOB, {mug2: 1})
    bobs = await place_order(shop, telegram_id=BOB)
    await pay(shop, bobs)
    with pytest.raises(PaymentRefused, match="already paid"):
        await _pre_checkout(shop, bobs)


async def test_payment_with_wrong_amount_or_payer_is_recorded_but_flagged(shop: Shop) -> None:
    placed = await _placed(shop)
    outcome = await pay(shop, placed, user_id=BOB, total=100)
    assert outcome.kind == "review" and outcome.note is not None
    note = translator("en").said(outcome.note)
    assert "not the customer" in note and "goods cost" in note
    async with shop.store.uow() as uow:
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None and order.needs_review


async def test_forged_successful_payment_records_nothing(shop: Shop) -> None:
    placed = await _placed(shop)
    outcome = await pay(shop, placed, payload="1.1.1001.forged")
    assert outcome.kind == "unknown_order"
    async with shop.store.uow() as uow:
        assert await uow.payments.for_order(placed.order.order_id) == []


async def test_invoice_matches_the_order(shop: Shop) -> None:
    placed = await _placed(shop)
    invoice = build_invoice(placed.order, shop.settings, photo_url=placed.photo_url)
    assert [(p.label, p.amount) for p in invoice.prices] == [("Mug item × 2", 3200)]
    assert invoice.need_shipping_address and invoice.is_flexible
    assert invoice.photo_url == "https://example.com/mug.png"
    assert invoice.start_parameter
    assert invoice.provider_token == "TEST:provider"
