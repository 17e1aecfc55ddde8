"""What the chat should show next, as plain data: the journey decides, bot/views renders.

Every screen may carry a `notice`: one short sentence about what just happened ("Added to
cart", "Only 2 left"). Views show it at the top of the message and as the button's toast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.permissions import Role
from bot.services.cancelling import CancelOffer
from bot.services.cart import CartView, Held
from bot.services.catalog import CategoryItem, ProductCard, ProductItem, ProductPage
from bot.services.checkout import CheckoutReview
from bot.services.delivery_slots import SlotState
from bot.services.order_history import OrderPage, OrderView
from bot.services.order_summary import OrderSummary
from bot.services.promos import PromoQuote
from bot.services.ratings import Rateable
from bot.services.referrals import Invitation
from bot.services.returns import ReturnOffer, ReturnState
from bot.services.reviews import Reviewable, ReviewPage, Written


@dataclass(frozen=True, kw_only=True)
class Screen:
    notice: str | None = None


@dataclass(frozen=True, kw_only=True)
class MenuScreen(Screen):
    first_name: str = ""
    welcome: bool = False
    cancelled_invoices: tuple[int, ...] = ()  # invoice messages /cancel made unpayable
    questions: bool = False  # the shop answers common questions (/faq): ℹ️ Questions
    closed: str = ""  # sales are paused (/pause): the banner over the menu


@dataclass(frozen=True, kw_only=True)
class HelpScreen(Screen):
    role: Role | None = None  # an admin's (staff's) /help lists the admin commands she may use
    closed: str = ""  # sales are paused (/pause): the banner over the help


@dataclass(frozen=True, kw_only=True)
class InviteScreen(Screen):
    """/invite: her link and what it did so far; None: invitations are not open."""

    invitation: Invitation | None


@dataclass(frozen=True, kw_only=True)
class SearchHintScreen(Screen):
    """What to type to search (also the answer to a bare /search)."""


@dataclass(frozen=True, kw_only=True)
class StorefrontScreen(Screen):
    """/shop: the button that opens the storefront page (or why there is none)."""


@dataclass(frozen=True, kw_only=True)
class NotUnderstoodScreen(Screen):
    """Plain text that is neither a phrase we know nor words of a product."""

    text: str


@dataclass(frozen=True, kw_only=True)
class FaqScreen(Screen):
    """The shop's answers to common questions (/faq): a page of their questions, each
    (entry id, question in her language); none at all: ask the shop instead."""

    questions: tuple[tuple[int, str], ...] = ()
    page: int = 0
    pages: int = 1


@dataclass(frozen=True, kw_only=True)
class FaqAnswerScreen(Screen):
    """One answer: opened from the list (⬅ Back to its `page`), or `found` for her words."""

    question: str
    answer: str
    page: int = 0
    found: bool = False


@dataclass(frozen=True, kw_only=True)
class NoAnswerScreen(Screen):
    """A question of hers that no product and no answer of the shop's matched: ask the shop."""

    text: str
    questions: bool = False  # the shop answers some questions: ℹ️ All questions


@dataclass(frozen=True, kw_only=True)
class CategoriesScreen(Screen):
    """One page of the categories (`catalog.CATEGORY_PAGE` a page)."""

    categories: tuple[CategoryItem, ...]
    page: int = 0
    pages: int = 1
    # How the shopper lists categories: a category opens so, and the counts are of what is
    # in stock when `in_stock`.
    order: str = "name"
    in_stock: bool = False


@dataclass(frozen=True, kw_only=True)
class ListScreen(Screen):
    """A page of products: a category (`listing["kind"] == "c"`), a search ("s") or her
    saved products ("f")."""

    page: ProductPage
    listing: dict[str, Any]

    @property
    def is_search(self) -> bool:
        return self.listing.get("kind") == "s"

    @property
    def is_saved(self) -> bool:
        return self.listing.get("kind") == "f"


@dataclass(frozen=True, kw_only=True)
class ProductScreen(Screen):
    card: ProductCard
    quantity: int
    in_cart: int
    cart_items: int
    low_stock_threshold: int
    same_media: bool = False  # the photo on screen is already this product's
    watching: bool = False  # sold out, and the shopper waits to be told when it is back
    saved: bool = False  # she saved it (♥; /saved lists it)
    held: Held | None = None  # units of it her own open invoice holds (counted as hers)
    can_add: int = 0  # how many more she can put in her cart (bot.services.cart.can_add)
    in_order: int = 0  # units of the product in her cart, all its variants (its limit counts)
    # Her units of the product by variant id (0: the product itself), when a tier re-prices
    # them: the Add button says what her cart grows by (ProductCard.cost_of_adding).
    in_cart_by_variant: Mapping[int, int] = field(default_factory=dict)
    photo: int = 0  # which of the card's photos it shows (0: the first; ◀ 1/3 ▶)
    # "Often bought with this": up to 3 other products in stock, each a button to its card.
    also_bought: tuple[ProductItem, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CartScreen(Screen):
    cart: CartView
    report: tuple[str, ...] = ()  # worded lines above the cart: what Buy again could not add
    # What its promo code takes off now, as the order summary counts it (checkout.cart_promo;
    # None: nothing): its line under the total, and what its Checkout button says and
    # MIN_ORDER and free shipping go by (checkout.after_promo).
    promo: PromoQuote | None = None
    closed: str = ""  # sales are paused (/pause): the banner instead of its Checkout button


@dataclass(frozen=True, kw_only=True)
class CheckoutScreen(Screen):
    """The verified order summary (with a Pay button), or the changes to confirm. `last_paid`
    is the shopper's newest paid order (0: none), so a Pay pressed after it knows it was
    paid; `stale` when Pay was pressed on an older summary than this cart's."""

    review: CheckoutReview
    last_paid: int = 0
    stale: bool = False
    closed: str = ""  # sales are paused (/pause): what she is told instead of a Pay button
    short: str = ""  # the goods are short of MIN_ORDER: the same, in the rule's words
    unshippable: str = ""  # goods to ship in a Stars shop (no address asked): the same
    slots: SlotChoice | None = None  # when it arrives (DELIVERY_SLOTS, goods to deliver)

    @property
    def blocked(self) -> str:
        """Why there is no Pay button ("": there is one)."""
        return self.closed or self.short or self.unshippable

    @property
    def slot_missing(self) -> bool:
        """Delivery times are asked and none is chosen: no Pay button yet."""
        return self.slots is not None and self.slots.chosen is None


@dataclass(frozen=True, kw_only=True)
class SlotChoice:
    """The summary's delivery time: the one she chose (None: none, or it is not free any
    more), the windows she may choose, and how many days they were looked for in."""

    chosen: SlotState | None
    offered: tuple[SlotState, ...]
    days: int


@dataclass(frozen=True, kw_only=True)
class PromoPromptScreen(Screen):
    """The order summary waits for a promo code to be typed."""


@dataclass(frozen=True, kw_only=True)
class NotePromptScreen(Screen):
    """The order summary waits for a note for the shop; `note` is the one kept so far."""

    note: str | None = None


# Paying: these go out as new messages under the order summary, which stays as it was.


@dataclass(frozen=True, kw_only=True)
class InvoiceScreen(Screen):
    """The cart is now an order holding its stock: its invoice goes out next."""

    order: OrderSummary
    photo_url: str | None = None
    replaced_invoices: tuple[int, ...] = ()  # older invoice messages that can no longer be paid


@dataclass(frozen=True, kw_only=True)
class PaidByCardScreen(Screen):
    """The cart is now an order its gift card pays in full: no invoice, it is paid next."""

    order: OrderSummary
    replaced_invoices: tuple[int, ...] = ()  # older invoice messages that can no longer be paid


@dataclass(frozen=True, kw_only=True)
class InvoiceSentScreen(Screen):
    """The invoice is in the chat; the chat waits for the payment."""

    order_id: int
    hold_minutes: int


@dataclass(frozen=True, kw_only=True)
class PaymentRefusedScreen(Screen):
    """No invoice: why (payments not set up, a cart problem, Telegram refused to send it)."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class PaymentWaitingScreen(Screen):
    """An invoice is open in the chat."""


@dataclass(frozen=True, kw_only=True)
class OrdersScreen(Screen):
    history: OrderPage = field(default_factory=OrderPage)


@dataclass(frozen=True, kw_only=True)
class OrderScreen(Screen):
    order: OrderView
    page: int = 0  # the /orders page it was opened from, where "⬅ My orders" goes back
    stars: dict[int, int] = field(default_factory=dict)  # her stars by product (rated ones)
    offer_words: int = 0  # a product she has just rated: ✍️ Add a few words about it
    has_words: bool = False  # ... about which she wrote already: ✍️ Change my words
    reviewed: Written | None = None  # her words just kept: the admins hear of them next
    returns: ReturnState = field(default_factory=ReturnState)  # ↩️ Return items, or waiting


@dataclass(frozen=True, kw_only=True)
class CancelOrderScreen(Screen):
    """✖️ Cancel order's question: what she gets back (opened from that order's `page`)."""

    offer: CancelOffer
    page: int = 0


@dataclass(frozen=True, kw_only=True)
class ReturnScreen(Screen):
    """↩️ Return items, one step: the lines to pick (`asking` "lines"), then the reason
    ("reason"), then the question before sending ("confirm", with the `reason` chosen)."""

    offer: ReturnOffer
    mask: int = 0
    asking: str = "lines"  # lines, reason, confirm
    reason: str = ""
    page: int = 0


@dataclass(frozen=True, kw_only=True)
class RateScreen(Screen):
    """Stars for one product of one of her orders (opened from that order's `page`)."""

    item: Rateable
    page: int = 0
    words: str | None = None  # her few words about it, if she wrote some


@dataclass(frozen=True, kw_only=True)
class ReviewPromptScreen(Screen):
    """Her few words about a product she rated are awaited (✍️; opened from its order's
    `page`)."""

    about: Reviewable
    page: int = 0


@dataclass(frozen=True, kw_only=True)
class ReviewsScreen(Screen):
    """A page of a product's reviews, opened from its card (`variant_id`: the variant the
    card showed, for ⬅ Back to it)."""

    reviews: ReviewPage
    variant_id: int = 0


@dataclass(frozen=True, kw_only=True)
class SupportScreen(Screen):
    """Writing to the shop (/support): what to do, or that nobody can answer now."""

    available: bool = True
    order_id: int | None = None
    writing: bool = False  # a reminder that the chat is in a conversation (not its start)


@dataclass(frozen=True, kw_only=True)
class QuestionSentScreen(Screen):
    """The shopper's message is kept for the shop; it goes out next (bot.usecases.support)."""

    thread_id: int


@dataclass(frozen=True, kw_only=True)
class SettingsScreen(Screen):
    """/settings: what the shopper chose about the shop's messages."""

    cart_reminders: bool
    reminders_used: bool = True  # False: CART_REMINDER_HOURS=0, the shop sends none
    price_drop_alerts: bool = True
    morning_report: bool | None = None  # an admin's choice; None: not an admin, no switch
    reports_sent: bool = True  # False: DAILY_REPORT_HOUR is off, the shop sends none


@dataclass(frozen=True, kw_only=True)
class LanguageScreen(Screen):
    """/language: the languages the shop speaks, the reader's own marked."""
