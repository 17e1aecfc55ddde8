"""/export orders as the admin reads it: the file's caption, the answer when there is no
order to export, and the days in words (also for /audit's `orders.export` rows)."""

from __future__ import annotations

from bot import i18n
from bot.i18n import Translator


def days_words(tr: Translator, first: str | None, last: str | None) -> str:
    """ "from 2026-12-01 to 2026-12-31", "from 2026-12-01 on", "up to 2026-12-31", "every
    day"."""
    if first and last:
        return tr._("from {first} to {last}", first=first, last=last)
    if first:
        return tr._("from {first} on", first=first)
    if last:
        return tr._("up to {last}", last=last)
    return tr._("every day")


def no_orders(first: str | None, last: str | None) -> str:
    tr = i18n.current()
    if not first and not last:
        return tr._("There are no orders yet.")
    return tr._("No orders {days}.", days=days_words(tr, first, last))


def counted(tr: Translator, orders: int, rows: int) -> str:
    """ "2 orders in 3 rows" (one row a line)."""
    return " ".join(
        [
            tr.ngettext("{count} order", "{count} orders", orders, count=orders),
            tr.ngettext("in {count} row", "in {count} rows", rows, count=rows),
        ]
    )


def caption(orders: int, rows: int, first: str | None, last: str | None, zone: str) -> str:
    tr = i18n.current()
    head = (
        tr._("🧾 Orders {days}", days=days_words(tr, first, last))
        if first or last
        else tr._("🧾 All orders")
    )
    return tr._(
        "{head}: {counted} (one a line); times on the shop's clock, {zone}. Plain UTF-8: "
        "open it in Excel with Data > From Text/CSV and pick UTF-8.",
        head=head,
        counted=counted(tr, orders, rows),
        zone=zone,
    )
