"""Every text of a sales pause (/pause, /resume): what shoppers meet at checkout and hear when
sales open again, and what the admins are told."""

from __future__ import annotations

from bot.callback_data import ShowCart
from bot.i18n import N_, Translator
from bot.notifier import Notice

CLOSED = N_(
    "🌙 The shop is not taking orders right now.\n"
    "Your cart is kept, and I will tell you here when it opens again."
)
CLOSED_WITH_NOTE = N_(
    "🌙 The shop is not taking orders right now: {note}\n"
    "Your cart is kept, and I will tell you here when it opens again."
)

PAUSED = N_(
    "🌙 Sales are paused. Shoppers can still browse and fill their carts; checkout and "
    "payment tell them:\n\n{closed}\n\n/resume opens sales again."
)
PAUSED_SINCE = N_("🌙 Sales are paused (since {since}): /resume opens them again.")
NOT_PAUSED = N_(
    "Sales are not paused. /pause pauses them (holidays, stocktaking): /pause Back on Monday!"
)
NOTE_TOO_LONG = N_("That note is {count} characters long; keep it to {most}, or send /pause alone.")


def closed_words(note: str | None) -> tuple[str, dict[str, str]]:
    """The msgid (and its values) of what a shopper meets while sales are paused: the one
    choice between the words with the admin's note and those without."""
    return (CLOSED_WITH_NOTE, {"note": note}) if note else (CLOSED, {})


def closed(tr: Translator, note: str | None) -> str:
    """What a shopper meets at checkout and payment, and over the storefront, while sales
    are paused."""
    text, params = closed_words(note)
    return tr._(text, **params)


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
