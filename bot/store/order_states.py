"""The order lifecycle as one table, separate from the chat flow (after Sylius' order machine).

awaiting_payment --pay--> paid --ship--> shipped --deliver--> delivered
paid --deliver_digital--> delivered (every line digital and sent into the chat)
awaiting_payment --cancel/expire--> cancelled
paid/shipped/delivered --refund (part)--> partially_refunded --refund (rest)--> refunded
paid --cancel--> cancelled (stock back, money refunded)
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import N_


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


S = OrderStatus

# (trigger, sources, destination)
ORDER_TRANSITIONS: list[tuple[str, tuple[OrderStatus, ...], OrderStatus]] = [
    ("pay", (S.AWAITING_PAYMENT, S.CANCELLED), S.PAID),
    ("ship", (S.PAID, S.PARTIALLY_REFUNDED), S.SHIPPED),
    ("deliver", (S.SHIPPED,), S.DELIVERED),
    ("deliver_digital", (S.PAID,), S.DELIVERED),
    ("cancel", (S.AWAITING_PAYMENT, S.PAID, S.PARTIALLY_REFUNDED), S.CANCELLED),
    ("refund_part", (S.PAID, S.SHIPPED, S.DELIVERED, S.PARTIALLY_REFUNDED), S.PARTIALLY_REFUNDED),
    ("refund", (S.PAID, S.SHIPPED, S.DELIVERED, S.PARTIALLY_REFUNDED, S.CANCELLED), S.REFUNDED),
]

STATUS_LABELS: dict[OrderStatus, str] = {
    S.AWAITING_PAYMENT: N_("⏳ Awaiting payment"),
    S.PAID: N_("✅ Paid"),
    S.SHIPPED: N_("🚚 Shipped"),
    S.DELIVERED: N_("📦 Delivered"),
    S.CANCELLED: N_("✖️ Cancelled"),
    S.PARTIALLY_REFUNDED: N_("↩️ Partially refunded"),
    S.REFUNDED: N_("↩️ Refunded"),
}


def status_label(status: str) -> str:
    """ "✅ Paid" for "paid"; a status this table does not know reads as its words."""
    try:
        return STATUS_LABELS[OrderStatus(status)]
    except ValueError:
        return status.replace("_", " ")


class IllegalOrderTransition(Exception):
    """The order cannot make that move from where it is."""

    def __init__(self, trigger: str, status: str) -> None:
        super().__init__(f"an order that is {status} cannot {trigger.replace('_', ' ')}")
        self.trigger = trigger
        self.status = status


def next_status(status: str, trigger: str) -> OrderStatus:
    """Where `trigger` takes an order in `status`, or IllegalOrderTransition."""
    for name, sources, dest in ORDER_TRANSITIONS:
        if name == trigger and status in sources:
            return dest
    raise IllegalOrderTransition(trigger, status)


def allowed_triggers(status: str) -> list[str]:
    return [name for name, sources, _ in ORDER_TRANSITIONS if status in sources]
