"""What admins read about orders: a page of them by status, and one order in full.

The changes are the lifecycle use cases (bot.usecases.orders), run for admins by
bot.usecases.admin_orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import i18n
from bot.clipping import echo
from bot.permissions import Role, actor_name
from bot.services import bundles, gift_cards
from bot.services.bundles import PartLine
from bot.services.errors import CustomerNotFound, OrderNotFound
from bot.services.order_summary import OrderSummary, summarize
from bot.services.pickup import is_pickup
from bot.services.refunds import refundable
from bot.services.returns import ReturnFacts
from bot.store.ids import row_id
from bot.store.models import Order, OrderNote
from bot.store.order_states import PARTLY_REFUNDED, OrderStatus, ShownRefunds, allowed_triggers
from bot.store.uow import UnitOfWork

PAGE_SIZE = 8
NOTES_SHOWN = 5  # an order's newest notes on its screen; the rest are counted ("… and 3 earlier")
CUSTOMER_PAGE_SIZE = 10  # a customer's orders, from her /customer screen


@dataclass(frozen=True)
class OrderRow(ShownRefunds):
    order_id: int
    status: str
    total: int
    currency: str
    customer: str
    created_at: datetime
    needs_review: bool
    refunded_amount: int = 0
    refund_under_way: int = 0  # of `refunded_amount`, not made yet (uow.refunds.under_way)
    shipping_option: str | None = None  # "express", "pickup:1" (bot.payments.shipping)

    @property
    def collected(self) -> bool:
        return is_pickup(self.shipping_option)


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    status: str | None
    page: int
    pages: int
    count: int
    customer_id: int = 0  # the orders of this customer only (0: everyone's)
    customer: str = ""  # her name, as customer_name says it


@dataclass(frozen=True)
class PaymentView:
    provider: str
    amount: int
    currency: str
    charge_id: str
    verification: str
    second: bool = False  # not the order's own payment: paid twice (refunded at once)
    returned: bool = False  # a second payment that went back
    retrying: bool = False  # a refund of it the job tries again (the provider was not reached)


@dataclass(frozen=True)
class EventView:
    at: datetime
    from_status: str | None
    to_status: str
    actor: str
    note: str | None


@dataclass(frozen=True)
class NoteView:
    """An admin's note on the order, for the admins' eyes only."""

    at: datetime
    author: str  # "admin:9001", "staff:9002": as the order's history names them
    text: str


@dataclass(frozen=True)
class OrderDetail:
    summary: OrderSummary
    customer: str
    customer_id: int
    shipping_address: dict[str, Any] | None
    review_reason: str | None
    payments: list[PaymentView]
    events: list[EventView]
    triggers: list[str]
    refundable: int  # what can still be refunded (bot.services.refunds.refundable)
    card_back: int = 0  # its gift card's part an admin may put back (gift_cards.part_to_give_back)
    notes: list[NoteView] = field(default_factory=list)  # the newest NOTES_SHOWN, newest last
    earlier_notes: int = 0  # notes older than those, not shown
    open_return: ReturnFacts | None = None  # a shopper's return request waiting for them
    # The parts of each set the order has, by product id, for whoever packs it (the set's
    # parts today: bot.services.bundles).
    packing: dict[int, tuple[PartLine, ...]] = field(default_factory=dict)


def order_number(text: str | None) -> int | None:
    """The order `/orders_admin #12` (or `12`) names, None if `text` names none: what a
    shopper quotes from her receipt ("my order #12?") opens in one step. A number that could
    be no order's id (bot.store.ids) is none either, and is refused as a status."""
    if not text:
        return None
    return row_id(text.removeprefix("#"))


def parse_status(text: str | None) -> str | None:
    """None for "all"; ValueError naming the statuses for anything unknown. "partially_refunded"
    is a filter, not a status: paid, shipped or delivered orders with part of the money back."""
    if not text or text.lower() == "all":
        return None
    if text.lower() == PARTLY_REFUNDED:
        return PARTLY_REFUNDED
    try:
        return OrderStatus(text.lower()).value
    except ValueError:
        known = ", ".join([*(s.value for s in OrderStatus), PARTLY_REFUNDED])
        raise ValueError(
            i18n.current()._(
                "{text} is not an order status or number. Use one of: all, {known}; or an "
                "order's number, such as #12.",
                text=repr(echo(text)),
                known=known,
            )
        ) from None


def customer_name(first_name: str, username: str | None, telegram_id: int) -> str:
    name = first_name or "customer"
    return f"{name} (@{username})" if username else f"{name} (id {telegram_id})"


async def order_page(
    uow: UnitOfWork, status: str | None, page: int, customer_id: int = 0
) -> OrderPage:
    """A page of orders newest first; with `customer_id`, only hers (CustomerNotFound if she
    is not in the shop: a forged button)."""
    customer, size = "", PAGE_SIZE
    if customer_id:
        found = await uow.customers.get_by_id(customer_id)
        if found is None:
            raise CustomerNotFound(f"#{customer_id}")
        customer = customer_name(found.first_name, found.username, found.telegram_id)
        size = CUSTOMER_PAGE_SIZE
    whose = customer_id or None
    count = await uow.orders.count(status=status, customer_id=whose)
    pages = max(1, -(-count // size))
    page = min(max(page, 0), pages - 1)
    orders = await uow.orders.list_recent(
        status=status, customer_id=whose, offset=page * size, limit=size
    )
    under_way = await uow.refunds.under_way_of([o.id for o in orders])
    rows = [order_row(o, under_way.get(o.id, 0)) for o in orders]
    return OrderPage(rows, status, page, pages, count, customer_id, customer)


def order_row(order: Order, refund_under_way: int = 0) -> OrderRow:
    """An order as a list shows it (its customer loaded), with its refunds still pending."""
    return OrderRow(
        order.id,
        order.status,
        order.total,
        order.currency,
        order.customer.first_name or str(order.customer.telegram_id),
        order.created_at,
        order.needs_review,
        order.refunded_amount,
        refund_under_way,
        order.shipping_option,
    )


async def order_detail(uow: UnitOfWork, order_id: int) -> OrderDetail:
    order = await uow.orders.get(order_id, full=True)
    if order is None:
        raise OrderNotFound(order_id)
    made = await uow.refunds.for_order(order.id)
    returned = {r.payment_id for r in made if r.status == "succeeded"}
    retrying = {r.payment_id for r in made if r.status == "pending" and r.attempts}
    notes = await uow.order_notes.newest(order.id, NOTES_SHOWN)
    # The count is read only when the page of notes is full: most orders have fewer.
    count = await uow.order_notes.count(order.id) if len(notes) == NOTES_SHOWN else len(notes)
    sold = await uow.products.get_many(sorted({line.product_id for line in order.lines}))
    packing = {}
    for line in order.lines:  # a set: the parts it was sold with, whatever it is now
        product = sold[line.product_id]
        kept = bundles.kept_parts(line)
        if kept and (inside := await bundles.contents(uow, product, kept)) is not None:
            packing[product.id] = inside.parts
    return OrderDetail(
        packing=packing,
        summary=summarize(order, await uow.refunds.under_way(order.id)),
        customer=customer_name(
            order.customer.first_name, order.customer.username, order.customer.telegram_id
        ),
        customer_id=order.customer_id,
        shipping_address=order.shipping_address,
        review_reason=order.review_reason,
        payments=[
            PaymentView(
                p.provider,
                p.amount,
                p.currency,
                p.telegram_payment_charge_id,
                p.verification_status,
                second=p is not order.payments[0],
                returned=p is not order.payments[0] and p.id in returned,
                retrying=p.id in retrying,
            )
            for p in order.payments
        ],
        events=[
            EventView(e.created_at, e.from_status, e.to_status, e.actor, e.note)
            for e in order.events
        ],
        triggers=allowed_triggers(order.status),
        refundable=refundable(order),
        card_back=gift_cards.part_to_give_back(order),
        notes=[NoteView(n.created_at, _author(n), n.text) for n in notes],
        earlier_notes=count - len(notes),
        open_return=await _open_return(uow, order.id),
    )


async def _open_return(uow: UnitOfWork, order_id: int) -> ReturnFacts | None:
    waiting = await uow.returns.open_for(order_id)
    return ReturnFacts.of(waiting) if waiting is not None else None


def _author(note: OrderNote) -> str:
    """Who wrote the note, as named when she wrote it (notes before staff: an admin)."""
    return note.author or actor_name(Role.ADMIN, note.admin_telegram_id)
