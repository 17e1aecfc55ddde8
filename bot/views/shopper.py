"""Screens as Telegram messages: HTML text, inline keyboards and product photos.

Only wording and layout live here; what to show was decided by bot.conversation.journey.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from telegram.constants import MessageLimit

from bot.callback_data import (
    AddOne,
    AddToCart,
    AskNote,
    AskPromoCode,
    AskShop,
    Back,
    CartReminders,
    Checkout,
    ClearCart,
    DownloadAgain,
    Home,
    MyOrder,
    MyOrders,
    Noop,
    NotifyMe,
    Pay,
    RemoveLine,
    RemoveNote,
    RemovePromoCode,
    SearchHint,
    ShowCart,
    ShowCategories,
    ShowCategory,
    ShowHelp,
    ShowProduct,
    ShowSearchPage,
    StopNotifying,
    TakeOne,
    button,
)
from bot.config import Settings
from bot.conversation.screens import (
    CartScreen,
    CategoriesScreen,
    CheckoutScreen,
    HelpScreen,
    ListScreen,
    MenuScreen,
    NotePromptScreen,
    NotUnderstoodScreen,
    OrderScreen,
    OrdersScreen,
    PaymentWaitingScreen,
    ProductScreen,
    PromoPromptScreen,
    QuestionSentScreen,
    Screen,
    SearchHintScreen,
    SettingsScreen,
    StorefrontScreen,
    SupportScreen,
)
from bot.money import format_money
from bot.services.cart import CartLineView, LineProblem, line_problems
from bot.services.catalog import ProductCard
from bot.services.checkout import LineChange
from bot.services.notes import NOTE_MAX
from bot.services.order_summary import discount_label
from bot.services.photos import PhotoSource, resolve_photo
from bot.texts import checkout as checkout_texts
from bot.texts import restock as restock_texts
from bot.texts import settings as settings_texts
from bot.texts import support as support_texts

Keyboard = list[list[InlineKeyboardButton]]

HELP_TEXT = (
    "I am the shop's assistant. You can tap the buttons, or just write to me.\n\n"
    "/catalog - browse the catalog\n"
    "/search <words> - find products, e.g. /search mug\n"
    "/cart - your cart\n"
    "/orders - your orders\n"
    "/support - ask the shop a question\n"
    "/settings - cart reminders\n"
    "/cancel - cancel the current step\n"
    "/help - this message\n\n"
    "Or type what you are looking for (“kettle”, “green tea”), or “cart”, “checkout”, "
    "“my orders”."
)
STOREFRONT_HELP = "\n\n/shop opens the whole shop as a page, with photos: the same cart as here."
STOREFRONT_TEXT = (
    "🛍 The whole shop on one page, with photos and search. Your cart is the same as here, "
    "and so is checkout."
)
STOREFRONT_OFF = "This shop has no shop page yet: /catalog shows everything right here."
NOTICE_LENGTH = 150  # fits a toast (200) and leaves a caption room for the product
SEARCH_HINT = (
    "What are you looking for? Send /search followed by a few words, e.g. <code>/search mug"
    "</code>, or simply type them, e.g. “kettle”."
)


@dataclass(frozen=True)
class View:
    """One message: HTML text (a caption when there is a photo) and its buttons."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    photo: PhotoSource | None = None
    product_id: int | None = None  # whose photo it is (to remember Telegram's file_id)
    variant_id: int = 0  # the photo is this variant's own (its file_id is kept on it)
    same_media: bool = False
    toast: str | None = None


def render(screen: Screen, settings: Settings) -> View:
    view = _render(screen, settings)
    notice = screen.notice
    if notice:
        notice = _fit(notice, NOTICE_LENGTH)
        view = View(
            text=f"<i>{escape(notice)}</i>\n\n{view.text}",
            keyboard=view.keyboard,
            photo=view.photo,
            product_id=view.product_id,
            variant_id=view.variant_id,
            same_media=view.same_media,
            toast=notice,
        )
    return view


@singledispatch
def _render(screen: Screen, settings: Settings) -> View:
    raise TypeError(f"no view for {type(screen).__name__}")


@_render.register
def _menu(screen: MenuScreen, settings: Settings) -> View:
    name = escape(screen.first_name) if screen.first_name else "there"
    if screen.welcome:
        text = (
            f"👋 Welcome to the shop, {name}!\n\n"
            "Browse the catalog, search for something, or type what you need."
        )
    else:
        text = "🏠 Main menu. What would you like to do?"
    return View(text, _markup([_storefront_row(settings), *_menu_rows()]))


@_render.register
def _help(screen: HelpScreen, settings: Settings) -> View:
    text = HELP_TEXT + (STOREFRONT_HELP if settings.storefront_on else "")
    return View(escape(text), _markup([_storefront_row(settings), *_menu_rows()]))


@_render.register
def _storefront(screen: StorefrontScreen, settings: Settings) -> View:
    if not settings.storefront_on:
        return View(STOREFRONT_OFF, _markup(_menu_rows()))
    return View(STOREFRONT_TEXT, _markup([_storefront_row(settings), [button("🏠 Menu", Home())]]))


@_render.register
def _search_hint(screen: SearchHintScreen, settings: Settings) -> View:
    return View(
        "🔎 " + SEARCH_HINT,
        _markup([[button("🛍 Catalog", ShowCategories()), button("🏠 Menu", Home())]]),
    )


@_render.register
def _not_understood(screen: NotUnderstoodScreen, settings: Settings) -> View:
    text = (
        f"I didn't find anything for “{escape(screen.text)}”.\n"
        "Try other words, browse the /catalog, or send /help to see what I can do."
    )
    return View(text, _markup(_menu_rows()))


@_render.register
def _categories(screen: CategoriesScreen, settings: Settings) -> View:
    if not screen.categories:
        return View("The shop is empty right now. Please come back soon!", _markup([_home_row()]))
    rows = [
        [button(f"{c.title} ({c.product_count})", ShowCategory(c.id, 0))] for c in screen.categories
    ]
    rows.append([button("🔎 Search", SearchHint()), button("🛒 Cart", ShowCart())])
    rows.append(_home_row())
    return View("🛍 <b>Catalog</b>\nPick a category:", _markup(rows))


@_render.register
def _list(screen: ListScreen, settings: Settings) -> View:
    page = screen.page
    if screen.is_search:
        head = f"🔎 Results for {escape(page.title)}: {page.total} found"
    else:
        head = f"🛍 <b>{escape(page.title)}</b>"
    if page.pages > 1:
        head += f"\nPage {page.page + 1} of {page.pages}"
    rows: Keyboard = []
    for item in page.items:
        label = f"{item.title} · {format_money(item.price, item.currency)}"
        if item.available <= 0:
            label += " · sold out"
        rows.append([button(label, ShowProduct(item.id, 1))])
    if page.pages > 1:
        nav: list[InlineKeyboardButton] = []
        if page.has_prev:
            nav.append(_page_button(screen, "◀ Prev", page.page - 1))
        nav.append(button(f"{page.page + 1}/{page.pages}", Noop()))
        if page.has_next:
            nav.append(_page_button(screen, "Next ▶", page.page + 1))
        rows.append(nav)
    back = (
        button("⬅ Categories", ShowCategories())
        if not screen.is_search
        else button("🏠 Menu", Home())
    )
    rows.append([back, button("🛒 Cart", ShowCart())])
    return View(head + "\nTap a product to see it:", _markup(rows))


@_render.register
def _product(screen: ProductScreen, settings: Settings) -> View:
    card = screen.card
    lines = [f"<b>{escape(card.title)}</b>"]
    if card.variant_label:
        lines.append(escape(card.variant_label))
    price = format_money(card.price, card.currency)
    stock = stock_label(card.available, screen.low_stock_threshold, card.is_digital)
    lines.append(f"{price} · {stock}")
    if screen.in_cart:
        lines.append(f"🛒 In your cart: {screen.in_cart}")
    if screen.watching:
        lines.append(restock_texts.WAITING_LINE)
    head = "\n".join(lines)
    room = MessageLimit.CAPTION_LENGTH - len(head) - NOTICE_LENGTH - 10
    description = escape(_fit(card.description, max(room, 0)))
    text = f"{head}\n\n{description}" if description else head
    rows: Keyboard = _option_rows(card, screen.quantity)
    chosen = card.variant_id
    if card.available > 0:
        qty = screen.quantity
        rows.append(
            [
                button("➖", ShowProduct(card.id, max(qty - 1, 1), chosen)),
                button(f"{qty} pc", Noop()),
                button("➕", ShowProduct(card.id, qty + 1, chosen)),
            ]
        )
        rows.append(
            [
                button(
                    f"🛍 Add to cart · {format_money(card.price * qty, card.currency)}",
                    AddToCart(card.id, qty, chosen),
                )
            ]
        )
    elif screen.watching:
        rows.append([button(restock_texts.STOP, StopNotifying(card.id, chosen))])
    else:
        rows.append([button(restock_texts.NOTIFY_ME, NotifyMe(card.id, chosen))])
    cart_label = f"🛒 Cart ({screen.cart_items})" if screen.cart_items else "🛒 Cart"
    rows.append([button("⬅ Back", Back()), button(cart_label, ShowCart())])
    photo = resolve_photo(card.photo, card.photo_file_id, settings.catalog_path)
    return View(
        text,
        _markup(rows),
        photo=photo,
        product_id=card.id,
        variant_id=card.variant_id if card.variant_photo else 0,
        same_media=screen.same_media,
    )


OPTIONS_PER_ROW = 4


def _option_rows(card: ProductCard, quantity: int) -> Keyboard:
    """A product's options as buttons, a row (or more) per option: the chosen value marked
    "• M", a sold-out one "S ✕" (pressing it shows that it is sold out, with Notify me)."""
    rows: Keyboard = []
    for option in card.options:
        buttons = [
            button(
                f"{'• ' if choice.chosen else ''}{choice.value}{' ✕' if choice.sold_out else ''}",
                ShowProduct(card.id, quantity, choice.variant_id),
            )
            for choice in option.choices
        ]
        rows.extend(
            buttons[i : i + OPTIONS_PER_ROW] for i in range(0, len(buttons), OPTIONS_PER_ROW)
        )
    return rows


@_render.register
def _cart(screen: CartScreen, settings: Settings) -> View:
    basket = screen.cart
    if basket.is_empty:
        return View(
            "🛒 Your cart is empty.\nHave a look at the catalog!",
            _markup([[button("🛍 Catalog", ShowCategories())], _home_row()]),
        )
    lines = ["🛒 <b>Your cart</b>", ""]
    rows: Keyboard = []
    for n, line in enumerate(basket.lines, 1):
        unit = format_money(line.unit_price, line.currency)
        total = format_money(line.line_total, line.currency)
        lines.append(f"{n}. {escape(line.title)}\n    {line.quantity} × {unit} = <b>{total}</b>")
        warning = cart_line_warning(line)
        if warning:
            lines.append(f"    ⚠️ {warning}")
        rows.append(
            [
                button("➖", TakeOne(line.product_id, line.variant_id)),
                button(
                    f"{n}. {_short(line.title)} ×{line.quantity}",
                    ShowProduct(line.product_id, 1, line.variant_id),
                ),
                button("➕", AddOne(line.product_id, line.variant_id)),
                button("✖", RemoveLine(line.product_id, line.variant_id)),
            ]
        )
    lines.append("")
    lines.append(f"Total: <b>{format_money(basket.total, basket.currency)}</b>")
    rows.append(
        [button(f"✅ Checkout · {format_money(basket.total, basket.currency)}", Checkout())]
    )
    rows.append([button("🛍 Continue shopping", Back()), button("🗑 Clear cart", ClearCart())])
    return View("\n".join(lines), _markup(rows))


@_render.register
def _checkout(screen: CheckoutScreen, settings: Settings) -> View:
    review = screen.review
    basket = review.cart
    if review.changes:
        lines = ["⚠️ <b>Some things changed since you added them:</b>"]
        lines += [f"• {change_text(change)}" for change in review.changes]
        lines.append("")
        if basket.is_empty:
            lines.append("Your cart is now empty.")
            rows = [[button("🛍 Catalog", ShowCategories())], _home_row()]
            return View("\n".join(lines), _markup(rows))
        lines.append("Your cart is updated:")
        lines += _summary_lines(screen)
        lines.append("")
        lines.append("Continue to checkout with these changes?")
        rows = [
            [button("✅ Continue to checkout", Checkout())],
            [button("🛒 Edit cart", ShowCart())],
        ]
        return View("\n".join(lines), _markup(rows))
    lines = ["🧾 <b>Order summary</b>", ""]
    if review.promo_dropped:
        lines = [f"⚠️ {escape(review.promo_dropped)}", "", *lines]
    lines += _summary_lines(screen)
    if review.note:
        lines.append("")
        lines.append(f"📝 Note for the shop: {escape(review.note)}")
    if basket.needs_shipping:
        lines.append("")
        lines.append("Shipping address and method are chosen in the payment form.")
    total = format_money(review.total, basket.currency)
    promo = review.promo
    rows = [
        [button(f"💳 Pay {total}", Pay())],
        [
            button(checkout_texts.PROMO_REMOVE.format(code=promo.code), RemovePromoCode())
            if promo
            else button(checkout_texts.PROMO_BUTTON, AskPromoCode()),
            button(
                checkout_texts.NOTE_EDIT if review.note else checkout_texts.NOTE_BUTTON, AskNote()
            ),
        ],
    ]
    if review.note:
        rows.append([button(checkout_texts.NOTE_REMOVE, RemoveNote())])
    rows.append([button("🛒 Edit cart", ShowCart())])
    return View("\n".join(lines), _markup(rows))


@_render.register
def _promo_prompt(screen: PromoPromptScreen, settings: Settings) -> View:
    rows = [[button(checkout_texts.BACK_TO_SUMMARY, Checkout())], _home_row()]
    return View(escape(checkout_texts.PROMO_PROMPT), _markup(rows))


@_render.register
def _note_prompt(screen: NotePromptScreen, settings: Settings) -> View:
    text = escape(checkout_texts.NOTE_PROMPT.format(limit=NOTE_MAX))
    if screen.note:
        text += "\n\n" + escape(checkout_texts.NOTE_NOW.format(note=screen.note))
    rows = [[button(checkout_texts.BACK_TO_SUMMARY, Checkout())], _home_row()]
    return View(text, _markup(rows))


@_render.register
def _waiting(screen: PaymentWaitingScreen, settings: Settings) -> View:
    text = (
        "💳 Your invoice is waiting for payment in this chat.\n"
        "Pay it there, or send /cancel to cancel it."
    )
    return View(text, _markup([[button("🛒 Cart", ShowCart()), button("🏠 Menu", Home())]]))


@_render.register
def _orders(screen: OrdersScreen, settings: Settings) -> View:
    if not screen.orders:
        return View(
            "📦 You have no orders yet. Everything you buy will be listed here.",
            _markup([[button("🛍 Catalog", ShowCategories())], _home_row()]),
        )
    rows: Keyboard = []
    for order in screen.orders:
        total = format_money(order.total, order.currency)
        day = order.created_at.strftime("%d %b")
        rows.append(
            [button(f"#{order.id} · {order.status_label} · {total} · {day}", MyOrder(order.id))]
        )
    rows.append(_home_row())
    return View("📦 <b>Your orders</b>, newest first. Tap one to see it:", _markup(rows))


@_render.register
def _order(screen: OrderScreen, settings: Settings) -> View:
    order = screen.order
    lines = [
        f"📦 <b>Order #{order.id}</b> · {escape(order.status_label)}",
        f"Placed {order.created_at.strftime('%d %b %Y, %H:%M')} UTC",
        "",
    ]
    for line in order.lines:
        total = format_money(line.line_total, line.currency)
        lines.append(f"{line.quantity} × {escape(line.title)} = {total}")
    lines.append("")
    if order.shipping_total:
        lines.append(f"Shipping: {format_money(order.shipping_total, order.currency)}")
    if order.discount_total:
        label = escape(discount_label(order.promo_code))
        lines.append(f"{label}: −{format_money(order.discount_total, order.currency)}")
    if order.tip_amount:
        lines.append(f"Tip: {format_money(order.tip_amount, order.currency)}")
    lines.append(f"Total: <b>{format_money(order.total, order.currency)}</b>")
    if order.refunded_amount:
        lines.append(f"Refunded: {format_money(order.refunded_amount, order.currency)}")
    if order.tracking_number:
        lines.append(f"Tracking number: <code>{escape(order.tracking_number)}</code>")
    rows = [
        [button(f"⬇️ {line.title}", DownloadAgain(order.id, line.line_id))]
        for line in order.lines
        if line.downloadable
    ]
    rows.append([button(support_texts.ASK_ABOUT_ORDER, AskShop(order.id))])
    rows += [[button("⬅ My orders", MyOrders())], _home_row()]
    return View("\n".join(lines), _markup(rows))


@_render.register
def _support(screen: SupportScreen, settings: Settings) -> View:
    if not screen.available:
        text = support_texts.NOBODY_AVAILABLE
    elif screen.writing:
        text = support_texts.STILL_WRITING
    elif screen.order_id is not None:
        text = support_texts.PROMPT_ABOUT_ORDER.format(order_id=screen.order_id)
    else:
        text = support_texts.PROMPT
    return View(escape(text), _markup([_home_row()]))


@_render.register
def _question_sent(screen: QuestionSentScreen, settings: Settings) -> View:
    return View(escape(support_texts.SENT))


@_render.register
def _settings(screen: SettingsScreen, settings: Settings) -> View:
    t = settings_texts
    rows: Keyboard = []
    if not screen.reminders_used:
        state = t.REMINDERS_NOT_USED
    elif screen.cart_reminders:
        state = t.REMINDERS_ON
        rows.append([button(t.TURN_OFF, CartReminders(0))])
    else:
        state = t.REMINDERS_OFF
        rows.append([button(t.TURN_ON, CartReminders(1))])
    rows.append(_home_row())
    return View(f"<b>{escape(t.TITLE)}</b>\n\n{escape(state)}", _markup(rows))


# ---------------------------------------------------------------- pieces


# How the cart screen words a line's problem. A new price is not among them: the cart shows
# today's price itself, and checkout asks the shopper to confirm it.
CART_WARNINGS: dict[LineProblem, str] = {
    LineProblem.OFF_SALE: "no longer sold; it will be removed at checkout",
    LineProblem.SOLD_OUT: "sold out; it will be removed at checkout",
    LineProblem.FEWER_LEFT: "only {available} left; checkout will lower the quantity",
}


def cart_line_warning(line: CartLineView) -> str | None:
    """Why a cart line cannot be bought as it stands; checkout will settle it, but say it now."""
    for problem in line_problems(line):
        if problem in CART_WARNINGS:
            return CART_WARNINGS[problem].format(available=line.available)
    return None


def stock_label(available: int, low_stock_threshold: int, is_digital: bool = False) -> str:
    """ "In stock", "Only 2 left" (at or below LOW_STOCK_THRESHOLD), "Out of stock"."""
    if available <= 0:
        return "Out of stock"
    if not is_digital and available <= low_stock_threshold:
        return f"Only {available} left"
    return "In stock"


def change_text(change: LineChange) -> str:
    title = escape(change.title)
    if change.problem is LineProblem.PRICE_CHANGED:
        before = format_money(change.before, change.currency)
        after = format_money(change.after, change.currency)
        return f"{title}: the price changed from {before} to {after}"
    if change.problem is LineProblem.FEWER_LEFT:
        return f"{title}: only {change.after} left, quantity lowered from {change.before}"
    if change.problem is LineProblem.SOLD_OUT:
        return f"{title}: sold out, removed from your cart"
    return f"{title}: no longer available, removed from your cart"


def _summary_lines(screen: CheckoutScreen) -> list[str]:
    basket = screen.review.cart
    lines = [
        f"{line.quantity} × {escape(line.title)} = {format_money(line.line_total, line.currency)}"
        for line in basket.lines
    ]
    promo = screen.review.promo
    if promo:
        label = escape(f"{discount_label(promo.code)}, {promo.label}")
        lines.append(f"{label}: −{format_money(promo.discount, basket.currency)}")
    lines.append(f"Total: <b>{format_money(screen.review.total, basket.currency)}</b>")
    return lines


def _menu_rows() -> Keyboard:
    return [
        [button("🛍 Catalog", ShowCategories()), button("🔎 Search", SearchHint())],
        [button("🛒 Cart", ShowCart()), button("📦 My orders", MyOrders())],
        [button("❓ Help", ShowHelp())],
    ]


def _storefront_row(settings: Settings) -> list[InlineKeyboardButton]:
    """The button that opens the storefront inside Telegram (none when it is off)."""
    if not settings.storefront_on:
        return []
    return [InlineKeyboardButton("🛍 Open the shop", web_app=WebAppInfo(settings.webapp_url))]


def _home_row() -> list[InlineKeyboardButton]:
    return [button("🏠 Menu", Home())]


def _page_button(screen: ListScreen, label: str, page: int) -> InlineKeyboardButton:
    if screen.is_search:
        return button(label, ShowSearchPage(page))
    return button(label, ShowCategory(int(screen.listing["id"]), page))


def _markup(rows: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([row for row in rows if row])


def _short(title: str, width: int = 18) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
