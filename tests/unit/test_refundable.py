"""How much of an order can still be refunded: one rule for refunds, the admin's order screen
and its Refund button (bot.services.refunds)."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.services.errors import (
    RefundNotPossible,
    RefundTooLarge,
    StarsRefundIsWhole,
    WholeRefundOnly,
)
from bot.services.refunds import check_refund, refundable
from bot.store.models import Order, Payment


def _order(
    status: str = "paid",
    total: int = 3700,
    refunded: int = 0,
    paid: int | None = 3700,
    provider: str = "stripe",
) -> Order:
    payments = [] if paid is None else [Payment(amount=paid, provider=provider, currency="USD")]
    return Order(
        id=7,
        status=status,
        total=total,
        refunded_amount=refunded,
        currency="USD",
        payments=payments,
    )


def test_a_paid_order_can_give_back_what_is_left_of_its_payment() -> None:
    assert refundable(_order()) == 3700
    assert refundable(_order(status="delivered", refunded=1000)) == 2700
    assert refundable(_order(status="shipped")) == 3700


def test_nothing_goes_back_from_an_unpaid_or_fully_refunded_order() -> None:
    assert refundable(_order(status="awaiting_payment", paid=None)) == 0
    assert refundable(_order(status="refunded", refunded=3700)) == 0


def test_an_underpaid_order_gives_back_only_what_was_paid() -> None:
    assert refundable(_order(paid=100)) == 100  # flagged for review: paid $1, not $37


def test_a_cancelled_paid_order_can_still_be_refunded_in_full() -> None:
    """A refund that failed after a cancel is retried from the cancelled order."""
    assert refundable(_order(status="cancelled")) == 3700


def test_amounts_beyond_what_is_left_or_at_zero_are_refused() -> None:
    order = _order(status="paid", refunded=1000)
    assert check_refund(order, None) == 2700
    assert check_refund(order, 500) == 500
    with pytest.raises(RefundTooLarge) as too_much:
        check_refund(order, 2701)
    assert (too_much.value.requested, too_much.value.refundable) == (2701, 2700)
    with pytest.raises(RefundNotPossible, match="more than zero"):
        check_refund(order, 0)
    with pytest.raises(RefundNotPossible, match="has not been paid"):
        check_refund(_order(status="awaiting_payment", paid=None), None)


def test_a_stars_payment_goes_back_whole_or_not_at_all() -> None:
    order = _order(total=150, paid=150, provider="stars")
    assert check_refund(order, None) == 150
    assert check_refund(order, 150) == 150
    with pytest.raises(StarsRefundIsWhole):
        check_refund(order, 50)


def test_a_cancelled_order_gives_back_all_that_is_left_or_nothing() -> None:
    """$5 went back before the cancel, whose refund of the rest failed: the rest goes back
    whole (the order table has no partial refund from cancelled), said in the admin's words."""
    order = _order(status="cancelled", refunded=500)
    assert check_refund(order, None) == 3200
    assert check_refund(order, 3200) == 3200
    with pytest.raises(WholeRefundOnly) as part:
        check_refund(order, 1600)
    said = "Order #7 is ✖️ Cancelled: only all that is left ($32.00) can be refunded."
    assert str(part.value) == said
    assert "Order" not in part.value.said(translator("ru"))
    assert "32,00" in part.value.said(translator("es"))
