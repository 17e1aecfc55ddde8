"""Checkout's rules: the cart checked against the shop as it is now, then turned into an order.

Between adding to the cart and paying, prices may change, stock may run low, a product may be
hidden. `review_cart` puts the cart right (lowers or removes lines, quotes today's prices)
and reports each change, so the shopper confirms the new order before paying; what is wrong
with a line is decided by `bot.services.cart.line_problems`.

`place_order` then turns the cart into an order awaiting payment and holds its stock while
the invoice is open (`Product.reserved`). A hold becomes a sale when the payment arrives and
is given back when the invoice expires, is cancelled or is replaced by a new checkout. Every
stock change is one conditional UPDATE (see ProductRepository). Each function works in the
caller's unit of work and never waits on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot import i18n
from bot.bundle_rules import parts_of
from bot.config import Settings
from bot.i18n import N_
from bot.services import bundles, delivery_slots, gift_cards, promos, sales_pause
from bot.services.cart import (
    CartView,
    LineProblem,
    buyable_quantity,
    cart_view,
    counting_holds,
    holds_behind,
    limit_room,
    line_problems,
    line_unit,
    line_view,
    priced_by_tiers,
    shortage,
    with_sets_stock,
)
from bot.services.errors import (
    CartChanged,
    EmptyCart,
    GiftCardRefused,
    Named,
    NeedsShippingInStars,
    OutOfStock,
    PromoRefused,
    Shortage,
    WrongCurrency,
    check_invoice_total,
)
from bot.services.gift_cards import GiftCardQuote
from bot.services.order_minimum import check_minimum_order
from bot.services.order_summary import OrderSummary, summarize
from bot.services.promos import PricedLine, PromoQuote
from bot.services.sellable import Unit
from bot.store.models import CartLine, Order, OrderLine, utcnow
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork
from bot.tax import RateTax, by_rate, goods_taxed, line_taxes

EXPIRED = i18n.worded(N_("invoice expired"))  # why its order was cancelled, in the history


@dataclass(frozen=True, slots=True)
class LineChange:
    """One thing review_cart put right: `before`/`after` are prices (PRICE_CHANGED) or
    quantities (the others)."""

    problem: LineProblem
    title: str
    currency: str
    before: int
    after: int
    translations: dict[str, Any] | None = None  # the line's title in other languages
    # OVER_LIMIT: `title` is the product's, `before` its units in the cart (all variants),
    # `after` its per-order limit, which the cart now holds.


@dataclass(frozen=True, slots=True)
class CheckoutReview:
    """The cart after verification, and what changed in it."""

    cart: CartView
    changes: tuple[LineChange, ...]
    promo: PromoQuote | None = None
    promo_dropped: str | None = None  # the attached code no longer applies: why (it was removed)
    note: str | None = None
    gift_card: GiftCardQuote | None = None
    gift_card_dropped: str | None = None  # the attached card no longer pays: why (taken off)
    tax_rate_bp: int | None = None  # the shop's TAX_RATE (None: it shows no tax)

    @property
    def taxes(self) -> tuple[RateTax, ...]:
        """The VAT the goods include, per rate, as place_order will store it (the gift card
        is a means of payment: it changes none of it)."""
        return cart_taxes(self.tax_rate_bp, self.cart, self.promo)

    @property
    def ready(self) -> bool:
        """Nothing changed and something to pay for."""
        dropped = self.promo_dropped or self.gift_card_dropped
        return not self.changes and not dropped and not self.cart.is_empty

    @property
    def discount(self) -> int:
        return self.promo.discount if self.promo else 0

    @property
    def goods_total(self) -> int:
        """The goods after the discount: what MIN_ORDER and free shipping go by."""
        return after_promo(self.cart, self.promo)

    @property
    def total(self) -> int:
        """What the invoice will ask for the goods: the gift card pays the rest."""
        return self.goods_total - (self.gift_card.amount if self.gift_card else 0)


async def promo_quote(
    uow: UnitOfWork, customer_id: int, cart: CartView, currency: str, at: datetime | None = None
) -> tuple[PromoQuote | None, PromoRefused | None]:
    """What the promo code `cart` carries takes off its lines now: (its quote, None), or
    (None, why) for a code that no longer applies, or (None, None) for no code or no lines.
    The one quote of the summary (review_cart) and of the cart before it (cart_promo); the
    code's reads only for a cart that carries one."""
    if cart.is_empty or not cart.promo_code:
        return None, None
    lines, now = promos.priced(cart), at or utcnow()
    try:
        quote = await promos.quote(uow, cart.promo_code, customer_id, lines, currency, now)
    except PromoRefused as refused:
        return None, refused
    return quote, None


async def cart_promo(
    uow: UnitOfWork, customer_id: int, cart: CartView, currency: str, at: datetime | None = None
) -> PromoQuote | None:
    """What the promo code `cart` carries takes off it now, as the order summary will count
    it; None: nothing (no code, or one the summary would take off). The cart asks it before
    checkout (in the chat, its reminder and the storefront) for its discount line and for
    `after_promo`, so none promises what the summary takes back."""
    quote, _ = await promo_quote(uow, customer_id, cart, currency, at)
    return quote


def cart_taxes(
    tax_rate_bp: int | None, cart: CartView, promo: PromoQuote | None
) -> tuple[RateTax, ...]:
    """The VAT the cart's goods include after its promo code's discount (`promo`, None for
    none), per rate: what the summary says (CheckoutReview.taxes) and the storefront's cart
    says before it, as place_order will store it. () in a shop without TAX_RATE."""
    taxed = goods_taxed(tax_rate_bp, cart.lines, promo.shares if promo else None)
    return by_rate(zip((t.rate for t in taxed), line_taxes(taxed), strict=True))


def after_promo(cart: CartView, promo: PromoQuote | None) -> int:
    """What the goods come to after the promo code's discount (`promo`: its quote, None for
    none): what the cart's Checkout button says and MIN_ORDER and free shipping go by, on the
    cart as on the summary (CheckoutReview.goods_total)."""
    return cart.total - (promo.discount if promo else 0)


@dataclass(frozen=True)
class ReleasedHold:
    """An open invoice whose stock went back on the shelf."""

    order_id: int
    customer_telegram_id: int
    invoice_message_id: int | None
    language: str | None = None  # the shopper's /language choice (known for expired holds)
    language_code: str | None = None  # and their Telegram language
    card_not_back: str | None = None  # why its gift card part could not go back (admins told)


@dataclass(frozen=True)
class PlacedOrder:
    order: OrderSummary
    photo_url: str | None
    released: list[ReleasedHold]


async def review_cart(
    uow: UnitOfWork,
    customer_id: int,
    currency: str,
    at: datetime | None = None,
    *,
    tax_rate_bp: int | None = None,
) -> CheckoutReview:
    """Re-verify every line; adjust the cart to what can be sold, quote today's prices, and
    say what changed. An attached promo code is checked against the cart as it is now (and
    taken off, with the reason, if it no longer applies). Raises EmptyCart if there is
    nothing to check out. `tax_rate_bp`: the shop's TAX_RATE, for the VAT it says."""
    cart = await uow.carts.get_for_customer(customer_id)
    seen = await with_sets_stock(uow, cart, cart_view(cart, currency))
    holds = await holds_behind(uow, customer_id, seen)  # hers: place_order gives them back
    before = counting_holds(seen, holds)
    if before.is_empty:
        raise EmptyCart()
    changes: list[LineChange] = []
    buyable = {line.key: buyable_quantity(line) for line in before.lines}
    for line in before.lines:
        quantity = buyable[line.key]
        for problem in line_problems(line):
            price = problem is LineProblem.PRICE_CHANGED
            was, now = (
                (line.quoted_price or 0, line.own_price) if price else (line.quantity, quantity)
            )
            changes.append(
                LineChange(problem, line.title, line.currency, was, now, line.translations)
            )
    changes += _within_limits(before, buyable)
    for line in before.lines:
        await uow.carts.set_quantity(
            cart,
            line.product_id,
            buyable[line.key],
            quoted_price=line.own_price,
            variant_id=line.variant_id,
        )
    after = counting_holds(await with_sets_stock(uow, cart, cart_view(cart, currency)), holds)
    promo, refused = await promo_quote(uow, customer_id, after, currency, at)
    dropped = None
    if refused is not None:
        taken_off = i18n.current()._("The code was taken off your order.")
        dropped = f"{refused} {taken_off}"
        cart.promo_code = None
        after = replace(after, promo_code=None)
    card, card_dropped = None, None
    if cart.gift_card_code and not after.is_empty:
        try:
            discount = promo.discount if promo else 0
            card = await gift_cards.quote(
                uow,
                cart.gift_card_code,
                currency,
                after.total - discount,
                ships=after.needs_shipping,
            )
        except GiftCardRefused as refused:
            taken_off = i18n.current()._("The gift card was taken off your order.")
            card_dropped = f"{refused.said(i18n.current())} {taken_off}"
            cart.gift_card_code = None
    return CheckoutReview(
        after, tuple(changes), promo, dropped, cart.note, card, card_dropped, tax_rate_bp
    )


def _within_limits(cart: CartView, buyable: dict[tuple[int, int], int]) -> list[LineChange]:
    """Lower `buyable` (each line's quantity checkout would sell) to each product's per-order
    limit (`limit_room`), all its variants together, its lines in the cart's order; one
    change per product lowered (a cart filled before the limit was set, or from two devices
    at once)."""
    changes: list[LineChange] = []
    counted: dict[int, int] = {}
    wanted: dict[int, int] = {}
    for line in cart.lines:
        pid, quantity = line.product_id, buyable[line.key]
        wanted[pid] = wanted.get(pid, 0) + quantity
        room = limit_room(line.max_per_order, counted.get(pid, 0))
        if room is not None and quantity > room:
            buyable[line.key] = quantity = room
        counted[pid] = counted.get(pid, 0) + quantity
    for line in cart.lines:
        pid, limit = line.product_id, line.max_per_order
        if limit is not None and wanted.get(pid, 0) > counted[pid]:
            changes.append(
                LineChange(
                    LineProblem.OVER_LIMIT,
                    line.product_title or line.title,
                    line.currency,
                    wanted.pop(pid),
                    limit,
                    line.product_translations,
                )
            )
    return changes


def over_limit(lines: list[CartLine]) -> bool:
    """More of a product (all its variants) in these loaded cart lines than its per-order
    limit: nothing is held or charged beyond it."""
    units: dict[int, int] = {}
    for line in lines:
        units[line.product_id] = units.get(line.product_id, 0) + line.quantity
        limit = line.product.max_per_order
        if limit is not None and units[line.product_id] > limit:
            return True
    return False


async def place_order(
    uow: UnitOfWork,
    customer_id: int,
    telegram_id: int,
    settings: Settings,
    now: datetime,
    *,
    shown: CheckoutReview | None = None,
) -> PlacedOrder:
    """Turn the customer's cart into an order awaiting payment and hold its stock.

    The customer's previous open invoice is released first, then every line is reserved; if
    any line is short, OutOfStock names each one and the caller's unit of work rolls back.
    The customer is held first (`CustomerRepository.hold`; the caller's unit of work must not
    have written yet): checkouts of one cart at once, from the chat, the storefront or
    several workers, take turns, and each finds the one before it committed and replaces it,
    so a customer never has two orders holding stock.

    `shown` is the review the shopper last saw: if the cart's lines or the total no longer
    match it (changed meanwhile, on another device, say), CartChanged and nothing is held.
    A total Telegram would refuse in an invoice is TotalOutOfRange, also before any hold;
    while sales are paused (/pause), SalesPaused before anything; goods short of MIN_ORDER
    are BelowMinimumOrder, also before any hold. Goods to deliver in a shop with
    DELIVERY_SLOTS take a seat in the window she chose (bot.services.delivery_slots) in this
    transaction: SlotNeeded without one, SlotUnavailable when it is no longer free.
    """
    await sales_pause.check_open(uow)
    await uow.customers.hold(customer_id)
    released = await release_open_holds(
        uow, customer_id, telegram_id, i18n.worded(N_("replaced by a new checkout"))
    )
    cart = await uow.carts.get_for_customer(customer_id)
    lines = [line for line in cart.lines if line.quantity > 0]
    if not lines:
        raise EmptyCart()
    if shown is not None and cart_view(cart, settings.currency).fingerprint != (
        shown.cart.fingerprint
    ):
        raise CartChanged()
    # Each line at the price its quantity tier gives (the product's units all together).
    views = priced_by_tiers(tuple(line_view(line) for line in lines))
    if over_limit(lines):  # changed since its review (two devices): review it again
        raise CartChanged()
    units = [line_unit(line) for line in lines]
    foreign = [Named(u.title, u.translations) for u in units if u.currency != settings.currency]
    if foreign:
        raise WrongCurrency(foreign, settings.currency)
    physical = [Named(u.title, u.translations) for u in units if not u.is_digital]
    if settings.uses_stars and physical:
        raise NeedsShippingInStars(physical)

    items_total = sum(view.line_total for view in views)
    priced = [
        PricedLine(unit.product_id, unit.sku, view.line_total, unit.product_sku)
        for view, unit in zip(views, units, strict=True)
    ]
    promo = None
    if cart.promo_code:
        promo = await promos.quote(
            uow,
            cart.promo_code,
            customer_id,
            priced,
            settings.currency,
            now.astimezone(settings.zone),
        )
    shares = promo.shares if promo else (0,) * len(lines)
    taxed = goods_taxed(settings.tax_rate_bp, views, shares)
    taxes = line_taxes(taxed)
    discount = promo.discount if promo else 0
    if discount:
        promos.check_minimum(items_total - discount, settings.currency)
    card = None
    if cart.gift_card_code:
        card = await gift_cards.quote(
            uow,
            cart.gift_card_code,
            settings.currency,
            items_total - discount,
            ships=bool(physical),
        )
    paid_by_card = card.amount if card else 0
    to_pay = items_total - discount - paid_by_card
    if shown is not None and to_pay != shown.total:
        raise CartChanged()  # the same lines, but a code or card came off or pays otherwise
    check_minimum_order(items_total - discount, settings)  # MIN_ORDER, before holding stock
    if to_pay or not card:  # paid by the card alone: no invoice
        check_invoice_total(to_pay, settings.currency)  # before holding stock
    # Every line's units (a set: its parts) held at once, rows in one global order.
    wanted = [
        await bundles.expand(uow, line.product_id, line.variant_id, line.quantity) for line in lines
    ]
    shortages: list[Shortage] = []
    if not all(unit.is_active for unit in units) or not await bundles.hold_all(
        uow, [u for line_units in wanted for u in line_units]
    ):
        shortages = await _shortages(uow, lines, units, wanted)
    if shortages:
        raise OutOfStock(shortages)

    order = Order(
        customer_id=customer_id,
        status=OrderStatus.AWAITING_PAYMENT.value,
        currency=settings.currency,
        items_total=items_total,
        discount_total=discount,
        promo_code=promo.code if promo else None,
        gift_card_code=card.code if card else None,
        gift_card_amount=paid_by_card,
        note=cart.note,
        shipping_total=0,
        total=to_pay,
        tax_label=settings.tax_label if settings.tax_on else None,
        tax_rate_bp=settings.tax_rate_bp,
        tax_total=sum(taxes),
        needs_shipping=bool(physical),
        hold_status="held",
        hold_expires_at=now + timedelta(minutes=settings.reservation_minutes),
        created_at=now,
        lines=[
            OrderLine(
                product_id=line.product_id,
                variant_id=line.variant_id,
                sku=unit.sku,
                title=unit.title,
                unit_price=view.unit_price,
                currency=unit.currency,
                quantity=line.quantity,
                discount=share,
                tax_rate_bp=taxed_line.rate,
                tax=tax,
                # A set keeps the parts it held: a release, sale or restock moves these.
                bundle=None if line.variant_id else line.product.bundle,
            )
            for line, unit, view, share, taxed_line, tax in zip(
                lines, units, views, shares, taxed, taxes, strict=True
            )
        ],
    )
    if delivery_slots.needs_slot(settings, bool(physical)):
        await delivery_slots.take_for_order(uow, settings, cart, order, now)
    await uow.orders.add(order)
    if promo is not None:
        await promos.hold_use(uow, promo, customer_id, order.id)
    if card is not None:
        await gift_cards.spend(uow, card)
    loaded = await uow.orders.get(order.id)
    assert loaded is not None
    photo = next((unit.photo for unit in units if unit.photo), None)
    return PlacedOrder(summarize(loaded), photo, released)


async def _shortages(
    uow: UnitOfWork,
    lines: list[CartLine],
    units: list[Unit],
    wanted: list[list[tuple[int, int, int]]],
) -> list[Shortage]:
    """Which lines ran short, as if held one by one in cart order (what is left after the
    lines before it): the hold itself took every row at once, in one global order."""
    free = await bundles.free_units(uow, {(pid, vid) for w in wanted for pid, vid, _ in w})
    shortages: list[Shortage] = []
    for line, unit, line_units in zip(lines, units, wanted, strict=True):
        if unit.is_active and all(free[(pid, vid)] >= n for pid, vid, n in line_units):
            for pid, vid, n in line_units:
                free[(pid, vid)] -= n
            continue
        # Refreshes line.product / line.variant: what is on sale now.
        await uow.products.get(line.product_id)
        if line.variant_id:
            await uow.products.get_variant(line.variant_id)
        parts = {pid: free[(pid, vid)] for pid, vid, _ in line_units}
        if len(line_units) == 1 and line_units[0][:2] == (line.product_id, line.variant_id):
            left = free[(line.product_id, line.variant_id)]
        else:  # a set: the sets its parts still make
            left = bundles.available_of(parts_of(line.product), parts)
        missing = shortage(replace(line_view(line), available=left))
        shortages.append(
            missing or Shortage(unit.title, line.quantity, 0, translations=unit.translations)
        )
    return shortages


async def give_back_held(uow: UnitOfWork, order: Order) -> gift_cards.CardBack | None:
    """Everything an unpaid order holds goes back, once: its stock, its promo code's use and
    its gift card's part. Every way such an order goes (its invoice expired or was not sent,
    a new checkout, /cancel, the admin's Cancel, a privacy deletion) comes here, so what an
    order holds next is given back in this one place. What became of the card's part (its
    `not_back` says why it could not go back); None if the hold was no longer held (paid,
    or released by another path first). Its delivery seat goes back with it."""
    if not await uow.orders.claim_hold(order.id, "released"):
        return None
    units = [
        unit
        for line in order.lines
        for unit in await bundles.expand(
            uow, line.product_id, line.variant_id, line.quantity, bundles.kept_parts(line)
        )
    ]
    # In the one global order a hold takes its rows in (`bundles.merged`), not the cart's.
    for pid, vid, count in bundles.merged(units):
        await uow.products.release(pid, count, vid)
    # After its products, as place_order takes a seat after holding stock: rows are locked
    # in one order (products by id, then delivery windows), so two checkouts never wait on
    # each other in a circle (a deadlock on PostgreSQL).
    await delivery_slots.give_back(uow, order)
    await promos.release_use(uow, order.id)
    return await gift_cards.give_back(uow, order)


async def release_hold(
    uow: UnitOfWork, order: Order, telegram_id: int, why: str, actor: str = "system"
) -> ReleasedHold | None:
    """Give back what an open invoice holds and cancel it; None if it was no longer held."""
    if (given := await give_back_held(uow, order)) is None:
        return None
    if order.status == OrderStatus.AWAITING_PAYMENT:
        await uow.orders.transition(order, "cancel", actor=actor, note=why)
    return ReleasedHold(
        order.id, telegram_id, order.invoice_message_id, card_not_back=given.not_back
    )


async def release_open_holds(
    uow: UnitOfWork, customer_id: int, telegram_id: int, why: str, actor: str = "system"
) -> list[ReleasedHold]:
    """Every open invoice of the customer cancelled, its stock released (/cancel, checkout)."""
    return [
        hold
        for order in await uow.orders.open_holds_for_customer(customer_id)
        if (hold := await release_hold(uow, order, telegram_id, why, actor))
    ]


async def release_expired_holds(uow: UnitOfWork, now: datetime) -> list[ReleasedHold]:
    """Every hold past its expiry released and its order cancelled."""
    return [
        replace(hold, language=order.customer.language, language_code=order.customer.language_code)
        for order in await uow.orders.expired_holds(now)
        if (hold := await release_hold(uow, order, order.customer.telegram_id, EXPIRED))
    ]
