"""The words of delivery time slots (bot.services.delivery_slots) wherever they are shown: the
order summary's line and buttons, the order's screens, receipts, alerts and invoice, and the
admin's /slots. Days in the reader's own way (a CLDR skeleton), windows as the shop wrote
them ("10:00-12:00"). Plain text: the shopper's screens escape it for HTML; the admins' chat
is plain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.i18n import N_, Translator
from bot.services.delivery_slots import SlotState, by_day
from bot.services.order_summary import day_label, delivery_time

FULL_DAY = "yMMMEd"  # Mon, Dec 7, 2026 (the invoice's)

CHOOSE = N_("🕒 Delivery time: choose one below, then pay.")
NONE_FREE = N_(
    "🕒 No delivery times are free in the next {days} days. Please try again later or contact us."
)
CHANGE = N_("🕒 Change delivery time")
DELIVERY = N_("Delivery: {day}, {window}")

SLOTS_TITLE = N_("🕒 Delivery times (taken/capacity)")
SLOTS_OFF = N_("Delivery times are off: set DELIVERY_SLOTS to offer them.")
SLOT_CLOSED_MARK = N_("closed")
SLOT_PAST_MARK = N_("past cut-off")
SLOTS_USAGE = N_(
    "Use /slots to see the next days, or /slots close DAY WINDOW and /slots open DAY WINDOW,"
    " e.g. /slots close tomorrow 10:00-12:00 (DAY: 2026-12-07, today or tomorrow)."
)
SLOT_CLOSED = N_(
    "Closed {day}, {window}: no new orders will get it. Orders already booked keep it: {booked}."
)
SLOT_OPENED = N_("Opened {day}, {window} again: {booked} of {capacity} taken.")


def slot_button(tr: Translator, day: date, window: str) -> str:
    """ "Mon, Dec 7 · 10:00-12:00": a window offered on the summary."""
    return f"{day_label(tr, day)} · {window}"


def chosen_line(tr: Translator, day: date, window: str) -> str:
    """ "🕒 Delivery: Mon, Dec 7, 10:00-12:00" on the summary and the order's screens."""
    return delivery_time(tr, day, window) or ""


def invoice_line(tr: Translator, day: date, window: str) -> str:
    """ "Delivery: Mon, Dec 7, 2026, 10:00-12:00" on the PDF invoice."""
    return tr._(DELIVERY, day=day_label(tr, day, FULL_DAY), window=window)


def slots_table(tr: Translator, slots: Sequence[SlotState]) -> str:
    """/slots: each day and its windows, "10:00-12:00  3/5 (closed)"."""
    lines = [tr._(SLOTS_TITLE)]
    for day, windows in by_day(slots).items():
        lines += ["", f"{day_label(tr, day)} ({day.isoformat()})"]
        for state in windows:
            marks = [tr._(SLOT_CLOSED_MARK)] if state.closed else []
            if state.past_cutoff:
                marks.append(tr._(SLOT_PAST_MARK))
            said = f" ({', '.join(marks)})" if marks else ""
            lines.append(f"{state.window}  {state.taken}/{state.capacity}{said}")
    return "\n".join(lines)
