"""/export orders: the shop's orders as a CSV file for the accountant, one row per order line
(so a spreadsheet can pivot them), every order of the days asked for whatever its status.

The days are whole days on the shop's clock (SHOP_TIMEZONE), written as /promo new's from=
and until= (`promos.day_bound`: one rule). Money is written from integer minor units as the
currency writes it (`to_decimal_string`: "12.50", JPY "1200"), never through a float. A cell
a shopper or admin typed (a name, a title, a promo code, a tracking number) that begins like
a formula is prefixed with a quote, so a spreadsheet shows it instead of running it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import IO

from bot import i18n
from bot.i18n import N_, translator
from bot.money import to_decimal_string
from bot.services.admin_catalog import AdminInputError
from bot.services.order_summary import delivery_method
from bot.services.promos import UNTIL_BEFORE_FROM, PromoInputError, day_bound, parse_day
from bot.store.models import Order, OrderLine, split_variant_title
from bot.store.repositories.orders import OrderKey
from bot.store.uow import UnitOfWork
from bot.tax import file_rate

EXPORT_USAGE = N_(
    "Send /export (the catalog) or /export orders [from=2026-12-01] [until=2026-12-31]."
)
CATALOG_WORDS = ("", "catalog")
ORDERS_WORD = "orders"
EXPORT_CHUNK = 250  # orders read at a time, as the catalog export reads products

# Cells a spreadsheet would read as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = (
    "order_id",
    "created_at",
    "status",
    "customer_telegram_id",
    "customer_name",
    "sku",
    "title",
    "variant",
    "quantity",
    "unit_price",
    "line_total",
    "line_discount",
    "currency",
    "order_subtotal",
    "discount",
    "promo_code",
    "gift_card",
    "shipping",
    "tip",
    "order_total",
    "refunded",
    "paid_with",
    "shipping_option",
    "tracking_number",
)
# The VAT each line and the order include (bot.tax), after the columns above, in a shop with
# TAX_RATE: the line's rate ("20", "7.7"; empty: not taxed) and tax, the shipping's tax, the
# order's; empty for an order placed without tax.
TAX_HEADER = ("line_tax_rate", "line_tax", "shipping_tax", "tax_total")
# When the order is to arrive ("2026-12-07 10:00-12:00"; empty: none), last, in a shop with
# DELIVERY_SLOTS (bot.services.delivery_slots).
SLOT_HEADER = ("delivery_time",)


@dataclass(frozen=True)
class OrderDays:
    """The whole days of the shop's clock asked for, either end open (None), and the
    moments they begin and end (UTC): orders created in [since, until)."""

    first: date | None = None
    last: date | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Written:
    orders: int
    rows: int


def parse_export(args: Sequence[str], zone: tzinfo) -> OrderDays | None:
    """What /export's arguments ask for: None for the catalog (`/export`, `/export catalog`),
    else the orders of the days named; AdminInputError naming the accepted forms otherwise."""
    tr = i18n.current()
    what = args[0].strip().lower() if args else ""
    if what in CATALOG_WORDS and len(args) <= 1:
        return None
    if what != ORDERS_WORD:
        raise AdminInputError(tr._(EXPORT_USAGE))
    bounds: dict[str, tuple[date, datetime]] = {}
    for arg in args[1:]:
        key, sep, value = arg.partition("=")
        key = key.strip().lower()
        if not sep or key not in ("from", "until") or key in bounds:
            raise AdminInputError(tr._(EXPORT_USAGE))
        try:
            moment = day_bound(key, value.strip(), zone)
        except PromoInputError as exc:
            raise AdminInputError(f"{key}=: {exc}\n{tr._(EXPORT_USAGE)}") from None
        day = parse_day(value.strip())
        assert day is not None  # day_bound read it
        bounds[key] = (day, moment)
    first, since = bounds.get("from", (None, None))
    last, until = bounds.get("until", (None, None))
    if since is not None and until is not None and until <= since:
        raise AdminInputError(f"{tr._(UNTIL_BEFORE_FROM)}\n{tr._(EXPORT_USAGE)}")
    return OrderDays(first, last, since, until)


def file_name(days: OrderDays, today: date) -> str:
    """orders-2026-12-01--2026-12-31.csv; orders-all-2026-12-04.csv (every order, as of
    today); an open end reads as start, or as today."""
    if days.first is None and days.last is None:
        return f"orders-all-{today.isoformat()}.csv"
    first = days.first.isoformat() if days.first else "start"
    last = (days.last or today).isoformat()
    return f"orders-{first}--{last}.csv"


def safe_cell(text: str | None) -> str:
    """Text someone typed, as a cell no spreadsheet runs as a formula: one beginning with
    =, +, -, @, a tab or a carriage return gets a leading quote."""
    text = text or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def order_rows(
    order: Order, zone: tzinfo, *, taxed: bool = False, slotted: bool = False
) -> list[list[str]]:
    """One row per line of the order (one row, its line cells empty, for an order without
    lines); the order's own cells repeated on each, so any row can be read alone. `taxed`:
    with the TAX_HEADER cells at the end; `slotted`: then its delivery time (SLOT_HEADER)."""
    money = order.currency

    def amount(minor: int) -> str:
        return to_decimal_string(minor, money)

    customer = order.customer
    head = [
        str(order.id),
        order.created_at.astimezone(zone).isoformat(timespec="seconds"),
        order.status,
        str(customer.telegram_id),
        safe_cell(customer.first_name),
    ]
    tail = [
        order.currency,
        amount(order.items_total),
        amount(order.discount_total),
        safe_cell(order.promo_code),
        amount(order.gift_card_amount),
        amount(order.shipping_total),
        amount(order.tip_amount),
        amount(order.total),
        amount(order.refunded_amount),
        " ".join(dict.fromkeys(p.provider for p in order.payments)),
        safe_cell(delivery_method(order, translator(None))),
        safe_cell(order.tracking_number),
    ]
    when = [_delivery_time(order)] if slotted else []
    if not order.lines:
        return [[*head, *[""] * 7, *tail, *_tax_cells(order, None, taxed), *when]]
    return [
        [*head, *_line_cells(line), *tail, *_tax_cells(order, line, taxed), *when]
        for line in order.lines
    ]


def _delivery_time(order: Order) -> str:
    """ "2026-12-07 10:00-12:00", "" for an order with no delivery time."""
    if order.delivery_day is None or order.delivery_window is None:
        return ""
    return f"{order.delivery_day.isoformat()} {order.delivery_window}"


def _tax_cells(order: Order, line: OrderLine | None, taxed: bool) -> list[str]:
    if not taxed:
        return []
    if order.tax_label is None:  # placed without tax
        return [""] * len(TAX_HEADER)
    money = order.currency
    return [
        file_rate(line.tax_rate_bp) if line else "",
        to_decimal_string(line.tax, money) if line else "",
        to_decimal_string(order.shipping_tax, money),
        to_decimal_string(order.tax_total, money),
    ]


def _line_cells(line: OrderLine) -> list[str]:
    title, variant = split_variant_title(line.title) if line.variant_id else (line.title, "")
    return [
        safe_cell(line.sku),
        safe_cell(title),
        safe_cell(variant),
        str(line.quantity),
        to_decimal_string(line.unit_price, line.currency),
        to_decimal_string(line.line_total, line.currency),
        to_decimal_string(line.discount, line.currency),
    ]


async def order_chunks(
    uow: UnitOfWork, days: OrderDays, *, chunk: int = EXPORT_CHUNK
) -> AsyncIterator[Sequence[Order]]:
    """The orders of `days` oldest first, `chunk` at a time: memory holds one chunk, and the
    event loop is kept milliseconds per chunk; each chunk starts where the last ended, by
    index, so from= far into the shop's history costs no more than from its first day. In
    a snapshot (`Store.snapshot`), the chunks are one moment's orders."""
    after: OrderKey | None = None
    while orders := await uow.orders.created_after(
        after, since=days.since, until=days.until, limit=chunk
    ):
        yield orders
        after = (orders[-1].created_at, orders[-1].id)


async def write_orders(
    uow: UnitOfWork,
    out: IO[bytes],
    days: OrderDays,
    zone: tzinfo,
    *,
    chunk: int = EXPORT_CHUNK,
    taxed: bool = False,
    slotted: bool = False,
) -> Written:
    """Write the orders of `days` into `out` as CSV (plain UTF-8, a header row first), times
    on the shop's clock (`zone`); how many orders and rows. `out` stays open, for the caller.
    `taxed`: the shop has TAX_RATE, and the file the tax columns (TAX_HEADER); `slotted`: it
    has DELIVERY_SLOTS, and the file the delivery_time column (SLOT_HEADER)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow((*HEADER, *(TAX_HEADER if taxed else ()), *(SLOT_HEADER if slotted else ())))
    orders = rows = 0
    async for found in order_chunks(uow, days, chunk=chunk):
        for order in found:
            lines = order_rows(order, zone, taxed=taxed, slotted=slotted)
            writer.writerows(lines)
            orders, rows = orders + 1, rows + len(lines)
    text.flush()
    text.detach()
    return Written(orders, rows)
