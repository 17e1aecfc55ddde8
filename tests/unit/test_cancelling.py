"""Who may cancel her own order herself: one rule for the button and the cancel."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.services.cancelling import NotCancellable, can_cancel, refusal
from bot.store.models import Order
from bot.store.order_states import OrderStatus


def test_a_paid_order_that_has_not_gone_out_may_be_cancelled() -> None:
    assert can_cancel("paid", False, has_downloads=False, allowed=True)


@pytest.mark.parametrize("status", [s for s in OrderStatus if s != OrderStatus.PAID])
def test_no_other_status_may(status: str) -> None:
    """Awaiting payment too: /cancel is the way to drop an invoice."""
    assert not can_cancel(status, False, has_downloads=False, allowed=True)


def test_a_flagged_order_downloads_received_or_the_shop_saying_no_each_say_why() -> None:
    en = translator("en")
    flagged = refusal(7, "paid", True, has_downloads=False, allowed=True)
    received = refusal(7, "paid", False, has_downloads=True, allowed=True)
    off = refusal(7, "paid", False, has_downloads=False, allowed=False)
    shipped = refusal(7, "shipped", False, has_downloads=False, allowed=True)
    assert flagged and "being checked by the shop" in flagged.said(en)
    assert received and "digital items you have received" in received.said(en)
    assert off and "orders are cancelled by the shop" in off.said(en)
    assert shipped and shipped.said(en) == "Order #7 can no longer be cancelled: it is 🚚 Shipped."


def test_a_cancel_that_lost_the_race_names_a_pickup_orders_status_in_its_words() -> None:
    """Elena's ✖️ Cancel and Ada's 🏬 Ready for pickup at the same moment: Ada's won, and
    her order reads as its screen reads it, in each shopper's language, not "🚚 Shipped"."""
    order = Order(id=7, shipping_option="pickup:2", refunded_amount=0)
    lost = NotCancellable.gone_on(order, OrderStatus.SHIPPED)
    assert lost.said(translator("en")) == (
        "Order #7 can no longer be cancelled: it is 🏬 Ready for pickup."
    )
    assert lost.said(translator("es")) == (
        "El pedido n.º 7 ya no se puede cancelar: está 🏬 Listo para recoger."
    )
    assert "🏬 Готов к выдаче" in lost.said(translator("ru"))
