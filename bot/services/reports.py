"""Store reports for admins: revenue and orders per period (with the discounts given and the
tips received), top products, top promo codes, ratings, low stock.

Revenue counts orders when they were paid (`paid_at`), minus refunds when they were made, so
a period's number does not change after the fact except by new refunds. The admins' morning
report (bot.usecases.daily_report) reads one whole day of the shop's clock the same way
(`day_stats`): a refund made today of an order paid yesterday is today's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from bot.i18n import N_
from bot.services.promos import day_start
from bot.services.sellable import StockLine, lowest_stock
from bot.store.models import RATED_ENOUGH, Customer, Order, Payment, Refund, utcnow
from bot.store.order_states import OrderStatus
from bot.store.repositories.promos import CodeFigures
from bot.store.repositories.ratings import RatedProduct, RatingFigures
from bot.store.uow import UnitOfWork

LOW_STOCK_SHOWN = 20  # the report's low-stock lines; the rest are counted (/export has all)
# Ratings a product needs to be named best or worst rated (one is no verdict): the index
# /stats reads them from holds only such products.
RATED_AT_LEAST = RATED_ENOUGH
RATED_SHOWN = 3  # best-rated products named, and as many worst-rated

# Paid orders whose goods did not go out do not count among the top products.
NOT_SOLD = (
    OrderStatus.AWAITING_PAYMENT.value,
    OrderStatus.CANCELLED.value,
    OrderStatus.REFUNDED.value,
)


@dataclass(frozen=True)
class PeriodStats:
    label: str
    since: datetime
    currency: str
    orders: int
    gross: int
    refunds: int
    discounts: int = 0  # given by promo codes on the orders paid in the period
    tips: int = 0  # received with them (part of gross)
    tax: int = 0  # the VAT its orders' prices included, less what its refunds gave back

    @property
    def net(self) -> int:
        return self.gross - self.refunds

    @property
    def average_order(self) -> int:
        """Average paid order value (before refunds), rounded down to a minor unit."""
        return self.gross // self.orders if self.orders else 0


@dataclass(frozen=True)
class TopProduct:
    sku: str
    title: str
    quantity: int
    revenue: int
    currency: str


@dataclass(frozen=True)
class RatingStats:
    """Stars given in the last 30 days and in all, and the products rated best and worst
    (at most RATED_SHOWN each, among those with RATED_AT_LEAST ratings)."""

    figures: RatingFigures
    best: list[RatedProduct]
    worst: list[RatedProduct]


@dataclass(frozen=True)
class StoreStats:
    now: datetime  # in the shop's time zone
    periods: list[PeriodStats]
    top_products: list[TopProduct]
    low_stock: Sequence[StockLine]  # the fewest available first, at most LOW_STOCK_SHOWN
    threshold: int
    low_stock_count: int = 0  # in all, shown or not
    other_currencies: list[str] = field(default_factory=list)
    top_codes: list[CodeFigures] = field(default_factory=list)  # the last 30 days
    ratings: RatingStats | None = None
    tax_label: str | None = None  # "VAT": the shop says the tax in its prices (TAX_RATE)


@dataclass(frozen=True)
class DayStats:
    """One whole day on the shop's clock (the admins' morning report, /report): its figures,
    and what waits now, as the report is read."""

    day: date
    zone: tzinfo
    periods: list[PeriodStats]  # one per currency paid or refunded that day, the shop's first
    new_customers: int
    top_products: list[TopProduct]  # the shop's currency
    waiting_to_ship: int  # paid orders with goods to ship, not shipped yet (now)
    refunds_pending: int  # refunds asked for and not made yet (now)
    low_stock_count: int  # units on sale at or below the threshold (now)
    threshold: int
    tax_label: str | None = None  # "VAT": the shop says the tax in its prices (TAX_RATE)

    @property
    def quiet(self) -> bool:
        """No order paid and nothing refunded that day."""
        return not any(p.orders or p.refunds for p in self.periods)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """From the shop's midnight that starts `day` to the one that ends it (UTC): 23 or 25
    hours on a day its clock changes."""
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


async def day_stats(
    uow: UnitOfWork,
    day: date,
    *,
    currency: str,
    threshold: int,
    zone: tzinfo = UTC,
    top: int = 3,
    tax_label: str | None = None,
) -> DayStats:
    """The figures of `day` on the shop's clock, counted as /stats counts its periods (the
    tax too: `tax_label` as `store_stats` takes it)."""
    since, until = day_bounds(day, zone)
    paid = await uow.session.scalars(
        select(Order.currency)
        .where(*_within(Order.paid_at, since, until), Order.currency != currency)
        .distinct()
    )
    refunded = await uow.session.scalars(
        select(Refund.currency)
        .where(*_within(Refund.created_at, since, until), Refund.currency != currency)
        .distinct()
    )
    currencies = [currency, *sorted(set(paid.all()) | set(refunded.all()))]
    periods = [await _period(uow, "", since, c, until) for c in currencies]
    new_customers = await uow.session.scalar(
        select(func.count(Customer.id)).where(*_within(Customer.created_at, since, until))
    )
    waiting = await uow.session.scalar(
        select(func.count(Order.id)).where(
            Order.status == OrderStatus.PAID.value, Order.needs_shipping.is_(True)
        )
    )
    pending = await uow.session.scalar(
        select(func.count(Refund.id)).where(Refund.status == "pending")
    )
    return DayStats(
        day=day,
        zone=zone,
        periods=periods,
        new_customers=int(new_customers or 0),
        top_products=await _top_products(uow, currency, since, until, top),
        waiting_to_ship=int(waiting or 0),
        refunds_pending=int(pending or 0),
        low_stock_count=await uow.products.count_low_stock(threshold),
        threshold=threshold,
        tax_label=tax_label,
    )


def period_starts(now: datetime, zone: tzinfo = UTC) -> list[tuple[str, datetime]]:
    """Today (since the shop's midnight: `zone` is SHOP_TIMEZONE), the last 7 days and the
    last 30 days. Today begins where the morning report's day does (`day_bounds`), also
    when the shop's clock goes back over midnight and it is twice 00:30."""
    today, _ = day_bounds(now.astimezone(zone).date(), zone)
    return [
        (N_("Today"), today),
        (N_("7 days"), now - timedelta(days=7)),
        (N_("30 days"), now - timedelta(days=30)),
    ]


async def store_stats(
    uow: UnitOfWork,
    *,
    currency: str,
    threshold: int,
    now: datetime | None = None,
    top: int = 5,
    zone: tzinfo = UTC,
    tax_label: str | None = None,
) -> StoreStats:
    """`zone`: the shop's (SHOP_TIMEZONE): where its day begins, and how `now` is shown;
    `tax_label`: the shop's TAX_LABEL when it has TAX_RATE (the report says the tax)."""
    now = now or utcnow()
    starts = period_starts(now, zone)
    periods = [await _period(uow, label, since, currency) for label, since in starts]
    month = now - timedelta(days=30)
    top_products = await _top_products(uow, currency, month, None, top)
    low_stock, low_stock_count = await lowest_stock(uow.products, threshold, LOW_STOCK_SHOWN)
    return StoreStats(
        now=now.astimezone(zone),
        periods=periods,
        top_products=top_products,
        low_stock=low_stock,
        threshold=threshold,
        low_stock_count=low_stock_count,
        other_currencies=[c for c in await uow.orders.currencies_paid_in() if c != currency],
        top_codes=await uow.promos.top_codes(
            since=month, currency=currency, not_sold=NOT_SOLD, limit=top
        ),
        ratings=await _ratings(uow, since=month),
        tax_label=tax_label,
    )


def _within(
    column: InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None],
    since: datetime,
    until: datetime | None,
) -> list[ColumnElement[bool]]:
    """`column` from `since`, and before `until` unless the period runs to now."""
    return [column >= since] if until is None else [column >= since, column < until]


async def _top_products(
    uow: UnitOfWork, currency: str, since: datetime, until: datetime | None, top: int
) -> list[TopProduct]:
    """The products sold most (by units) in orders paid from `since` (to `until`)."""
    sold = select(Order.id).where(
        Order.paid_at.is_not(None),
        *_within(Order.paid_at, since, until),
        Order.status.not_in(NOT_SOLD),
        Order.currency == currency,
    )
    return [
        TopProduct(sku, title, units, revenue, currency)
        for sku, title, units, revenue in await uow.orders.best_sellers(sold, top)
    ]


async def _ratings(uow: UnitOfWork, since: datetime) -> RatingStats:
    """Two statements whatever the catalog's size: no product is loaded to rank it."""
    best, worst = await uow.ratings.best_and_worst(RATED_SHOWN)
    return RatingStats(await uow.ratings.figures(since), best, worst)


async def _period(
    uow: UnitOfWork, label: str, since: datetime, currency: str, until: datetime | None = None
) -> PeriodStats:
    """Orders paid and refunds made from `since` (up to `until`, else to now)."""
    orders, gross, discounts, tips, tax = (
        await uow.session.execute(
            select(
                func.count(Order.id),
                func.coalesce(func.sum(Order.total), 0),
                func.coalesce(func.sum(Order.discount_total), 0),
                func.coalesce(func.sum(Order.tip_amount), 0),
                func.coalesce(func.sum(Order.tax_total), 0),
            ).where(
                Order.paid_at.is_not(None),
                *_within(Order.paid_at, since, until),
                Order.currency == currency,
            )
        )
    ).one()
    # Only refunds of an order's own payment (its first): a second payment, refunded at once,
    # was never counted in the order's total.
    orders_payment = (
        select(func.min(Payment.id)).where(Payment.order_id == Refund.order_id).scalar_subquery()
    )
    refunds, tax_back = (
        await uow.session.execute(
            select(
                func.coalesce(func.sum(Refund.amount), 0), func.coalesce(func.sum(Refund.tax), 0)
            ).where(
                Refund.status == "succeeded",
                *_within(Refund.created_at, since, until),
                Refund.currency == currency,
                Refund.payment_id == orders_payment,
            )
        )
    ).one()
    return PeriodStats(
        label,
        since,
        currency,
        int(orders or 0),
        int(gross or 0),
        int(refunds or 0),
        int(discounts or 0),
        int(tips or 0),
        int(tax or 0) - int(tax_back or 0),
    )
