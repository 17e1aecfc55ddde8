"""Orders, their lines and their lifecycle events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from bot.i18n import joined
from bot.store.models import Order, OrderEvent, OrderLine, utcnow
from bot.store.order_states import (
    PAID_FOR,
    PARTLY_REFUNDABLE,
    PARTLY_REFUNDED,
    IllegalOrderTransition,
    next_status,
)
from bot.store.prepared import prepared
from bot.store.repositories.pairs import ProductPairRepository

# An order's place in an export (oldest first): when it was placed, and, for two placed at
# the same moment, its id.
OrderKey = tuple[datetime, int]

# Built once and prepared: every product card reads it (what her own open invoice holds).
_HOLDS_OF_PRODUCT = prepared(
    select(
        OrderLine.variant_id,
        OrderLine.order_id,
        OrderLine.quantity,
        Order.invoice_message_id.is_not(None),
    )
    .join(Order, Order.id == OrderLine.order_id)
    .where(
        Order.customer_id == bindparam("customer_id"),
        Order.hold_status == bindparam("held"),
        OrderLine.product_id == bindparam("product_id"),
    )
    .order_by(OrderLine.order_id)
)


def _status_is(status: str) -> ColumnElement[bool]:
    """Orders in `status`; PARTLY_REFUNDED: those with part of their money back (a partial
    refund leaves the status as it was, bot.store.order_states)."""
    if status == PARTLY_REFUNDED:
        return and_(Order.refunded_amount > 0, Order.status.in_(sorted(PARTLY_REFUNDABLE)))
    return Order.status == status


def _filters(status: str | None, customer_id: int | None) -> list[ColumnElement[bool]]:
    found = [_status_is(status)] if status else []
    if customer_id is not None:
        found.append(Order.customer_id == customer_id)
    return found


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, order: Order) -> Order:
        self.session.add(order)
        await self.session.flush()
        self.session.add(OrderEvent(order_id=order.id, from_status=None, to_status=order.status))
        await self.session.flush()
        return order

    async def get(self, order_id: int, *, full: bool = True) -> Order | None:
        """The order with lines (and, if `full`, payments, events and customer) loaded."""
        options = [selectinload(Order.lines).selectinload(OrderLine.product)]
        if full:
            options += [
                selectinload(Order.payments),
                selectinload(Order.events),
                selectinload(Order.customer),
            ]
        stmt = (
            select(Order)
            .where(Order.id == order_id)
            .options(*options)
            .execution_options(populate_existing=True)
        )
        return await self.session.scalar(stmt)

    async def list_for_customer(
        self, customer_id: int, *, offset: int = 0, limit: int = 10
    ) -> Sequence[Order]:
        stmt = (
            select(Order)
            .where(Order.customer_id == customer_id)
            .options(selectinload(Order.lines))
            .order_by(Order.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def list_recent(
        self,
        *,
        status: str | None = None,
        customer_id: int | None = None,
        offset: int = 0,
        limit: int = 8,
    ) -> Sequence[Order]:
        """Orders newest first, of `status` and/or of one customer (ix_orders_customer_newest)."""
        stmt = select(Order).options(selectinload(Order.customer), selectinload(Order.lines))
        stmt = stmt.where(*_filters(status, customer_id))
        stmt = stmt.order_by(Order.id.desc()).offset(offset).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def created_after(
        self,
        after: OrderKey | None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int,
    ) -> Sequence[Order]:
        """The next `limit` orders oldest first (by created_at, then id) after the one at
        `after` (None: from the first), created in [since, until) (either end open), with
        lines, payments and customer: every order of some days a chunk at a time (an export,
        read in a snapshot). A keyset page: it starts in ix_orders_created (migration 0063)
        at `since` or at the anchor, so a late from= reads no order before it (walking the
        ids from the first read all of them)."""
        stmt = select(Order).options(
            selectinload(Order.lines),
            selectinload(Order.payments),
            selectinload(Order.customer),
        )
        if after is not None:
            at, by = after
            stmt = stmt.where(Order.created_at >= at, or_(Order.created_at > at, Order.id > by))
        if since is not None:
            stmt = stmt.where(Order.created_at >= since)
        if until is not None:
            stmt = stmt.where(Order.created_at < until)
        stmt = stmt.order_by(Order.created_at, Order.id).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def count(self, *, status: str | None = None, customer_id: int | None = None) -> int:
        stmt = select(func.count(Order.id)).where(*_filters(status, customer_id))
        return int(await self.session.scalar(stmt) or 0)

    async def customer_of(self, order_id: int) -> int | None:
        """The id of the customer who placed the order; None: no such order."""
        return await self.session.scalar(select(Order.customer_id).where(Order.id == order_id))

    async def spent_by(self, customer_id: int) -> dict[str, int]:
        """What the customer paid and kept paid, per currency: her paid orders' totals
        minus what was refunded of them (in minor units)."""
        found = await self.session.execute(
            select(Order.currency, func.sum(Order.total - Order.refunded_amount))
            .where(Order.customer_id == customer_id, Order.paid_at.is_not(None))
            .group_by(Order.currency)
            .order_by(Order.currency)
        )
        return {str(currency): int(amount or 0) for currency, amount in found.all()}

    async def currencies_paid_in(self) -> list[str]:
        """Every currency an order was ever paid in, in order. A loose index scan of
        ix_orders_paid_currency (migration 0059): the first currency, then the least one
        after the last found, until none is left; a few index seeks however many orders
        were paid, where `DISTINCT currency` read them all (40-55 ms at 180,000)."""
        paid = Order.paid_at.is_not(None)
        found = (
            select(func.min(Order.currency).label("currency"))
            .where(paid)
            .cte("paid_in", recursive=True)
        )
        after = select(func.min(Order.currency)).where(paid, Order.currency > found.c.currency)
        found = found.union_all(
            select(after.scalar_subquery()).where(found.c.currency.is_not(None))
        )
        currencies = await self.session.scalars(
            select(found.c.currency).where(found.c.currency.is_not(None))
        )
        return [str(currency) for currency in currencies]

    async def best_sellers(
        self, orders: Select[int], limit: int
    ) -> list[tuple[str, str, int, int]]:
        """The SKUs sold most (by units) in `orders` (a SELECT of their ids), most units
        first, then by SKU: each SKU, a title it was sold under, its units and what they
        took (their price less their share of the discount).

        Only the lines of those orders are read, order by order through
        ix_order_lines_order_id. PostgreSQL's planner would rather hash a period's few
        thousand orders and read every line the shop ever sold (it prices each lookup as a
        random read from disk): 50-90 ms at 200,000 lines, growing with the history. Given
        the ids as one array (`= ANY(ARRAY(...))`) it looks each up. SQLite looks them up
        by the index either way, from an `IN (...)`."""
        if self.session.get_bind().dialect.name == "postgresql":
            ids = func.array(orders.scalar_subquery(), type_=ARRAY(Integer))
            of_orders = OrderLine.order_id == any_(ids)
        else:
            of_orders = OrderLine.order_id.in_(orders)
        units = func.sum(OrderLine.quantity)
        rows = await self.session.execute(
            select(
                OrderLine.sku,
                func.max(OrderLine.title),
                units,
                func.sum(OrderLine.quantity * OrderLine.unit_price - OrderLine.discount),
            )
            .where(of_orders)
            .group_by(OrderLine.sku)
            .order_by(units.desc(), OrderLine.sku)
            .limit(limit)
        )
        return [(sku, title, int(qty or 0), int(took or 0)) for sku, title, qty, took in rows]

    async def last_paid_id(self, customer_id: int) -> int:
        """The id of the customer's newest paid order (whatever became of it since); 0: none."""
        found = await self.session.scalar(
            select(func.max(Order.id)).where(
                Order.customer_id == customer_id, Order.paid_at.is_not(None)
            )
        )
        return int(found or 0)

    async def open_holds_for_customer(self, customer_id: int) -> Sequence[Order]:
        stmt = (
            select(Order)
            .where(Order.customer_id == customer_id, Order.hold_status == "held")
            .options(selectinload(Order.lines))
        )
        return (await self.session.scalars(stmt)).all()

    async def holds_of_product(
        self, customer_id: int, product_id: int
    ) -> list[tuple[int, int, int, bool]]:
        """(variant id, order id, units, invoice sent in the chat) of each line of
        `product_id` in the customer's orders holding stock, oldest order first."""
        found = await self.session.execute(
            _HOLDS_OF_PRODUCT,
            {"customer_id": customer_id, "held": "held", "product_id": product_id},
        )
        return [(int(v), int(o), int(q), bool(chat)) for v, o, q, chat in found.all()]

    async def expired_holds(self, now: datetime | None = None) -> Sequence[Order]:
        stmt = (
            select(Order)
            .where(Order.hold_status == "held", Order.hold_expires_at <= (now or utcnow()))
            .options(selectinload(Order.lines), selectinload(Order.customer))
            .order_by(Order.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def add_refunded(self, order_id: int, amount: int) -> bool:
        """Count `amount` as refunded if that keeps the total refunded within the order total.

        One conditional UPDATE, so concurrent refunds can never add up to more than was paid.
        A negative amount gives back a refund that failed at the provider.
        """
        result = await self.session.execute(
            update(Order)
            .where(
                Order.id == order_id,
                Order.refunded_amount + amount <= Order.total,
                Order.refunded_amount + amount >= 0,
            )
            .values(refunded_amount=Order.refunded_amount + amount)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def claim_hold(
        self, order_id: int, new_hold_status: str, *, from_status: str = "held"
    ) -> bool:
        """Atomically move an order's stock hold (held -> sold/released, sold -> returned).

        False if the hold is not in `from_status` (someone else moved it first).
        """
        result = await self.session.execute(
            update(Order)
            .where(Order.id == order_id, Order.hold_status == from_status)
            .values(hold_status=new_hold_status)
            .execution_options(synchronize_session=False)
        )
        moved = int(getattr(result, "rowcount", 0) or 0) == 1
        if moved:
            order = self.session.identity_map.get(self.session.identity_key(Order, order_id))
            if isinstance(order, Order):
                set_committed_value(order, "hold_status", new_hold_status)
        return moved

    async def claim_card_back(self, order: Order) -> bool:
        """Mark all of the order's gift card part as back on the card, if no one did since
        `order` was read (a compare-and-set on what was back then): False if another path or
        press got there first. The caller credits the card in the same transaction."""
        result = await self.session.execute(
            update(Order)
            .where(
                Order.id == order.id,
                Order.gift_card_returned == order.gift_card_returned,
                Order.gift_card_returned < Order.gift_card_amount,
            )
            .values(gift_card_returned=Order.gift_card_amount)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            return False
        set_committed_value(order, "gift_card_returned", order.gift_card_amount)
        return True

    async def unclaim_card_back(self, order: Order, was: int) -> None:
        """Undo `claim_card_back` in the same transaction: the card took nothing (voided
        since), so the order records what of its part is back as it was (`was`)."""
        await self.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.gift_card_returned == order.gift_card_returned)
            .values(gift_card_returned=was)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(order, "gift_card_returned", was)

    def flag_for_review(self, order: Order, reason: str) -> None:
        """Ask for an admin's eyes (a payment mismatch, a failed refund); reasons add up."""
        order.needs_review = True
        order.review_reason = joined(order.review_reason, reason)

    async def clear_review(self, order: Order, *, actor: str, note: str) -> bool:
        """Drop the review flag and record why in the history (status unchanged); False if
        someone else cleared it first (compare-and-set, like transition)."""
        result = await self.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.needs_review.is_(True))
            .values(needs_review=False, review_reason=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            return False
        set_committed_value(order, "needs_review", False)
        set_committed_value(order, "review_reason", None)
        await self.record_event(order, actor=actor, note=note)
        return True

    async def status_of(self, order_id: int) -> str | None:
        """The order's status as stored now (after another move won a compare-and-set)."""
        found = await self.session.scalar(select(Order.status).where(Order.id == order_id))
        return None if found is None else str(found)

    async def set_tracking(self, order: Order, number: str | None, *, status: str) -> bool:
        """Change the parcel's tracking number while the order is still `status` (a
        compare-and-set, like transition: False if it moved on meanwhile)."""
        now = utcnow()
        result = await self.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.status == status)
            .values(tracking_number=number, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            return False
        set_committed_value(order, "tracking_number", number)
        set_committed_value(order, "updated_at", now)
        return True

    async def record_event(self, order: Order, *, actor: str, note: str) -> None:
        """A line in the order's history that leaves its status as it is."""
        self.session.add(
            OrderEvent(
                order_id=order.id,
                from_status=order.status,
                to_status=order.status,
                actor=actor,
                note=note,
            )
        )
        await self.session.flush()

    async def transition(
        self, order: Order, trigger: str, *, actor: str = "system", note: str | None = None
    ) -> str:
        """Move the order along the lifecycle table and record the timestamped event.

        The move is a compare-and-set on the status column, so two concurrent moves of one
        order (say, two admins cancelling) cannot both happen: the loser gets
        IllegalOrderTransition with the status it lost to. A move into or out of the paid
        statuses counts the order's products as bought together, or no longer, here and only
        here (so a payment delivered twice, whose second move is refused, counts once).
        """
        previous = order.status
        status = next_status(previous, trigger).value
        now = utcnow()
        result = await self.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.status == previous)
            .values(status=status, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            current = await self.session.scalar(select(Order.status).where(Order.id == order.id))
            raise IllegalOrderTransition(trigger, str(current))
        set_committed_value(order, "status", status)
        set_committed_value(order, "updated_at", now)
        bought = (status in PAID_FOR) - (previous in PAID_FOR)
        if bought:
            await ProductPairRepository(self.session).count_order(order.id, bought)
        self.session.add(
            OrderEvent(
                order_id=order.id,
                from_status=previous,
                to_status=order.status,
                actor=actor,
                note=note,
            )
        )
        await self.session.flush()
        return order.status
