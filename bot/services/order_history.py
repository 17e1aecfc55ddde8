"""A shopper's own orders, newest first, a page at a time, with their status labels."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from bot.services.cart import fingerprint_of
from bot.services.downloads import downloadable_lines
from bot.services.errors import OrderNotFound
from bot.services.order_summary import order_taxes
from bot.services.pickup import is_pickup
from bot.store.models import Order
from bot.store.order_states import ShownRefunds, status_label
from bot.store.uow import UnitOfWork
from bot.tax import RateTax

# An invoice's start parameter (`t.me/<bot>?start=order-7`): a forwarded invoice or receipt
# opens the order for its shopper (bot.conversation.journey.start), and for nobody else.
ORDER_START_PREFIX = "order-"

PAGE_SIZE = 10  # orders per /orders page: a screenful of buttons


@dataclass(frozen=True, slots=True)
class OrderLineView:
    title: str
    quantity: int
    unit_price: int
    currency: str
    line_id: int = 0
    downloadable: bool = False  # a digital line of a paid order: /orders can send it again
    translations: dict[str, Any] | None = None  # the product's title in other languages
    product_id: int = 0
    variant_id: int = 0  # the variant bought (0: none); `title` then names it

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class OrderView(ShownRefunds):
    id: int
    status: str
    currency: str
    items_total: int
    shipping_total: int
    discount_total: int
    total: int
    refunded_amount: int
    created_at: datetime
    tracking_number: str | None
    lines: tuple[OrderLineView, ...]
    promo_code: str | None = None
    tip_amount: int = 0
    gift_card_code: str | None = None
    gift_card_amount: int = 0  # what the gift card paid of the goods (not in `total`)
    needs_review: bool = False  # flagged (⚠️): an admin decides what becomes of it
    refund_under_way: int = 0  # of `refunded_amount`, not made yet (tried again, or under way)
    shipping_option: str | None = None  # "express", "pickup:1" (bot.payments.shipping)
    pickup_place: str | None = None  # she collects it there (Order.pickup_place)
    delivery_day: date | None = None  # when it arrives (bot.services.delivery_slots)
    delivery_window: str | None = None
    tax_label: str | None = None  # "VAT": the order says the tax it includes (None: no tax)
    taxes: tuple[RateTax, ...] = ()  # per rate (bot.services.order_summary.order_taxes)
    paid_at: datetime | None = None  # None: never paid (no invoice, bot.services.invoices)

    @property
    def status_label(self) -> str:
        return status_label(self.status, collected=self.collected)

    @property
    def collected(self) -> bool:
        return is_pickup(self.shipping_option)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class OrderPage:
    """One page of a shopper's orders, newest first; `page` is 0-based (0: the newest)."""

    orders: tuple[OrderView, ...] = ()
    page: int = 0
    has_older: bool = False

    @property
    def has_newer(self) -> bool:
        return self.page > 0


async def order_page(uow: UnitOfWork, customer_id: int, page: int = 0) -> OrderPage:
    """One page of the shopper's orders. One order more than a page is read: it tells whether
    older ones exist without counting them all. A page past the end (a forged button) shows
    the newest."""
    page = max(page, 0)
    found = await uow.orders.list_for_customer(
        customer_id, offset=page * PAGE_SIZE, limit=PAGE_SIZE + 1
    )
    if not found and page > 0:
        return await order_page(uow, customer_id)
    shown = found[:PAGE_SIZE]
    under_way = await uow.refunds.under_way_of([order.id for order in shown])
    views = tuple(
        replace(_view(order), refund_under_way=under_way.get(order.id, 0)) for order in shown
    )
    return OrderPage(views, page, has_older=len(found) > PAGE_SIZE)


async def fingerprint_of_order(uow: UnitOfWork, order_id: int) -> int:
    """The `CartView.fingerprint` of the cart the order was placed for (0: no such order):
    an old summary's Pay tells by it whether that summary is this order, paid since."""
    order = await uow.orders.get(order_id)
    if order is None:
        return 0
    lines = ((ln.product_id, ln.variant_id, ln.quantity, ln.unit_price) for ln in order.lines)
    return fingerprint_of(order.currency, lines)


async def get_order(uow: UnitOfWork, customer_id: int, order_id: int) -> OrderView:
    order = await uow.orders.get(order_id, full=False)
    if order is None or order.customer_id != customer_id:
        raise OrderNotFound(order_id)
    view = _view(order, await downloadable_lines(uow, order))
    if not order.refunded_amount:  # nothing claimed, so nothing on its way either
        return view
    return replace(view, refund_under_way=await uow.refunds.under_way(order.id))


def _view(order: Order, downloadable: set[int] | frozenset[int] = frozenset()) -> OrderView:
    return OrderView(
        id=order.id,
        status=order.status,
        currency=order.currency,
        items_total=order.items_total,
        shipping_total=order.shipping_total,
        discount_total=order.discount_total,
        total=order.total,
        refunded_amount=order.refunded_amount,
        created_at=order.created_at,
        tracking_number=order.tracking_number,
        promo_code=order.promo_code,
        tip_amount=order.tip_amount,
        gift_card_code=order.gift_card_code,
        gift_card_amount=order.gift_card_amount,
        needs_review=order.needs_review,
        shipping_option=order.shipping_option if order.needs_shipping else None,
        pickup_place=order.pickup_place,
        delivery_day=order.delivery_day,
        delivery_window=order.delivery_window,
        tax_label=order.tax_label,
        taxes=order_taxes(order),
        paid_at=order.paid_at,
        lines=tuple(
            OrderLineView(
                line.title,
                line.quantity,
                line.unit_price,
                line.currency,
                line_id=line.id,
                downloadable=line.id in downloadable,
                translations=line.translations,
                product_id=line.product_id,
                variant_id=line.variant_id,
            )
            for line in order.lines
        ),
    )
