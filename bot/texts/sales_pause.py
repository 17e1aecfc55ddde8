"""The texts of a sales pause (/pause, /resume): what shoppers hear when sales open again and
what the admins are told. The words a shopper meets at the paused checkout are the rule's
own (`bot.services.sales_pause`), which refuses with them; `closed` reads them."""

from __future__ import annotations

from bot.callback_data import ShowCart
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.services.sales_pause import closed_words

PAUSED = N_(
    "🌙 Sales are paused. Shoppers can still browse and fill their carts; checkout and "
    "payment tell them:\n\n{closed}\n\n/resume opens sales again."
)
PAUSED_SINCE = N_("🌙 Sales are paused (since {since}): /resume opens them again.")
NOT_PAUSED = N_(
    "Sales are not paused. /pause pauses them (holidays, stocktaking): /pause Back on Monday!"
)


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
