"""Screens as Telegram messages: HTML text, inline keyboards and product photos.

Only wording and layout live here; what to show was decided by bot.conversation.journey.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial, singledispatch
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from telegram.constants import InlineKeyboardMarkupLimit, MessageLimit

from bot import permissions
from bot.callback_data import (
    AddOne,
    AddToCart,
    AskNote,
    AskPromoCode,
    AskShop,
    Back,
    BuyAgain,
    CancelMyOrder,
    CartReminders,
    ChangeSlot,
    Checkout,
    ChooseLanguage,
    ChooseSlot,
    ClearCart,
    DeleteReview,
    DownloadAgain,
    FaqAnswer,
    Home,
    MorningReport,
    MyInvoice,
    MyOrder,
    MyOrders,
    Noop,
    NotifyMe,
    Pay,
    PriceDropAlerts,
    RateProduct,
    RemoveGiftCard,
    RemoveLine,
    RemoveNote,
    RemovePromoCode,
    ReturnItems,
    SaveProduct,
    SearchHint,
    ShowCart,
    ShowCategories,
    ShowCategory,
    ShowFaq,
    ShowHelp,
    ShowInvite,
    ShowProduct,
    ShowReviews,
    ShowSaved,
    ShowSearchPage,
    StopNotifying,
    TakeOne,
    UnsaveProduct,
    WriteReview,
    button,
)
from bot.clipping import clip, telegram_length, titles_fitting
from bot.config import Settings
from bot.conversation.screens import (
    CancelOrderScreen,
    CartScreen,
    CategoriesScreen,
    CheckoutScreen,
    FaqAnswerScreen,
    FaqScreen,
    HelpScreen,
    InviteScreen,
    LanguageScreen,
    ListScreen,
    MenuScreen,
    NoAnswerScreen,
    NotePromptScreen,
    NotUnderstoodScreen,
    OrderScreen,
    OrdersScreen,
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
from bot.i18n import LANGUAGE_MENU, LANGUAGES, N_, Translator
from bot.money import STARS as STARS_CURRENCY
from bot.notices import as_many_as_fit
from bot.permissions import Role
from bot.services import referrals
from bot.services.cancelling import CancelOffer, can_cancel
from bot.services.cart import CartLineView, CartView, Held, LineProblem, line_problems
from bot.services.catalog import ProductCard, ProductItem, ProductPage
from bot.services.checkout import LineChange, after_promo, cart_taxes
from bot.services.invoices import may_have_invoice
from bot.services.notes import NOTE_MAX
from bot.services.order_history import OrderView
from bot.services.order_summary import (
    delivery_method,
    delivery_time,
    discount_line,
    gift_card_line,
    promo_line,
    tax_lines,
)
from bot.services.photos import PhotoSource, resolve_photo
from bot.services.pickup import is_pickup
from bot.services.ratings import STARS, can_rate
from bot.services.reorder import can_buy_again
from bot.services.returns import REASON_CODES, REASONS
from bot.services.reviews import REVIEW_MAX, REVIEW_MIN
from bot.services.tracking import tracking_link
from bot.texts import checkout as checkout_texts
from bot.texts import daily_report as report_texts
from bot.texts import delivery as delivery_texts
from bot.texts import faq as faq_texts
from bot.texts import invoices as invoice_texts
from bot.texts import price_drops as price_drop_texts
from bot.texts import restock as restock_texts
from bot.texts import returns as return_texts
from bot.texts import reviews as review_texts
from bot.texts import settings as settings_texts
from bot.texts import support as support_texts
from bot.texts.bundles import contents_line, set_saving_line
from bot.texts.cart_thresholds import free_shipping_text, min_order_text
from bot.texts.category_sale import sale_end_line
from bot.texts.commands import ADMIN_COMMANDS
from bot.texts.ratings import rate_button, rated_name, stars_text
from bot.texts.sale import price_html, price_label, saving_line
from bot.texts.tiers import adding_price, nudge_line, tiers_line, units_at
from bot.texts.tracking import TRACK_PARCEL

Keyboard = list[list[InlineKeyboardButton]]

HELP_TEXT = N_(
    "I am the shop's assistant. You can tap the buttons, or just write to me.\n\n"
    "/catalog - browse the catalog\n"
    "/search <words> - find products, e.g. /search mug\n"
    "/cart - your cart\n"
    "/orders - your orders\n"
    "/saved - products you saved (♡ on a product)\n"
    "/support - ask the shop a question\n"
    "/faq - answers to common questions\n"
    "/settings - cart reminders and price drop alerts\n"
    "/language - choose your language\n"
    "/cancel - cancel the current step\n"
    "/help - this message\n\n"
    "Or type what you are looking for (“kettle”, “green tea”), or “cart”, “checkout”, "
    "“my orders”."
)
ADMIN_HELP = N_("🛠 For admins (only you see these):")
STAFF_HELP = N_("🛠 For the shop's staff (only you see these):")
STOREFRONT_HELP = N_("/shop opens the whole shop as a page, with photos: the same cart as here.")
INVITE_HELP = N_(
    "/invite - invite a friend: a {reward} gift card for you when their first order arrives"
)
# Over the products that paid orders held most often with the one shown (the card, the page).
ALSO_BOUGHT = N_("Often bought with this:")
CART_TITLE_WIDTH = 18  # a cart line's title on its buttons' row
REVIEW_TITLE_WIDTH = 32  # the product named on ✍️ after her stars
NOTICE_LENGTH = 150  # fits a toast (200) and leaves a caption room for the product
# A screen's own text, leaving room for the notice `render` may put above it ("<i>…</i>").
SCREEN_ROOM = MessageLimit.MAX_TEXT_LENGTH - NOTICE_LENGTH - len("<i></i>\n\n")


@dataclass(frozen=True)
class View:
    """One message: HTML text (a caption when there is a photo) and its buttons."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    photo: PhotoSource | None = None
    product_id: int | None = None  # whose photo it is (to remember Telegram's file_id)
    variant_id: int = 0  # the photo is this variant's own (its file_id is kept on it)
    further: str | None = None  # the photo is this further one of the product's gallery
    same_media: bool = False
    toast: str | None = None
    previews: bool = True  # False: no link preview (shoppers' words that others read)


def render(screen: Screen, settings: Settings, tr: Translator) -> View:
    """The screen in the reader's language (`tr`); a notice comes worded already."""
    view = _render(screen, settings, tr)
    notice = screen.notice
    if notice:
        notice = clip(notice, NOTICE_LENGTH)
        view = replace(view, text=f"<i>{escape(notice)}</i>\n\n{view.text}", toast=notice)
    return view


def _fitted(view_at: Callable[[int | None], View]) -> View:
    """The view with whole titles when it fits in a message, else with its titles cut short
    (bot.clipping.titles_fitting): a cart of 40 long names stays one message."""
    return titles_fitting(view_at, SCREEN_ROOM, lambda view: view.text)


def _title(
    tr: Translator, title: str, translations: dict[str, Any] | None, width: int | None
) -> str:
    """A line's title in the reader's language, cut to `width` if given, HTML-escaped."""
    name = tr.name(title, translations)
    return escape(clip(name, width) if width else name)


@singledispatch
def _render(screen: Screen, settings: Settings, tr: Translator) -> View:
    raise TypeError(f"no view for {type(screen).__name__}")


@_render.register
def _menu(screen: MenuScreen, settings: Settings, tr: Translator) -> View:
    if screen.welcome and screen.first_name:
        text = tr._(
            "👋 Welcome to the shop, {name}!\n\n"
            "Browse the catalog, search for something, or type what you need.",
            name=escape(screen.first_name),
        )
    elif screen.welcome:
        text = tr._(
            "👋 Welcome to the shop!\n\n"
            "Browse the catalog, search for something, or type what you need."
        )
    else:
        text = tr._("🏠 Main menu. What would you like to do?")
    rows = [_storefront_row(settings, tr), *_menu_rows(tr)]
    if screen.questions:
        rows.append([button(tr._(faq_texts.MENU_BUTTON), ShowFaq())])
    return View(_banner(screen.closed) + text, _markup(rows))


def _banner(closed: str) -> str:
    """A paused shop's words (/pause, the admin's note in them) over a screen ("": none)."""
    return f"{escape(closed)}\n\n" if closed else ""


@_render.register
def _help(screen: HelpScreen, settings: Settings, tr: Translator) -> View:
    text = tr._(HELP_TEXT)
    if settings.storefront_on:
        text += "\n\n" + tr._(STOREFRONT_HELP)
    rows = [_storefront_row(settings, tr), *_menu_rows(tr)]
    if referrals.is_open(settings):
        reward = tr.money(settings.referral_reward, settings.currency)
        text += "\n\n" + tr._(INVITE_HELP, reward=reward)
        rows.append([button(tr._(referrals.INVITE_BUTTON), ShowInvite())])
    if screen.role is not None:
        mine = permissions.commands_of(screen.role, ADMIN_COMMANDS)
        lines = [f"/{name} - {tr._(says)}" for name, says in mine]
        heading = ADMIN_HELP if screen.role is Role.ADMIN else STAFF_HELP
        text += "\n\n" + "\n".join([tr._(heading), *lines])
    return View(_banner(screen.closed) + escape(text), _markup(rows))


@_render.register
def _invite(screen: InviteScreen, settings: Settings, tr: Translator) -> View:
    found = screen.invitation
    if found is None:
        return View(
            tr._("Invitations are not open in this shop right now."), _markup(_menu_rows(tr))
        )
    reward = tr.money(found.reward, found.currency)
    lines = [
        tr._(
            "🎁 Invite a friend: when someone new opens the shop with your link, you get a "
            "{reward} gift card once their first order is delivered.",
            reward=reward,
        ),
        "",
        tr._("Your link:") + f"\n{escape(found.link)}",
        "",
        tr.ngettext(
            "{count} friend joined", "{count} friends joined", found.joined, count=found.joined
        ),
        tr.ngettext(
            "{count} reward earned", "{count} rewards earned", found.rewarded, count=found.rewarded
        ),
    ]
    if found.cards:
        codes = "\n".join(f"<code>{escape(code)}</code>" for code in found.cards)
        lines += ["", tr._("Your reward gift cards (/giftcard CODE shows what is left):"), codes]
    share = referrals.share_link(found.link, tr._(referrals.SHARE_TEXT))
    rows = [[InlineKeyboardButton(tr._("📤 Share"), url=share)], _home_row(tr)]
    return View("\n".join(lines), _markup(rows), previews=False)


@_render.register
def _storefront(screen: StorefrontScreen, settings: Settings, tr: Translator) -> View:
    if not settings.storefront_on:
        text = tr._("This shop has no shop page yet: /catalog shows everything right here.")
        return View(text, _markup(_menu_rows(tr)))
    text = tr._(
        "🛍 The whole shop on one page, with photos and search. Your cart is the same as here, "
        "and so is checkout."
    )
    return View(text, _markup([_storefront_row(settings, tr), _home_row(tr)]))


@_render.register
def _search_hint(screen: SearchHintScreen, settings: Settings, tr: Translator) -> View:
    hint = tr._(
        "🔎 What are you looking for? Send /search followed by a few words, e.g. {example}, "
        "or simply type them, e.g. “kettle”.",
        example="<code>" + escape(tr._("/search mug")) + "</code>",
    )
    return View(
        hint,
        _markup([[button(tr._("🛍 Catalog"), ShowCategories()), button(tr._("🏠 Menu"), Home())]]),
    )


@_render.register
def _not_understood(screen: NotUnderstoodScreen, settings: Settings, tr: Translator) -> View:
    text = tr._(
        "I didn't find anything for “{text}”.\n"
        "Try other words, browse the /catalog, or send /help to see what I can do.",
        text=escape(screen.text),
    )
    return View(text, _markup(_menu_rows(tr)))


@_render.register
def _no_answer(screen: NoAnswerScreen, settings: Settings, tr: Translator) -> View:
    rows = [[button(tr._(faq_texts.ASK), AskShop(0))]]
    if screen.questions:
        rows[0].append(button(tr._(faq_texts.ALL), ShowFaq()))
    return View(escape(tr._(faq_texts.NO_ANSWER)), _markup([*rows, _home_row(tr)]))


@_render.register
def _faq(screen: FaqScreen, settings: Settings, tr: Translator) -> View:
    ask = button(tr._(faq_texts.ASK), AskShop(0))
    if not screen.questions:
        return View(escape(tr._(faq_texts.NONE_YET)), _markup([[ask], _home_row(tr)]))
    rows = [
        [button(clip(question, faq_texts.QUESTION_WIDTH), FaqAnswer(entry_id, screen.page))]
        for entry_id, question in screen.questions
    ]
    text = tr._(faq_texts.LIST_HEAD)
    if screen.pages > 1:
        text += "\n" + tr._("Page {page} of {pages}", page=screen.page + 1, pages=screen.pages)
        nav = []
        if screen.page > 0:
            nav.append(button(tr._("◀ Prev"), ShowFaq(screen.page - 1)))
        nav.append(button(f"{screen.page + 1}/{screen.pages}", Noop()))
        if screen.page < screen.pages - 1:
            nav.append(button(tr._("Next ▶"), ShowFaq(screen.page + 1)))
        rows.append(nav)
    return View(escape(text), _markup([*rows, [ask, *_home_row(tr)]]))


@_render.register
def _faq_answer(screen: FaqAnswerScreen, settings: Settings, tr: Translator) -> View:
    """The shop's own words, as plain text under its question in bold."""
    text = f"<b>{escape(screen.question)}</b>\n\n{escape(screen.answer)}"
    ask = button(tr._(faq_texts.ASK), AskShop(0))
    if screen.found:
        text = escape(tr._(faq_texts.FOUND_HEAD)) + "\n\n" + text
        return View(text, _markup([[ask, button(tr._(faq_texts.ALL), ShowFaq())]]))
    return View(text, _markup([[button(tr._(faq_texts.BACK), ShowFaq(screen.page)), ask]]))


@_render.register
def _categories(screen: CategoriesScreen, settings: Settings, tr: Translator) -> View:
    view = ShowCategory.of(screen.order, screen.in_stock)
    if not screen.categories and screen.in_stock:  # the filter hid them all: it can go
        everything = ShowCategories(0, ShowCategory.of(screen.order, False))
        toggle = button("✅ " + tr._("In stock only"), everything)
        text = tr._("Nothing here is in stock right now.")
        return View(text, _markup([[toggle], _home_row(tr)]))
    if not screen.categories:
        text = tr._("The shop is empty right now. Please come back soon!")
        return View(text, _markup([_home_row(tr)]))
    rows = [
        [
            button(
                f"{tr.name(c.title, c.translations)} ({c.product_count})",
                ShowCategory.shown(c.id, 0, screen.page, screen.order, screen.in_stock),
            )
        ]
        for c in screen.categories
    ]
    text = tr._("🛍 <b>Catalog</b>\nPick a category:")
    if screen.pages > 1:
        text += "\n" + tr._("Page {page} of {pages}", page=screen.page + 1, pages=screen.pages)
        nav: list[InlineKeyboardButton] = []
        if screen.page > 0:
            nav.append(button(tr._("◀ Prev"), ShowCategories(screen.page - 1, view)))
        nav.append(button(f"{screen.page + 1}/{screen.pages}", Noop()))
        if screen.page < screen.pages - 1:
            nav.append(button(tr._("Next ▶"), ShowCategories(screen.page + 1, view)))
        rows.append(nav)
    rows.append([button(tr._("🔎 Search"), SearchHint()), button(tr._("🛒 Cart"), ShowCart())])
    rows.append(_home_row(tr))
    return View(text, _markup(rows))


@_render.register
def _list(screen: ListScreen, settings: Settings, tr: Translator) -> View:
    page = screen.page
    if screen.is_saved:
        head = _saved_head(page, tr)
    elif screen.is_search:
        head = tr.ngettext(
            "🔎 Results for {query}: {count} found",
            "🔎 Results for {query}: {count} found",
            page.total,
            query=escape(page.title),
            count=page.total,
        )
    else:
        head = f"🛍 <b>{escape(tr.name(page.title, page.translations))}</b>"
    if page.pages > 1:
        head += "\n" + tr._("Page {page} of {pages}", page=page.page + 1, pages=page.pages)
    rows: Keyboard = []
    if screen.listing.get("kind") == "c":
        rows.extend(_sorting_rows(screen, tr))
        if not page.items:
            head += "\n" + tr._("Nothing here is in stock right now.")
    for item in page.items:
        title = tr.name(item.title, item.translations)
        label = f"{title} · {price_label(tr, item.price, item.compare_at, item.currency)}"
        if item.available <= 0:
            label += " · " + tr._("sold out")
        rows.append([button(label, ShowProduct(item.id, 1))])
    if page.pages > 1:
        nav: list[InlineKeyboardButton] = []
        if page.has_prev:
            nav.append(_page_button(screen, tr._("◀ Prev"), page.page - 1))
        nav.append(button(f"{page.page + 1}/{page.pages}", Noop()))
        if page.has_next:
            nav.append(_page_button(screen, tr._("Next ▶"), page.page + 1))
        rows.append(nav)
    back = (
        button(tr._("⬅ Categories"), _categories_action(screen))
        if screen.listing.get("kind") == "c"
        else button(tr._("🏠 Menu"), Home())
    )
    rows.append([back, button(tr._("🛒 Cart"), ShowCart())])
    return View(head + "\n" + tr._("Tap a product to see it:"), _markup(rows))


def _saved_head(page: ProductPage, tr: Translator) -> str:
    """/saved's title: how many she saved (on sale), or how to save one."""
    if not page.total:
        return tr._("♡ <b>Saved</b>\nNothing saved yet: tap ♡ Save on a product to find it here.")
    return tr.ngettext(
        "♡ <b>Saved</b>: {count} product",
        "♡ <b>Saved</b>: {count} products",
        page.total,
        count=page.total,
    )


@_render.register
def _product(screen: ProductScreen, settings: Settings, tr: Translator) -> View:
    card = screen.card
    lines = [f"<b>{escape(tr.name(card.title, card.translations))}</b>"]
    if card.variant_label:
        lines.append(escape(tr.label(card.variant_label, card.translations)))
    price = price_html(tr, card.price, card.compare_at, card.currency)
    stock = stock_label(tr, card.available, screen.low_stock_threshold, card.is_digital)
    lines.append(f"{price} · {stock}")
    if ends := sale_end_line(
        tr, card.compare_at, card.sale_ends_at, settings.zone, datetime.now(UTC)
    ):
        lines.append(ends)
    if tiers := tiers_line(tr, card.tiers):
        lines.append(escape(tiers))
    if inside := contents_line(tr, card.bundle):
        lines.append(escape(inside))
    if saves := set_saving_line(tr, card.bundle, card.currency):
        lines.append(escape(saves))
    if card.max_per_order is not None:
        lines.append(limit_line(tr, card.max_per_order))
    if screen.in_cart:
        lines.append(tr._("🛒 In your cart: {count}", count=screen.in_cart))
    if screen.held:
        lines.append(escape(held_note(tr, screen.held)))
    if rating := rating_line(tr, card):
        lines.append(rating)
    limit = (card.max_per_order, screen.in_order)
    if cap := cap_note(tr, card.available, screen.in_cart, screen.can_add, limit):
        lines.append(cap)
    if screen.watching:
        lines.append(tr._(restock_texts.WAITING_LINE))
    head = "\n".join(lines)
    room = MessageLimit.CAPTION_LENGTH - telegram_length(head) - NOTICE_LENGTH - 10
    words = tr.name(card.description, card.translations, "description")
    description = escape(clip(words, max(room, 0)))
    text = f"{head}\n\n{description}" if description else head
    rows: Keyboard = [*_gallery_row(screen), *_option_rows(card, screen.quantity, tr)]
    chosen, shown = card.variant_id, screen.photo
    if screen.can_add > 0:
        qty = screen.quantity
        # What her cart grows by: these units, and hers moved to the tier they all reach.
        increase = card.cost_of_adding(card.variant_id, qty, screen.in_cart_by_variant)
        adding = adding_price(tr, increase, card.currency, card.tiers, screen.in_order)
        rows.append(
            [
                button("➖", ShowProduct(card.id, max(qty - 1, 1), chosen, shown)),
                button(tr.ngettext("{count} pc", "{count} pc", qty, count=qty), Noop()),
                button("➕", ShowProduct(card.id, qty + 1, chosen, shown)),
            ]
        )
        rows.append(
            [
                button(
                    tr._("🛍 Add to cart · {price}", price=adding),
                    AddToCart(card.id, qty, chosen),
                )
            ]
        )
    elif card.available <= 0:  # sold out (when all of it is in her cart, the card says so)
        rows.append(
            [button(tr._(restock_texts.STOP), StopNotifying(card.id, chosen))]
            if screen.watching
            else [button(tr._(restock_texts.NOTIFY_ME), NotifyMe(card.id, chosen))]
        )
    cart_label = (
        tr._("🛒 Cart ({count})", count=screen.cart_items) if screen.cart_items else tr._("🛒 Cart")
    )
    keep = (
        button(tr._("♥ Saved"), UnsaveProduct(card.id, chosen))
        if screen.saved
        else button(tr._("♡ Save"), SaveProduct(card.id, chosen))
    )
    if card.review_count:
        reviews = tr._(review_texts.REVIEWS, count=card.review_count)
        rows.append([button(reviews, ShowReviews(card.id, 0, chosen))])
    rows.extend(_also_bought_rows(screen.also_bought, tr))
    rows.append([button(tr._("⬅ Back"), Back()), keep, button(cart_label, ShowCart())])
    further = card.further_photos[shown - 1] if shown else None  # after the card's own
    return View(
        text,
        _markup(rows),
        photo=resolve_photo(
            further.photo if further else card.photo,
            further.file_id if further else card.photo_file_id,
            settings.catalog_path,
        ),
        product_id=card.id,
        variant_id=card.variant_id if card.variant_photo and not further else 0,
        further=further.photo if further else None,
        same_media=screen.same_media,
    )


def _also_bought_rows(items: tuple[ProductItem, ...], tr: Translator) -> Keyboard:
    """ "Often bought with this:" (a label, as a page number is) over a button per product,
    named and priced as a list names it; nothing at all when there is none."""
    if not items:
        return []
    rows: Keyboard = [[button(tr._(ALSO_BOUGHT), Noop())]]
    for item in items:
        title = tr.name(item.title, item.translations)
        label = f"{title} · {price_label(tr, item.price, item.compare_at, item.currency)}"
        rows.append([button(label, ShowProduct(item.id, 1))])
    return rows


def _gallery_row(screen: ProductScreen) -> Keyboard:
    """◀ 2/3 ▶ over a card of several photos, going round at either end; none for one."""
    card, shown = screen.card, screen.photo
    count = card.photo_count
    if count < 2:
        return []
    to = [
        ShowProduct(card.id, screen.quantity, card.variant_id, (shown + step) % count)
        for step in (-1, 1)
    ]
    return [[button("◀", to[0]), button(f"{shown + 1}/{count}", Noop()), button("▶", to[1])]]


OPTIONS_PER_ROW = 4


def _option_rows(card: ProductCard, quantity: int, tr: Translator) -> Keyboard:
    """A product's options as buttons in the reader's language, a row (or more) per option:
    the chosen value marked "• M", a sold-out one "S ✕" (pressing it shows that it is sold
    out, with Notify me)."""
    rows: Keyboard = []
    for option in card.options:
        buttons = [
            button(
                f"{'• ' if choice.chosen else ''}"
                f"{tr.option(choice.value, card.translations, option.name)}"
                f"{' ✕' if choice.sold_out else ''}",
                ShowProduct(card.id, quantity, choice.variant_id),
            )
            for choice in option.choices
        ]
        rows.extend(
            buttons[i : i + OPTIONS_PER_ROW] for i in range(0, len(buttons), OPTIONS_PER_ROW)
        )
    return rows


REPORT_ROOM = 1000  # of a message's 4,096 characters, the rest is the cart's


def _report(report: tuple[str, ...], tr: Translator) -> str:
    """Lines above the cart (what Buy again could not add), as many as fit, then a gap."""
    if not report:
        return ""
    said = as_many_as_fit(tr, [f"• {escape(line)}" for line in report], REPORT_ROOM, "\n")
    return said + "\n\n"


@_render.register
def _cart(screen: CartScreen, settings: Settings, tr: Translator) -> View:
    return _fitted(partial(_cart_at, screen, settings, tr))


def _cart_at(screen: CartScreen, settings: Settings, tr: Translator, width: int | None) -> View:
    """The cart with its titles cut to `width` (None: whole)."""
    basket = screen.cart
    report = _report(screen.report, tr)
    if basket.is_empty:
        return View(
            report + tr._("🛒 Your cart is empty.\nHave a look at the catalog!"),
            _markup([[button(tr._("🛍 Catalog"), ShowCategories())], _home_row(tr)]),
        )
    lines = [report + tr._("🛒 <b>Your cart</b>"), ""]
    rows: Keyboard = []
    for n, line in enumerate(basket.lines, 1):
        total = tr.money(line.line_total, line.currency)
        title = tr.name(line.title, line.translations)
        units = units_at(tr, line.quantity, line.unit_price, line.currency, line.tier)
        shown = _title(tr, line.title, line.translations, width)
        lines.append(f"{n}. {shown}\n    {escape(units)} = <b>{total}</b>")
        warning = cart_line_warning(tr, line, basket)
        if warning:
            lines.append(f"    ⚠️ {warning}")
        if line.held:
            lines.append(f"    {escape(held_note(tr, line.held))}")
        if nudge := cart_nudge(tr, basket, n - 1):
            lines.append(f"    {escape(nudge)}")
        rows.append(
            [
                button("➖", TakeOne(line.product_id, line.variant_id)),
                button(
                    f"{n}. {clip(title, CART_TITLE_WIDTH)} ×{line.quantity}",
                    ShowProduct(line.product_id, 1, line.variant_id),
                ),
                button("➕", AddOne(line.product_id, line.variant_id)),
                button("✖", RemoveLine(line.product_id, line.variant_id)),
            ]
        )
    lines.append("")
    total = tr.money(basket.total, basket.currency)
    lines.append(tr._("Total: <b>{total}</b>", total=total))
    if saving := saving_line(tr, basket.saving, basket.currency):
        lines.append(saving)
    if screen.promo:  # why Checkout asks less than the total: the summary's own line
        lines.append(escape(promo_line(tr, screen.promo, basket.currency)))
    taxes = cart_taxes(settings.tax_rate_bp, basket, screen.promo)  # as the summary will say
    lines += map(escape, tax_lines(tr, settings.shown_tax_label, taxes, basket.currency))
    goods = after_promo(basket, screen.promo)
    shipping = free_shipping_text(tr, goods, settings, needs_shipping=basket.needs_shipping)
    if shipping:
        lines.append(shipping)
    short = screen.closed or min_order_text(tr, goods, settings)
    if short:  # instead of a Checkout button that could only refuse (paused, or too little)
        lines += ["", escape(short)]
    else:  # what she pays for the goods: the summary's total, after her promo code
        to_pay = tr.money(goods, basket.currency)
        rows.append([button(tr._("✅ Checkout · {total}", total=to_pay), Checkout())])
    rows.append(
        [
            button(tr._("🛍 Continue shopping"), Back()),
            button(tr._("🗑 Clear cart"), ClearCart()),
        ]
    )
    return View("\n".join(lines), _markup(_within_button_limit(rows, len(basket.lines))))


def _within_button_limit(rows: Keyboard, line_count: int) -> Keyboard:
    """The cart's keyboard within Telegram's 100 buttons: a big cart's lines keep only their
    title button (its card has ➖ and ➕), and lines past what fits none at all; the rows
    after the lines' (`rows[line_count:]`: Checkout, Continue, Clear) always stay."""
    most = InlineKeyboardMarkupLimit.TOTAL_BUTTON_NUMBER
    if sum(map(len, rows)) <= most:
        return rows
    line_rows, rest = rows[:line_count], rows[line_count:]
    room = most - sum(map(len, rest))
    return [*([row[1]] for row in line_rows[:room]), *rest]


@_render.register
def _checkout(screen: CheckoutScreen, settings: Settings, tr: Translator) -> View:
    return _fitted(partial(_checkout_at, screen, settings, tr))


def _checkout_at(
    screen: CheckoutScreen, settings: Settings, tr: Translator, width: int | None
) -> View:
    """The order summary (or what changed since) with its titles cut to `width` (None:
    whole)."""
    review = screen.review
    basket = review.cart
    if review.changes:
        lines = [tr._("⚠️ <b>Some things changed since you added them:</b>")]
        lines += [f"• {change_text(tr, change, width)}" for change in review.changes]
        lines.append("")
        if basket.is_empty:
            lines.append(tr._("Your cart is now empty."))
            rows = [[button(tr._("🛍 Catalog"), ShowCategories())], _home_row(tr)]
            return View("\n".join(lines), _markup(rows))
        lines.append(tr._("Your cart is updated:"))
        lines += _summary_lines(screen, settings, tr, width)
        lines.append("")
        lines.append(tr._("Continue to checkout with these changes?"))
        rows = [
            [button(tr._("✅ Continue to checkout"), Checkout())],
            [button(tr._("🛒 Edit cart"), ShowCart())],
        ]
        return View("\n".join(lines), _markup(rows))
    lines = [tr._("🧾 <b>Order summary</b>"), ""]
    for dropped in (review.promo_dropped, review.gift_card_dropped):
        if dropped:
            lines = [f"⚠️ {escape(dropped)}", "", *lines]
    lines += _summary_lines(screen, settings, tr, width)
    if review.note:
        lines.append("")
        lines.append(tr._("📝 Note for the shop: {note}", note=escape(review.note)))
    shipping = free_shipping_text(
        tr, review.goods_total, settings, needs_shipping=basket.needs_shipping
    )
    if shipping:
        lines += ["", shipping]
    if basket.needs_shipping and not screen.unshippable:
        lines.append("")
        lines.append(tr._("Shipping address and method are chosen in the payment form."))
    total = tr.money(review.total, basket.currency)
    promo = review.promo
    paying = (
        tr._(checkout_texts.PAY_BY_CARD)  # the card pays all of it: no invoice
        if review.gift_card and not review.total
        else tr._("💳 Pay {total}", total=total)
    )
    pay = [button(paying, Pay(basket.fingerprint, review.total, screen.last_paid))]
    if screen.blocked:  # paused, or short of the minimum: what she is told instead of Pay
        lines = [escape(screen.blocked), "", *lines]
    slot_rows: Keyboard = []
    if screen.slots is not None and not screen.blocked:
        lines.append("")
        lines.append(escape(_slot_line(screen.slots, tr)))
        slot_rows = _slot_rows(screen.slots, tr)
    rows = [
        *slot_rows,
        *([] if screen.blocked or screen.slot_missing else [pay]),
        [
            button(tr._(checkout_texts.PROMO_REMOVE, code=promo.code), RemovePromoCode())
            if promo
            else button(tr._(checkout_texts.PROMO_BUTTON), AskPromoCode()),
            button(
                tr._(checkout_texts.NOTE_EDIT if review.note else checkout_texts.NOTE_BUTTON),
                AskNote(),
            ),
        ],
    ]
    if review.note:
        rows.append([button(tr._(checkout_texts.NOTE_REMOVE), RemoveNote())])
    if review.gift_card:
        rows.append([button(tr._(checkout_texts.CARD_REMOVE), RemoveGiftCard())])
    rows.append([button(tr._("🛒 Edit cart"), ShowCart())])
    return View("\n".join(lines), _markup(rows))


@_render.register
def _promo_prompt(screen: PromoPromptScreen, settings: Settings, tr: Translator) -> View:
    rows = [[button(tr._(checkout_texts.BACK_TO_SUMMARY), Checkout())], _home_row(tr)]
    return View(escape(tr._(checkout_texts.PROMO_PROMPT)), _markup(rows))


@_render.register
def _note_prompt(screen: NotePromptScreen, settings: Settings, tr: Translator) -> View:
    text = escape(tr._(checkout_texts.NOTE_PROMPT, limit=NOTE_MAX))
    if screen.note:
        text += "\n\n" + escape(tr._(checkout_texts.NOTE_NOW, note=screen.note))
    rows = [[button(tr._(checkout_texts.BACK_TO_SUMMARY), Checkout())], _home_row(tr)]
    return View(text, _markup(rows))


@_render.register
def _waiting(screen: PaymentWaitingScreen, settings: Settings, tr: Translator) -> View:
    text = tr._(
        "💳 Your invoice is waiting for payment in this chat.\n"
        "Pay it there, or send /cancel to cancel it."
    )
    rows = [[button(tr._("🛒 Cart"), ShowCart()), button(tr._("🏠 Menu"), Home())]]
    return View(text, _markup(rows))


@_render.register
def _orders(screen: OrdersScreen, settings: Settings, tr: Translator) -> View:
    history = screen.history
    if not history.orders:
        return View(
            tr._("📦 You have no orders yet. Everything you buy will be listed here."),
            _markup([[button(tr._("🛍 Catalog"), ShowCategories())], _home_row(tr)]),
        )
    rows: Keyboard = []
    for order in history.orders:
        total = tr.money(order.total, order.currency)
        day = tr.date(order.created_at, settings.zone)
        status = order.status_text(tr)
        label = f"#{order.id} · {status} · {total} · {day}"
        rows.append([button(label, MyOrder(order.id, history.page))])
    nav: list[InlineKeyboardButton] = []
    if history.has_newer:
        nav.append(button(tr._("◀ Newer"), MyOrders(history.page - 1)))
    if history.has_older:
        nav.append(button(tr._("Older ▶"), MyOrders(history.page + 1)))
    if nav:
        rows.append(nav)
    rows.append(_home_row(tr))
    return View(tr._("📦 <b>Your orders</b>, newest first. Tap one to see it:"), _markup(rows))


@_render.register
def _order(screen: OrderScreen, settings: Settings, tr: Translator) -> View:
    return _fitted(partial(_order_at, screen, settings, tr))


def _order_at(screen: OrderScreen, settings: Settings, tr: Translator, width: int | None) -> View:
    """One of her orders (/orders) with its titles cut to `width` (None: whole)."""
    order = screen.order
    lines = [
        tr._("📦 <b>Order #{order_id}</b>", order_id=order.id)
        + f" · {escape(order.status_text(tr))}",
        tr._(
            "Placed {moment} ({zone})",
            moment=tr.datetime(order.created_at, settings.zone),
            zone=settings.shop_timezone,
        ),
        "",
    ]
    for line in order.lines:
        total = tr.money(line.line_total, line.currency)
        title = _title(tr, line.title, line.translations, width)
        lines.append(f"{line.quantity} × {title} = {total}")
    lines.append("")
    if when := delivery_time(tr, order.delivery_day, order.delivery_window):
        lines.append(escape(when))
    if is_pickup(order.shipping_option):
        lines.append(escape(delivery_method(order, tr)))
    elif order.shipping_total:
        lines.append(
            tr._("Shipping: {amount}", amount=tr.money(order.shipping_total, order.currency))
        )
    if order.discount_total:
        lines.append(
            escape(discount_line(tr, order.promo_code, order.discount_total, order.currency))
        )
    if paid_by_card := gift_card_line(order, tr):
        lines.append(paid_by_card)
    if order.tip_amount:
        lines.append(tr._("Tip: {amount}", amount=tr.money(order.tip_amount, order.currency)))
    lines.append(tr._("Total: <b>{total}</b>", total=tr.money(order.total, order.currency)))
    lines += map(escape, tax_lines(tr, order.tax_label, order.taxes, order.currency))
    if order.refunded:
        refunded = tr.money(order.refunded, order.currency)
        lines.append(tr._("Refunded: {amount}", amount=refunded))
    if order.refund_under_way:
        coming = tr.money(order.refund_under_way, order.currency)
        lines.append(tr._("Refund on its way: {amount}", amount=coming))
    if order.tracking_number:
        number = f"<code>{escape(order.tracking_number)}</code>"
        lines.append(tr._("Tracking number: {number}", number=number))
    rows = [
        [
            button(
                f"⬇️ {tr.name(line.title, line.translations)}",
                DownloadAgain(order.id, line.line_id),
            )
        ]
        for line in order.lines
        if line.downloadable
    ]
    if parcel := tracking_link(settings.tracking_url, order.tracking_number):
        rows.insert(0, [InlineKeyboardButton(tr._(TRACK_PARCEL), url=parcel)])
    paid = may_have_invoice(order.status, order.paid_at, order.needs_review, order.currency)
    if settings.invoices_on and paid:
        rows.append([button(tr._(invoice_texts.BUTTON), MyInvoice(order.id))])
    if can_rate(order.status):
        if screen.offer_words:  # the product just rated, named: the order may hold several
            words = WriteReview(order.id, screen.offer_words, screen.page)
            rated = [line for line in order.lines if line.product_id == screen.offer_words]
            title = tr.name(rated[0].title, rated[0].translations) if rated else ""
            label = review_texts.CHANGE_ABOUT if screen.has_words else review_texts.ADD_ABOUT
            rows.append([button(tr._(label, title=clip(title, REVIEW_TITLE_WIDTH)), words)])
        rows += _rating_rows(screen, tr)
    if can_buy_again(order.status):
        rows.append([button(tr._("🔁 Buy again"), BuyAgain(order.id, screen.page))])
    downloads = any(line.downloadable for line in order.lines)
    allowed = settings.shopper_cancel
    if can_cancel(order.status, order.needs_review, has_downloads=downloads, allowed=allowed):
        rows.append([button(tr._("✖️ Cancel order"), CancelMyOrder(order.id, 0, screen.page))])
    if screen.returns.latest is not None:  # waiting, approved or declined
        lines.append(escape(return_texts.state(tr, screen.returns.latest)))
    if screen.returns.offer:
        back = ReturnItems(order.id)
        rows.append([button(tr._(return_texts.RETURN_ITEMS), back)])
    rows.append([button(tr._(support_texts.ASK_ABOUT_ORDER), AskShop(order.id))])
    rows += [[button(tr._("⬅ My orders"), MyOrders(screen.page))], _home_row(tr)]
    return View("\n".join(lines), _markup(rows))


@_render.register
def _return_step(screen: ReturnScreen, settings: Settings, tr: Translator) -> View:
    """↩️ Return items: the lines to toggle, then the reasons, then the question."""
    offer, mask, page = screen.offer, screen.mask, screen.page
    back = [button(tr._(return_texts.BACK), MyOrder(offer.order_id, page))]
    if screen.asking == "lines":
        rows = [
            [
                button(
                    return_texts.line_label(tr, line, bool(mask >> line.bit & 1)),
                    ReturnItems(offer.order_id, mask ^ (1 << line.bit)),
                )
            ]
            for line in offer.lines
        ]
        ahead = ReturnItems(offer.order_id, mask, step=1)
        rows += [[button(tr._(return_texts.NEXT), ahead)], back]
        return View(escape(tr._(return_texts.PICK, order_id=offer.order_id)), _markup(rows))
    if screen.asking == "reason":
        rows = [
            [button(tr._(label), ReturnItems(offer.order_id, mask, i, step=2))]
            for i, label in enumerate(REASONS.values(), start=1)
        ]
        rows += [[button(tr._(return_texts.BACK), ReturnItems(offer.order_id, mask))]]
        return View(escape(tr._(return_texts.PICK_REASON)), _markup(rows))
    amount = tr.money(offer.amount(mask), offer.currency)
    text = titles_fitting(  # every line named, long names cut: one message
        partial(
            return_texts.confirm, tr, offer.order_id, offer.chosen(mask), screen.reason, amount
        ),
        SCREEN_ROOM,
        escape,
    )
    reason = REASON_CODES.index(screen.reason) + 1
    send = ReturnItems(offer.order_id, mask, reason, step=3)
    return View(escape(text), _markup([[button(tr._(return_texts.SEND), send)], back]))


@_render.register
def _cancel_question(screen: CancelOrderScreen, settings: Settings, tr: Translator) -> View:
    offer = screen.offer
    sure = button(tr._("✖️ Yes, cancel it"), CancelMyOrder(offer.order_id, 1, screen.page))
    keep = button(tr._("⬅ No, keep it"), MyOrder(offer.order_id, screen.page))
    return View(escape(cancel_question(tr, offer)), _markup([[sure], [keep]]))


def cancel_question(tr: Translator, offer: CancelOffer) -> str:
    """✖️ Cancel order's question, with what she gets back and where: the chat and the
    storefront ask it in the same words."""
    amount = tr.money(offer.amount, offer.currency)
    if not offer.amount:
        return tr._("Cancel order #{order_id}?", order_id=offer.order_id)
    if offer.currency == STARS_CURRENCY:
        return tr._(
            "Cancel order #{order_id}? You get {amount} back to your Telegram balance.",
            order_id=offer.order_id,
            amount=amount,
        )
    return tr._(
        "Cancel order #{order_id}? You get {amount} back to your card.",
        order_id=offer.order_id,
        amount=amount,
    )


def _rating_rows(screen: OrderScreen, tr: Translator) -> Keyboard:
    """A ⭐ button per product of the order (its variants are one product), showing her
    stars once she has given them."""
    order = screen.order
    return [
        [
            button(
                *rate_button(
                    tr, order.id, product_id, name, screen.stars.get(product_id), screen.page
                )
            )
        ]
        for product_id, name in rateable_products(tr, order)
    ]


def rateable_products(tr: Translator, order: OrderView) -> list[tuple[int, str]]:
    """The order's products, each once (its variants are one product), named in `tr`'s
    language: what a ⭐ rates, in the chat and the storefront."""
    products: dict[int, str] = {}
    for line in order.lines:
        if line.product_id not in products:
            products[line.product_id] = rated_name(
                tr, line.title, line.translations, line.variant_id
            )
    return list(products.items())


@_render.register
def _rate(screen: RateScreen, settings: Settings, tr: Translator) -> View:
    item = screen.item
    title = escape(tr.name(item.title, item.translations))
    text = tr._("How do you like {title}? Tap the stars you give it.", title=f"<b>{title}</b>")
    if item.stars:
        text += "\n" + tr._("Your rating now: {stars}", stars="★" * item.stars)
    choose = [
        button(
            f"{'• ' if n == item.stars else ''}{n} ★",
            RateProduct(item.order_id, item.product_id, n, screen.page),
        )
        for n in STARS
    ]
    rows = [choose]
    if item.stars:  # her words go with her stars: written once she has given them
        writing = WriteReview(item.order_id, item.product_id, screen.page)
        if screen.words is None:
            rows.append([button(tr._(review_texts.ADD), writing)])
        else:
            text += "\n\n" + _her_words(tr, screen.words)
            deleting = DeleteReview(item.order_id, item.product_id, screen.page)
            rows.append([button(tr._(review_texts.CHANGE), writing)])
            rows.append([button(tr._(review_texts.DELETE), deleting)])
    rows.append([_back_to_order(tr, item.order_id, screen.page)])
    return View(text, _markup(rows))


def _back_to_order(tr: Translator, order_id: int, page: int) -> InlineKeyboardButton:
    return button(tr._("⬅ Order #{order_id}", order_id=order_id), MyOrder(order_id, page))


def _her_words(tr: Translator, words: str) -> str:
    """ "Your words now:" and her words, as she reads them back (escaped: they are hers)."""
    return f"{escape(tr._(review_texts.NOW))}\n<i>{escape(words)}</i>"


@_render.register
def _review_prompt(screen: ReviewPromptScreen, settings: Settings, tr: Translator) -> View:
    item = screen.about.item
    title = tr.name(item.title, item.translations)
    text = escape(tr._(review_texts.PROMPT, title=title, least=REVIEW_MIN, most=REVIEW_MAX))
    if screen.about.own.words is not None:
        text += "\n\n" + _her_words(tr, screen.about.own.words)
    return View(text, _markup([[_back_to_order(tr, item.order_id, screen.page)], _home_row(tr)]))


@_render.register
def _reviews(screen: ReviewsScreen, settings: Settings, tr: Translator) -> View:
    """A page of a product's reviews: her stars, her words, her first name and the day."""
    found = screen.reviews
    title = tr.name(found.title, found.translations)
    if not found.reviews:
        text = escape(tr._(review_texts.NONE, title=title))
    else:
        text = f"<b>{escape(tr._(review_texts.HEAD, title=title))}</b>"
        if found.pages > 1:
            text += "\n" + tr._("Page {page} of {pages}", page=found.page + 1, pages=found.pages)
        for review in found.reviews:
            day = tr.date(review.written_at, settings.zone)
            by = escape(review.first_name or "…")
            text += f"\n\n{'★' * review.stars} <b>{by}</b> · {day}\n{escape(review.words)}"
    rows: Keyboard = []
    paging = []
    if found.reviews and found.has_newer:
        first = found.reviews[0].customer_id
        start = ShowReviews.starting(first, older=False)
        newer = ShowReviews(found.product_id, found.page - 1, screen.variant_id, start)
        paging.append(button(tr._(review_texts.NEWER), newer))
    if found.reviews and found.has_older:
        last = found.reviews[-1].customer_id
        start = ShowReviews.starting(last, older=True)
        older = ShowReviews(found.product_id, found.page + 1, screen.variant_id, start)
        paging.append(button(tr._(review_texts.OLDER), older))
    rows.append(paging)
    card = ShowProduct(found.product_id, 1, screen.variant_id)
    rows.append([button(tr._(review_texts.BACK, title=title), card)])
    return View(text, _markup(rows), previews=False)  # a link in her words: no preview card


@_render.register
def _support(screen: SupportScreen, settings: Settings, tr: Translator) -> View:
    if not screen.available:
        text = tr._(support_texts.NOBODY_AVAILABLE)
    elif screen.writing:
        text = tr._(support_texts.STILL_WRITING)
    elif screen.order_id is not None:
        text = tr._(support_texts.PROMPT_ABOUT_ORDER, order_id=screen.order_id)
    else:
        text = tr._(support_texts.PROMPT)
    return View(escape(text), _markup([_home_row(tr)]))


@_render.register
def _question_sent(screen: QuestionSentScreen, settings: Settings, tr: Translator) -> View:
    return View(escape(tr._(support_texts.SENT)))


@_render.register
def _settings(screen: SettingsScreen, settings: Settings, tr: Translator) -> View:
    t = settings_texts
    rows: Keyboard = []
    if not screen.reminders_used:
        state = tr._(t.REMINDERS_NOT_USED)
    elif screen.cart_reminders:
        state = tr._(t.REMINDERS_ON)
        rows.append([button(tr._(t.TURN_OFF), CartReminders(0))])
    else:
        state = tr._(t.REMINDERS_OFF)
        rows.append([button(tr._(t.TURN_ON), CartReminders(1))])
    drops = price_drop_texts
    if screen.price_drop_alerts:
        drops_state = tr._(drops.ALERTS_ON)
        rows.append([button(tr._(drops.TURN_OFF), PriceDropAlerts(0))])
    else:
        drops_state = tr._(drops.ALERTS_OFF)
        rows.append([button(tr._(drops.TURN_ON), PriceDropAlerts(1))])
    states = [state, drops_state]
    if screen.morning_report is not None and not screen.reports_sent:
        states.append(tr._(report_texts.REPORT_NOT_SENT))
    elif screen.morning_report is not None:  # an admin's own switch
        report = report_texts
        on = screen.morning_report
        states.append(tr._(report.REPORT_ON if on else report.REPORT_OFF))
        label = report.TURN_OFF if on else report.TURN_ON
        rows.append([button(tr._(label), MorningReport(0 if on else 1))])
    rows.append([button(tr._("🌐 Language"), ChooseLanguage(LANGUAGE_MENU))])
    rows.append(_home_row(tr))
    text = f"<b>{escape(tr._(t.TITLE))}</b>\n\n" + "\n".join(escape(s) for s in states)
    return View(text, _markup(rows))


@_render.register
def _languages(screen: LanguageScreen, settings: Settings, tr: Translator) -> View:
    rows: Keyboard = [
        [button(("✅ " if code == tr.language else "") + name, ChooseLanguage(code))]
        for code, name in LANGUAGES.items()
    ]
    rows.append(_home_row(tr))
    return View(tr._("🌐 Choose your language:"), _markup(rows))


# ---------------------------------------------------------------- pieces


# How the cart screen words a line's problem. A new price is not among them: the cart shows
# today's price itself, and checkout asks the shopper to confirm it.
CART_WARNINGS: dict[LineProblem, str] = {
    LineProblem.OFF_SALE: N_("no longer sold; it will be removed at checkout"),
    LineProblem.SOLD_OUT: N_("sold out; it will be removed at checkout"),
    LineProblem.FEWER_LEFT: N_("only {available} left; checkout will lower the quantity"),
}


def cart_nudge(tr: Translator, cart: CartView, index: int) -> str | None:
    """The nudge toward the next tier of the product of the cart's line `index`, under its
    last line only (its variants count together): "💡 Add 1 more to save 10%" (chat and
    page)."""
    line = cart.lines[index]
    later = cart.lines[index + 1 :]
    if any(other.product_id == line.product_id for other in later):
        return None
    return nudge_line(tr, cart.tier_nudge(line.product_id))


def limit_line(tr: Translator, limit: int) -> str:
    """ "Limit: 2 per order" under a limited product's price (chat and page)."""
    return tr._("Limit: {count} per order", count=limit)


OVER_LIMIT_WARNING = N_("at most {count} per order; checkout will lower the quantity")


def cap_note(
    tr: Translator,
    available: int,
    in_cart: int,
    can_add: int,
    limit: tuple[int | None, int] = (None, 0),
) -> str | None:
    """What a product's card (chat or page) says when nothing more can go in her cart: that
    her cart holds more than is left, as its line in the cart says it, or as much of the
    product as one order may have (`limit`: its per-order limit, and her units of it in all
    its variants), or that all of it is in her cart already, or that her line is as full as
    a line can be."""
    if in_cart > max(available, 0):
        problem = LineProblem.FEWER_LEFT if available > 0 else LineProblem.SOLD_OUT
        return "⚠️ " + tr._(CART_WARNINGS[problem], available=available)
    most, in_order = limit
    if most is not None and in_order > most:
        return "⚠️ " + tr._(OVER_LIMIT_WARNING, count=most)
    if most is not None and in_order == most and available > 0:
        return tr._("Your cart has {count}, the most one order may have.", count=in_order)
    if can_add <= 0 < available - in_cart:  # more is left: the line is full
        return tr._("{count} in your cart, the most one line can hold.", count=in_cart)
    if available > 0 and can_add <= 0:
        return tr._("All {count} left are in your cart.", count=available)
    return None


def cart_line_warning(
    tr: Translator, line: CartLineView, cart: CartView | None = None
) -> str | None:
    """Why a cart line cannot be bought as it stands; checkout will settle it, but say it now.
    With its `cart`: also when the cart holds more of its product (all its variants) than
    the product's per-order limit."""
    for problem in line_problems(line):
        if problem in CART_WARNINGS:
            return tr._(CART_WARNINGS[problem], available=line.available)
    limit = line.max_per_order
    if cart is not None and limit is not None and cart.units_of_product(line.product_id) > limit:
        return tr._(OVER_LIMIT_WARNING, count=limit)
    return None


def held_note(tr: Translator, held: Held, *, in_page: bool = False) -> str:
    """Units held for her own open invoice: hers, not sold out (until it is paid or let go).
    Says where that invoice is: in the chat, or (made by the storefront's checkout, from a
    link) nowhere she can reopen it, so checking out again is how to pay; the storefront
    page (`in_page`) has no /cancel."""
    count, order_id = held.quantity, held.order_id
    if held.in_chat and in_page:
        return tr.ngettext(
            "🔒 {count} held for your order #{order_id} — its invoice waits in the chat",
            "🔒 {count} held for your order #{order_id} — its invoice waits in the chat",
            count,
            count=count,
            order_id=order_id,
        )
    if held.in_chat:
        return tr.ngettext(
            "🔒 {count} held for your order #{order_id} — pay the invoice above, or /cancel",
            "🔒 {count} held for your order #{order_id} — pay the invoice above, or /cancel",
            count,
            count=count,
            order_id=order_id,
        )
    if in_page:
        return tr.ngettext(
            "🔒 {count} held for your unpaid order #{order_id} — check out again to pay",
            "🔒 {count} held for your unpaid order #{order_id} — check out again to pay",
            count,
            count=count,
            order_id=order_id,
        )
    return tr.ngettext(
        "🔒 {count} held for your unpaid order #{order_id} — check out again to pay, or /cancel",
        "🔒 {count} held for your unpaid order #{order_id} — check out again to pay, or /cancel",
        count,
        count=count,
        order_id=order_id,
    )


def rating_line(tr: Translator, card: ProductCard) -> str | None:
    """ "★ 4.5 (2 ratings)" on a product's card, in the chat and on the page; None unrated."""
    if not card.rating_count:
        return None
    return stars_text(tr, card.rating_total, card.rating_count)


def stock_label(
    tr: Translator, available: int, low_stock_threshold: int, is_digital: bool = False
) -> str:
    """ "In stock", "Only 2 left" (at or below LOW_STOCK_THRESHOLD), "Out of stock"."""
    if available <= 0:
        return tr._("Out of stock")
    if low_stock(available, low_stock_threshold, is_digital):
        return tr.ngettext("Only {count} left", "Only {count} left", available, count=available)
    return tr._("In stock")


def low_stock(available: int, low_stock_threshold: int, is_digital: bool = False) -> bool:
    """Few enough left to say how many ("Only 2 left"); digital goods never run low."""
    return not is_digital and 0 < available <= low_stock_threshold


def change_text(tr: Translator, change: LineChange, width: int | None = None) -> str:
    """What changed about one line since she added it; its title cut to `width` if given (40
    changes of long names stay one message with the summary, bot.clipping.titles_fitting)."""
    title = _title(tr, change.title, change.translations, width)
    if change.problem is LineProblem.PRICE_CHANGED:
        before = tr.money(change.before, change.currency)
        after = tr.money(change.after, change.currency)
        return tr._(
            "{title}: the price changed from {before} to {after}",
            title=title,
            before=before,
            after=after,
        )
    if change.problem is LineProblem.FEWER_LEFT:
        return tr._(
            "{title}: only {after} left, quantity lowered from {before}",
            title=title,
            after=change.after,
            before=change.before,
        )
    if change.problem is LineProblem.SOLD_OUT:
        return tr._("{title}: sold out, removed from your cart", title=title)
    if change.problem is LineProblem.OVER_LIMIT:
        return tr._(
            "{title}: at most {count} in one order, quantity lowered from {before}",
            title=title,
            count=change.after,
            before=change.before,
        )
    return tr._("{title}: no longer available, removed from your cart", title=title)


def _slot_line(slots: SlotChoice, tr: Translator) -> str:
    """The summary's delivery time: the one chosen, the ask to choose, or none free."""
    if slots.chosen is not None:
        return delivery_texts.chosen_line(tr, slots.chosen.day, slots.chosen.window)
    if slots.offered:
        return tr._(delivery_texts.CHOOSE)
    return tr._(delivery_texts.NONE_FREE, days=slots.days)


def _slot_rows(slots: SlotChoice, tr: Translator) -> Keyboard:
    """Change beside a chosen time; else a button per window free, two to a row."""
    if slots.chosen is not None:
        return [[button(tr._(delivery_texts.CHANGE), ChangeSlot())]]
    buttons = [
        button(
            delivery_texts.slot_button(tr, slot.day, slot.window),
            ChooseSlot.of(slot.day, slot.window),
        )
        for slot in slots.offered
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _summary_lines(
    screen: CheckoutScreen, settings: Settings, tr: Translator, width: int | None = None
) -> list[str]:
    basket = screen.review.cart
    lines = []
    for line in basket.lines:
        title = _title(tr, line.title, line.translations, width)
        lines.append(f"{line.quantity} × {title} = {tr.money(line.line_total, line.currency)}")
        if line.tier is not None:  # its tier, in the cart's words: "3 × $14.40 (−10% for 3+)"
            units = units_at(tr, line.quantity, line.unit_price, line.currency, line.tier)
            lines.append(f"    {escape(units)}")
    promo = screen.review.promo
    if promo:
        lines.append(escape(promo_line(tr, promo, basket.currency)))
    if card := screen.review.gift_card:
        lines.append(
            tr._(
                checkout_texts.CARD_LINE,
                code=card.shown,
                amount=tr.money(card.amount, basket.currency),
                left=tr.money(card.left, basket.currency),
            )
        )
    lines.append(
        tr._("Total: <b>{total}</b>", total=tr.money(screen.review.total, basket.currency))
    )
    label = settings.shown_tax_label
    lines += map(escape, tax_lines(tr, label, screen.review.taxes, basket.currency))
    return lines


def _menu_rows(tr: Translator) -> Keyboard:
    return [
        [button(tr._("🛍 Catalog"), ShowCategories()), button(tr._("🔎 Search"), SearchHint())],
        [button(tr._("🛒 Cart"), ShowCart()), button(tr._("📦 My orders"), MyOrders())],
        [button(tr._("♡ Saved"), ShowSaved()), button(tr._("❓ Help"), ShowHelp())],
    ]


def _storefront_row(settings: Settings, tr: Translator) -> list[InlineKeyboardButton]:
    """The button that opens the storefront inside Telegram (none when it is off)."""
    if not settings.storefront_on:
        return []
    label = tr._("🛍 Open the shop")
    return [InlineKeyboardButton(label, web_app=WebAppInfo(settings.webapp_url))]


def _home_row(tr: Translator) -> list[InlineKeyboardButton]:
    return [button(tr._("🏠 Menu"), Home())]


def _page_button(screen: ListScreen, label: str, page: int) -> InlineKeyboardButton:
    if screen.is_saved:
        return button(label, ShowSaved(page))
    if screen.is_search:
        return button(label, ShowSearchPage(page))
    return button(label, _category_action(screen, page=page))


def _category_action(screen: ListScreen, **changes: Any) -> ShowCategory:
    """The category's page as shown (its order, filter, and the category list page its
    ⬅ Categories goes back to), with `changes`."""
    listing = {
        "page": 0,
        "cats_page": 0,
        "order": "name",
        "in_stock": 0,
        **screen.listing,
        **changes,
    }
    return ShowCategory.shown(
        int(listing["id"]),
        int(listing["page"]),
        int(listing["cats_page"]),
        str(listing["order"]),
        bool(listing["in_stock"]),
    )


def _categories_action(screen: ListScreen) -> ShowCategories:
    """⬅ Categories: the list's page the category was opened from, counted as the shopper
    lists the category (with "In stock only", what is in stock)."""
    shown = _category_action(screen)
    return ShowCategories(shown.categories_page, shown.view)


def _sorting_rows(screen: ListScreen, tr: Translator) -> Keyboard:
    """Rows of three choosing the order (the current one marked), one toggling "In stock
    only"; either starts the category again from its first page."""
    labels = {
        "name": tr._("Name"),
        "price": tr._("Price ↑"),
        "price_desc": tr._("Price ↓"),
        "newest": tr._("Newest"),
        "rating": tr._("★ Rating"),
    }
    current = screen.listing.get("order", "name")
    orders = [
        button(
            ("• " if order == current else "") + label,
            _category_action(screen, page=0, order=order),
        )
        for order, label in labels.items()
    ]
    in_stock = int(screen.listing.get("in_stock", 0))
    toggle_label = ("✅ " if in_stock else "☐ ") + tr._("In stock only")
    toggle = button(toggle_label, _category_action(screen, page=0, in_stock=1 - in_stock))
    return [*(orders[n : n + 3] for n in range(0, len(orders), 3)), [toggle]]


def _markup(rows: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in rows if row])
