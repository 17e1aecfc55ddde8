"""✖️ Cancel order, by the shopper herself: when she may, in one place.

The order screen asks `can_cancel` whether to offer the button; the cancel itself
(bot.usecases.orders.cancel_order with `shopper` set) asks `check_cancel` again inside its
transaction, so a stale or forged button is refused with the same words. Only a paid order
that has not gone out: a shipped, delivered, cancelled or refunded one has nothing left to
stop; one flagged for review (⚠️) waits for an admin; one whose digital items she has
received cannot be given back by a button. An order still waiting for its payment is not
cancelled here: /cancel releases its held stock (journey.cancel), one way for that.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, Translator
from bot.services.downloads import downloadable_lines
from bot.services.errors import OrderError, OrderNotFound
from bot.services.pickup import is_pickup
from bot.services.refunds import refundable
from bot.store.models import Order
from bot.store.order_states import OrderStatus, status_text
from bot.store.uow import UnitOfWork

CANCELLABLE = frozenset({OrderStatus.PAID})

TURNED_OFF = N_("In this shop, orders are cancelled by the shop: tap 💬 Ask about this order.")
UNDER_REVIEW = N_("Order #{order_id} is being checked by the shop: it will write to you about it.")
HAS_DOWNLOADS = N_(
    "Order #{order_id} holds digital items you have received: ask the shop about cancelling it."
)
GONE_ON = N_("Order #{order_id} can no longer be cancelled: it is {status}.")


class NotCancellable(OrderError):
    """Her order, but not one she may cancel now; `said` names why in her language."""

    def __init__(
        self,
        order_id: int,
        why: str,
        status: str = "",
        refunded_amount: int = 0,
        *,
        collected: bool = False,
    ) -> None:
        super().__init__()
        self._words(why, order_id=order_id, status=status)
        self.status = status
        self.refunded_amount = refunded_amount
        self.collected = collected  # she picks it up: its status reads as a pickup's

    @classmethod
    def gone_on(cls, order: Order, status: str) -> NotCancellable:
        """Another move (a second press, an admin) got to `order` first: it is `status` now,
        read as her order's screen reads it (a pickup's in its words)."""
        collected = is_pickup(order.shipping_option)
        return cls(order.id, GONE_ON, status, order.refunded_amount, collected=collected)

    def said(self, tr: Translator) -> str:
        status = (
            status_text(tr, self.status, self.refunded_amount, collected=self.collected)
            if self.status
            else ""
        )
        return tr._(self.text, **(self.params | {"status": status}))


def refusal(
    order_id: int,
    status: str,
    needs_review: bool,
    *,
    has_downloads: bool,
    allowed: bool,
    refunded_amount: int = 0,
    collected: bool = False,
) -> NotCancellable | None:
    """Why she may not cancel her order now (None: she may). `allowed`: SHOPPER_CANCEL;
    `collected`: she picks it up (its status reads 🏬 Ready for pickup, not 🚚 Shipped)."""
    if not allowed:
        return NotCancellable(order_id, TURNED_OFF)
    if status not in CANCELLABLE:
        return NotCancellable(order_id, GONE_ON, status, refunded_amount, collected=collected)
    if needs_review:
        return NotCancellable(order_id, UNDER_REVIEW)
    if has_downloads:
        return NotCancellable(order_id, HAS_DOWNLOADS)
    return None


def can_cancel(status: str, needs_review: bool, *, has_downloads: bool, allowed: bool) -> bool:
    """Whether her order screen offers ✖️ Cancel order."""
    return refusal(0, status, needs_review, has_downloads=has_downloads, allowed=allowed) is None


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """What she gets back if she cancels: the question's amount."""

    order_id: int
    amount: int
    currency: str


async def check_cancel(
    uow: UnitOfWork, order: Order | None, order_id: int, customer_id: int, allowed: bool
) -> int:
    """Refuse unless `order` (loaded in full, as `order_id`) is hers (OrderNotFound) and she
    may cancel it now (NotCancellable); what a cancel would refund."""
    if order is None or order.customer_id != customer_id:
        raise OrderNotFound(order_id)
    found = refusal(
        order.id,
        order.status,
        order.needs_review,
        has_downloads=bool(await downloadable_lines(uow, order)),
        allowed=allowed,
        refunded_amount=order.refunded_amount,
        collected=is_pickup(order.shipping_option),
    )
    if found is not None:
        raise found
    return refundable(order)


async def cancel_offer(
    uow: UnitOfWork, customer_id: int, order_id: int, allowed: bool
) -> CancelOffer:
    """The question before her cancel: OrderNotFound, NotCancellable, or what she gets back."""
    order = await uow.orders.get(order_id)
    amount = await check_cancel(uow, order, order_id, customer_id, allowed)
    return CancelOffer(order_id, amount, order.currency if order else "")
