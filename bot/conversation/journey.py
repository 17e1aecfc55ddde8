"""The shopper's use cases: one visit each, returning the screen to show.

A visit records the customer, loads the chat, calls a service, fires the machine and saves the
chat; no Telegram call happens inside it. Handlers call exactly one of these and render what
comes back.

Most visits only look (`@looking`): they read in a transaction that waits for no writer, keep
their few writes (a cart line, the chat's new state) as compare-and-set statements, and then
make them all at once in one short transaction (`Store.apply`), so SQLite's single writer is
held for one trip to the database. Checkout and payment (`@changing`) run in one writing
transaction that holds the chat (and on SQLite the writer) from the start. A looking visit
that turns out to write anything else (a new customer, say), or whose compare-and-set finds
the cart or chat changed by someone else meanwhile, is simply run again as a changing one:
use cases here touch only the database, so running one twice is safe.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Concatenate, ParamSpec, TypeVar

from bot import i18n, notices, permissions
from bot.clipping import echo
from bot.conversation import engine
from bot.conversation.machine import ChatSession, Step
from bot.conversation.screens import (
    CancelOrderScreen,
    CartScreen,
    CategoriesScreen,
    CheckoutScreen,
    FaqAnswerScreen,
    FaqScreen,
    HelpScreen,
    InviteScreen,
    InvoiceScreen,
    InvoiceSentScreen,
    LanguageScreen,
    ListScreen,
    MenuScreen,
    NoAnswerScreen,
    NotePromptScreen,
    NotUnderstoodScreen,
    OrderScreen,
    OrdersScreen,
    PaidByCardScreen,
    PaymentRefusedScreen,
    PaymentWaitingScreen,
    ProductScreen,
    PromoPromptScreen,
    QuestionSentScreen,
    RateScreen,
    ReturnScreen,
    ReviewPromptScreen,
    ReviewsScreen,
    Screen,
    SearchHintScreen,
    SettingsScreen,
    SlotChoice,
    StorefrontScreen,
    SupportScreen,
)
from bot.gift_card_alerts import alert_holds_not_back
from bot.i18n import N_, Translator
from bot.payments.invoice import NotSent
from bot.services import (
    blocking,
    catalog,
    delivery_slots,
    faq,
    favourites,
    gift_cards,
    promos,
    ratings,
    referrals,
    reorder,
    returns,
    reviews,
    sales_pause,
)
from bot.services import cart as carts
from bot.services import support as conversations
from bot.services.cancelling import NotCancellable, cancel_offer
from bot.services.cart import MAX_QUANTITY, CartView
from bot.services.checkout import (
    CheckoutReview,
    cart_promo,
    place_order,
    release_hold,
    release_open_holds,
    review_cart,
)
from bot.services.errors import (
    CartChanged,
    CartError,
    CategoryNotFound,
    EmptyCart,
    GiftCardRefused,
    LineFull,
    MessageTooLong,
    Named,
    NeedsShippingInStars,
    NoteRefused,
    NotInCart,
    NotRateable,
    OrderNotFound,
    OutOfStock,
    OverOrderLimit,
    ProductUnavailable,
    PromoRefused,
    ReviewRefused,
    SlotNeeded,
    SlotUnavailable,
    TooManySaved,
    TotalOutOfRange,
    VariantUnavailable,
    WrongCurrency,
)
from bot.services.notes import clean_note
from bot.services.order_history import (
    ORDER_START_PREFIX,
    fingerprint_of_order,
    get_order,
    order_page,
)
from bot.services.order_minimum import below_minimum
from bot.services.referrals import Arrival
from bot.shop import Shop
from bot.store.ids import is_row_id, row_id
from bot.store.models import Cart, utcnow, variant_title
from bot.store.order_states import OrderStatus
from bot.store.repositories.customers import FRESH_SETTINGS, changes_for, notice_settings
from bot.store.uow import UnitOfWork, WriteWhileReading
from bot.texts import checkout as checkout_texts
from bot.texts import daily_report as report_texts
from bot.texts import price_drops as price_drop_texts
from bot.texts import restock as restock_texts
from bot.texts import reviews as review_texts
from bot.texts import settings as settings_texts
from bot.texts import support as support_texts

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

# Texts in English (the catalogs' msgids); a visit says them in its reader's language, v.tr.
EXPIRED = N_("This button has expired, here is the current view.")
GONE = N_("Sorry, that product is no longer available.")
OPTION_GONE = N_("Sorry, that option is no longer available. Here are the ones we have.")
PHOTO_GONE = N_("That photo is no longer in the product's gallery. Here is the first one.")
WAITING = N_("Your invoice is waiting above: pay it there, or send /cancel to cancel it.")
NO_PAYMENTS = N_("Payments are not set up in this shop yet. Sorry!")
INVOICE_FAILED = N_("Sorry, we couldn't create your invoice just now. Please try again.")
NOT_IN_CART = N_("That item is no longer in your cart.")
SAVED = N_("♥ Saved: /saved lists what you saved.")
UNSAVED = N_("Removed from your saved products.")
OUTDATED = N_("Your cart has changed since that summary. Here it is now: check it, then tap Pay.")
ALREADY_PAID = N_("Order #{order_id} is already paid. See /orders.")
REPLACED = N_(
    "Order #{order_id} was replaced by a newer checkout of your cart while its invoice was "
    "being sent: pay the newer one."
)
SUPPORT_KEY = "support"  # ChatState.data[SUPPORT_KEY]["thread"]: the conversation written to


@dataclass(frozen=True, slots=True)
class Shopper:
    """Who is talking, from the update (a private chat: chat id = user id)."""

    chat_id: int
    user_id: int
    first_name: str = ""
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """What the shopper had in front of them when they asked to pay: the cart's lines
    (`CartView.fingerprint`; 0 for a Pay button from before buttons said), and where the
    summary's Pay button said them, its total and the shopper's newest paid order then
    (`CheckoutScreen.last_paid`). Only a cart that still matches is paid."""

    cart: int
    total: int | None = None
    last_paid: int | None = None

    def matches(self, review: CheckoutReview) -> bool:
        return self.cart == review.cart.fingerprint and self.total in (None, review.total)


@dataclass
class Visit:
    """One update's view of the world: its transaction, the customer and the chat."""

    shop: Shop
    uow: UnitOfWork
    customer_id: int
    chat: ChatSession
    who: Shopper
    tr: Translator  # the shopper's language
    new: bool = False  # her customer row was made by this visit: her first contact
    # What to do once the visit's writes are committed (`once_committed`)
    committed: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def memory(self) -> dict[str, Any]:
        return self.chat.memory

    def once_committed(self, then: Callable[[], Awaitable[None]]) -> None:
        """Run `then` (an alert to the admins about what the visit stored) after its writes
        are committed: never for a visit rolled back, nor for one of a looking visit that is
        run again as a changing one (that visit asks again)."""
        self.committed.append(then)

    @property
    def currency(self) -> str:
        return self.shop.settings.currency

    async def fire(self, trigger: str, **facts: Any) -> bool:
        return await engine.fire(self.chat, trigger, **facts)


UseCase = Callable[Concatenate[Visit, P], Awaitable[T]]
Entry = Callable[Concatenate[Shop, Shopper, P], Awaitable[T]]


def looking(use_case: UseCase[P, T]) -> Entry[P, T]:
    """A visit that reads, and at most moves the chat (see the module docstring)."""

    @functools.wraps(use_case)
    async def entry(shop: Shop, who: Shopper, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            async with shop.store.reading(deferring=True, by_key=True) as uow:
                v = await _arrive(shop, uow, who)
                result = await use_case(v, *args, **kwargs)
                await engine.save(uow, v.chat)  # kept with the other writes, if it moved
            if not uow.deferred or await shop.store.apply(uow.deferred, chat_id=who.chat_id):
                await _after_commit(v)
                return result
            log.debug("chat %s changed meanwhile: visiting again", who.chat_id)
        except WriteWhileReading:
            pass
        return await _change(shop, who, lambda v: use_case(v, *args, **kwargs))

    return entry


def searching(entry: Entry[P, T]) -> Entry[P, T]:
    """A visit that may search the catalog takes its turn first (`Shop.searching`)."""

    @functools.wraps(entry)
    async def in_turn(shop: Shop, who: Shopper, *args: P.args, **kwargs: P.kwargs) -> T:
        async with shop.searching:
            return await entry(shop, who, *args, **kwargs)

    return in_turn


def changing(use_case: UseCase[P, T]) -> Entry[P, T]:
    """A visit that writes: one transaction holding the chat from the start."""

    @functools.wraps(use_case)
    async def entry(shop: Shop, who: Shopper, *args: P.args, **kwargs: P.kwargs) -> T:
        return await _change(shop, who, lambda v: use_case(v, *args, **kwargs))

    return entry


async def _change(shop: Shop, who: Shopper, use_case: Callable[[Visit], Awaitable[T]]) -> T:
    async with shop.store.uow() as uow:
        await uow.chat_states.lock(who.chat_id)  # first: it serialises the chat's updates
        v = await _arrive(shop, uow, who)
        result = await use_case(v)
        if not await engine.save(uow, v.chat):
            raise RuntimeError(f"chat {who.chat_id} was written while its lock was held")
    await _after_commit(v)
    return result


async def _after_commit(v: Visit) -> None:
    """What the visit asked to do once its writes were committed (`Visit.once_committed`)."""
    for then in v.committed:
        await then()


async def _arrive(shop: Shop, uow: UnitOfWork, who: Shopper) -> Visit:
    """The customer (created on first contact, refreshed when Telegram says something new)
    and the chat, read together."""
    known, chat = await uow.customers.with_chat(who.user_id, who.chat_id)
    if known is None:  # first contact: while reading, the flush sends the visit to _change
        customer = await uow.customers.get_or_create(
            who.user_id,
            first_name=who.first_name,
            username=who.username,
            language_code=who.language_code,
        )
        customer_id, chosen, new = customer.id, customer.language, True
    else:
        blocking.refuse_if_blocked(known)  # read with the row every visit reads: no statement
        news = changes_for(
            known, first_name=who.first_name, username=who.username, language_code=who.language_code
        )
        if news:
            await uow.customers.take_in(known.id, news)
        customer_id, chosen, new = known.id, known.language, False
    language = i18n.choose(chosen, who.language_code, shop.settings.default_language)
    tr = i18n.use(language)  # the rest of this update speaks it (bot.views renders with it)
    session = engine.session_of(who.chat_id, chat)
    return Visit(shop, uow, customer_id, session, who, tr, new=new)


# ---------------------------------------------------------------- menu, help, search hints


@looking
async def start(v: Visit, payload: str = "") -> Screen:
    """/start, optionally with a deep link: `product_<SKU>` opens that product, `promo_<CODE>`
    (a link in a newsletter) attaches the code to the cart, `order-<id>` (from an invoice or
    receipt, forwarded perhaps) opens that order if it is hers, `ref_<CODE>` (a friend's
    invitation) welcomes her and names who invited her."""
    if payload.startswith(referrals.START_PREFIX):
        return await _invited(v, payload.removeprefix(referrals.START_PREFIX))
    if payload.startswith(ORDER_START_PREFIX):
        await v.fire("open_orders")
        return await _order(v, row_id(payload.removeprefix(ORDER_START_PREFIX)))
    if payload.startswith("promo_"):
        return await _attach_code(v, payload.removeprefix("promo_"))
    if payload.startswith("product_"):
        sku = payload.removeprefix("product_")
        try:
            card = await catalog.product_card_by_sku(v.uow, sku)
        except ProductUnavailable:
            await v.fire("open_menu")
            return await _menu_screen(
                v,
                first_name=v.who.first_name,
                welcome=True,
                notice=v.tr._(
                    "Sorry, I can't find the product “{sku}”. Have a look around instead.",
                    sku=echo(sku),
                ),
            )
        return await _product(v, card.id, 1, card=card, variant_id=card.variant_id)
    await v.fire("open_menu")
    return await _menu_screen(v, first_name=v.who.first_name, welcome=True)


INVITED = {
    Arrival.ATTRIBUTED: N_("{name} invited you: welcome, and happy shopping!"),
    Arrival.OWN_LINK: N_("That's your own invitation link: send it to a friend instead."),
    Arrival.KNOWN: N_("Welcome back! Invitation links are for shoppers new to the shop."),
    Arrival.UNKNOWN: N_("Welcome! That invitation link is not one I recognise."),
}


async def _invited(v: Visit, code: str) -> Screen:
    """/start ref_<code>: the welcome, saying what the invitation did (nothing is said for
    an inviter the shop ignores, nor when invitations are not open)."""
    arrival, inviter = await referrals.arrive(
        v.uow, v.shop.settings, v.customer_id, code, new=v.new
    )
    await v.fire("open_menu")
    said = INVITED.get(arrival)
    name = echo(inviter.first_name) if inviter is not None else ""
    notice = v.tr._(said, name=name) if said else None
    return await _menu_screen(v, first_name=v.who.first_name, welcome=True, notice=notice)


async def _menu_screen(v: Visit, **shown: Any) -> MenuScreen:
    """The main menu, with ℹ️ Questions when the shop answers some (/faq), and the banner of
    a paused shop (/pause)."""
    return MenuScreen(
        questions=bool(await v.shop.faq.items(v.uow)), closed=await _banner(v), **shown
    )


async def _banner(v: Visit) -> str:
    """While sales are paused (/pause), the banner over the menu and /help ("": sales are
    open), as this process last read the pause (Shop.pause: the menu stays one statement)."""
    return sales_pause.closed_by(v.tr, await v.shop.pause.pause(v.uow))


async def _closed(v: Visit) -> str:
    """While sales are paused, the banner in her cart instead of its Checkout button; the
    pause itself is read (one primary-key read), so every worker sees a pause at once."""
    return sales_pause.closed_by(v.tr, await v.uow.sales.pause())


@looking
async def menu(v: Visit) -> Screen:
    await v.fire("open_menu")
    return await _menu_screen(v, first_name=v.who.first_name)


@looking
async def help_screen(v: Visit) -> Screen:
    return HelpScreen(
        role=permissions.role_of(v.shop.settings, v.who.user_id), closed=await _banner(v)
    )


@looking
async def invite(v: Visit, bot_username: str) -> Screen:
    """/invite: her personal link with a 📤 Share button, friends joined and rewards earned;
    her code is made the first time (the looking visit is then run again as a changing one)."""
    if not referrals.is_open(v.shop.settings):
        return InviteScreen(invitation=None)
    found = await referrals.invitation(v.uow, v.shop.settings, v.customer_id, bot_username)
    return InviteScreen(invitation=found)


@looking
async def search_hint(v: Visit) -> Screen:
    return SearchHintScreen()


@looking
async def storefront(v: Visit) -> Screen:
    """/shop: the storefront page opens on the same cart (bot.conversation.storefront)."""
    return StorefrontScreen()


@changing
async def cancel(v: Visit) -> MenuScreen:
    """/cancel: back to the menu. An open invoice is cancelled too, also if the shopper browsed
    on since: its stock is free for others at once instead of when the hold expires. While
    writing to the shop, /cancel only stops that (an invoice asked about stays payable)."""
    if v.chat.state == Step.SUPPORT:
        await v.fire("cancel")
        return await _menu_screen(
            v, first_name=v.who.first_name, notice=v.tr._(support_texts.DONE_WRITING)
        )
    released = await release_open_holds(
        v.uow,
        v.customer_id,
        v.who.user_id,
        i18n.worded(N_("cancelled by the shopper")),
        actor="shopper",
    )
    v.once_committed(functools.partial(alert_holds_not_back, v.shop, released))
    was_paying = v.chat.state == Step.AWAITING_PAYMENT
    await v.fire("cancel")
    notice = (
        v.tr._("Payment cancelled. Back to the main menu.")
        if was_paying
        else v.tr._("Cancelled. Back to the main menu.")
    )
    return await _menu_screen(
        v,
        first_name=v.who.first_name,
        notice=notice,
        cancelled_invoices=tuple(h.invoice_message_id for h in released if h.invoice_message_id),
    )


# ---------------------------------------------------------------- browsing


@looking
async def categories(
    v: Visit, page: int = 0, *, order: str = "name", in_stock: bool = False
) -> Screen:
    """A page of the category list; `order` and `in_stock` as the shopper lists categories
    (from a category's ⬅ Categories), so that the counts are of what they would see."""
    return await _categories(v, page=page, order=_known_order(order), in_stock=in_stock)


@looking
async def category(
    v: Visit,
    category_id: int,
    page: int,
    categories_page: int = 0,
    *,
    order: str = "name",
    in_stock: bool = False,
) -> Screen:
    """A page of a category opened from page `categories_page` of the category list, which
    its ⬅ Categories goes back to, in the order and with the filter the shopper chose. A
    button naming an order or filter we do not offer (stale or forged) shows the category
    by name, saying so."""
    notice = None
    if order not in catalog.CATEGORY_ORDERS:
        notice = v.tr._("That sort button is out of date: here is the category by name.")
        order, in_stock, page = "name", False, 0
    return await _category(
        v,
        category_id,
        page,
        notice,
        categories_page=categories_page,
        order=order,
        in_stock=in_stock,
    )


@searching
@looking
async def search(v: Visit, query: str) -> Screen:
    """/search <words>; no words asks what to look for."""
    if not catalog.query_words(query):
        return SearchHintScreen()
    found = await _search(v, query, 0)
    if found is None:
        return SearchHintScreen(notice=v.tr._("Nothing found for “{query}”.", query=echo(query)))
    return found


@searching
@looking
async def search_page(v: Visit, page: int) -> Screen:
    query = str(v.memory.get("search") or "")
    found = await _search(v, query, page) if query else None
    return found or await _current(v, notice=v.tr._(EXPIRED))


@looking
async def back(v: Visit) -> Screen:
    """Back from a product to the list it was opened from, on the same page."""
    return await _listing(v)


@looking
async def view(
    v: Visit, product_id: int, quantity: int, variant_id: int = 0, photo: int = 0
) -> Screen:
    """A product's card; `variant_id` when the shopper chose one of its options, `photo`
    the one of its photos to show (◀ 1/3 ▶)."""
    return await _product(
        v, product_id, quantity, variant_id=variant_id, chose=bool(variant_id), photo=photo
    )


# ---------------------------------------------------------------- cart


@looking
async def add(v: Visit, product_id: int, quantity: int, variant_id: int = 0) -> Screen:
    quantity = min(max(quantity, 1), MAX_QUANTITY)
    # Quote the price the shopper saw on the button: if it has changed since, checkout
    # says so and asks to confirm (see bot.services.checkout).
    shown = _shown_price(v, product_id, variant_id)
    try:
        change = await carts.add_to_cart(
            v.uow, v.customer_id, product_id, quantity, quoted_price=shown, variant_id=variant_id
        )
    except VariantUnavailable:
        return await _product(v, product_id, 1, notice=v.tr._(OPTION_GONE))
    except ProductUnavailable:
        return await _listing(v, notice=v.tr._(GONE))
    except CartError as error:
        return await _product(v, product_id, 1, notice=refusal(v.tr, error), variant_id=variant_id)
    notice = added_notice(v.tr, change, quantity, shown, v.currency)
    counts = (change.quantity, change.cart_items, change.in_order)
    return await _product(v, product_id, 1, notice=notice, counts=counts, variant_id=variant_id)


def added_notice(
    tr: Translator, change: carts.CartChange, quantity: int, shown: int | None, currency: str
) -> str:
    """What the shopper is told after adding: fewer than asked when the product's per-order
    limit stopped it (and that limit), and a new price since they saw it."""
    title = tr.name(change.title, change.translations)
    if change.limit is not None:
        quantity = change.added
    notice = tr._("Added {quantity} × {title} to your cart.", quantity=quantity, title=title)
    if change.limit is not None:
        notice += " " + limit_notice(tr, change)
    if shown is not None and shown != change.unit_price:
        now, was = (tr.money(p, currency) for p in (change.unit_price, shown))
        notice += " " + tr._(
            "Note: its price has just changed from {was} to {now}.", was=was, now=now
        )
    return notice


def limit_notice(tr: Translator, change: carts.CartChange) -> str:
    """ "You can buy at most 2 × Limited Mug in one order." after a change the product's
    per-order limit cut short (the product's own title: the limit counts all its variants)."""
    assert change.limit is not None
    said = OverOrderLimit(change.product_title, change.limit, change.product_translations)
    return said.said(tr)


def _shown_price(v: Visit, product_id: int, variant_id: int = 0) -> int | None:
    """The price of `product_id` (that variant) on the product screen the shopper is
    looking at, if any."""
    price = v.memory.get("price")
    if v.memory.get("product_id") != product_id or not isinstance(price, int):
        return None
    if v.memory.get("variant_id", 0) != variant_id:
        return None
    return price


@looking
async def show_cart(v: Visit, notice: str | None = None) -> Screen:
    return await _cart(v, notice=notice)


@looking
async def change_line(v: Visit, product_id: int, delta: int, variant_id: int = 0) -> Screen:
    """+1 / -1 on a cart line."""
    change = carts.change_quantity(v.uow, v.customer_id, product_id, delta, variant_id)
    return await _edit_cart(v, change)


@looking
async def remove_line(v: Visit, product_id: int, variant_id: int = 0) -> Screen:
    return await _edit_cart(v, carts.remove_line(v.uow, v.customer_id, product_id, variant_id))


@looking
async def clear_cart(v: Visit) -> Screen:
    await carts.clear_cart(v.uow, v.customer_id)
    return await _cart(v, notice=v.tr._("Your cart is now empty."), cart=CartView((), v.currency))


async def _edit_cart(v: Visit, change: Awaitable[carts.CartChange]) -> Screen:
    try:
        done = await change
    except NotInCart:
        return await _cart(v, notice=v.tr._(NOT_IN_CART))
    except (CartError, ProductUnavailable) as error:
        return await _cart(v, notice=refusal(v.tr, error))
    return await _cart(v, notice=changed_notice(v.tr, done), cart=done.cart)


def changed_notice(tr: Translator, done: carts.CartChange) -> str:
    """What the shopper is told after changing a cart line."""
    title = tr.name(done.title, done.translations)
    if done.quantity == 0:
        return tr._("Removed {title}.", title=title)
    said = tr._("{title}: {quantity} in your cart.", title=title, quantity=done.quantity)
    return f"{said} {limit_notice(tr, done)}" if done.limit is not None else said


# ---------------------------------------------------------------- checkout


@changing
async def checkout(v: Visit) -> Screen:
    """Verify the cart; show what changed, or the order summary with a Pay button."""
    return await _checkout(v)


async def pay(shop: Shop, who: Shopper, shown: Shown | None = None) -> Screen:
    """ "Pay" pressed: verify once more; if the cart is still what the shopper was `shown`
    (None: not known) and nothing changed, the cart becomes an order holding its stock and
    its invoice goes out next (InvoiceScreen, then `invoice_sent`), or, when its gift card
    pays all of it, it is paid by the card next (PaidByCardScreen). Otherwise the summary as
    it is now comes back instead, or the order the old summary was paid as."""
    screen, customer_id = await _verify_for_payment(shop, who, shown)
    if customer_id is None:
        return screen  # something changed, or nothing to pay: show it instead
    assert isinstance(screen, CheckoutScreen)
    settings = shop.settings
    if not settings.uses_stars and not settings.payment_provider_token:
        return PaymentRefusedScreen(reason=i18n.current()._(NO_PAYMENTS))
    try:
        async with shop.store.uow() as uow:
            placed = await place_order(
                uow, customer_id, who.user_id, settings, utcnow(), shown=screen.review
            )
    except CartChanged:  # between the check and the order: the summary of the cart now
        return await _outdated_summary(shop, who)
    except (SlotUnavailable, SlotNeeded) as gone:  # its seat went meanwhile: choose again
        return await _slot_summary(shop, who, gone.said(i18n.current()))
    except CartError as error:
        if isinstance(error, WrongCurrency):
            wrong = error
            await shop.alert_admins(
                lambda tr: notices.not_in_shop_currency(tr, wrong.names(tr), wrong.currency)
            )
        return PaymentRefusedScreen(reason=error.said(i18n.current()))
    await alert_holds_not_back(shop, placed.released)  # committed: the invoices it replaced
    replaced = tuple(h.invoice_message_id for h in placed.released if h.invoice_message_id)
    if placed.order.total == 0:  # the gift card pays all of it: no invoice
        return PaidByCardScreen(order=placed.order, replaced_invoices=replaced)
    return InvoiceScreen(order=placed.order, photo_url=placed.photo_url, replaced_invoices=replaced)


@changing
async def _verify_for_payment(v: Visit, shown: Shown | None) -> tuple[Screen, int | None]:
    """The checkout screen, and the customer to place the order for if it may be paid now:
    not if the summary Pay was pressed on was paid since (an order paid since for the very
    cart it showed), or shows another cart."""
    if shown is not None and shown.last_paid is not None and not await _invoice_open(v):
        paid = await v.uow.orders.last_paid_id(v.customer_id)
        if paid > shown.last_paid and await fingerprint_of_order(v.uow, paid) == shown.cart:
            await v.fire("open_orders")
            order = await get_order(v.uow, v.customer_id, paid)
            return OrderScreen(order=order, notice=v.tr._(ALREADY_PAID, order_id=paid)), None
    screen = await _checkout(v)
    if not isinstance(screen, CheckoutScreen) or not screen.review.ready or screen.blocked:
        return screen, None
    if screen.slot_missing:  # no delivery time chosen (or it filled up): the summary asks
        return screen, None
    if shown is not None and not shown.matches(screen.review):
        return _outdated(v, screen), None
    lines = len(screen.review.cart.lines)
    ready = await engine.may(v.chat, "pay", cart_lines=lines, changes=0)
    return screen, v.customer_id if ready else None


@changing
async def _outdated_summary(v: Visit) -> Screen:
    return _outdated(v, await _checkout(v))


@changing
async def _slot_summary(v: Visit, why: str) -> Screen:
    return await _checkout(v, notice=why)


@changing
async def choose_slot(v: Visit, chosen: tuple[date, str] | None) -> Screen:
    """A delivery time pressed on the summary: kept for her order, or refused (full,
    closed, past its cut-off since the summary was drawn, or a stale or forged button) and
    the summary drawn again for another choice. While an invoice is open its order keeps
    the time it booked: the chat says the invoice is waiting, and nothing changes."""
    if await _invoice_open(v):
        return await _checkout(v)
    if chosen is None:
        return await _checkout(v, notice=SlotUnavailable().said(v.tr))
    try:
        await delivery_slots.choose(v.uow, v.customer_id, v.shop.settings, *chosen, utcnow())
    except SlotUnavailable as gone:
        await delivery_slots.clear(v.uow, v.customer_id)
        return await _checkout(v, notice=gone.said(v.tr))
    return await _checkout(v)


@changing
async def change_slot(v: Visit) -> Screen:
    """ "Change" beside the summary's delivery time: the windows offered again."""
    if not await _invoice_open(v):
        await delivery_slots.clear(v.uow, v.customer_id)
    return await _checkout(v)


def _outdated(v: Visit, screen: Screen) -> Screen:
    """The summary of the cart as it is now, instead of the older one Pay was pressed on."""
    if not isinstance(screen, CheckoutScreen):
        return screen
    return replace(screen, notice=v.tr._(OUTDATED), stale=True)


def _not_sent_note(why: NotSent) -> str:
    """The history's note of an invoice Telegram refused."""
    if why is NotSent.TOTAL_OUT_OF_RANGE:
        return i18n.worded(N_("invoice not sent: Telegram refused its total"))
    return i18n.worded(N_("invoice not sent: Telegram refused it"))


async def invoice_sent(
    shop: Shop, who: Shopper, invoice: InvoiceScreen, message_id: int | NotSent
) -> Screen:
    """The invoice went out as `message_id` and the chat now waits for payment; or Telegram
    refused it (NotSent) and the order is cancelled, its stock back on the shelf at once."""
    order_id = invoice.order.order_id
    if isinstance(message_id, NotSent):
        async with shop.store.uow() as uow:
            order = await uow.orders.get(order_id)
            released = order and await release_hold(
                uow, order, who.user_id, _not_sent_note(message_id)
            )
        await alert_holds_not_back(shop, [released] if released else [])
        tr = i18n.current()
        if message_id is NotSent.TOTAL_OUT_OF_RANGE:
            refused = TotalOutOfRange(invoice.order.total, invoice.order.currency)
            return PaymentRefusedScreen(reason=refused.said(tr))
        return PaymentRefusedScreen(reason=tr._(INVOICE_FAILED))
    if not await _waiting_for_payment(shop, who, invoice, message_id):
        await shop.notifier.remove_message(who.chat_id, message_id)  # it could not be paid
        return PaymentRefusedScreen(reason=i18n.current()._(REPLACED, order_id=order_id))
    return InvoiceSentScreen(order_id=order_id, hold_minutes=shop.settings.reservation_minutes)


@changing
async def _waiting_for_payment(v: Visit, invoice: InvoiceScreen, message_id: int) -> bool:
    """The chat waits for this invoice's payment; False if its order was released while it
    went out (a second checkout at once, in the chat or the shop page, replaced it)."""
    order = await v.uow.orders.get(invoice.order.order_id, full=False)
    if order is None or order.hold_status != "held":
        return False
    order.invoice_message_id = message_id
    await v.fire("pay", cart_lines=len(invoice.order.lines), changes=0)
    return True


async def invoice_open(v: Visit) -> bool:
    """An invoice of the chat waits for payment: nothing on her summary changes meanwhile
    (the storefront's choice of delivery time asks it too)."""
    return await _invoice_open(v)


async def _invoice_open(v: Visit) -> bool:
    """Is the chat really waiting? An invoice whose hold expired or was released is not."""
    if v.chat.state != Step.AWAITING_PAYMENT:
        return False
    if await v.uow.orders.open_holds_for_customer(v.customer_id):
        return True
    await v.fire("payment_cancelled")  # missed the news: the wait is over
    return False


async def _checkout(v: Visit, notice: str | None = None) -> Screen:
    if await _invoice_open(v):
        return PaymentWaitingScreen(notice=v.tr._(WAITING))
    try:
        review: CheckoutReview = await review_cart(
            v.uow,
            v.customer_id,
            v.currency,
            v.shop.settings.now(),
            tax_rate_bp=v.shop.settings.tax_rate_bp,
        )
    except EmptyCart:
        return await _cart(v, notice=v.tr._("Your cart is empty: add something first."))
    if review.cart.is_empty:
        await v.fire("open_cart")
        return CheckoutScreen(review=review, notice=notice)
    await v.fire("checkout", cart_lines=len(review.cart.lines))
    if (pause := await v.uow.sales.pause()) is not None:
        await v.uow.sales.wait_for_reopening(v.customer_id)
        closed = sales_pause.closed_by(v.tr, pause)
        return CheckoutScreen(review=review, notice=notice, closed=closed)
    if (short := below_minimum(review.goods_total, v.shop.settings)) is not None:
        return CheckoutScreen(review=review, notice=notice, short=short.said(v.tr))
    if v.shop.settings.uses_stars and review.cart.needs_shipping:
        # A Stars invoice asks for no address, so Pay would only be refused: say it here,
        # with no Pay and no delivery time to choose (checkout.place_order refuses it too).
        physical = [
            Named(ln.title, ln.translations) for ln in review.cart.lines if not ln.is_digital
        ]
        unshippable = NeedsShippingInStars(physical).said(v.tr)
        return CheckoutScreen(review=review, notice=notice, unshippable=unshippable)
    last_paid = await v.uow.orders.last_paid_id(v.customer_id)  # for its Pay button
    slots, gone = await _slot_choice(v, review)
    if gone and notice is None:
        notice = SlotUnavailable().said(v.tr)
    return CheckoutScreen(review=review, notice=notice, last_paid=last_paid, slots=slots)


async def _slot_choice(v: Visit, review: CheckoutReview) -> tuple[SlotChoice | None, bool]:
    """The summary's delivery time, for goods to deliver in a shop with DELIVERY_SLOTS (None
    otherwise), and whether the time she had chosen is no longer free (it is forgotten)."""
    if not delivery_slots.needs_slot(v.shop.settings, review.cart.needs_shipping):
        return None, False
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    choice = await slot_choice(v, cart, review.cart.needs_shipping)
    gone = choice is not None and choice.chosen is None and cart.delivery_slot is not None
    if gone:
        cart.delivery_slot = None
    return choice, gone


async def slot_choice(v: Visit, cart: Cart | None, needs_shipping: bool) -> SlotChoice | None:
    """Her delivery time as the summary and the storefront page offer it (one rule for both):
    None when she is not asked; else the time she chose if it is still free, or the windows
    free now. Reads only: a choice no longer free is forgotten by the summary."""
    settings = v.shop.settings
    if not delivery_slots.needs_slot(settings, needs_shipping):
        return None
    now = utcnow()
    chosen = await delivery_slots.chosen(v.uow, cart, settings, now) if cart else None
    offered = () if chosen else tuple(await delivery_slots.open_slots(v.uow, settings, now))
    return SlotChoice(chosen=chosen, offered=offered, days=settings.delivery_days_ahead)


# ---------------------------------------------------------------- promo code and note


@changing
async def ask_code(v: Visit) -> Screen:
    """ "Promo code" on the order summary: the next text typed is the code."""
    return await _ask(v, "ask_code", PromoPromptScreen())


@changing
async def ask_note(v: Visit) -> Screen:
    """ "Note for the shop" on the order summary: the next text typed is the note."""
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    return await _ask(v, "ask_note", NotePromptScreen(note=cart.note))


async def _ask(v: Visit, trigger: str, prompt: Screen) -> Screen:
    if not await engine.may(v.chat, trigger):
        screen = await _checkout(v)  # from an older message: the summary first
        if not await engine.may(v.chat, trigger):
            return screen
    await v.fire(trigger)
    return prompt


@changing
async def remove_code(v: Visit) -> Screen:
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    code, cart.promo_code = cart.promo_code, None
    notice = v.tr._(checkout_texts.PROMO_REMOVED, code=code) if code else None
    return await _checkout(v, notice=notice)


@changing
async def remove_note(v: Visit) -> Screen:
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    had, cart.note = cart.note, None
    return await _checkout(v, notice=v.tr._(checkout_texts.NOTE_REMOVED) if had else None)


async def _typed_code(v: Visit, text: str) -> Screen:
    """The code typed on the order summary: applied, or the reason it cannot be."""
    try:
        review = await review_cart(v.uow, v.customer_id, v.currency, v.shop.settings.now())
    except EmptyCart:
        return await _cart(v, notice=v.tr._("Your cart is empty: add something first."))
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    if await gift_cards.is_card(v.uow, text):
        return await _typed_card(v, review, cart, text)
    try:
        quote = await promos.quote(
            v.uow,
            text,
            v.customer_id,
            promos.priced(review.cart),
            v.currency,
            v.shop.settings.now(),
        )
    except PromoRefused as refused:
        if (typed := gift_cards.card_code(text)) is not None:  # shaped like a card: neither
            return PromoPromptScreen(
                notice=v.tr._(checkout_texts.NO_CODE_OR_CARD, code=gift_cards.masked(typed))
            )
        return PromoPromptScreen(notice=str(refused))
    cart.promo_code = quote.code
    await v.uow.session.flush()
    applied = v.tr._(
        checkout_texts.PROMO_APPLIED,
        code=quote.code,
        label=quote.label,
        amount=v.tr.money(quote.discount, v.currency),
    )
    return await _checkout(v, notice=applied)


async def _typed_card(v: Visit, review: CheckoutReview, cart: Cart, text: str) -> Screen:
    """A gift card typed where a promo code goes: it pays what the promo code leaves."""
    try:
        card = await gift_cards.quote(
            v.uow, text, v.currency, review.goods_total, ships=review.cart.needs_shipping
        )
    except GiftCardRefused as refused:
        return PromoPromptScreen(notice=refused.said(v.tr))
    cart.gift_card_code = card.code
    await v.uow.session.flush()
    applied = v.tr._(
        checkout_texts.CARD_APPLIED,
        code=card.shown,
        amount=v.tr.money(card.amount, v.currency),
        left=v.tr.money(card.left, v.currency),
    )
    return await _checkout(v, notice=applied)


@changing
async def remove_card(v: Visit) -> Screen:
    """ "✖ Remove gift card": the order is paid without it."""
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    code, cart.gift_card_code = cart.gift_card_code, None
    notice = v.tr._(checkout_texts.CARD_REMOVED, code=gift_cards.masked(code)) if code else None
    return await _checkout(v, notice=notice)


async def _typed_note(v: Visit, text: str) -> Screen:
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    try:
        cart.note = clean_note(text)
    except NoteRefused as refused:
        return NotePromptScreen(note=cart.note, notice=str(refused))
    await v.uow.session.flush()
    return await _checkout(v, notice=v.tr._(checkout_texts.NOTE_KEPT))


async def _attach_code(v: Visit, text: str) -> Screen:
    """A code from a deep link: kept on the cart if it can be used at all (the cart's
    own rules, such as a minimum, are checked at checkout)."""
    await v.fire("open_menu")
    try:
        promo = await promos.find(v.uow, text, v.shop.settings.now())
        await promos.check_customer(v.uow, promo, v.customer_id)
    except PromoRefused as refused:
        return await _menu_screen(v, first_name=v.who.first_name, welcome=True, notice=str(refused))
    cart = await v.uow.carts.get_for_customer(v.customer_id)
    if cart.promo_code != promo.code:
        cart.promo_code = promo.code
        await v.uow.session.flush()
    saved = v.tr._(checkout_texts.PROMO_SAVED, code=promo.code, label=promos.describe(promo))
    return await _menu_screen(v, first_name=v.who.first_name, welcome=True, notice=saved)


# ---------------------------------------------------------------- orders


@looking
async def orders(v: Visit, page: int = 0) -> Screen:
    """/orders: a page of the shopper's orders (0: the newest)."""
    await v.fire("open_orders")
    return OrdersScreen(history=await order_page(v.uow, v.customer_id, page))


@looking
async def order(v: Visit, order_id: int, page: int = 0) -> Screen:
    """One of her orders, opened from `page` of /orders."""
    await v.fire("open_orders")
    return await _order(v, order_id if is_row_id(order_id) else None, page)


async def _order(
    v: Visit,
    order_id: int | None,
    page: int = 0,
    notice: str | None = None,
    *,
    offer_words: int = 0,
    has_words: bool = False,
    reviewed: reviews.Written | None = None,
) -> Screen:
    """Her order `order_id`; anyone else's, or none (None: no id at all), is "not in your
    history" over her list, never a hint that it exists. `offer_words`: a product she has
    just rated, to offer ✍️ for; `reviewed`: her words just kept, for the admins."""
    if order_id is not None:
        with contextlib.suppress(OrderNotFound):
            order = await get_order(v.uow, v.customer_id, order_id)
            stars = await ratings.stars_in_order(v.uow, v.customer_id, order)
            state = returns.ReturnState()  # only a delivered order may have one: no reads else
            if order.status == OrderStatus.DELIVERED:
                days = v.shop.settings.return_days
                state = await returns.return_state(v.uow, v.customer_id, order.id, days, utcnow())
            return OrderScreen(
                returns=state,
                order=order,
                page=page,
                stars=stars,
                notice=notice,
                offer_words=offer_words,
                has_words=has_words,
                reviewed=reviewed,
            )
    found = await order_page(v.uow, v.customer_id, page)
    return OrdersScreen(history=found, notice=v.tr._("That order is not in your history."))


@changing
async def buy_again(v: Visit, order_id: int, page: int = 0) -> Screen:
    """🔁 Buy again on one of her orders: its items back in her cart, then the cart (one
    transaction, so the cart shown is the cart written)."""
    if not is_row_id(order_id):
        return await _order(v, None, page)
    try:
        done = await reorder.buy_again(v.uow, v.customer_id, order_id)
    except OrderNotFound:  # not hers (the list says so), or one to pay first: the order
        return await _order(v, order_id, page)
    except CartChanged as error:  # pressing again is safe: it tops the cart up, no more
        return await _cart(v, notice=refusal(v.tr, error))
    return await _cart(v, notice=reordered_notice(v.tr, done), report=missed_lines(v.tr, done))


def reordered_notice(tr: Translator, done: reorder.Reordered) -> str:
    """What Buy again did, in a line (`missed_lines` says where it fell short)."""
    if done.added:
        return tr._("🔁 The items of order #{order_id} are in your cart.", order_id=done.order_id)
    if done.missed:
        return tr._("Nothing from order #{order_id} could go in your cart.", order_id=done.order_id)
    return tr._(
        "Everything from order #{order_id} is already in your cart.", order_id=done.order_id
    )


def missed_lines(tr: Translator, done: reorder.Reordered) -> tuple[str, ...]:
    """The order's lines that did not go back in the cart as ordered, and why."""
    said = []
    for missed in done.missed:
        title = tr.name(missed.title, missed.translations)
        if missed.gone:
            said.append(tr._("{title} is no longer sold.", title=title))
        elif not missed.put:
            said.append(tr._("{title} is sold out.", title=title))
        else:
            said.append(
                tr._(
                    "{title}: {count} in your cart of the {ordered} ordered, all there is now.",
                    title=title,
                    count=missed.put,
                    ordered=missed.ordered,
                )
            )
    return tuple(said)


@changing
async def rate(v: Visit, order_id: int, product_id: int, stars: int = 0, page: int = 0) -> Screen:
    """⭐ on her order: the stars to choose from (`stars` 0), or her `stars` given, then the
    order again, thanking her."""
    if not is_row_id(order_id):
        return await _order(v, None, page)
    try:
        if not stars:
            item = await ratings.rateable(v.uow, v.customer_id, order_id, product_id)
            own = await v.uow.reviews.words_of(v.customer_id, product_id) if item.stars else None
            return RateScreen(item=item, page=page, words=own.words if own else None)
        item = await ratings.rate(v.uow, v.customer_id, order_id, product_id, stars)
    except OrderNotFound:
        return await _order(v, None, page)
    except NotRateable as refused:
        return await _order(v, order_id, page, notice=refused.said(v.tr))
    own = await v.uow.reviews.words_of(v.customer_id, product_id)
    written = own is not None and own.words is not None
    notice = rated_notice(v.tr, item)
    return await _order(v, order_id, page, notice=notice, offer_words=product_id, has_words=written)


def rated_notice(tr: Translator, item: ratings.Rateable) -> str:
    """Her thanks for the stars she has just given."""
    title = tr.name(item.title, item.translations)
    return tr._("Thank you! You gave {title} {stars}.", title=title, stars="★" * (item.stars or 0))


# ---------------------------------------------------------------- reviews


@changing
async def ask_review(v: Visit, order_id: int, product_id: int, page: int = 0) -> Screen:
    """✍️ on a product of her order that she rated: the next text she types is her words."""
    mine = await _reviewable(v, order_id, product_id, page)
    if isinstance(mine, Screen):
        return mine
    if not await v.fire("ask_review", order_id=order_id, product_id=product_id, page=page):
        return await _order(v, order_id, page, notice=v.tr._(WAITING))  # an invoice waits
    return ReviewPromptScreen(about=mine, page=page)


@changing
async def delete_review(v: Visit, order_id: int, product_id: int, page: int = 0) -> Screen:
    """🗑 Delete my words: gone from the card (her stars stay); then her stars again."""
    mine = await _reviewable(v, order_id, product_id, page)
    if isinstance(mine, Screen):
        return mine
    try:
        await reviews.delete(v.uow, v.customer_id, mine)
    except NotRateable:  # deleted already (a second press): her stars as they are
        return RateScreen(item=mine.item, page=page, notice=v.tr._(EXPIRED))
    title = v.tr.name(mine.item.title, mine.item.translations)
    return RateScreen(item=mine.item, page=page, notice=v.tr._(review_texts.DELETED, title=title))


async def _typed_review(v: Visit, text: str) -> Screen:
    """Her words about the product she pressed ✍️ for: kept, then her order; refused (too
    short, too long), asked again."""
    order_id, product_id, page = _asked_review(v)
    mine = await _reviewable(v, order_id, product_id, page)
    if isinstance(mine, Screen):  # no longer hers to review (refunded meanwhile)
        await v.fire("open_orders")
        return mine
    try:
        words = reviews.clean_review(text)
    except ReviewRefused as refused:
        return ReviewPromptScreen(about=mine, page=page, notice=refused.said(v.tr))
    if v.uow.reading:
        raise WriteWhileReading("her review")  # kept in a writing visit: run again as one
    await v.fire("open_orders")
    try:
        written = await reviews.write(v.uow, v.customer_id, mine, words)
    except NotRateable as refused:
        return await _order(v, order_id, page, notice=refused.said(v.tr))
    title = v.tr.name(mine.item.title, mine.item.translations)
    kept = review_texts.KEPT_HIDDEN if written.review.hidden else review_texts.KEPT
    return await _order(v, order_id, page, notice=v.tr._(kept, title=title), reviewed=written)


@looking
async def product_reviews(
    v: Visit,
    product_id: int,
    page: int = 0,
    variant_id: int = 0,
    *,
    after_id: int = 0,
    before_id: int = 0,
) -> Screen:
    """💬 Reviews on a product's card: a page of them, newest first (the newest again,
    saying so, for a page that is gone)."""
    if not is_row_id(product_id):
        return await _current(v, notice=v.tr._(EXPIRED))
    try:
        found = await reviews.page_of(
            v.uow, product_id, page, after_id=after_id, before_id=before_id
        )
    except ProductUnavailable:
        return await _current(v, notice=v.tr._(GONE))
    notice = v.tr._(review_texts.RESTARTED) if found.restarted else None
    return ReviewsScreen(reviews=found, variant_id=variant_id, notice=notice)


def _asked_review(v: Visit) -> tuple[int, int, int]:
    """The order, product and /orders page her awaited words are about (remember_review)."""
    asked = v.memory.get("review") or {}
    return (
        int(asked.get("order_id") or 0),
        int(asked.get("product_id") or 0),
        int(asked.get("page") or 0),
    )


async def _reviewable(
    v: Visit, order_id: int, product_id: int, page: int
) -> reviews.Reviewable | Screen:
    """What she may write about, or her order (her list) saying why she may not."""
    if not is_row_id(order_id):
        return await _order(v, None, page)
    try:
        return await reviews.reviewable(v.uow, v.customer_id, order_id, product_id)
    except OrderNotFound:
        return await _order(v, None, page)
    except NotRateable as refused:
        return await _order(v, order_id, page, notice=refused.said(v.tr))


@looking
async def ask_cancel(v: Visit, order_id: int, page: int = 0) -> Screen:
    """✖️ Cancel order on her order: the question, with what she gets back; the order as it
    is, saying why, if she may not cancel it (any more)."""
    await v.fire("open_orders")
    if not is_row_id(order_id):
        return await _order(v, None, page)
    allowed = v.shop.settings.shopper_cancel
    try:
        offer = await cancel_offer(v.uow, v.customer_id, order_id, allowed)
    except OrderNotFound:
        return await _order(v, None, page)
    except NotCancellable as refused:
        return await _order(v, order_id, page, notice=refused.said(v.tr))
    return CancelOrderScreen(offer=offer, page=page)


@looking
async def cancelled(
    v: Visit, order_id: int, page: int, said: Callable[[Translator], str]
) -> Screen:
    """Her order after her cancel (bot.usecases.shopper_orders), with what came of it."""
    await v.fire("open_orders")
    return await _order(v, order_id if is_row_id(order_id) else None, page, notice=said(v.tr))


@looking
async def return_items(
    v: Visit, order_id: int, mask: int = 0, reason: int = 0, step: int = 0, page: int = 0
) -> Screen:
    """↩️ Return items on her delivered order, one step a press (`step` 0 the lines, 1 the
    reason, 2 the question); her order, saying why, when it may not be returned (any more)."""
    await v.fire("open_orders")
    if not is_row_id(order_id):
        return await _order(v, None, page)
    days = v.shop.settings.return_days
    try:
        offer = await returns.return_offer(v.uow, v.customer_id, order_id, days, utcnow())
    except OrderNotFound:
        return await _order(v, None, page)
    except returns.NotReturnable as refused:
        return await _order(v, order_id, page, notice=refused.said(v.tr))
    try:
        if step <= 0:
            if mask < 0 or mask & ~offer.bits:  # a line not offered (now)
                raise returns.NotReturnable(returns.STALE)
            return ReturnScreen(offer=offer, mask=mask, page=page)
        offer.chosen(mask)
    except returns.NotReturnable as refused:
        return ReturnScreen(offer=offer, page=page, notice=refused.said(v.tr))
    code = returns.reason_of(reason)
    if step == 1 or code is None:
        return ReturnScreen(offer=offer, mask=mask, asking="reason", page=page)
    return ReturnScreen(offer=offer, mask=mask, asking="confirm", reason=code, page=page)


@looking
async def return_sent(
    v: Visit, order_id: int, page: int, said: Callable[[Translator], str]
) -> Screen:
    """Her order after her return request (bot.usecases.returns), with what came of it."""
    await v.fire("open_orders")
    return await _order(v, order_id if is_row_id(order_id) else None, page, notice=said(v.tr))


# ---------------------------------------------------------------- back in stock


@looking
async def watch(v: Visit, product_id: int, variant_id: int = 0) -> Screen:
    """Notify me: the shopper waits for a sold-out product, or a sold-out variant of it
    (once, however often pressed)."""
    return await _wait_for(v, product_id, variant_id, True)


@looking
async def unwatch(v: Visit, product_id: int, variant_id: int = 0) -> Screen:
    return await _wait_for(v, product_id, variant_id, False)


async def _pressed_card(v: Visit, product_id: int, variant_id: int) -> catalog.ProductCard | Screen:
    """The card a button on it was pressed for; if its option or the product is gone, the
    screen saying so (the product with its options now, or the list it came from)."""
    try:
        return await catalog.product_card(v.uow, product_id, variant_id)
    except VariantUnavailable:
        return await _product(v, product_id, 1, notice=v.tr._(OPTION_GONE))
    except ProductUnavailable:
        return await _listing(v, notice=v.tr._(GONE))


async def _wait_for(v: Visit, product_id: int, variant_id: int, waiting: bool) -> Screen:
    card = await _pressed_card(v, product_id, variant_id)
    if not isinstance(card, catalog.ProductCard):
        return card
    chosen = card.variant_id
    if waiting and card.available > 0:
        notice = v.tr._(restock_texts.IN_STOCK_NOW)
        return await _product(v, product_id, 1, notice=notice, card=card, variant_id=chosen)
    if waiting:
        await v.uow.restock.watch(v.customer_id, product_id, card.variant_id)
    else:
        await v.uow.restock.unwatch(v.customer_id, product_id, card.variant_id)
    said = restock_texts.watching if waiting else restock_texts.stopped
    title = _card_title(v.tr, card)
    return await _product(
        v, product_id, 1, notice=said(v.tr, title), card=card, watching=waiting, variant_id=chosen
    )


# ---------------------------------------------------------------- saved products


@looking
async def save(v: Visit, product_id: int, variant_id: int = 0) -> Screen:
    """♡ on a product's card: keep it under /saved (the card stays as it was)."""
    return await _keep(v, product_id, variant_id, True)


@looking
async def unsave(v: Visit, product_id: int, variant_id: int = 0) -> Screen:
    return await _keep(v, product_id, variant_id, False)


async def _keep(v: Visit, product_id: int, variant_id: int, keeping: bool) -> Screen:
    card = await _pressed_card(v, product_id, variant_id)
    if not isinstance(card, catalog.ProductCard):
        return card
    same = v.memory.get("product_id") == product_id
    quantity = int(v.memory.get("quantity") or 1) if same else 1
    kept, notice = await keep(v, product_id, keeping)
    return await _product(
        v, product_id, quantity, notice=notice, card=card, saved=kept, variant_id=card.variant_id
    )


async def keep(v: Visit, product_id: int, keeping: bool) -> tuple[bool, str]:
    """♡ on a product on sale (the caller has read it), in the chat or the storefront: saved
    or dropped, and her word for it. Past the most one may save, it stays unsaved and the
    word says why."""
    try:
        if keeping:
            await favourites.save(v.uow, v.customer_id, product_id)
        else:
            await favourites.drop(v.uow, v.customer_id, product_id)
    except TooManySaved as refused:
        return False, refused.said(v.tr)
    return keeping, v.tr._(SAVED if keeping else UNSAVED)


@looking
async def saved(v: Visit, page: int = 0) -> Screen:
    """/saved: a page of the products she saved, the last saved first."""
    return await _saved(v, page)


async def _saved(v: Visit, page: int, notice: str | None = None) -> Screen:
    found = await favourites.saved_page(v.uow, v.customer_id, page)
    listing = {"kind": "f", "page": found.page}
    await v.fire("browse", listing=listing)
    return ListScreen(page=found, listing=listing, notice=notice)


# ---------------------------------------------------------------- talk to the shop


@changing
async def ask_shop(v: Visit, order_id: int | None = None) -> Screen:
    """/support, or "Ask about this order": what the shopper sends next goes to the shop."""
    if not permissions.readers(v.shop.settings, "alert.question"):  # nobody to answer
        return SupportScreen(available=False)
    if order_id is not None:
        try:
            await get_order(v.uow, v.customer_id, order_id)  # only the shopper's own orders
        except OrderNotFound:
            return await _current(v, notice=v.tr._(EXPIRED))
    thread_id = await conversations.open_thread(v.uow, v.customer_id, order_id)
    v.chat.data[SUPPORT_KEY] = {"thread": thread_id}
    await v.fire("ask")
    return SupportScreen(order_id=order_id)


@looking
async def photo(v: Visit, file_id: str, caption: str | None) -> Screen | None:
    """A photo: for the shop while the shopper writes to it; None otherwise (not readable)."""
    if v.chat.state != Step.SUPPORT:
        return None
    return await _question(v, text=caption, photo=file_id)


@looking
async def not_text(v: Visit) -> Screen | None:
    """A sticker, file, voice message...: while the shopper writes to the shop, a plain word
    that only text and photos reach it (the rest would be lost unseen); None otherwise."""
    if v.chat.state != Step.SUPPORT:
        return None
    return SupportScreen(writing=True, notice=v.tr._(support_texts.ONLY_TEXT_AND_PHOTOS))


async def _question(v: Visit, *, text: str | None, photo: str | None = None) -> Screen:
    """Keep the shopper's message for the shop; it is sent once the visit is over."""
    if not permissions.readers(v.shop.settings, "alert.question"):  # nobody to answer
        await v.fire("cancel")
        return SupportScreen(available=False)
    memory = v.chat.data.get(SUPPORT_KEY)
    thread_id = memory.get("thread") if isinstance(memory, dict) else None
    try:
        thread_id = await conversations.add_question(
            v.uow,
            v.customer_id,
            thread_id if isinstance(thread_id, int) else None,
            author=v.who.user_id,
            text=text,
            photo=photo,
        )
    except MessageTooLong as refused:
        return SupportScreen(writing=True, notice=refused.said(v.tr))
    v.chat.data[SUPPORT_KEY] = {"thread": thread_id}
    return QuestionSentScreen(thread_id=thread_id)


# ---------------------------------------------------------------- common questions

FAQ_PAGE = 10  # questions on one page of /faq
FAQ_GONE = N_("That question is no longer in the list.")


@looking
async def faq_list(v: Visit, page: int = 0) -> Screen:
    """/faq, ℹ️ Questions: a page of the questions, in her language."""
    return await _faq_page(v, page)


async def _faq_page(v: Visit, page: int, notice: str | None = None) -> Screen:
    items = await v.shop.faq.items(v.uow)
    pages = max(1, -(-len(items) // FAQ_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * FAQ_PAGE : (page + 1) * FAQ_PAGE]
    questions = tuple((item.id, item.version(v.tr.language)[0]) for item in shown)
    return FaqScreen(questions=questions, page=page, pages=pages, notice=notice)


@looking
async def faq_answer(v: Visit, entry_id: int, page: int = 0) -> Screen:
    """A question's answer, read from the database (a button of an entry since deleted says
    so, whichever worker deleted it); ⬅ Back returns to the list's `page`."""
    entry = await v.uow.faq.get(entry_id)
    if entry is None:
        return await _faq_page(v, page, v.tr._(FAQ_GONE))
    question, answer = faq.FaqItem.of(0, entry).version(v.tr.language)
    return FaqAnswerScreen(question=question, answer=answer, page=page)


# ---------------------------------------------------------------- settings


@looking
async def settings(v: Visit) -> Screen:
    return await _settings(v)


@looking
async def cart_reminders(v: Visit, on: bool) -> Screen:
    """Turn cart reminders on or off (/settings, or the button on a reminder)."""
    await v.uow.customers.set_cart_reminders(v.customer_id, on)
    said = v.tr._(settings_texts.TURNED_ON if on else settings_texts.TURNED_OFF)
    return replace(await _settings(v, said), cart_reminders=on)


@looking
async def price_drop_alerts(v: Visit, on: bool) -> Screen:
    """Turn price-drop alerts for saved products on or off (/settings)."""
    await v.uow.customers.set_price_drop_alerts(v.customer_id, on)
    said = v.tr._(price_drop_texts.TURNED_ON if on else price_drop_texts.TURNED_OFF)
    return replace(await _settings(v, said), price_drop_alerts=on)


@looking
async def morning_report(v: Visit, on: bool) -> Screen:
    """An admin turns her morning report on or off (/settings); anyone else's press (a
    forwarded or forged button) changes nothing and says why."""
    if not v.shop.settings.is_admin(v.who.user_id):
        return await _settings(v, v.tr._(report_texts.ADMINS_ONLY))
    await v.uow.customers.set_morning_report(v.customer_id, on)
    said = v.tr._(report_texts.TURNED_ON if on else report_texts.TURNED_OFF)
    return replace(await _settings(v, said), morning_report=on)


async def _settings(v: Visit, notice: str | None = None) -> SettingsScreen:
    """Her choices as stored (a change made in this visit is written only at its end)."""
    customer = await v.uow.customers.get_by_telegram_id(v.who.user_id)
    chosen = FRESH_SETTINGS if customer is None else notice_settings(customer)
    admin = v.shop.settings.is_admin(v.who.user_id)
    return SettingsScreen(
        cart_reminders=chosen["cart_reminders"],
        reminders_used=v.shop.settings.cart_reminder_hours > 0,
        price_drop_alerts=chosen["price_drop_alerts"],
        morning_report=chosen["morning_report"] if admin else None,
        reports_sent=v.shop.settings.daily_report_hour is not None,
        notice=notice,
    )


@looking
async def languages(v: Visit) -> Screen:
    """/language: the choice of languages."""
    return LanguageScreen()


@looking
async def choose_language(v: Visit, language: str) -> Screen:
    """The shopper reads the shop in `language` from now on (kept with the customer)."""
    if i18n.normalize(language) != language:
        return LanguageScreen(notice=v.tr._(EXPIRED))
    await v.uow.customers.set_language(v.customer_id, language)
    v.tr = i18n.use(language)
    said = v.tr._("🌐 From now on I speak {language}.", language=i18n.LANGUAGES[language])
    return await _current(v, notice=said)  # back where she was, in her new language


async def chosen_language(shop: Shop, user_id: int, *, refusing: bool = False) -> str | None:
    """The language a person chose in /language (None: follow Telegram's), for an answer given
    without a visit. One small read: only the updates that need it ask (bot.handlers.language).
    `refusing`: the answer is to her update, so one the shop blocked raises Blocked."""
    async with shop.store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(user_id)
    if customer is None:
        return None
    if refusing:
        blocking.refuse_if_blocked(customer)
    return customer.language


async def record_blocked(shop: Shop, user_id: int, blocked: bool) -> None:
    """The shopper blocked the bot (or unblocked it): reminders, back-in-stock notices and
    broadcasts skip a blocked customer instead of trying a send Telegram refuses (403)."""
    async with shop.store.uow() as uow:
        await uow.customers.mark_blocked(user_id, blocked)


# ---------------------------------------------------------------- plain words

_PHRASES: dict[str, str] = {
    "cart": "cart",
    "my cart": "cart",
    "basket": "cart",
    "show cart": "cart",
    "checkout": "checkout",
    "check out": "checkout",
    "orders": "orders",
    "my orders": "orders",
    "order history": "orders",
    "saved": "saved",
    "favourites": "saved",
    "favorites": "saved",
    "wishlist": "saved",
    "help": "help",
    "catalog": "catalog",
    "catalogue": "catalog",
    "browse": "catalog",
    "shop": "catalog",
    "menu": "menu",
    "start": "menu",
    "hi": "menu",
    "hello": "menu",
    "hey": "menu",
    "cancel": "cancel",
    # Russian and Spanish: the words the help texts suggest, and a few more.
    "корзина": "cart",
    "моя корзина": "cart",
    "оформить": "checkout",
    "оформить заказ": "checkout",
    "заказы": "orders",
    "мои заказы": "orders",
    "избранное": "saved",
    "сохранённое": "saved",
    "сохраненное": "saved",
    "помощь": "help",
    "каталог": "catalog",
    "меню": "menu",
    "привет": "menu",
    "здравствуйте": "menu",
    "отмена": "cancel",
    "carrito": "cart",
    "mi carrito": "cart",
    "pagar": "checkout",
    "pedidos": "orders",
    "mis pedidos": "orders",
    "guardados": "saved",
    "favoritos": "saved",
    "ayuda": "help",
    "catálogo": "catalog",
    "catalogo": "catalog",
    "menú": "menu",
    "hola": "menu",
    "cancelar": "cancel",
}


def phrase_intent(text: str) -> str | None:
    """The intent of a short phrase such as "my orders" or "Cart!", or None."""
    normal = " ".join(re.findall(r"[^\W_]+", text.lower()))
    return _PHRASES.get(normal)


@searching
@looking
async def typed(v: Visit, text: str, *, phrase: bool = False) -> Screen | None:
    """A message the shopper typed: for the shop while the shopper writes to it (also "hi"
    or "help"); otherwise a search for its words, unless it is a `phrase` the caller handles
    ("cart", "my orders": None is returned for those)."""
    if v.chat.state == Step.SUPPORT:
        return await _question(v, text=text)
    if v.chat.state == Step.ENTERING_CODE:
        return await _typed_code(v, text)
    if v.chat.state == Step.WRITING_NOTE:
        return await _typed_note(v, text)
    if v.chat.state == Step.WRITING_REVIEW:
        return await _typed_review(v, text)
    if phrase:
        return None
    return await _words(v, text)


async def _words(v: Visit, text: str) -> Screen:
    """A text message that is not a phrase: search the catalog for its words (nothing but
    spaces: asked what to look for, as /search alone is), then the shop's answers to common
    questions. A question ("...?", "how do I...") tries the answers first: "can I pay by
    card?" wants the payment answer more than the gift cards its words find. A question
    nothing answers is offered the shop (a person replies), other words the usual hint."""
    if not text.strip():
        return SearchHintScreen()
    asked = faq.looks_like_question(text)
    if asked and (answer := await _answer_for(v, text)) is not None:
        return answer
    if catalog.query_words(text):
        found = await catalog.search(v.uow, text, 0)
        # a question's products have all its words ("gift wrap?" is not the gift card's)
        if found.items and (not asked or await _has_every_word(v, found, text)):
            shown = await _searched(v, text, found)
            if shown is not None:
                return shown
    if not asked and (answer := await _answer_for(v, text)) is not None:
        return answer
    if asked:
        questions = bool(await v.shop.faq.items(v.uow))
        return NoAnswerScreen(text=echo(text), questions=questions)
    return NotUnderstoodScreen(text=echo(text))


async def _has_every_word(v: Visit, found: catalog.ProductPage, text: str) -> bool:
    """The best match has every word that matters (products matching all come first)."""
    meaningful = set(faq.meaningful_words(text))
    words = [w for w in catalog.query_words(text) if w in meaningful]
    return await catalog.has_every_word(v.uow, found.items[0].id, words)


async def _answer_for(v: Visit, text: str) -> Screen | None:
    """The shop's answer to her words, in her language, if one answers them well."""
    found = (await v.shop.faq.index(v.uow, v.tr.language)).best(text)
    if found is None:
        return None
    question, answer = found.version(v.tr.language)
    return FaqAnswerScreen(question=question, answer=answer, found=True)


# ---------------------------------------------------------------- stale buttons


@looking
async def current(v: Visit, notice: str | None = EXPIRED) -> Screen:
    """What the chat should show now, for a button we no longer understand (`notice`: an
    English text of the catalogs, said in the shopper's language)."""
    return await _current(v, notice=v.tr._(notice) if notice else None)


# ---------------------------------------------------------------- internals


async def _current(v: Visit, *, notice: str | None) -> Screen:
    state = v.chat.state
    if state == Step.BROWSING:
        return await _listing(v, notice=notice)
    if state == Step.VIEWING and v.memory.get("product_id"):
        product_id = int(v.memory["product_id"])
        quantity = int(v.memory.get("quantity") or 1)
        variant_id = int(v.memory.get("variant_id") or 0)
        return await _product(v, product_id, quantity, notice=notice, variant_id=variant_id)
    if state == Step.ENTERING_CODE:  # the step waits for typing: asked for again
        return PromoPromptScreen(notice=notice)
    if state == Step.WRITING_NOTE:
        cart = await v.uow.carts.get_for_customer(v.customer_id)
        return NotePromptScreen(note=cart.note, notice=notice)
    if state == Step.WRITING_REVIEW:  # the step waits for typing: asked for again
        order_id, product_id, page = _asked_review(v)
        mine = await _reviewable(v, order_id, product_id, page)
        return (
            mine
            if isinstance(mine, Screen)
            else ReviewPromptScreen(about=mine, page=page, notice=notice)
        )
    if state in (Step.CART, Step.CHECKOUT):
        return await _cart(v, notice=notice)
    if state == Step.SUPPORT:
        return SupportScreen(writing=True, notice=notice)
    if await _invoice_open(v):
        return PaymentWaitingScreen(notice=notice)
    await v.fire("open_menu")
    return await _menu_screen(v, first_name=v.who.first_name, notice=notice)


async def _categories(
    v: Visit,
    notice: str | None = None,
    page: int = 0,
    *,
    order: str = "name",
    in_stock: bool = False,
) -> Screen:
    await v.fire("browse", listing={"kind": "cats"})
    listed = await catalog.list_categories(v.uow, in_stock=in_stock)
    shown, page, pages = catalog.page_of(listed, page)
    return CategoriesScreen(
        categories=tuple(shown),
        page=page,
        pages=pages,
        notice=notice,
        order=order,
        in_stock=in_stock,
    )


async def _category(
    v: Visit,
    category_id: int,
    page: int,
    notice: str | None = None,
    categories_page: int = 0,
    *,
    order: str = "name",
    in_stock: bool = False,
) -> Screen:
    try:
        found = await catalog.category_page(v.uow, category_id, page, order, in_stock)
    except CategoryNotFound:
        empty = notice or v.tr._("That category is empty now.")
        return await _categories(
            v, notice=empty, page=categories_page, order=order, in_stock=in_stock
        )
    listing = {
        "kind": "c",
        "id": category_id,
        "page": found.page,
        "cats_page": categories_page,
        "order": order,
        "in_stock": int(in_stock),
    }
    await v.fire("browse", listing=listing)
    return ListScreen(page=found, listing=listing, notice=notice)


async def _search(v: Visit, query: str, page: int, notice: str | None = None) -> Screen | None:
    return await _searched(v, query, await catalog.search(v.uow, query, page), notice)


async def _searched(
    v: Visit, query: str, found: catalog.ProductPage, notice: str | None = None
) -> Screen | None:
    """The page of products `query` found, remembered for ⬅ Back; None when it found none."""
    if not found.items:
        return None
    v.memory["search"] = query.strip()[:200]
    listing = {"kind": "s", "page": found.page}
    await v.fire("browse", listing=listing)
    return ListScreen(page=found, listing=listing, notice=notice)


def _known_order(order: object) -> str:
    """The remembered order, or name order if it is none we offer (any more)."""
    return order if isinstance(order, str) and order in catalog.CATEGORY_ORDERS else "name"


async def _listing(v: Visit, notice: str | None = None) -> Screen:
    """The list remembered for Back (category, search or saved page), else the categories."""
    listing = v.memory.get("listing") or {}
    if listing.get("kind") == "c":
        return await _category(
            v,
            int(listing["id"]),
            int(listing.get("page", 0)),
            notice,
            categories_page=int(listing.get("cats_page", 0)),
            order=_known_order(listing.get("order")),
            in_stock=bool(listing.get("in_stock", 0)),
        )
    if listing.get("kind") == "s" and v.memory.get("search"):
        found = await _search(v, str(v.memory["search"]), int(listing.get("page", 0)), notice)
        if found is not None:
            return found
    if listing.get("kind") == "f":
        return await _saved(v, int(listing.get("page", 0)), notice)
    return await _categories(v, notice)


async def _product(
    v: Visit,
    product_id: int,
    quantity: int,
    notice: str | None = None,
    *,
    card: catalog.ProductCard | None = None,
    counts: tuple[int, int, int] | None = None,
    watching: bool | None = None,
    saved: bool | None = None,
    variant_id: int = 0,
    chose: bool = False,
    photo: int | None = None,
) -> Screen:
    """The product's screen; `card` when the visit has just read it, `counts` (this product's
    (variant's) units in the cart, all units, the product's in all its variants) when it has
    just changed the cart, `watching` when it has just changed whether the shopper waits for
    it (sold out: read otherwise), `saved` when it has just saved or dropped it (read with
    the counts otherwise). `variant_id`
    is the variant to show (0: the product's first in stock); `chose` when the shopper has
    just picked it, so a sold-out one is said to be. `photo`: which of its photos to show
    (None: the one on screen, if this card is)."""
    if card is None:
        try:
            card = await catalog.product_card(v.uow, product_id, variant_id)
        except VariantUnavailable:
            card = await catalog.product_card(v.uow, product_id)
            notice = notice or OPTION_GONE
        except ProductUnavailable:  # tapped in her cart: back to it, where its line says so
            back = _cart if v.chat.state == Step.CART else _listing
            return await back(v, notice=v.tr._(GONE))
    on_screen = (
        v.chat.state == Step.VIEWING
        and v.memory.get("product_id") == product_id
        and v.memory.get("variant_id", 0) == card.variant_id
    )
    shown = int(v.memory.get("photo", 0)) if on_screen else 0
    if photo is None:
        photo = shown if shown < card.photo_count else 0
    elif photo and photo >= card.photo_count:  # a button from before the gallery changed
        photo, notice = 0, notice or v.tr._(PHOTO_GONE)
    same_media = on_screen and shown == photo
    if counts is None:
        mine = await carts.card_counts(v.uow, v.customer_id, product_id, card.variant_id)
        in_cart, cart_items, holding = mine.in_cart, mine.cart_items, mine.holding
        in_order = mine.of_product
        saved = mine.saved if saved is None else saved
    else:  # just added to the cart: on screen already, so saved as the screen showed it
        (in_cart, cart_items, in_order), holding = counts, True
        if saved is None:
            saved = v.memory.get("product_id") == product_id and bool(v.memory.get("saved"))
    holds: dict[int, carts.Held] = {}
    if holding:  # what her own open invoice holds of it is hers
        card, holds = await catalog.as_hers(v.uow, v.customer_id, card)
    room = carts.limit_room(card.max_per_order, in_order)
    most = carts.can_add(card.available, in_cart, room)
    by_variant = {card.variant_id: in_cart}  # what her units cost: a tier counts all sizes
    if card.tiers and card.variants and in_order > in_cart:
        by_variant = await carts.units_by_variant(v.uow, v.customer_id, product_id, v.currency)
    if quantity > most > 0 and notice is None:
        notice = _cap_notice(v.tr, most, in_cart, card.available)
        if most == room and card.max_per_order is not None:  # the limit stops it, not stock
            limit = OverOrderLimit(card.title, card.max_per_order, card.translations)
            notice = limit.said(v.tr)
    if chose and card.available <= 0 and notice is None:
        label = v.tr.label(card.variant_label, card.translations)
        notice = restock_texts.variant_sold_out(v.tr, label)
    quantity = min(max(quantity, 1), max(most, 1))
    if watching is None:
        watching = card.available <= 0 and await v.uow.restock.is_watching(
            v.customer_id, product_id, card.variant_id
        )
    await v.fire(
        "view",
        product_id=product_id,
        quantity=quantity,
        price=card.price,
        variant_id=card.variant_id,
        saved=saved,
        photo=photo,
    )
    return ProductScreen(
        card=card,
        quantity=quantity,
        in_cart=in_cart,
        cart_items=cart_items,
        low_stock_threshold=v.shop.settings.low_stock_threshold,
        same_media=same_media,
        watching=watching,
        saved=saved,
        held=holds.get(card.variant_id),
        can_add=most,
        in_order=in_order,
        in_cart_by_variant=by_variant,
        photo=photo,
        also_bought=await catalog.also_bought(v.uow, product_id),
        notice=notice,
    )


def _cap_notice(tr: Translator, most: int, in_cart: int, available: int) -> str:
    """Why the quantity picker stops at `most`: all that is left, or what she can still add
    beside what her cart holds (or at once)."""
    if in_cart == 0 and most == available:
        return tr.ngettext("Only {count} left.", "Only {count} left.", most, count=most)
    return tr._("You can add up to {count}.", count=most)


async def _cart(
    v: Visit,
    notice: str | None = None,
    *,
    cart: CartView | None = None,
    report: tuple[str, ...] = (),
) -> Screen:
    """The cart's screen; `cart` when the visit has just changed it (its writes may not be
    made yet, so reading the cart again would show it as it was)."""
    await v.fire("open_cart")
    if cart is None:
        cart = await carts.view_cart(v.uow, v.customer_id, v.currency)
    elif cart.is_empty:
        cart = CartView((), v.currency)
    promo = await cart_promo(v.uow, v.customer_id, cart, v.currency)
    closed = await _closed(v) if not cart.is_empty else ""
    if closed:  # her cart waits for the shop: she hears when it opens, as at checkout
        await v.uow.sales.wait_for_reopening(v.customer_id)
    return CartScreen(cart=cart, notice=notice, report=report, promo=promo, closed=closed)


def _card_title(tr: Translator, card: catalog.ProductCard) -> str:
    """ "Organic Tee - M / Oat" for a variant, the title otherwise (in `tr`'s language)."""
    title = tr.name(card.title, card.translations)
    return variant_title(title, tr.label(card.variant_label, card.translations))


def refusal(tr: Translator, error: Exception) -> str:
    """A cart refusal in the shopper's words."""
    if isinstance(error, OutOfStock):
        short = error.shortages[0]
        if not short.available:
            return tr._("Sorry, {title} is out of stock.", title=short.title_in(tr))
        if short.in_cart:
            return tr.ngettext(
                "Sorry, only {count} left and {in_cart} already in your cart.",
                "Sorry, only {count} left and {in_cart} already in your cart.",
                short.available,
                count=short.available,
                in_cart=short.in_cart,
            )
        return tr.ngettext(
            "Sorry, only {count} left.",
            "Sorry, only {count} left.",
            short.available,
            count=short.available,
        )
    if isinstance(error, VariantUnavailable):
        return tr._(OPTION_GONE)
    if isinstance(error, ProductUnavailable):
        return tr._(GONE)
    if isinstance(error, CartChanged):
        return tr._("Your cart changed just now (on another device?). Please try again.")
    if isinstance(error, LineFull | OverOrderLimit):
        return error.said(tr)
    return tr._("Sorry, that did not work. Please try again.")
