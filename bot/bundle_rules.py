"""What makes a set (bundle), as /bundle and catalog files check it: its parts written as
"KIT-KTL-GOO:1 KIT-MUG-CER:2", 1 to 10 plain products of its currency, each 1 to 99 units,
no set, gift card or itself among them. Pure rules, below the store (catalog files) and the
services (bot.services.bundles moves the stock)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.catalog_rules import OutOfRange, sku_key
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.store.models import Product


class HasBundle(Protocol):
    """A product, or a line of a list of them: what a set's parts are read from."""

    @property
    def bundle(self) -> list[dict[str, int]] | None: ...


MAX_PARTS = 10
MAX_PART_QUANTITY = 99

PARTS_REFUSED = N_(
    "Write the parts as SKU:QUANTITY separated by spaces, e.g. KIT-KTL-GOO:1 KIT-MUG-CER:2: "
    "1 to 10 parts, each 1 to 99 units."
)
_PART_RE = re.compile(r"^(?P<sku>[^:\s]+):(?P<quantity>\d{1,3})$")


class BundleError(OutOfRange):
    """Parts that cannot make a set; its `template` (a catalog msgid) says why."""


@dataclass(frozen=True, slots=True)
class Part:
    """`quantity` units of product `product_id` in each unit of the set."""

    product_id: int
    quantity: int


def parts_of(product: HasBundle) -> tuple[Part, ...]:
    """The parts of a set as stored, () for a product sold as itself."""
    return tuple(Part(int(p["product_id"]), int(p["quantity"])) for p in product.bundle or ())


def stored(parts: Sequence[Part]) -> list[dict[str, int]] | None:
    """`parts` as products.bundle keeps them (None: no set)."""
    return [{"product_id": p.product_id, "quantity": p.quantity} for p in parts] or None


def parse_parts(text: str) -> list[tuple[str, int]]:
    """ "KIT-KTL-GOO:1 KIT-MUG-CER:2" -> [("KIT-KTL-GOO", 1), ("KIT-MUG-CER", 2)]; "" -> []
    (no set). BundleError for anything else. The one check of /bundle and catalog files."""
    words = [word for word in re.split(r"[\s,;]+", str(text).strip()) if word]
    named: list[tuple[str, int]] = []
    for word in words:
        match = _PART_RE.match(word)
        if match is None:
            raise BundleError(PARTS_REFUSED)
        quantity = int(match.group("quantity"))
        if not 1 <= quantity <= MAX_PART_QUANTITY:
            raise BundleError(PARTS_REFUSED)
        named.append((match.group("sku"), quantity))
    if len(named) > MAX_PARTS:
        raise BundleError(PARTS_REFUSED)
    keys = [sku_key(sku) for sku, _ in named]
    if len(set(keys)) != len(keys):
        raise BundleError(N_("Name each part once, with its quantity (KIT-MUG-CER:2)."))
    return named


def check_parts(bundle: Product, parts: Sequence[Product], others: Iterable[Product]) -> None:
    """BundleError unless `parts` may make `bundle` a set: plain products (no set, gift card
    or product sold as variants), not the bundle itself, in its currency; and `bundle` is
    no part of another set (`others`: the sets there are)."""
    if bundle.is_gift_card or bundle.has_variants:
        raise BundleError(
            N_("{sku} cannot be a set: it sells gift cards or variants."), sku=bundle.sku
        )
    for part in parts:
        if part.id == bundle.id:
            raise BundleError(N_("A set cannot contain itself ({sku})."), sku=part.sku)
        if part.bundle:
            raise BundleError(
                N_("{part} is a set itself: a set cannot contain a set."), part=part.sku
            )
        if part.is_gift_card:
            raise BundleError(
                N_("{part} sells gift cards: a set cannot contain one."), part=part.sku
            )
        if part.has_variants:
            raise BundleError(
                N_("{part} is sold as variants: a set contains plain products."), part=part.sku
            )
        if part.currency != bundle.currency:
            raise BundleError(
                N_("{part} is priced in {currency}, the set in {own}: a set takes one currency."),
                part=part.sku,
                currency=part.currency,
                own=bundle.currency,
            )
    for other in others:
        if other.id != bundle.id and any(p.product_id == bundle.id for p in parts_of(other)):
            raise BundleError(
                N_("{sku} is a part of the set {set}: a set cannot contain a set."),
                sku=bundle.sku,
                set=other.sku,
            )


def parts_text(parts: Sequence[tuple[str, int]]) -> str:
    """ "KIT-KTL-GOO:1 KIT-MUG-CER:2", as /bundle and catalog files write them ("" for none)."""
    return " ".join(f"{sku}:{quantity}" for sku, quantity in parts)
