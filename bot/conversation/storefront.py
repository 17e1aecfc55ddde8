"""The storefront's use cases (the Mini App page): the chat's catalog, cart and orders as data.

The page and the chat share one cart and one order history: these visits are the chat's own
kind (`journey.looking`: lock-free reads, compare-and-set writes made at the end), on the same
services, with refusals worded once (`journey.refusal`). Unlike the chat's visits they do not
move the chat's flow: browsing in the page leaves the chat's screen where it was. Checkout is
not here at all: the page pays through the chat's own `journey.pay`, so an order placed from
the page follows exactly the chat's rules (re-verification, stock holds, shipping, Stars).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.conversation.journey import (
    NOT_IN_CART,
    Shopper,
    Visit,
    added_notice,
    changed_notice,
    changing,
    invoice_open,
    keep,
    looking,
    missed_lines,
    rated_notice,
    refusal,
    reordered_notice,
    slot_choice,
)
from bot.conversation.screens import SlotChoice
from bot.i18n import N_, Translator
from bot.services import cart as carts
from bot.services import catalog, delivery_slots, favourites, ratings, reorder, returns, reviews
from bot.services.cancelling import CancelOffer, can_cancel, cancel_offer
from bot.services.cart import MAX_QUANTITY, CartView, Held
from bot.services.catalog import CategoryItem, ProductCard, ProductItem, ProductPage
from bot.services.checkout import after_promo, cart_promo, cart_taxes
from bot.services.errors import (
    CartChanged,
    CartError,
    Named,
    NeedsShippingInStars,
    NotInCart,
    ProductUnavailable,
    SlotUnavailable,
)
from bot.services.order_history import OrderPage, OrderView, get_order, order_page
from bot.services.order_summary import tax_lines
from bot.services.photos import PhotoKind, PhotoSource, resolve_original
from bot.services.promos import PromoQuote
from bot.services.returns import ReturnOffer, ReturnState
from bot.shop import Shop
from bot.store.models import utcnow
from bot.store.order_states import OrderStatus
from bot.store.repositories.reviews import Review
from bot.texts import delivery as delivery_texts
from bot.texts import returns as return_texts
from bot.texts import sales_pause as sales_texts
from bot.texts.cart_thresholds import free_shipping_text, min_order_text


@dataclass(frozen=True, slots=True)
class ProductView:
    """A product's page: the card, and how many of it the shopper's cart holds (of each
    variant, by id, for a product sold as variants); `held`: what her own open invoice holds
    of it (by variant id, 0 for the product itself), counted in the card as hers."""

    card: ProductCard
    in_cart: int
    in_cart_by_variant: dict[int, int] = field(default_factory=dict)
    held: dict[int, Held] = field(default_factory=dict)
    saved: bool = False  # she saved it (♡), in the chat or the page
    reviews: tuple[Review, ...] = ()  # the newest its card lists (REVIEWS_PER_PAGE)
    also_bought: tuple[ProductItem, ...] = ()  # "Often bought with this", as the chat's card


@dataclass(frozen=True, slots=True)
class PageCart:
    """The cart as the page shows it, and `closed`: while sales are paused (/pause), the
    chat's own words for it (sales_pause.closed, the admin's note in them), which the page
    shows over every view, its checkout off; "" while sales are open."""

    basket: CartView
    closed: str = ""
    min_order_text: str = ""  # short of MIN_ORDER: the rule's words, checkout off
    free_shipping_text: str = ""  # how far from free standard shipping ("": nothing to say)
    promo: PromoQuote | None = None  # what its promo code takes off now (checkout.cart_promo)
    tax_texts: tuple[str, ...] = ()  # "Includes VAT 20%: $2.67", one per rate (): no tax
    delivery: SlotChoice | None = None  # her delivery time, as the summary asks it (None: not)
    # Goods to ship in a Telegram Stars shop (a Stars invoice asks no address): the chat's
    # summary's words (CheckoutScreen.unshippable), checkout off; "": nothing to say.
    unshippable_text: str = ""


@dataclass(frozen=True, slots=True)
class CartUpdate:
    """The cart after a change the page asked for; `done` False: refused, `notice` says why.
    `report`: the lines Buy again could not bring back as ordered, and why."""

    cart: PageCart
    notice: str
    done: bool = True
    report: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kept:
    """♡ pressed in the page: whether the product is saved now, and her word for it (`done`
    False: refused, the word says why)."""

    saved: bool
    notice: str
    done: bool = True


@dataclass(frozen=True, slots=True)
class MyOrder:
    """One of her orders, with her stars for its products (only an order she may rate from
    has any to give), and what she would get back if she cancelled it (None: she may not,
    so the page offers no ✖️ Cancel order)."""

    order: OrderView
    stars: dict[int, int] = field(default_factory=dict)
    cancel: CancelOffer | None = None
    # ↩️ Return items as the chat's order screen shows it (the button, or a request
    # waiting), and the lines she may pick when it offers the button.
    returns: ReturnState = field(default_factory=ReturnState)
    return_offer: ReturnOffer | None = None


@dataclass(frozen=True, slots=True)
class Cancelled:
    """Her order after her ✖️ Cancel order (or her return request), and what she is told
    about it."""

    mine: MyOrder
    notice: str


@dataclass(frozen=True, slots=True)
class Rated:
    """Her stars for a product of her order, and her thanks for them."""

    stars: int
    notice: str


# ---------------------------------------------------------------- the catalog (anyone's)


async def categories(shop: Shop, in_stock: bool = False) -> list[CategoryItem]:
    """The categories to browse; with `in_stock` counting only what can be bought now."""
    async with shop.store.reading() as uow:
        return await catalog.list_categories(uow, in_stock=in_stock)


async def category_page(
    shop: Shop, category_id: int, page: int, order: str = "name", in_stock: bool = False
) -> ProductPage:
    """One page of a category in `order`, with `in_stock` only what can be bought now;
    CategoryNotFound if it has nothing to show."""
    async with shop.store.reading() as uow:
        return await catalog.category_page(uow, category_id, page, order, in_stock)


async def search(shop: Shop, query: str, page: int) -> ProductPage:
    """The chat's search (same words, same ranking, same typo tolerance), in its turn."""
    async with shop.searching, shop.store.reading() as uow:
        return await catalog.search(uow, query, page)


async def photo(
    shop: Shop, product_id: int, variant_id: int = 0, further: int = 0
) -> PhotoSource | None:
    """Where an active product's photo (or its variant's, or the `further`th after it in
    its gallery, from 1) is: the catalog's file or URL first (a browser can load those),
    else the file_id Telegram keeps for it. None: no such photo."""
    async with shop.store.reading() as uow:
        card = await catalog.product_card(uow, product_id, variant_id)
    reference, file_id = card.photo, card.photo_file_id
    if further:
        if further >= card.photo_count:
            return None
        chosen = card.further_photos[further - 1]
        reference, file_id = chosen.photo, chosen.file_id
    source = resolve_original(reference, shop.settings.catalog_path)
    if source is None and file_id:
        return PhotoSource(PhotoKind.FILE_ID, file_id, cached=True)
    return source


# ---------------------------------------------------------------- the shopper's own


@looking
async def reader(v: Visit) -> Translator:
    """The shopper's language, their /language choice included (the page's words follow it)."""
    return v.tr


@looking
async def product(v: Visit, product_id: int) -> ProductView:
    """ProductUnavailable if it is hidden or gone."""
    card = await catalog.product_card(v.uow, product_id)
    mine = await carts.card_counts(v.uow, v.customer_id, product_id, card.variant_id)
    if not card.variants:
        by_variant = {0: mine.in_cart}
    else:
        by_variant = await carts.units_by_variant(v.uow, v.customer_id, product_id, v.currency)
    card, held = await catalog.as_hers(v.uow, v.customer_id, card)  # as the chat counts them
    in_cart, of_variants = by_variant.get(card.variant_id, 0), by_variant if card.variants else {}
    newest = await reviews.newest(v.uow, card)
    also = await catalog.also_bought(v.uow, product_id)
    return ProductView(card, in_cart, of_variants, held, mine.saved, newest, also)


@looking
async def cart(v: Visit) -> PageCart:
    return await _cart(v)


async def _cart(v: Visit, basket: CartView | None = None) -> PageCart:
    """The cart as the page shows it: each line with what her own open invoice holds of it
    counted, so its cap (views.cart's max_quantity) is what she can really have; and
    whether sales are paused, asked with it (the page loads the cart on opening, after
    each change and on coming back), so the page says so before she reaches checkout."""
    if basket is None:
        basket = await carts.view_cart(v.uow, v.customer_id, v.currency)
    counted = await carts.counting_every_hold(v.uow, v.customer_id, basket)
    pause = await v.uow.sales.pause()
    closed = sales_texts.closed(v.tr, pause.note, pause.until) if pause is not None else ""
    if counted.is_empty:  # nothing to check out: no thresholds to speak of
        return PageCart(counted, closed)
    settings = v.shop.settings
    promo = await cart_promo(v.uow, v.customer_id, counted, v.currency)
    goods = after_promo(counted, promo)
    taxes = cart_taxes(settings.tax_rate_bp, counted, promo)
    mine = await v.uow.carts.find_for_customer(v.customer_id)
    delivery = await slot_choice(v, mine, counted.needs_shipping)
    return PageCart(
        counted,
        closed,
        min_order_text(v.tr, goods, settings) or "",
        free_shipping_text(v.tr, goods, settings, needs_shipping=counted.needs_shipping) or "",
        promo,
        tuple(tax_lines(v.tr, settings.shown_tax_label, taxes, v.currency)),
        delivery,
        _unshippable(v, counted),
    )


def _unshippable(v: Visit, basket: CartView) -> str:
    """What the chat's summary says of goods to ship in a Stars shop (journey.checkout),
    said up front on the page too: "" when the shop takes cards or nothing ships."""
    if not (v.shop.settings.uses_stars and basket.needs_shipping):
        return ""
    physical = [Named(ln.title, ln.translations) for ln in basket.lines if not ln.is_digital]
    return NeedsShippingInStars(physical).said(v.tr)


async def add(
    shop: Shop,
    who: Shopper,
    product_id: int,
    quantity: int,
    shown_price: int | None,
    variant_id: int = 0,
) -> CartUpdate:
    """Add `quantity` (from 1; at most MAX_QUANTITY go in at once) to the chat's cart (that
    variant of the product); `shown_price` is the price the page showed (checkout asks the
    shopper to confirm if it is no longer today's)."""
    quantity = min(quantity, MAX_QUANTITY)
    notice, done = await _add(shop, who, product_id, quantity, shown_price, variant_id)
    return CartUpdate(await cart(shop, who), notice, done)


@looking
async def _add(
    v: Visit, product_id: int, quantity: int, shown_price: int | None, variant_id: int
) -> tuple[str, bool]:
    try:
        change = await carts.add_to_cart(
            v.uow,
            v.customer_id,
            product_id,
            quantity,
            quoted_price=shown_price,
            variant_id=variant_id,
        )
    except (CartError, ProductUnavailable) as error:
        return refusal(v.tr, error), False
    return added_notice(v.tr, change, quantity, shown_price, v.currency), True


@looking
async def set_quantity(v: Visit, product_id: int, quantity: int, variant_id: int = 0) -> CartUpdate:
    """A line (of that variant) to `quantity` (0 removes it), within what is available."""
    quantity = min(quantity, MAX_QUANTITY)
    try:
        done = await carts.set_quantity(v.uow, v.customer_id, product_id, quantity, variant_id)
    except NotInCart:
        return await _refused(v, v.tr._(NOT_IN_CART))
    except (CartError, ProductUnavailable) as error:
        return await _refused(v, refusal(v.tr, error))
    # The line was there, so `done.cart` is the cart with the change, as it is stored once
    # the visit's deferred writes are made (a read here would not see them yet).
    after = done.cart if done.cart is not None and done.cart.lines else CartView((), v.currency)
    return CartUpdate(await _cart(v, after), changed_notice(v.tr, done))


@looking
async def clear(v: Visit) -> CartUpdate:
    await carts.clear_cart(v.uow, v.customer_id)
    return CartUpdate(await _cart(v, CartView((), v.currency)), v.tr._("Your cart is now empty."))


async def _refused(v: Visit, notice: str) -> CartUpdate:
    return CartUpdate(await _cart(v), notice, False)


NO_TIME_TO_CHOOSE = N_("This cart has nothing to deliver at a time: there is no time to choose.")
CHOOSE_TIME = N_("🕒 Delivery time: choose one, then check out.")
WAITING_IN_CHAT = N_(
    "An invoice is already waiting in your chat with the shop: pay it there, "
    "or send /cancel in the chat to start again."
)


@changing
async def choose_time(v: Visit, chosen: tuple[date, str] | None) -> CartUpdate:
    """Her delivery time chosen on the page (None: cleared, to choose another), kept on the
    cart as the summary's buttons keep it, so the chat and the page share it. A time not free
    (full, closed, past its cut-off, never offered) is refused in the chat's words, and her
    former choice forgotten, as the chat does; so is a cart with nothing to deliver,
    and any change while an invoice of the chat waits."""
    page = await _cart(v)
    if page.delivery is None:
        return CartUpdate(page, v.tr._(NO_TIME_TO_CHOOSE), False)
    if await invoice_open(v):  # its order keeps the time it booked, as in the chat
        return CartUpdate(page, v.tr._(WAITING_IN_CHAT), False)
    if chosen is None:
        await delivery_slots.clear(v.uow, v.customer_id)
        return CartUpdate(await _cart(v), v.tr._(CHOOSE_TIME))
    try:
        state = await delivery_slots.choose(
            v.uow, v.customer_id, v.shop.settings, *chosen, utcnow()
        )
    except SlotUnavailable as gone:
        await delivery_slots.clear(v.uow, v.customer_id)
        return CartUpdate(await _cart(v), gone.said(v.tr), False)
    return CartUpdate(await _cart(v), delivery_texts.chosen_line(v.tr, state.day, state.window))


@looking
async def time_changed(v: Visit, shown: str | None) -> SlotChoice | None:
    """The choice as it is now, if her cart keeps another delivery time than the page's
    checkout showed (changed in the chat meanwhile); None when it is the same, or she is not
    asked. One that filled up since is the same: checkout then refuses it in its words."""
    page = await _cart(v)
    if page.delivery is None:
        return None
    cart = await v.uow.carts.find_for_customer(v.customer_id)
    kept = cart.delivery_slot if cart is not None else None
    return None if kept == shown else page.delivery


@looking
async def order(v: Visit, order_id: int) -> MyOrder:
    """One of the shopper's own orders; OrderNotFound for anyone else's."""
    return await _my_order(v, order_id)


async def _my_order(v: Visit, order_id: int) -> MyOrder:
    found = await get_order(v.uow, v.customer_id, order_id)
    stars = await ratings.stars_in_order(v.uow, v.customer_id, found)
    state, offer = await _return_offer(v, found)
    return MyOrder(found, stars, await _cancel_offer(v, found), state, offer)


async def _return_offer(v: Visit, found: OrderView) -> tuple[ReturnState, ReturnOffer | None]:
    """Whether her order screen in the chat offers ↩️ Return items (or shows a request
    waiting), by the chat's own rule, and then the lines it would list."""
    if found.status != OrderStatus.DELIVERED:  # only a delivered order may have one
        return ReturnState(), None
    days, now = v.shop.settings.return_days, utcnow()
    state = await returns.return_state(v.uow, v.customer_id, found.id, days, now)
    if not state.offer:
        return state, None
    return state, await returns.return_offer(v.uow, v.customer_id, found.id, days, now)


async def _cancel_offer(v: Visit, found: OrderView) -> CancelOffer | None:
    """What she would get back, if her order screen in the chat offers ✖️ Cancel order."""
    allowed = v.shop.settings.shopper_cancel
    downloads = any(line.downloadable for line in found.lines)
    if not can_cancel(found.status, found.needs_review, has_downloads=downloads, allowed=allowed):
        return None
    return await cancel_offer(v.uow, v.customer_id, found.id, allowed)


@looking
async def cancelled(v: Visit, order_id: int, said: Callable[[Translator], str]) -> Cancelled:
    """Her order after her cancel from the page (bot.usecases.shopper_orders), with what came
    of it in her words, as the chat's order screen shows it then."""
    return Cancelled(await _my_order(v, order_id), said(v.tr))


@dataclass(frozen=True, slots=True)
class ReturnQuote:
    """What the lines she ticked would bring back, and the chat's question for them."""

    amount: int
    currency: str
    question: str


@looking
async def return_quote(
    v: Visit, order_id: int, line_ids: tuple[int, ...], reason: str
) -> ReturnQuote:
    """The chat's last question before 📨 Send request, for these lines and reason, by the
    chat's rule: OrderNotFound, NotReturnable, UnknownReturnLine as a send would get."""
    days = v.shop.settings.return_days
    offer = await returns.return_offer(v.uow, v.customer_id, order_id, days, utcnow())
    mask = offer.mask_of(line_ids)
    amount = offer.amount(mask)
    words = return_texts.confirm(
        v.tr, order_id, offer.chosen(mask), reason, v.tr.money(amount, offer.currency)
    )
    return ReturnQuote(amount, offer.currency, words)


@looking
async def return_sent(v: Visit, order_id: int, said: Callable[[Translator], str]) -> Cancelled:
    """Her order after her return request from the page (bot.usecases.returns), with what
    she is told in her words, as the chat's order screen shows it then."""
    return Cancelled(await _my_order(v, order_id), said(v.tr))


@looking
async def orders(v: Visit, page: int = 0) -> OrderPage:
    """A page of the shopper's own orders, newest first, as /orders pages them."""
    return await order_page(v.uow, v.customer_id, page)


@changing
async def buy_again(v: Visit, order_id: int) -> CartUpdate:
    """🔁 Buy again on one of her orders (the chat's, in one transaction like the chat's):
    the cart as it is now, with what fell short. OrderNotFound for anyone else's, StillToPay
    for hers still waiting for payment."""
    try:
        done = await reorder.buy_again(v.uow, v.customer_id, order_id)
    except CartChanged as error:  # pressing again is safe: it tops the cart up, no more
        return await _refused(v, refusal(v.tr, error))
    report = missed_lines(v.tr, done)
    return CartUpdate(await _cart(v), reordered_notice(v.tr, done), report=report)


@changing
async def rate(v: Visit, order_id: int, product_id: int, stars: int) -> Rated:
    """⭐ on her order's product (the chat's rule); OrderNotFound for anyone else's order,
    NotRateable for one she may not rate from or forged stars."""
    item = await ratings.rate(v.uow, v.customer_id, order_id, product_id, stars)
    return Rated(stars, rated_notice(v.tr, item))


# ---------------------------------------------------------------- saved products (♡)


@looking
async def save(v: Visit, product_id: int, keeping: bool) -> Kept:
    """♡ on a product's page (`keeping` False: ♥ again, to drop it), as the chat's card does;
    ProductUnavailable for one not on sale."""
    await catalog.product_card(v.uow, product_id)
    saved, notice = await keep(v, product_id, keeping)
    return Kept(saved, notice, saved == keeping)


@looking
async def saved(v: Visit, page: int) -> ProductPage:
    """A page of her saved products on sale, the last saved first, as /saved pages them."""
    return await favourites.saved_page(v.uow, v.customer_id, page)
