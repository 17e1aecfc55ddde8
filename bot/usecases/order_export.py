"""/export orders: the shop's orders of the days asked for, as a CSV file in a temporary file,
and the export recorded in the audit log (`orders.export`, with its days and rows)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from bot.i18n import N_
from bot.services import admin_catalog as files
from bot.services import order_export
from bot.services.order_export import OrderDays
from bot.shop import Shop
from bot.store.models import utcnow

AUDIT_ACTION = "orders.export"
ORDERS_TOO_BIG = N_(
    "The orders are {size} MB even zipped, more than the {limit} MB Telegram lets a bot send: "
    "export fewer days at a time (from= and until=)."
)


@dataclass(frozen=True)
class OrdersExport:
    """The orders file at its start (None: no order in those days); whoever sends it
    closes it."""

    file: IO[bytes] | None
    file_name: str
    days: OrderDays
    orders: int
    rows: int


async def export_orders(
    shop: Shop, admin_id: int, days: OrderDays, now: datetime | None = None
) -> OrdersExport:
    """The orders of `days` at one moment (a snapshot: an order paid or refunded while they
    are read is wholly as it was or wholly as it is), read a chunk at a time beside the
    shop's writes, written to a temporary file (on disk past a megabyte), so memory does not
    grow with the orders. Zipped past the 50 MB a bot may send, as the catalog is."""
    zone = shop.settings.zone
    name = order_export.file_name(days, (now or utcnow()).astimezone(zone).date())
    out = files.spooled_file()
    try:
        async with shop.store.snapshot() as uow:
            taxed, slotted = shop.settings.tax_on, shop.settings.slots_on
            written = await order_export.write_orders(
                uow, out, days, zone, taxed=taxed, slotted=slotted
            )
        if not written.orders:
            out.close()
            return OrdersExport(None, name, days, 0, 0)
        if out.tell() > files.MAX_SEND_BYTES:  # more than a bot may send: zipped, off the loop
            name, out = await asyncio.to_thread(files.zip_export, name, out, too_big=ORDERS_TOO_BIG)
        out.seek(0)
        async with shop.store.uow() as uow:
            await uow.audit.record(admin_id, AUDIT_ACTION, None, audit_details(days, written))
    except BaseException:
        out.close()
        raise
    return OrdersExport(out, name, days, written.orders, written.rows)


def audit_details(days: OrderDays, written: order_export.Written) -> dict[str, Any]:
    """The days exported (an open end left out) and how many orders and rows went out."""
    details: dict[str, Any] = {}
    if days.first is not None:
        details["first_day"] = days.first.isoformat()
    if days.last is not None:
        details["last_day"] = days.last.isoformat()
    return details | {"orders": written.orders, "rows": written.rows}
