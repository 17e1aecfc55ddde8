"""The shopper's cart: add, change and remove lines within what is actually available.

Available means stock minus what unpaid invoices hold (Product.available), except that what
the shopper's own open invoice holds is still hers (`Held`): her next checkout gives it back
before it takes stock. What is wrong with a line (off sale, sold out, fewer left, a new price)
is decided once, by `line_problems`.
A product may also be limited per order (`Product.max_per_order`: "at most 2 per order",
all its variants together): `limit_room` is that rule, for adding, the card's picker, the
storefront's stepper, Buy again and checkout alike. Adding past it adds up to it and says so.
Every refusal is a domain error (bot.services.errors); nothing here knows about Telegram.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.pricing import Tier, Tiers, next_tier, on_sale, tier_for, tiered
from bot.services import bundles
from bot.services.errors import (
    CartChanged,
    LineFull,
    NotInCart,
    OutOfStock,
    OverOrderLimit,
    ProductUnavailable,
    Shortage,
    VariantUnavailable,
)
from bot.services.sellable import Unit, unit_of
from bot.store.models import Cart, CartLine
from bot.store.repositories.carts import CardCounts
from bot.store.uow import UnitOfWork

FINGERPRINTS = 10**12 - 1
MAX_QUANTITY = 99  # units one cart line holds at most (chat and page alike)


def fingerprint_of(currency: str, lines: Iterable[tuple[int, int, int, int]]) -> int:
    """`CartView.fingerprint` of lines given as (product, variant, quantity, unit price): a
    cart's, or an order's, whose lines were its cart's."""
    what = sorted(lines)
    digest = hashlib.blake2b(repr((currency, what)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % FINGERPRINTS + 1


"""How many fingerprints a cart may have (1 to this): each fits a button's 12 digits."""


class LineProblem(StrEnum):
    """What can stand between a cart line and buying it exactly as it stands."""

    OFF_SALE = "off_sale"  # taken off sale: the line goes
    SOLD_OUT = "sold_out"  # nothing left: the line goes
    FEWER_LEFT = "fewer_left"  # less left than the line asks for: its quantity comes down
    PRICE_CHANGED = "price_changed"  # not the price the shopper was quoted
    # More of the product (all its variants) than its per-order limit: checkout lowers it.
    OVER_LIMIT = "over_limit"


@dataclass(frozen=True, slots=True)
class Held:
    """Units of one product (variant) held for the shopper's own open invoice; `in_chat`: that
    invoice is a message in the chat (the storefront's checkout opens its own from a link)."""

    order_id: int
    quantity: int
    in_chat: bool = True


OwnHolds = dict[tuple[int, int], Held]
"""The shopper's holds by (product id, variant id)."""


@dataclass(frozen=True, slots=True)
class CartLineView:
    product_id: int
    sku: str
    title: str
    unit_price: int
    currency: str
    quantity: int
    available: int
    is_active: bool
    is_digital: bool = False
    quoted_price: int | None = None  # the price the shopper saw when the line was last set
    variant_id: int = 0  # the variant bought (0: the product itself); title names it
    product_sku: str = ""  # the product's SKU (`sku` is the variant's)
    translations: dict[str, Any] | None = None  # the title in other languages (not a variant's)
    held: Held | None = None  # held for her own open invoice (counted in `available`)
    compare_at: int | None = None  # the regular price while on sale: shown, never charged
    max_per_order: int | None = None  # the product's per-order limit, all variants together
    product_title: str = ""  # the product's own title (the limit's), and in other languages
    product_translations: dict[str, Any] | None = None
    tax_rate_bp: int | None = None  # the product's own VAT rate (None: the shop's; bot.tax)
    untaxed: bool = False  # a gift card: a voucher, taxed when spent
    # Quantity tiers: `unit_price` is what one unit costs at the tier the product's units in
    # the cart reach (`tier`, None below the first), `list_price` the unit's own price before
    # it (what the shopper is quoted and a sale is measured against). CartView sets both.
    tiers: Tiers = ()
    list_price: int | None = None
    tier: Tier | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.product_id, self.variant_id)

    @property
    def own_price(self) -> int:
        """The unit's price before any quantity tier: what quotes compare and sales save."""
        return self.unit_price if self.list_price is None else self.list_price

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


def line_problems(line: CartLineView) -> tuple[LineProblem, ...]:
    """Why this line cannot be bought exactly as it stands, worst first; () if it can.

    The one rule for a line's stock and price, used by the cart screen, the checkout review
    and the cart's own changes. A line without a quote counts as quoted at today's price.
    """
    if not line.is_active:
        return (LineProblem.OFF_SALE,)
    if line.available <= 0:
        return (LineProblem.SOLD_OUT,)
    problems = []
    if line.quantity > line.available:
        problems.append(LineProblem.FEWER_LEFT)
    if line.quoted_price is not None and line.quoted_price != line.own_price:
        problems.append(LineProblem.PRICE_CHANGED)
    return tuple(problems)


def buyable_quantity(line: CartLineView) -> int:
    """How many of the line can be bought now: none off sale or sold out, at most what is
    left. Checkout brings the line to this; a reminder shows only this."""
    problems = line_problems(line)
    if LineProblem.OFF_SALE in problems or LineProblem.SOLD_OUT in problems:
        return 0
    return min(line.quantity, line.available)


def shortage(line: CartLineView, in_cart: int = 0) -> Shortage | None:
    """The line's stock problem as OutOfStock reports it; None if there is enough."""
    problems = line_problems(line)
    if LineProblem.OFF_SALE in problems or LineProblem.SOLD_OUT in problems:
        return Shortage(line.title, line.quantity - in_cart, 0, in_cart, line.translations)
    if LineProblem.FEWER_LEFT in problems:
        wanted = line.quantity - in_cart
        return Shortage(line.title, wanted, line.available, in_cart, line.translations)
    return None


def line_room(in_cart: int) -> int:
    """How many more units a cart line holding `in_cart` can take: a line holds at most
    MAX_QUANTITY however it grows (Add, ➕, the page), so every raise is checked here."""
    return max(0, MAX_QUANTITY - in_cart)


def limit_room(limit: int | None, in_order: int) -> int | None:
    """How many more units of a product one cart (one order) may take under its per-order
    limit (`Product.max_per_order`), `in_order` of it being there already, all its variants
    together; None when it has no limit. The one rule for the limit: adding (what passes it
    is left out, `_within_limit`), the card's picker, the page's stepper, Buy again and
    checkout (`review_cart` lowers a cart above it; `place_order` refuses one)."""
    return None if limit is None else max(0, limit - in_order)


def can_add(available: int, in_cart: int, room: int | None = None) -> int:
    """How many more of a product (variant) the shopper can put in her cart now: what is
    available to her (her own held units counted, `counting_holds`) less what her cart holds,
    within the line's room (`line_room`) and the product's per-order limit (`room`, from
    `limit_room`); 0 when her cart has all there is or the line is full. The chat's quantity
    picker and the page's stepper both stop here, and every change that raises a line
    refuses more than this (`_check_room`, `_check_stock`, `_within_limit`)."""
    most = min(available - in_cart, line_room(in_cart))
    return max(0, most if room is None else min(most, room))


def looks_short(quantity: int, available: int) -> bool:
    """Fewer available than `quantity` (nothing, when 0): only then can her own hold change
    what the shopper is told, so only then is it read (most screens cost no extra query)."""
    return available < max(quantity, 1)


def _summed(held_lines: Iterable[tuple[int, int, int, int, bool]]) -> OwnHolds:
    """OwnHolds from (product id, variant id, order id, units, invoice in the chat) lines:
    units of the same product and variant add up."""
    holds: OwnHolds = {}
    for product_id, variant_id, order_id, quantity, in_chat in held_lines:
        key = (product_id, variant_id)
        before = holds[key].quantity if key in holds else 0
        holds[key] = Held(order_id, before + quantity, in_chat)
    return holds


async def own_holds(uow: UnitOfWork, customer_id: int) -> OwnHolds:
    """What the shopper's own open invoice holds (one at most; see checkout.place_order)."""
    orders = await uow.orders.open_holds_for_customer(customer_id)
    return _summed(
        (
            line.product_id,
            line.variant_id,
            order.id,
            line.quantity,
            order.invoice_message_id is not None,
        )
        for order in orders
        for line in order.lines
    )


async def own_holds_of(uow: UnitOfWork, customer_id: int, product_id: int) -> OwnHolds:
    """`own_holds` of one product only: one prepared read, cheap enough for every card."""
    held = await uow.orders.holds_of_product(customer_id, product_id)
    return _summed((product_id, *line) for line in held)


def priced_by_tiers(lines: tuple[CartLineView, ...]) -> tuple[CartLineView, ...]:
    """Each line at the tier its product's units in `lines` reach, all its variants
    together (bot.pricing.tiered): the one place a cart's lines get their tiered price, on
    every CartView made (the cart, its changes, checkout's review and place_order alike)."""
    units: dict[int, int] = {}
    for line in lines:
        units[line.product_id] = units.get(line.product_id, 0) + line.quantity
    return tuple(
        replace(
            line,
            list_price=line.own_price,
            unit_price=tiered(line.own_price, units[line.product_id], line.tiers),
            tier=tier_for(units[line.product_id], line.tiers),
        )
        if line.tiers
        else line
        for line in lines
    )


@dataclass(frozen=True, slots=True)
class TierNudge:
    """One more unit of a product would reach its next tier: "💡 Add 1 more to save 10%"."""

    product_id: int
    more: int
    percent: int


@dataclass(frozen=True, slots=True)
class CartView:
    lines: tuple[CartLineView, ...]
    currency: str
    # The promo code the cart carries (typed on the summary, or from a promo_ link), read with
    # its lines: what checkout.promo_quote quotes, with no read of its own.
    promo_code: str | None = None

    def __post_init__(self) -> None:
        # However a cart view is made (read, changed, lowered to what is buyable), its lines
        # are priced at the tiers their quantities reach now.
        object.__setattr__(self, "lines", priced_by_tiers(self.lines))

    def tier_nudge(self, product_id: int) -> TierNudge | None:
        """The product's next tier when one more unit would reach it; None otherwise."""
        lines = [ln for ln in self.lines if ln.product_id == product_id and ln.is_active]
        if not lines:
            return None
        units = sum(ln.quantity for ln in lines)
        upper = next_tier(units, lines[0].tiers)
        if upper is None or upper[0] - units != 1:
            return None
        return TierNudge(product_id, upper[0] - units, upper[1])

    @property
    def total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def saving(self) -> int:
        """What the sales of its lines take off their regular prices ("You save $4.00")."""
        return sum(
            (line.compare_at - line.own_price) * line.quantity
            for line in self.lines
            if line.is_active
            and line.compare_at is not None
            and on_sale(line.own_price, line.compare_at)
        )

    @property
    def needs_shipping(self) -> bool:
        """Anything physical in it: the payment form will ask for an address."""
        return any(not line.is_digital for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def fingerprint(self) -> int:
        """A number for exactly these lines: what, which option, how many, at what price
        (never 0; another cart gets another number but for a chance in 10**12). The order
        summary's Pay button and the storefront's checkout carry the fingerprint of the cart
        they showed, and checkout pays only a cart that still has it."""
        return fingerprint_of(
            self.currency,
            ((ln.product_id, ln.variant_id, ln.quantity, ln.unit_price) for ln in self.lines),
        )

    def units_of_product(self, product_id: int) -> int:
        """Units of the product in the cart, all its variants together (its limit counts)."""
        return sum(ln.quantity for ln in self.lines if ln.product_id == product_id)

    def quantity_of(self, product_id: int, variant_id: int = 0) -> int:
        line = self.line(product_id, variant_id)
        return line.quantity if line is not None else 0

    def line(self, product_id: int, variant_id: int = 0) -> CartLineView | None:
        key = (product_id, variant_id)
        return next((ln for ln in self.lines if ln.key == key), None)

    def with_quantity(self, product_id: int, quantity: int, variant_id: int = 0) -> CartView:
        """This cart with one of its lines at `quantity` (0 drops the line)."""
        key = (product_id, variant_id)
        lines = tuple(
            replace(ln, quantity=quantity) if ln.key == key else ln
            for ln in self.lines
            if ln.key != key or quantity > 0
        )
        return replace(self, lines=lines)

    def buyable(self) -> CartView:
        """This cart as checkout would sell it now (`buyable_quantity` of each line, at
        today's price); empty if nothing in it can be bought."""
        lines = tuple(
            replace(ln, quantity=quantity, quoted_price=ln.own_price)
            for ln in self.lines
            if (quantity := buyable_quantity(ln)) > 0
        )
        return replace(self, lines=lines)


@dataclass(frozen=True, slots=True)
class CartChange:
    """What a change did: the product's title and price now, its new quantity, and how many
    items the cart holds now; `cart` is the whole cart after it, when the change read it."""

    product_id: int
    title: str
    unit_price: int
    quantity: int
    cart_items: int
    cart: CartView | None = None
    variant_id: int = 0
    translations: dict[str, Any] | None = None  # the title in other languages (not a variant's)
    # Set when the product's per-order limit cut the change short: `added` units went in (of
    # more asked for), the cart now holding `limit` of the product.
    limit: int | None = None
    added: int = 0
    product_title: str = ""
    product_translations: dict[str, Any] | None = None
    in_order: int = 0  # units of the product in the cart now, all variants (when it is limited)


async def view_cart(uow: UnitOfWork, customer_id: int, currency: str) -> CartView:
    """The cart with current prices, her own held units counted as hers; `currency` is the
    shop's, used when the cart is empty."""
    cart = await uow.carts.find_for_customer(customer_id)
    if cart is None:
        return CartView((), currency)
    seen = await with_sets_stock(uow, cart, cart_view(cart, currency))
    return counting_holds(seen, await holds_behind(uow, customer_id, seen))


async def with_sets_stock(uow: UnitOfWork, cart: Cart, seen: CartView) -> CartView:
    """`seen` with each set's stock its parts' (bot.services.bundles; no query without one)."""
    made = await bundles.availability(uow, [line.product for line in cart.lines])
    if not made:
        return seen
    lines = tuple(
        replace(ln, available=made[ln.product_id])
        if ln.product_id in made and not ln.variant_id
        else ln
        for ln in seen.lines
    )
    return replace(seen, lines=lines)


async def units_by_variant(
    uow: UnitOfWork, customer_id: int, product_id: int, currency: str
) -> dict[int, int]:
    """Her units of the product in her cart by variant id, as her cart counts them: what a
    variant's card needs when the product's tier counts all its variants together."""
    basket = await view_cart(uow, customer_id, currency)
    return {
        line.variant_id: line.quantity for line in basket.lines if line.product_id == product_id
    }


async def holds_behind(uow: UnitOfWork, customer_id: int, cart: CartView) -> OwnHolds:
    """The shopper's own holds when a line of `cart` looks short; {} (no query) otherwise."""
    short = any(ln.is_active and looks_short(ln.quantity, ln.available) for ln in cart.lines)
    return await own_holds(uow, customer_id) if short else {}


async def counting_every_hold(uow: UnitOfWork, customer_id: int, cart: CartView) -> CartView:
    """`cart` (from view_cart) with her own held units counted on every line, also on those
    that do not look short: how far a line can still grow (the storefront's + and stepper)
    depends on them. One query when the cart has lines."""
    if not cart.lines:
        return cart
    holds = await own_holds(uow, customer_id)
    unread = {
        key: held
        for key, held in holds.items()
        if (line := cart.line(*key)) is not None and line.held is None
    }
    return counting_holds(cart, unread)


def counting_holds(cart: CartView, holds: OwnHolds) -> CartView:
    """`cart` with the units her own open invoice holds counted as available to her."""
    if not holds:
        return cart
    lines = tuple(
        replace(ln, available=ln.available + held.quantity, held=held)
        if (held := holds.get(ln.key))
        else ln
        for ln in cart.lines
    )
    return replace(cart, lines=lines)


async def counts(
    uow: UnitOfWork, customer_id: int, product_id: int, variant_id: int = 0
) -> tuple[int, int]:
    """How many of `product_id` (that variant of it) the cart holds, and how many items in
    all (one query)."""
    return await uow.carts.counts(customer_id, product_id, variant_id)


async def card_counts(
    uow: UnitOfWork, customer_id: int, product_id: int, variant_id: int = 0
) -> CardCounts:
    """`counts`, whether her own open invoice holds any of the product (a card reads what it
    holds, catalog.as_hers, only then) and whether she saved it. One query for all."""
    return await uow.carts.card_counts(customer_id, product_id, variant_id)


# Changes read what they need, decide, and write one compare-and-set on the line
# (CartRepository.set_line): a change decided on an older read is refused, never applied.


async def add_to_cart(
    uow: UnitOfWork,
    customer_id: int,
    product_id: int,
    quantity: int = 1,
    *,
    quoted_price: int | None = None,
    variant_id: int = 0,
) -> CartChange:
    """Add `quantity` units (on top of what the cart holds), refused beyond availability.
    Past the product's per-order limit only what it leaves room for goes in (the change's
    `limit` says so); OverOrderLimit when it leaves none.

    `quoted_price` is the price the shopper was shown (today's price if not given): if it is
    not today's, checkout says so and asks to confirm. A product sold as variants is added
    as one of them (`variant_id`).
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    unit = await sellable(uow, product_id, variant_id)
    in_cart, items = await uow.carts.counts(customer_id, product_id, variant_id)
    in_order = (
        await uow.carts.product_units(customer_id, product_id)
        if unit.max_per_order is not None
        else in_cart
    )
    asked = quantity
    quantity = _within_limit(unit, quantity, in_order)
    _check_room(unit, in_cart + quantity, in_cart)
    await _check_stock(uow, customer_id, unit, in_cart + quantity, in_cart)
    quote = unit.price if quoted_price is None else quoted_price
    if not await uow.carts.set_line(
        customer_id, product_id, in_cart, in_cart + quantity, quoted_price=quote, variant=variant_id
    ):
        raise CartChanged()
    return CartChange(
        product_id,
        unit.title,
        unit.price,
        in_cart + quantity,
        items + quantity,
        variant_id=variant_id,
        translations=unit.translations,
        limit=unit.max_per_order if quantity < asked else None,
        added=quantity,
        product_title=unit.product_title,
        product_translations=unit.product_translations,
        in_order=in_order + quantity,
    )


async def set_quantity(
    uow: UnitOfWork, customer_id: int, product_id: int, quantity: int, variant_id: int = 0
) -> CartChange:
    """Set a line of the cart to `quantity`; zero removes it. Lowering is always allowed,
    also on a line whose product went off sale meanwhile.
    NotInCart if the line is gone (a stale page): setting is no way to add."""
    cart = await view_cart(uow, customer_id, "")
    if cart.line(product_id, variant_id) is None:
        raise NotInCart()
    return await _set_line(uow, customer_id, cart, (product_id, variant_id), quantity)


async def change_quantity(
    uow: UnitOfWork, customer_id: int, product_id: int, delta: int, variant_id: int = 0
) -> CartChange:
    """+1 / -1 from the cart view; going below one removes the line."""
    cart = await view_cart(uow, customer_id, "")
    quantity = cart.quantity_of(product_id, variant_id) + delta
    return await _set_line(uow, customer_id, cart, (product_id, variant_id), quantity)


async def remove_line(
    uow: UnitOfWork, customer_id: int, product_id: int, variant_id: int = 0
) -> CartChange:
    return await set_quantity(uow, customer_id, product_id, 0, variant_id)


async def clear_cart(uow: UnitOfWork, customer_id: int) -> None:
    await uow.carts.empty(customer_id)


async def _set_line(
    uow: UnitOfWork, customer_id: int, cart: CartView, key: tuple[int, int], quantity: int
) -> CartChange:
    product_id, variant_id = key
    line = cart.line(product_id, variant_id)
    in_cart = line.quantity if line is not None else 0
    limited: int | None = None
    owner: tuple[str, dict[str, Any] | None] = ("", None)  # the product's title (its limit's)
    if quantity <= 0:
        if line is None:
            raise NotInCart()
        quantity, title, price, names = 0, line.title, line.own_price, line.translations
    elif line is not None and quantity < in_cart:  # lowering, also a line gone off sale
        title, price, names = line.title, line.own_price, line.translations
    else:
        unit = await sellable(uow, product_id, variant_id)
        if quantity > in_cart:
            asked = quantity
            in_order = cart.units_of_product(product_id)
            quantity = in_cart + _within_limit(unit, quantity - in_cart, in_order)
            limited = unit.max_per_order if quantity < asked else None
            _check_room(unit, quantity, in_cart)
            await _check_stock(uow, customer_id, unit, quantity, in_cart)
        title, price, names = unit.title, unit.price, unit.translations
        owner = (unit.product_title, unit.product_translations)
    # The cart screen shows today's price, so the new quantity is quoted at it.
    quote = price if quantity > 0 else None
    if not await uow.carts.set_line(
        customer_id, product_id, in_cart, quantity, quoted_price=quote, variant=variant_id
    ):
        raise CartChanged()
    items = cart.item_count - in_cart + quantity
    after = cart.with_quantity(product_id, quantity, variant_id) if line is not None else None
    return CartChange(
        product_id,
        title,
        price,
        quantity,
        items,
        after,
        variant_id,
        names,
        limit=limited,
        added=max(0, quantity - in_cart),
        product_title=owner[0],
        product_translations=owner[1],
    )


async def sellable(uow: UnitOfWork, product_id: int, variant_id: int = 0) -> Unit:
    """The unit a shopper may put in the cart: the product on sale, or its variant.

    ProductUnavailable if the product is gone or hidden; VariantUnavailable if the variant is
    not the product's (a stale or forged button) or the product is sold as variants and none
    was named."""
    product = await uow.products.get(product_id)
    if product is None or not product.is_active:
        raise ProductUnavailable(product_id)
    if not variant_id and not product.has_variants:
        unit = unit_of(product)
        made = await bundles.availability(uow, [product])
        return replace(unit, available=made[product.id]) if made else unit
    variant = await uow.products.get_variant(variant_id) if variant_id else None
    if variant is None or variant.product_id != product_id or not product.has_variants:
        raise VariantUnavailable(product_id, variant_id)
    return unit_of(product, variant)


def _within_limit(unit: Unit, quantity: int, in_order: int) -> int:
    """Of `quantity` more units, those the product's per-order limit leaves room for beside
    the `in_order` her cart holds (all its variants); OverOrderLimit when it leaves none."""
    room = limit_room(unit.max_per_order, in_order)
    if room is None:
        return quantity
    if room <= 0:
        assert unit.max_per_order is not None
        raise OverOrderLimit(unit.product_title, unit.max_per_order, unit.product_translations)
    return min(quantity, room)


def _check_room(unit: Unit, quantity: int, in_cart: int) -> None:
    """LineFull if a line holding `in_cart` cannot grow to `quantity` (`line_room`)."""
    if quantity - in_cart > line_room(in_cart):
        raise LineFull(unit.title, in_cart, line_room(in_cart), unit.translations)


async def _check_stock(
    uow: UnitOfWork, customer_id: int, unit: Unit, quantity: int, in_cart: int
) -> None:
    """OutOfStock unless `quantity` units can go in the cart (with what her own open invoice
    holds of it, read only when it would be refused otherwise)."""
    missing = shortage(_line_view(unit, quantity), in_cart)
    if missing is not None and unit.is_active:
        held = (await own_holds(uow, customer_id)).get((unit.product_id, unit.variant_id))
        if held is not None:
            unit = replace(unit, available=unit.available + held.quantity)
            missing = shortage(_line_view(unit, quantity), in_cart)
    if missing is not None:
        raise OutOfStock([missing])


def _line_view(unit: Unit, quantity: int, quoted_price: int | None = None) -> CartLineView:
    return CartLineView(
        product_id=unit.product_id,
        sku=unit.sku,
        title=unit.title,
        unit_price=unit.price,
        currency=unit.currency,
        quantity=quantity,
        available=unit.available,
        is_active=unit.is_active,
        is_digital=unit.is_digital,
        quoted_price=quoted_price,
        variant_id=unit.variant_id,
        product_sku=unit.product_sku,
        translations=unit.translations,
        compare_at=unit.compare_at,
        max_per_order=unit.max_per_order,
        product_title=unit.product_title,
        product_translations=unit.product_translations,
        tax_rate_bp=unit.tax_rate_bp,
        untaxed=unit.untaxed,
        tiers=unit.tiers,
    )


def line_unit(line: CartLine) -> Unit:
    """What a loaded cart line (with its product and variant) sells. A line naming a variant
    that is gone, or a product sold as variants without naming one, is off sale."""
    if line.variant_id and line.variant is not None and line.variant.product_id == line.product_id:
        return unit_of(line.product, line.variant)
    unit = unit_of(line.product)
    if line.variant_id or line.product.has_variants:
        return replace(unit, variant_id=line.variant_id, is_active=False)
    return unit


def line_view(line: CartLine) -> CartLineView:
    """A loaded cart line (with its product and variant) as plain data."""
    return _line_view(line_unit(line), line.quantity, line.quoted_price)


def cart_view(cart: Cart, currency: str) -> CartView:
    """A loaded cart as plain data; `currency` is the shop's, used when the cart is empty."""
    lines = tuple(line_view(line) for line in cart.lines)
    return CartView(lines, lines[0].currency if lines else currency, cart.promo_code)
