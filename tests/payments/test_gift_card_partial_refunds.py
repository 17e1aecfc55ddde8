"""A partial refund of an order that bought a gift card (SQLite and PostgreSQL): the refund
comes out of the order's other goods first, then off the card, which is worth that much
less; refused, before any money moves, once the card no longer holds it; and made whole
again if the provider refuses the refund."""

from __future__ import annotations

import pytest

from bot.services import gift_cards
from bot.services.errors import CardRefundSpent, RefundFailed
from bot.shop import Shop
from bot.usecases import admin_orders
from bot.usecases.orders import refund_order
from tests.payments.conftest import (
    StripeTestAccount,
    add_product,
    fill_cart,
    pay,
    place_order,
)

ALICE = 1001
ADMIN = "admin:9001"
CARD = "K7QF-2MXR-9TBA"


async def _bought_a_card(shop: Shop, account: StripeTestAccount | None = None) -> int:
    """Alice buys a $16 mug and a $50 gift card ($66.00) and pays; the
    card's code is issued as its delivery does: the order's id."""
    mug = await add_product(shop, "MUG", price=1600)
    card = await add_product(shop, "GIFT", price=5000, digital=True)
    await fill_cart(shop, ALICE, {mug: 1, card: 1})
    placed = await place_order(shop, telegram_id=ALICE)
    charge = await account.charge(6600) if account else "ch_offline"
    assert (await pay(shop, placed, provider_charge=charge)).kind == "paid"
    async with shop.store.uow() as uow:
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None and order.total == 6600
        line = next(line for line in order.lines if line.sku == "GIFT")
        line.gift_codes = [CARD]
        await gift_cards.issue(uow, [CARD], "USD", line.unit_price, line.id)
    return placed.order.order_id


async def _card(shop: Shop) -> tuple[int, int]:
    """(what is left on the card, what it is worth)."""
    async with shop.store.reading() as uow:
        card = await uow.gift_cards.by_code(CARD)
    assert card is not None and card.voided_at is None
    return card.balance, card.initial_amount


async def test_a_partial_refund_that_reaches_the_cards_price_takes_it_off_the_card(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """The chipped mug's $16.00 goes back and the card stays whole; Bob spends $30.00 of the
    card; then $30.00 more of Alice's order would take $30.00 off the card, which holds
    $20.00: refused before Ada confirms and at the refund, nothing moved; $15.00 takes $15.00
    off it."""
    shop = stripe_shop
    order_id = await _bought_a_card(shop, stripe_account)

    await refund_order(shop, order_id, amount=1600, actor=ADMIN, reason="chipped")
    assert await _card(shop) == (5000, 5000)  # the mug is paid back first

    async with shop.store.uow() as uow:
        assert await uow.gift_cards.take(CARD, 3000)  # Bob's order
    refusal = (
        f"Order #{order_id} cannot be refunded $30.00: $30.00 of it is what its gift card "
        "K7QF-…-9TBA cost, and the card holds only $20.00 now. The rest paid for another order."
    )
    with pytest.raises(CardRefundSpent) as asked:
        await admin_orders.check_refund(shop, order_id, 3000)  # before Ada confirms
    assert str(asked.value) == refusal
    with pytest.raises(CardRefundSpent) as refused:
        await refund_order(shop, order_id, amount=3000, actor=ADMIN)
    assert str(refused.value) == refusal
    assert await _card(shop) == (2000, 5000)

    part = await refund_order(shop, order_id, amount=1500, actor=ADMIN)
    assert part.refund is not None and part.refund.refunded_total == 3100
    assert await _card(shop) == (500, 3500)  # $15.00 of its price went back to Alice


async def test_a_card_taken_down_by_a_refund_the_provider_refuses_is_worth_it_again(
    shop: Shop,
) -> None:
    """The shop has no STRIPE_API_KEY, so the refund fails after it was claimed: the $40.00
    it took off the card (of $56.00: $16.00 for the mug) comes back."""
    order_id = await _bought_a_card(shop)
    with pytest.raises(RefundFailed):
        await refund_order(shop, order_id, amount=5600, actor=ADMIN)
    assert await _card(shop) == (5000, 5000)
    async with shop.store.reading() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.refunded_amount == 0
