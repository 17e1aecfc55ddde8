"""A sales pause (/pause: holidays, stocktaking), one rule for every way to buy.

While sales are paused shoppers browse and fill their carts as always, but no order is placed
and no payment taken: `place_order` asks `check_open` (the chat's Pay and the storefront's
checkout both come through it) and so does the pre-checkout answer (an invoice sent before the
pause cannot be paid during it). A shopper who meets the pause at checkout is told once when
sales open again.

A pause may end by itself: `/pause until=2026-12-27` pauses through that day on the shop's
clock (SHOP_TIMEZONE), as /sale's and /promo's until= (`promos.day_bound`, one rule). It is
over when its midnight has come, checked whenever the pause is read: no job ends it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot import i18n
from bot.clipping import telegram_length
from bot.i18n import N_, Translator
from bot.services.errors import CartError, ShopError
from bot.services.notes import plain_words
from bot.services.promos import PromoInputError, day_bound, parse_day
from bot.store.models import SalesPause, utcnow
from bot.store.uow import UnitOfWork

NOTE_MAX = 200  # sales_pause.note
# Telegram shows the refusal of a pre-checkout query on the payment form: a short reason.
REFUSAL_MAX = 255
STATUS = "status"  # /pause status: what the pause is, changing nothing

CLOSED = N_(
    "🌙 The shop is not taking orders right now.\n"
    "Your cart is kept, and I will tell you here when it opens again."
)
CLOSED_WITH_NOTE = N_(
    "🌙 The shop is not taking orders right now: {note}\n"
    "Your cart is kept, and I will tell you here when it opens again."
)
CLOSED_UNTIL = N_(
    "🌙 The shop is taking a break until {day} — you can browse and fill your cart; "
    "checkout opens again then."
)
CLOSED_UNTIL_WITH_NOTE = N_(
    "🌙 The shop is taking a break until {day} — you can browse and fill your cart; "
    "checkout opens again then.\n{note}"
)
NOTE_TOO_LONG = N_("That note is {count} characters long; keep it to {most}, or send /pause alone.")
TWO_UNTILS = N_("Send one until= day, not two: e.g. /pause until=2026-12-27 Back after Christmas!")
UNTIL_PAST = N_(
    "until= is in the past: the pause would be over before it starts. Send a day from today "
    "on, e.g. /pause until=2026-12-27 Back after Christmas!"
)

# How soon the banner of /start and /help shows another worker's /pause or /resume (the
# answers to common questions' own: bot.services.faq). Checkout, payment, the cart and the
# storefront read the pause itself, every time.
REFRESH_SECONDS = 60.0

# until=DAY as a word of its own, wherever it stands among the note's words.
_UNTIL = re.compile(r"(?<!\S)until=(\S*)", re.IGNORECASE)


def closed_words(note: str | None, until: date | None = None) -> tuple[str, dict[str, object]]:
    """The msgid (and its values) of what a shopper meets while sales are paused: the one
    choice between the words with the admin's note and those without, with the pause's last
    day or without (the day an `i18n.day` value: each reader's way of writing it)."""
    if until is not None:
        day = i18n.day(until)
        if note:
            return CLOSED_UNTIL_WITH_NOTE, {"day": day, "note": note}
        return CLOSED_UNTIL, {"day": day}
    return (CLOSED_WITH_NOTE, {"note": note}) if note else (CLOSED, {})


def closed(tr: Translator, note: str | None, until: date | None = None) -> str:
    """What a shopper meets at checkout and payment, and over the storefront, while sales
    are paused, in `tr`'s language."""
    text, params = closed_words(note, until)
    return tr.said(i18n.worded(text, **params))


class Paused:
    """What a pause says (its note and last day) and when it is over: a copy that outlives
    the session it was read in."""

    __slots__ = ("ends_at", "note", "until")

    def __init__(self, pause: SalesPause) -> None:
        self.note, self.until, self.ends_at = pause.note, pause.until, pause.ends_at

    def in_force(self, now: datetime) -> bool:
        return self.ends_at is None or now < self.ends_at


def closed_by(tr: Translator, pause: SalesPause | Paused | None) -> str:
    """The banner of a paused shop ("": sales are open)."""
    return closed(tr, pause.note, pause.until) if pause is not None else ""


class PauseBook:
    """The pause as this process last read it, for the banner of /start and /help only (a
    visit to the menu stays one statement, as the answers to common questions do: read again
    when older than REFRESH_SECONDS, or at once after this process's /pause or /resume). Its
    end is checked on each look, so a pause over by itself is over here at the same moment."""

    def __init__(self, refresh: float = REFRESH_SECONDS, clock: Callable[[], float] | None = None):
        self.refresh = refresh
        self._clock = clock or time.monotonic
        self._read: tuple[Paused | None] | None = None  # None: not read yet
        self._read_at = 0.0
        self._changes = 0

    def changed(self) -> None:
        self._read = None
        self._changes += 1

    async def pause(self, uow: UnitOfWork, now: datetime | None = None) -> Paused | None:
        """The pause in force at `now` as last read (None: sales are open)."""
        if self._read is None or self._clock() - self._read_at >= self.refresh:
            changes, read_at = self._changes, self._clock()
            found = await uow.sales.pause()
            read = (Paused(found) if found is not None else None,)
            if changes != self._changes:  # a change began meanwhile: not kept
                return read[0]
            self._read, self._read_at = read, read_at
        paused = self._read[0]
        return paused if paused is not None and paused.in_force(now or utcnow()) else None


class SalesPaused(CartError):
    """Sales are paused: nothing can be bought now."""

    def __init__(self, note: str | None, until: date | None = None) -> None:
        super().__init__()
        self.pause_note, self.until = note, until
        text, params = closed_words(note, until)
        self._words(text, **params)

    def refusal(self, tr: Translator) -> str:
        """The reason Telegram's payment form shows (at most REFUSAL_MAX): the words, or,
        should the admin's note make them too long, the words without it."""
        said = self.said(tr)
        if telegram_length(said) <= REFUSAL_MAX:
            return said
        return closed(tr, None, self.until)


class PauseRefused(ShopError):
    """/pause cannot pause as asked (the words say what to send instead)."""


class PauseNoteRefused(PauseRefused):
    """The note of /pause is too long."""


@dataclass(frozen=True, slots=True)
class PauseRequest:
    """/pause [until=DAY] [note]: the note shoppers read (None: none), and the pause's last
    day on the shop's clock with the midnight that ends it (None: until /resume)."""

    note: str | None
    until: date | None = None
    ends_at: datetime | None = None


async def check_open(uow: UnitOfWork) -> None:
    """SalesPaused, with the admin's note and the pause's last day, while sales are paused."""
    pause = await uow.sales.pause()
    if pause is not None:
        raise SalesPaused(pause.note, pause.until)


def pause_note(text: str) -> str | None:
    """The note a shopper reads at the paused checkout, from what follows /pause (None: no
    note); PauseNoteRefused if it is too long."""
    note = plain_words(text)
    if len(note) > NOTE_MAX:
        raise PauseNoteRefused(i18n.current()._(NOTE_TOO_LONG, count=len(note), most=NOTE_MAX))
    return note or None


def pause_request(text: str, zone: tzinfo, now: datetime) -> PauseRequest:
    """What follows /pause: an optional until=2026-12-27 as a word of its own anywhere (the
    whole day on the shop's clock, `zone`), the rest the note. PauseRefused for two of them,
    a day that is not one or is past, or a note too long."""
    found = list(_UNTIL.finditer(text))
    if len(found) > 1:
        raise PauseRefused(i18n.current()._(TWO_UNTILS))
    if not found:
        return PauseRequest(pause_note(text))
    day = found[0].group(1)
    try:
        ends_at = day_bound("until", day, zone)
    except PromoInputError as exc:
        raise PauseRefused(str(exc)) from None
    if ends_at <= now:
        raise PauseRefused(i18n.current()._(UNTIL_PAST))
    return PauseRequest(pause_note(_UNTIL.sub("", text)), parse_day(day), ends_at)
