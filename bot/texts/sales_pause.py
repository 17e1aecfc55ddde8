"""The texts of a sales pause (/pause, /resume): what shoppers hear when sales open again and
what the admins are told. The words a shopper meets at the paused checkout are the rule's
own (`bot.services.sales_pause`), which refuses with them; `closed` reads them."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.callback_data import ShowCart
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.services import sales_pause

PAUSED = N_(
    "🌙 Sales are paused. Shoppers can still browse and fill their carts; checkout and "
    "payment tell them:\n\n{closed}\n\n/resume opens sales again."
)
PAUSED_UNTIL = N_(
    "🌙 Sales are paused through {day}: they open again by themselves after that day. "
    "Shoppers can still browse and fill their carts; checkout and payment tell them:"
    "\n\n{closed}\n\n/resume opens sales sooner."
)
CHANGED = N_(
    "🌙 Sales stay paused (since {since}); checkout and payment now tell shoppers:"
    "\n\n{closed}\n\n/resume opens sales again."
)
STATUS = N_(
    "🌙 Sales are paused since {since}, until /resume. Checkout and payment tell shoppers:"
    "\n\n{closed}"
)
STATUS_UNTIL = N_(
    "🌙 Sales are paused since {since}, through {day}: they open again by themselves after "
    "that day. Checkout and payment tell shoppers:\n\n{closed}"
)
STATUS_HINT = N_(
    "/resume opens sales again; /pause with a day or a note changes the pause, e.g. "
    "/pause until=2026-12-27 Back after Christmas!"
)
PAUSED_SINCE = N_("🌙 Sales are paused (since {since}): /resume opens them again.")
PAUSED_SINCE_UNTIL = N_(
    "🌙 Sales are paused (since {since}, until {day}): /resume opens them sooner."
)
NOT_PAUSED = N_(
    "Sales are not paused. /pause pauses them (holidays, stocktaking), e.g. "
    "/pause until=2026-12-27 Back after Christmas!"
)


def closed(tr: Translator, note: str | None, until: date | None = None) -> str:
    """What a shopper meets at checkout and payment, and over the storefront, while sales
    are paused."""
    return sales_pause.closed(tr, note, until)


def unpaid(tr: Translator, count: int) -> str:
    """The admin's line about invoices already sent ("": none awaits payment)."""
    if not count:
        return ""
    return tr.ngettext(
        "⚠️ {count} order awaits payment: its invoice cannot be paid while sales are paused "
        "(it can after /resume, while its stock is still held).",
        "⚠️ {count} orders await payment: their invoices cannot be paid while sales are "
        "paused (they can after /resume, while their stock is still held).",
        count,
        count=count,
    )


def paused(tr: Translator, note: str | None, until: date | None, awaiting: int) -> str:
    """The admin's answer to a /pause that paused sales."""
    words = closed(tr, note, until)
    if until is None:
        text = tr._(PAUSED, closed=words)
    else:
        text = tr._(PAUSED_UNTIL, day=tr.day(until), closed=words)
    return _with_unpaid(tr, text, awaiting)


def changed(
    tr: Translator,
    note: str | None,
    until: date | None,
    since: datetime,
    zone: tzinfo,
    awaiting: int,
) -> str:
    """The admin's answer to a /pause that changed the pause in force (its words, its end)."""
    text = tr._(CHANGED, since=tr.datetime(since, zone), closed=closed(tr, note, until))
    return _with_unpaid(tr, text, awaiting)


def status(
    tr: Translator,
    note: str | None,
    until: date | None,
    since: datetime,
    zone: tzinfo,
    awaiting: int,
) -> str:
    """/pause status (or /pause alone while paused): the pause in force, changing nothing."""
    words, when = closed(tr, note, until), tr.datetime(since, zone)
    if until is None:
        text = tr._(STATUS, since=when, closed=words)
    else:
        text = tr._(STATUS_UNTIL, since=when, day=tr.day(until), closed=words)
    return _with_unpaid(tr, text, awaiting) + "\n\n" + tr._(STATUS_HINT)


def paused_since(tr: Translator, since: datetime, until: date | None, zone: tzinfo) -> str:
    """The admin menu's line over a paused shop: since when, and through which day when the
    pause ends by itself."""
    when = tr.datetime(since, zone)
    if until is None:
        return tr._(PAUSED_SINCE, since=when)
    return tr._(PAUSED_SINCE_UNTIL, since=when, day=tr.day(until))


def _with_unpaid(tr: Translator, text: str, awaiting: int) -> str:
    line = unpaid(tr, awaiting)
    return f"{text}\n\n{line}" if line else text


def resumed(tr: Translator, waiting: int) -> str:
    """The admin's answer to /resume: and how many shoppers hear of it."""
    if not waiting:
        return tr._("✅ Sales are open again.")
    return tr.ngettext(
        "✅ Sales are open again. I am telling the {count} shopper who met the paused checkout.",
        "✅ Sales are open again. I am telling the {count} shoppers who met the paused checkout.",
        waiting,
        count=waiting,
    )


def reopened(tr: Translator) -> Notice:
    """The one message a shopper who met the paused checkout gets when sales open again."""
    return Notice(
        tr._("🛍 The shop is taking orders again! Your cart is waiting for you."),
        buttons=(((tr._("🛒 Cart"), ShowCart()),),),
    )
