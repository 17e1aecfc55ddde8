"""The storefront's answers as JSON: plain data from the use cases, worded as the chat words it.

Money leaves the server already formatted (`*_text`, bot.money) beside its minor units, and
stock, cart warnings and checkout changes use the chat's own sentences (bot.views.shopper), so
the page has no rules or wording of its own to drift from the chat's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from html import unescape
from typing import Any

from bot import i18n
from bot.conversation.screens import (
    CartScreen,
    CheckoutScreen,
    InvoiceScreen,
    PaidByCardScreen,
    PaymentRefusedScreen,
    PaymentWaitingScreen,
    Screen,
    SlotChoice,
)
from bot.conversation.storefront import (
    CHOOSE_TIME,
    WAITING_IN_CHAT,
    Cancelled,
    CartUpdate,
    Kept,
    MyOrder,
    PageCart,
    ProductView,
    Rated,
    ReturnQuote,
)
from bot.i18n import N_
from bot.services.cart import CartView, can_add, limit_room
from bot.services.catalog import CategoryItem, ProductCard, ProductItem, ProductPage
from bot.services.checkout import CheckoutReview, after_promo
from bot.services.delivery_slots import SlotState
from bot.services.order_history import OrderPage, OrderView
from bot.services.order_summary import (
    delivery_method,
    delivery_time,
    discount_line,
    gift_card_line,
    promo_line,
    tax_lines,
)
from bot.services.pickup import is_pickup
from bot.services.promos import PromoQuote
from bot.services.ratings import can_rate
from bot.services.reorder import can_buy_again
from bot.services.returns import REASONS, reason_text
from bot.services.tracking import tracking_link
from bot.texts import delivery as delivery_texts
from bot.texts import returns as return_texts
from bot.texts import reviews as review_texts
from bot.texts.bundles import contents_line, set_saving_line
from bot.texts.category_sale import sale_end_line
from bot.texts.restock import variant_sold_out
from bot.texts.sale import sale_words, saving_line
from bot.texts.tiers import adding_price, tier_note, tiers_line
from bot.views.shopper import (
    ALSO_BOUGHT,
    cancel_question,
    cap_note,
    cart_line_warning,
    cart_nudge,
    change_text,
    held_note,
    limit_line,
    low_stock,
    rateable_products,
    rating_line,
    stock_label,
)

Json = dict[str, Any]

CART_EMPTY = N_("Your cart is empty: add something first.")
CHANGED = N_("Some things changed since you added them. Check your cart, then check out again.")
AGAIN = N_("Your cart changed just now. Please check out again.")
CHOOSE_TIME_IN_CHAT = N_(
    "Choose your delivery time on the order summary in your chat with the shop (we sent it"
    " there), then pay."
)
PAID_BY_CARD = N_("Order #{order_id} is paid by your gift card. The receipt is in the chat.")


def photo_path(product_id: int, variant_id: int = 0, further: int = 0) -> str:
    """Relative to the page, like every address the page uses; a variant's own photo is
    asked for by its id."""
    if further:  # the gallery's further photo, from 1 (the product's own photo is the first)
        return f"photos/{product_id}?photo={further}"
    return f"photos/{product_id}?variant={variant_id}" if variant_id else f"photos/{product_id}"


def categories(items: Iterable[CategoryItem]) -> Json:
    return {
        "categories": [
            {"id": c.id, "title": _name(c.title, c.translations), "count": c.product_count}
            for c in items
        ]
    }


def product_page(page: ProductPage) -> Json:
    return {
        "title": _name(page.title, page.translations),
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
        "has_next": page.has_next,
        "items": [_item(item) for item in page.items],
    }


def search_page(page: ProductPage) -> Json:
    """Search results, headed as the chat heads them ("Results for kettle: 1 found")."""
    found = i18n.current().ngettext(
        "🔎 Results for {query}: {count} found",
        "🔎 Results for {query}: {count} found",
        page.total,
        query=page.title,
        count=page.total,
    )
    return {**product_page(page), "found_text": found}


def _money(amount: int, currency: str) -> str:
    return i18n.current().money(amount, currency)


def _name(text: str, translations: dict[str, Any] | None, field: str = "title") -> str:
    return i18n.current().name(text, translations, field)


def _reviews(view: ProductView, zone: tzinfo) -> Json:
    """The newest reviews, read-only, as the chat's 💬 Reviews page words them (her words
    are text for the page to set as text, never markup)."""
    tr = i18n.current()
    count = view.card.review_count
    return {
        "reviews_text": tr._(review_texts.REVIEWS, count=count) if count else None,
        "reviews": [
            {
                "stars": review.stars,
                "stars_text": "★" * review.stars,
                "name": review.first_name,
                "date": tr.date(review.written_at, zone),
                "words": review.words,
            }
            for review in view.reviews
        ],
    }


def _also_bought(view: ProductView) -> Json:
    """ "Often bought with this", as the chat's card offers it: each product's id (the page
    opens it), name and price; the header None when there is none."""
    tr = i18n.current()
    return {
        "also_bought_text": tr._(ALSO_BOUGHT) if view.also_bought else None,
        "also_bought": [
            {
                "id": item.id,
                "title": _name(item.title, item.translations),
                "price": item.price,
                "currency": item.currency,
                "price_text": _money(item.price, item.currency),
            }
            for item in view.also_bought
        ],
    }


def _item(item: ProductItem | ProductCard) -> Json:
    """A product as a list shows it; its own page adds to this."""
    return {
        "id": item.id,
        "sku": item.sku,
        "title": _name(item.title, item.translations),
        "price": item.price,
        "currency": item.currency,
        "price_text": _money(item.price, item.currency),
        **_sale(item.price, item.compare_at, item.currency),
        "available": max(item.available, 0),
        "photo": photo_path(item.id),
    }


def _sale(price: int, compare_at: int | None, currency: str) -> Json:
    """The regular price struck through beside the price while on sale ("$20.00", "−20%"),
    as the chat's card shows it (texts.sale.sale_words); all None when not on sale."""
    words = sale_words(i18n.current(), price, compare_at, currency)
    return {
        "compare_at": compare_at if words.was is not None else None,
        "compare_at_text": words.was,
        "off_text": words.off,
    }


def product(view: ProductView, low_stock_threshold: int, max_quantity: int, zone: tzinfo) -> Json:
    card = view.card
    # Her units of the product in all its variants: its per-order limit counts them together.
    in_order = sum(view.in_cart_by_variant.values()) if card.variants else view.in_cart
    limit = (card.max_per_order, in_order)
    room = limit_room(*limit)
    return {
        **_item(card),
        "photo": photo_path(card.id) if card.photo or card.photo_file_id else None,
        # The gallery after the photo shown first (the chosen variant's own, else the
        # product's): the same for every variant.
        "photos": [photo_path(card.id, further=n) for n in range(1, card.photo_count)],
        "description": _name(card.description, card.translations, "description"),
        "rating_text": rating_line(i18n.current(), card),
        # "⏳ Sale ends Dec 31" from the product's own row, as the chat's card says it.
        "sale_ends_text": sale_end_line(
            i18n.current(), card.compare_at, card.sale_ends_at, zone, datetime.now(UTC)
        ),
        **_reviews(view, zone),
        **_also_bought(view),
        "saved": view.saved,  # ♡ (in the chat or the page)
        "stock_text": stock_label(
            i18n.current(), card.available, low_stock_threshold, card.is_digital
        ),
        "stock_low": low_stock(card.available, low_stock_threshold, card.is_digital),
        "max_quantity": max(0, min(card.available, max_quantity)),
        "can_add": can_add(card.available, view.in_cart, room),  # the stepper's cap (the chat's)
        "cap_text": _cap(card.available, view.in_cart, limit),
        # "Limit: 2 per order" under the price, and whether her cart has that many already.
        "limit_text": limit_line(i18n.current(), card.max_per_order)
        if card.max_per_order is not None
        else None,
        "limit_full": room is not None and room <= 0,
        # "📦 Buy 3+: −10% · 6+: −15%" under the price, as the chat's card says it.
        "tiers_text": tiers_line(i18n.current(), card.tiers),
        # A set's parts and what it saves ("🧺 In this set: ...", "You save $9.00 ..."): null
        # for a product sold as itself.
        "bundle": _bundle(card),
        "adding_texts": _adding(
            card, view, in_order, min(can_add(card.available, view.in_cart, room), max_quantity)
        ),
        "is_digital": card.is_digital,
        "in_cart": view.in_cart,
        "held_text": _held(view, card.variant_id),
        "variant_id": card.variant_id or None,  # the one to show first
        "variants": [
            {
                "id": v.id,
                "sku": v.sku,
                "title": i18n.current().label(v.label, card.translations),
                "price": v.price,
                "price_text": _money(v.price, card.currency),
                **_sale(v.price, v.compare_at, card.currency),
                "available": max(v.available, 0),
                "stock_text": stock_label(
                    i18n.current(), v.available, low_stock_threshold, card.is_digital
                ),
                "stock_low": low_stock(v.available, low_stock_threshold, card.is_digital),
                "max_quantity": max(0, min(v.available, max_quantity)),
                "can_add": can_add(v.available, view.in_cart_by_variant.get(v.id, 0), room),
                "cap_text": _cap(v.available, view.in_cart_by_variant.get(v.id, 0), limit),
                "in_cart": view.in_cart_by_variant.get(v.id, 0),
                "adding_texts": _adding(
                    card,
                    view,
                    in_order,
                    min(
                        can_add(v.available, view.in_cart_by_variant.get(v.id, 0), room),
                        max_quantity,
                    ),
                    v.id,
                ),
                "held_text": _held(view, v.id),
                "sold_out_text": variant_sold_out(
                    i18n.current(), i18n.current().label(v.label, card.translations)
                )
                if v.available <= 0
                else None,
                "photo": photo_path(card.id, v.id) if v.own_photo else photo_path(card.id),
            }
            for v in card.variants
        ],
    }


def _adding(
    card: ProductCard, view: ProductView, in_order: int, most: int, variant_id: int | None = None
) -> list[str] | None:
    """With quantity tiers, what the Add button names for 1, 2, ... `most` units (the
    stepper's cap) of the variant (None: the card's own): what her cart grows by, as the
    chat's card says it (ProductCard.cost_of_adding); null without tiers ("2 × $16.00")."""
    if not card.tiers:
        return None
    in_cart = view.in_cart_by_variant or {card.variant_id: view.in_cart}
    chosen = card.variant_id if variant_id is None else variant_id
    return [
        adding_price(
            i18n.current(),
            card.cost_of_adding(chosen, quantity, in_cart),
            card.currency,
            card.tiers,
            in_order,
        )
        for quantity in range(1, max(1, most) + 1)
    ]


def _cap(available: int, in_cart: int, limit: tuple[int | None, int]) -> str | None:
    """The card's word when nothing more can go in her cart, as the chat's card says it
    (`limit`: the product's per-order limit and her units of it, all variants)."""
    most = can_add(available, in_cart, limit_room(*limit))
    return cap_note(i18n.current(), available, in_cart, most, limit)


def _held(view: ProductView, variant_id: int) -> str | None:
    """What her own open invoice holds of this product (variant), as the page says it."""
    held = view.held.get(variant_id)
    return held_note(i18n.current(), held, in_page=True) if held else None


def can_add_of(view: CartView, key: tuple[int, int]) -> int:
    """How many more of a cart line's product (variant) she can add: stock, the line's room
    and the product's per-order limit, counted over the cart's lines of it."""
    line = view.line(*key)
    assert line is not None
    room = limit_room(line.max_per_order, view.units_of_product(line.product_id))
    return can_add(line.available, line.quantity, room)


def cart(page: PageCart) -> Json:
    """The cart, and `closed`: while sales are paused, the words the page shows over every
    view (its checkout off); null while they are open. A cart in a checkout answer has no
    `closed` (the answer's own says it). `min_order_text` (checkout off while it is there)
    and `free_shipping_text`: the cart's thresholds, shown above its checkout; null: none.
    `unshippable_text`: goods to ship in a Telegram Stars shop, the chat's summary's words
    (checkout off while it is there); null: none."""
    return {
        **basket(page.basket, page.promo, page.tax_texts),
        "closed": page.closed or None,
        "min_order_text": page.min_order_text or None,
        "free_shipping_text": page.free_shipping_text or None,
        "delivery": delivery(page.delivery),
        "unshippable_text": page.unshippable_text or None,
    }


def delivery(choice: SlotChoice | None) -> Json | None:
    """Her delivery time as the chat's summary offers it (null: she is not asked): the time
    chosen with its line ("🕒 Delivery: Mon, Dec 7, 10:00-12:00"), or the windows free now
    with their labels in her language, or the summary's words for none free. Checkout is
    off until one is chosen."""
    if choice is None:
        return None
    tr = i18n.current()
    chosen = choice.chosen
    line = delivery_texts.chosen_line(tr, chosen.day, chosen.window) if chosen else None
    return {
        "chosen": _slot(chosen) if chosen else None,
        "chosen_text": line,
        "offered": [_slot(state) for state in choice.offered],
        "choose_text": tr._(CHOOSE_TIME) if not chosen and choice.offered else None,
        "none_free_text": (
            tr._(delivery_texts.NONE_FREE, days=choice.days)
            if not chosen and not choice.offered
            else None
        ),
        "change_text": tr._(delivery_texts.CHANGE),
    }


def time_changed(choice: SlotChoice) -> Json:
    """A checkout from a page that showed another delivery time than the cart has now."""
    notice = i18n.current()._(AGAIN)
    return {
        "status": "refused",
        "notice": notice,
        "delivery_time": True,
        "delivery": delivery(choice),
    }


def _slot(state: SlotState) -> Json:
    """A window of a day: what the page sends back to choose it, and its label."""
    label = delivery_texts.slot_button(i18n.current(), state.day, state.window)
    return {"key": state.key, "day": state.day.isoformat(), "window": state.window, "label": label}


def basket(view: CartView, promo: PromoQuote | None = None, tax_texts: Sequence[str] = ()) -> Json:
    """The cart's lines and totals. `promo`: what its promo code takes off now, as the order
    summary counts it: `promo_text`, the summary's line for it (null: none), and
    `to_pay_text`, what the goods come to after it (checkout.after_promo), which its
    Checkout and View cart buttons say. `tax_texts`: the VAT those goods include, worded
    as the summary words it ("Includes VAT 20%: $2.67", one per rate; []: no tax)."""
    return {
        "lines": [
            {
                "product_id": line.product_id,
                "variant_id": line.variant_id or None,
                "sku": line.sku,
                "title": _name(line.title, line.translations),
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "unit_price_text": _money(line.unit_price, line.currency),
                "list_price": line.own_price,  # before its tier: what the product page shows
                # "(−10% for 3+)" beside the unit price at a tier, and under the product's
                # last line "💡 Add 1 more to save 10%": the chat cart's words (null: none).
                "tier_text": tier_note(i18n.current(), line.tier) or None,
                "nudge_text": cart_nudge(i18n.current(), view, index),
                "line_total": line.line_total,
                "line_total_text": _money(line.line_total, line.currency),
                "available": max(line.available, 0),
                # the + button's cap, within the product's per-order limit (all its variants)
                "max_quantity": max(
                    0, min(line.available, line.quantity + can_add_of(view, line.key))
                ),
                "can_add": can_add_of(view, line.key),  # more from its product page
                "warning": cart_line_warning(i18n.current(), line, view),
                "held_text": held_note(i18n.current(), line.held, in_page=True)
                if line.held
                else None,
                "photo": photo_path(line.product_id, line.variant_id),  # the variant's own
            }
            for index, line in enumerate(view.lines)
        ],
        "item_count": view.item_count,
        "items_text": i18n.current().ngettext(
            "{count} item", "{count} items", view.item_count, count=view.item_count
        ),
        "total": view.total,
        "total_text": _money(view.total, view.currency),
        "to_pay_text": _money(after_promo(view, promo), view.currency),
        "saving_text": saving_line(i18n.current(), view.saving, view.currency),
        "promo_text": promo_line(i18n.current(), promo, view.currency) if promo else None,
        "tax_texts": list(tax_texts),
        "currency": view.currency,
        "needs_shipping": view.needs_shipping,
        "fingerprint": view.fingerprint,  # checkout sends it back: pay for this cart only
    }


def cart_update(update: CartUpdate) -> Json:
    answer = {"done": update.done, "notice": update.notice, "cart": cart(update.cart)}
    return {**answer, "report": list(update.report)} if update.report else answer


def kept(update: Kept) -> Json:
    return {"saved": update.saved, "notice": update.notice}


def rated(update: Rated) -> Json:
    return {"stars": update.stars, "notice": update.notice}


def invoice(screen: InvoiceScreen, link: str) -> Json:
    """Checkout went through: the order holds its stock and this link pays it."""
    order = screen.order
    return {
        "status": "invoice",
        "order_id": order.order_id,
        "invoice_link": link,
        "total": order.total,
        "currency": order.currency,
        "total_text": _money(order.total, order.currency),
        "needs_shipping": order.needs_shipping,
    }


def paid_by_card(screen: PaidByCardScreen) -> Json:
    """Checkout went through and the gift card paid all of it: no invoice to open, the
    receipt is in the chat."""
    order = screen.order
    return {
        "status": "paid",
        "order_id": order.order_id,
        "total": order.total,
        "currency": order.currency,
        "total_text": _money(order.total, order.currency),
        "notice": i18n.current()._(PAID_BY_CARD, order_id=order.order_id),
    }


def checkout(screen: Screen, tax_label: str | None, on_page: bool = False) -> Json:
    """Any other outcome of the chat's Pay: what changed, why not, or what is in the way.
    `tax_label`: the shop's, when it shows tax (Settings.shown_tax_label), for the VAT a
    changed cart includes. `on_page`: the page chooses her delivery time itself, so one
    missing (or filled up meanwhile) is said with the choice to make again (`delivery`)."""
    if isinstance(screen, CheckoutScreen) and screen.closed:  # sales are paused
        return {"status": "refused", "notice": screen.closed, "closed": screen.closed}
    if isinstance(screen, CheckoutScreen) and screen.short:  # short of MIN_ORDER
        return {"status": "refused", "notice": screen.short, "min_order_text": screen.short}
    if isinstance(screen, CheckoutScreen) and not screen.review.ready:
        review = screen.review
        tr = i18n.current()
        changes = [unescape(change_text(tr, change)) for change in review.changes]
        if review.promo_dropped:  # the code no longer applies: paying again goes without it
            changes.append(review.promo_dropped)
        if review.gift_card_dropped:  # so with the gift card
            changes.append(review.gift_card_dropped)
        if changes:
            return {
                "status": "changed",
                "notice": tr._(CHANGED),
                "changes": changes,
                "cart": _reviewed(review, tax_label),
            }
    if isinstance(screen, CheckoutScreen) and screen.slot_missing and on_page:
        notice = screen.notice or i18n.current()._(CHOOSE_TIME)  # the chat's words if it went
        return {
            "status": "refused",
            "notice": notice,
            "delivery_time": True,
            "delivery": delivery(screen.slots),
        }
    if isinstance(screen, CheckoutScreen) and screen.slot_missing:  # chosen in the chat
        notice = i18n.current()._(CHOOSE_TIME_IN_CHAT)
        return {"status": "refused", "notice": notice, "delivery_time": True}
    if isinstance(screen, CheckoutScreen) and screen.stale:  # not the cart the page showed
        notice = i18n.current()._(AGAIN)
        return {
            "status": "changed",
            "notice": notice,
            "changes": [],
            "cart": _reviewed(screen.review, tax_label),
        }
    if isinstance(screen, PaymentRefusedScreen):
        return {"status": "refused", "notice": screen.reason}
    if isinstance(screen, PaymentWaitingScreen):
        return {"status": "waiting", "notice": i18n.current()._(WAITING_IN_CHAT)}
    if isinstance(screen, CartScreen):
        notice = i18n.current()._(CART_EMPTY)
        return {"status": "empty", "notice": notice, "cart": basket(screen.cart)}
    return {"status": "refused", "notice": screen.notice or i18n.current()._(AGAIN)}


def _reviewed(review: CheckoutReview, tax_label: str | None) -> Json:
    """A cart checkout put right, with the VAT it includes now."""
    texts = tax_lines(i18n.current(), tax_label, review.taxes, review.cart.currency)
    return basket(review.cart, review.promo, texts)


def my_order(mine: MyOrder, tracking_url: str) -> Json:
    """An order's own page: what it shows in a list, and the products she may rate from it
    (a product bought in two sizes is one), with her stars for each (None: not yet), and
    `cancel`: what ✖️ Cancel order would give back and its question (None: no such button);
    `tracking_url`: TRACKING_URL, for the 📦 Track parcel link."""
    tr = i18n.current()
    products = rateable_products(tr, mine.order) if can_rate(mine.order.status) else []
    offer = mine.cancel
    return {
        **order(mine.order, tracking_url),
        "rateable": [
            {"product_id": product_id, "title": title, "stars": mine.stars.get(product_id)}
            for product_id, title in products
        ],
        "cancel": {
            "amount": offer.amount,
            "currency": offer.currency,
            "amount_text": _money(offer.amount, offer.currency),
            "question": cancel_question(tr, offer),
        }
        if offer is not None
        else None,
        "return": _return(mine),
    }


def _return(mine: MyOrder) -> Json:
    """↩️ Return items as the chat's order screen has it: `can_return` (its button), the
    lines she may pick (each whole, at what it would bring back) and the reasons, and `state`,
    what became of her newest request in the chat's words (None: she never asked)."""
    tr = i18n.current()
    offer = mine.return_offer if mine.returns.offer else None
    lines = offer.lines if offer else ()
    currency = offer.currency if offer else ""
    return {
        "can_return": offer is not None,
        "state": return_texts.state(tr, latest) if (latest := mine.returns.latest) else None,
        "currency": currency or None,
        "lines": [
            {
                "id": line.line_id,
                "title": _name(line.title, line.translations),
                "quantity": line.quantity,
                "amount": line.amount,
                "amount_text": _money(line.amount, currency),
            }
            for line in lines
        ],
        "reasons": [{"code": code, "label": reason_text(tr, code)} for code in REASONS]
        if offer
        else [],
    }


def return_quote(quote: ReturnQuote) -> Json:
    return {
        "amount": quote.amount,
        "currency": quote.currency,
        "amount_text": _money(quote.amount, quote.currency),
        "question": quote.question,
    }


def cancelled(done: Cancelled, tracking_url: str) -> Json:
    """Her order after ✖️ Cancel order (or a return request), and what she is told (the
    chat's words)."""
    return {"order": my_order(done.mine, tracking_url), "notice": done.notice}


def order(view: OrderView, tracking_url: str) -> Json:
    """An order as the page shows it; its parcel's page from TRACKING_URL (`tracking_url`,
    None without a page or a number), as the chat's 📦 Track parcel opens it."""
    return {
        "id": view.id,
        "status": view.status,
        "status_label": view.status_text(i18n.current()),
        "created_at": view.created_at.isoformat(),
        "can_buy_again": can_buy_again(view.status),
        "lines": [
            {
                "title": _name(line.title, line.translations),
                "quantity": line.quantity,
                "line_total": line.line_total,
                "line_total_text": _money(line.line_total, line.currency),
            }
            for line in view.lines
        ],
        "currency": view.currency,
        "shipping_total": view.shipping_total,
        "shipping_text": _money(view.shipping_total, view.currency)
        if view.shipping_total
        else None,
        # "Pick up at Main Street shop, 12 Main St" (null: delivered to her)
        "pickup_text": delivery_method(view, i18n.current())
        if is_pickup(view.shipping_option)
        else None,
        # "🕒 Delivery: Mon, Dec 7, 10:00-12:00" (null: no delivery time)
        "delivery_text": delivery_time(i18n.current(), view.delivery_day, view.delivery_window),
        "discount_total": view.discount_total,
        # "Discount (TENOFF): −$4.80", the chat's order screen's line (null: no discount)
        "discount_text": discount_line(
            i18n.current(), view.promo_code, view.discount_total, view.currency
        )
        if view.discount_total
        else None,
        "gift_card_amount": view.gift_card_amount,
        "gift_card_text": gift_card_line(view, i18n.current()),  # the chat's /orders line
        "tip_amount": view.tip_amount,
        "tip_text": _money(view.tip_amount, view.currency) if view.tip_amount else None,
        "total": view.total,
        "total_text": _money(view.total, view.currency),
        # "Includes VAT 20%: $2.67", one per rate, as the chat says them ([]: no tax)
        "tax_texts": tax_lines(i18n.current(), view.tax_label, view.taxes, view.currency),
        "refunded_amount": view.refunded,
        "refunded_text": _money(view.refunded, view.currency) if view.refunded else None,
        "refund_under_way": view.refund_under_way,
        "refund_under_way_text": _money(view.refund_under_way, view.currency)
        if view.refund_under_way
        else None,
        "item_count": view.item_count,
        "tracking_number": view.tracking_number,
        "tracking_url": tracking_link(tracking_url, view.tracking_number),
    }


def orders(page: OrderPage, tracking_url: str) -> Json:
    """A page of orders, newest first; `has_older`: ask for page + 1."""
    return {
        "orders": [order(view, tracking_url) for view in page.orders],
        "page": page.page,
        "has_older": page.has_older,
    }


def error(message: str) -> Json:
    return {"error": message}


def _bundle(card: ProductCard) -> dict[str, Any] | None:
    """A set's parts (SKU, title, quantity) and saving, in minor units and words, as the
    chat's card says them; None for a product sold as itself."""
    inside = card.bundle
    if inside is None:
        return None
    tr = i18n.current()
    return {
        "parts": [
            {"sku": p.sku, "title": tr.name(p.title, p.translations), "quantity": p.quantity}
            for p in inside.parts
        ],
        "saving": inside.saving,
        "contents_text": contents_line(tr, inside),
        "saving_text": set_saving_line(tr, inside, card.currency) or None,
    }
