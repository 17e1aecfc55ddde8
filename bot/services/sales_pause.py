"""A sales pause (/pause: holidays, stocktaking), one rule for every way to buy.

While sales are paused shoppers browse and fill their carts as always, but no order is placed
and no payment taken: `place_order` asks `check_open` (the chat's Pay and the storefront's
checkout both come through it) and so does the pre-checkout answer (an invoice sent before the
pause cannot be paid during it). A shopper who meets the pause at checkout is told once when
sales open again.
"""

from __future__ import annotations

from bot import i18n
from bot.i18n import N_
from bot.services.errors import CartError, ShopError
from bot.services.notes import plain_words
from bot.store.uow import UnitOfWork

NOTE_MAX = 200  # sales_pause.note

CLOSED = N_(
    "🌙 The shop is not taking orders right now.\n"
    "Your cart is kept, and I will tell you here when it opens again."
)
CLOSED_WITH_NOTE = N_(
    "🌙 The shop is not taking orders right now: {note}\n"
    "Your cart is kept, and I will tell you here when it opens again."
)
NOTE_TOO_LONG = N_("That note is {count} characters long; keep it to {most}, or send /pause alone.")


def closed_words(note: str | None) -> tuple[str, dict[str, str]]:
    """The msgid (and its values) of what a shopper meets while sales are paused: the one
    choice between the words with the admin's note and those without."""
    return (CLOSED_WITH_NOTE, {"note": note}) if note else (CLOSED, {})


class SalesPaused(CartError):
    """Sales are paused: nothing can be bought now."""

    def __init__(self, note: str | None) -> None:
        super().__init__()
        self.pause_note = note
        text, params = closed_words(note)
        self._words(text, **params)


class PauseNoteRefused(ShopError):
    """The note of /pause is too long."""


async def check_open(uow: UnitOfWork) -> None:
    """SalesPaused, with the admin's note, while sales are paused."""
    pause = await uow.sales.pause()
    if pause is not None:
        raise SalesPaused(pause.note)


def pause_note(text: str) -> str | None:
    """The note a shopper reads at the paused checkout, from what follows /pause (None: no
    note); PauseNoteRefused if it is too long."""
    note = plain_words(text)
    if len(note) > NOTE_MAX:
        raise PauseNoteRefused(i18n.current()._(NOTE_TOO_LONG, count=len(note), most=NOTE_MAX))
    return note or None
