"""The words of a set (bundle), wherever it is shown: the card's "🧺 In this set" line and
what it saves, in the chat and the storefront alike. The rule is bot.services.bundles'."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.services.bundles import Contents

IN_THIS_SET = N_("🧺 In this set: {parts}")
PART = N_("{quantity} × {title}")
SAVES = N_("You save {amount} against buying them apart")


def contents_line(tr: Translator, inside: Contents | None) -> str:
    """ "🧺 In this set: 1 × Gooseneck Kettle 1L, 2 × Stoneware Mug 350ml"; "" for no set."""
    if inside is None or not inside.parts:
        return ""
    parts = ", ".join(
        tr._(PART, quantity=p.quantity, title=tr.name(p.title, p.translations))
        for p in inside.parts
    )
    return tr._(IN_THIS_SET, parts=parts)


def set_saving_line(tr: Translator, inside: Contents | None, currency: str) -> str:
    """ "You save $9.00 against buying them apart", only when the set does save ("" else)."""
    if inside is None or inside.saving <= 0:
        return ""
    return tr._(SAVES, amount=tr.money(inside.saving, currency))
