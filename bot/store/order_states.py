"""The order lifecycle as one table, separate from the chat flow (after Sylius' order machine).

awaiting_payment --pay--> paid --ship--> shipped --deliver--> delivered
paid --deliver_digital--> delivered (every line digital and sent into the chat)
awaiting_payment --cancel/expire--> cancelled
paid/shipped/delivered --refund (part)--> the same status, orders.refunded_amount grows
paid/shipped/delivered/cancelled --refund (all that is left)--> refunded
paid --cancel--> cancelled (stock back, money refunded)

A partial refund is an amount kept beside the status (orders.refunded_amount), not a status:
the status still says how far the goods went, so a delivered order that got $5 back is still
delivered and can be neither shipped again nor cancelled with a restock, while a paid one
can. "Partially refunded" is what such an order reads as (`status_labels`), and the admin's
order list filters on it (`PARTLY_REFUNDED`); databases from before this rule are moved by
migration 0017.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.i18n import Translator


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


S = OrderStatus

# Not a status any more: what a paid, shipped or delivered order with part of its money back
# reads as, and the admin's order-list filter for such orders. Old order histories name it.
PARTLY_REFUNDED = "partially_refunded"

# (trigger, sources, destination). A partial refund leaves the order where it is.
ORDER_TRANSITIONS: list[tuple[str, tuple[OrderStatus, ...], OrderStatus]] = [
    ("pay", (S.AWAITING_PAYMENT, S.CANCELLED), S.PAID),
    ("ship", (S.PAID,), S.SHIPPED),
    ("deliver", (S.SHIPPED,), S.DELIVERED),
    ("deliver_digital", (S.PAID,), S.DELIVERED),
    ("cancel", (S.AWAITING_PAYMENT, S.PAID), S.CANCELLED),
    ("refund_part", (S.PAID,), S.PAID),
    ("refund_part", (S.SHIPPED,), S.SHIPPED),
    ("refund_part", (S.DELIVERED,), S.DELIVERED),
    ("refund", (S.PAID, S.SHIPPED, S.DELIVERED, S.CANCELLED), S.REFUNDED),
]

# Orders the shop was paid for and keeps the money of (the goods on their way or there): what
# "bought" means for "Often bought with this" (bot.store.repositories.pairs). A cancel or a
# full refund takes an order out; a partial refund leaves it in.
PAID_FOR: frozenset[str] = frozenset({S.PAID, S.SHIPPED, S.DELIVERED})

STATUS_LABELS: dict[str, str] = {
    S.AWAITING_PAYMENT: N_("⏳ Awaiting payment"),
    S.PAID: N_("✅ Paid"),
    S.SHIPPED: N_("🚚 Shipped"),
    S.DELIVERED: N_("📦 Delivered"),
    S.CANCELLED: N_("✖️ Cancelled"),
    PARTLY_REFUNDED: N_("↩️ Partially refunded"),
    S.REFUNDED: N_("↩️ Refunded"),
}

# What an order she collects at a pickup point reads as where one to deliver reads 🚚 Shipped
# or 📦 Delivered: the same moves (🏬 Ready for pickup, ✅ Picked up), in her words. Which order
# is one is bot.services.pickup's rule (`is_pickup`: its views' `collected`).
COLLECTED_LABELS: dict[str, str] = {
    S.SHIPPED: N_("🏬 Ready for pickup"),
    S.DELIVERED: N_("🛍️ Collected"),
}


def status_label(status: str, *, collected: bool = False) -> str:
    """ "✅ Paid" for "paid", "🏬 Ready for pickup" for a shipped order she collects
    (`collected`); a status these tables do not know reads as its words."""
    if collected and status in COLLECTED_LABELS:
        return COLLECTED_LABELS[status]
    return STATUS_LABELS.get(str(status), str(status).replace("_", " "))


def partly_refunded(status: str, refunded_amount: int) -> bool:
    """Part of the money came back and the order can still give back more of it while it
    stays where it is (the statuses `refund_part` leaves unchanged)."""
    return refunded_amount > 0 and status in PARTLY_REFUNDABLE


def status_labels(
    status: str, refunded_amount: int = 0, *, collected: bool = False
) -> tuple[str, ...]:
    """What an order reads as, untranslated: ("📦 Delivered", "↩️ Partially refunded") for a
    delivered order with part of its money back, ("✅ Paid",) for a paid one; `collected`:
    one she picks up ("🛍️ Collected")."""
    label = status_label(status, collected=collected)
    if partly_refunded(status, refunded_amount):
        return (label, status_label(PARTLY_REFUNDED))
    return (label,)


def status_text(
    tr: Translator, status: str, refunded_amount: int = 0, *, collected: bool = False
) -> str:
    """`status_labels` in the reader's language: "📦 Delivered · ↩️ Partially refunded"."""
    labels = status_labels(status, refunded_amount, collected=collected)
    return " · ".join(tr._(label) for label in labels)


class ShownRefunds:
    """What an order's screens and lists show of its refunds. `refunded_amount` also holds
    the refunds claimed and not made yet (`refund_under_way`: so nothing is refunded twice);
    those are not money back, so neither the sum shown nor "Partially refunded" counts them."""

    status: str
    refunded_amount: int
    refund_under_way: int

    @property
    def collected(self) -> bool:
        """She picks the order up at a pickup point: it reads 🏬 Ready for pickup and 🛍️
        Collected. Each view of an order says so from its shipping option, by
        bot.services.pickup's rule (`is_pickup`)."""
        raise NotImplementedError

    @property
    def refunded(self) -> int:
        """What went back: the refunds made, not those still on their way."""
        return self.refunded_amount - self.refund_under_way

    def status_text(self, tr: Translator) -> str:
        """The status in `tr`'s language, "· ↩️ Partially refunded" after a partial refund
        (one made, not one still under way); a pickup order's in its own words."""
        return status_text(tr, self.status, self.refunded, collected=self.collected)


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


def may(status: str, trigger: str) -> bool:
    """Whether `trigger` can move an order in `status` (ask before offering the move)."""
    return trigger in allowed_triggers(status)


# Approving a flagged payment is no move (the status stays) but only a paid order has one to
# approve: a shipped order was never flagged (ship is refused while it is), a cancelled or
# refunded one owes its money back instead. Also after a partial refund, which keeps it paid.
APPROVABLE: frozenset[str] = frozenset({S.PAID})


PARTLY_REFUNDABLE: frozenset[str] = frozenset(
    str(source)
    for name, sources, _ in ORDER_TRANSITIONS
    if name == "refund_part"
    for source in sources
)
