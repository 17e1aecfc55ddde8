"""The words of stars that more than one screen shows: the ⭐ button that opens a product's
stars and the product's name on it (her order's screen, the notice that it was delivered),
and a product's average ("★ 4.5 (2 ratings)": its card, the storefront, /stats)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.callback_data import Action, MyOrder, RateProduct
from bot.i18n import N_, Translator
from bot.notifier import Buttons
from bot.services.ratings import ToRate
from bot.store.models import split_variant_title

RATE = N_("⭐ Rate {title}")
# ⭐ buttons under the notice that her order was delivered: an order of more products offers
# the rest on its screen, rather than a keyboard of forty rows under one line of text.
RATE_ASKED = 5


def stars_text(tr: Translator, total: int, count: int) -> str:
    """ "★ 4.5 (2 ratings)": `count` ratings summing to `total` stars (count at least 1)."""
    return tr.ngettext(
        "★ {average} ({count} rating)",
        "★ {average} ({count} ratings)",
        count,
        average=tr.average(total, count),
        count=count,
    )


def rated_name(
    tr: Translator, title: str, translations: dict[str, Any] | None, variant_id: int
) -> str:
    """An order line's product in `tr`'s language: a variant's line ("Organic Tee - M /
    Oat") names its product ("Organic Tee"), which is what stars rate."""
    name = tr.name(title, translations)
    return split_variant_title(name)[0] if variant_id else name


def rate_button(
    tr: Translator, order_id: int, product_id: int, name: str, stars: int | None, page: int = 0
) -> tuple[str, RateProduct]:
    """ "⭐ Rate Stoneware Mug", or her stars once given; pressed, the stars to choose from
    (`page`: the /orders page to go back to)."""
    label = f"{'★' * stars} {name}" if stars else tr._(RATE, title=name)
    return label, RateProduct(order_id, product_id, 0, page)


def asked_to_rate(tr: Translator, order_id: int, products: Sequence[ToRate]) -> Buttons:
    """The buttons under the notice that her order was delivered: one ⭐ per product, for
    RATE_ASKED of them at most; then one that opens the order's screen, which offers all."""
    asked = products[:RATE_ASKED]
    rows: list[tuple[tuple[str, Action], ...]] = []
    for p in asked:
        name = rated_name(tr, p.title, p.translations, p.variant_id)
        rows.append((rate_button(tr, order_id, p.product_id, name, None),))
    if rest := len(products) - len(asked):
        label = tr.ngettext(
            "⭐ Rate the other {count} in order #{order_id}",
            "⭐ Rate the other {count} in order #{order_id}",
            rest,
            count=rest,
            order_id=order_id,
        )
        rows.append(((label, MyOrder(order_id)),))
    return tuple(rows)
