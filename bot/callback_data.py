"""Every inline button's callback_data: one small class per action, encoded and parsed here only.

A button asks for an action with named fields, e.g. `ShowProduct(product_id=7, quantity=2)`.
On the wire it is "<version>:<code>:<field>:<field>..." in ASCII, at most 64 bytes (Telegram's
limit), fields in the order the class declares them: "1:p:7:2". The codes are short on purpose
and never change meaning (buttons already in chats keep working); shopper codes are lower
case, admin codes upper case. A payload with another version, an unknown code or fields of the
wrong shape decodes to None, so handlers answer "this button has expired" instead of raising.
A trailing field with a default (a variant id, 0 for none) is left off the wire while it
holds its default, so buttons made before the field existed still decode, to the default.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from telegram import InlineKeyboardButton
from telegram.constants import InlineKeyboardButtonLimit

from bot.store.ids import MAX_ROW_ID
from bot.store.order_states import PARTLY_REFUNDED, OrderStatus

VERSION = "1"
SEPARATOR = ":"
MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64
MAX_DIGITS = 12  # an id or page number
MAX_TOKEN = 24  # a short word: a menu section, an order status, a flow id (two fit in 64)


class CallbackDataError(ValueError):
    """Raised when *we* try to build a payload that is invalid or too long (a bug, not input)."""


_ACTIONS: dict[str, type[Action]] = {}


class Action:
    """What a button asks for. Subclasses are frozen dataclasses of int and str fields, declared
    with their wire code: `class ShowCart(Action, code="cart")`."""

    code: ClassVar[str] = ""

    def __init_subclass__(cls, code: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not code:
            return  # a base for actions that share fields (FlowAction)
        if code in _ACTIONS or SEPARATOR in code or not code.isascii():
            raise CallbackDataError(f"button code {code!r} is taken or malformed")
        cls.code = code
        _ACTIONS[code] = cls

    @property
    def is_admin(self) -> bool:
        return self.code[:1].isupper()

    def encode(self) -> str:
        """The callback_data of this button; CallbackDataError if it cannot be one."""
        if not self.code:
            raise CallbackDataError(f"{type(self).__name__} has no button code")
        parts = [VERSION, self.code]
        fields = list(dataclasses.fields(self))  # type: ignore[arg-type]
        while (
            fields
            and _optional(fields[-1])
            and getattr(self, fields[-1].name) == fields[-1].default
        ):
            fields.pop()
        for field in fields:
            value = getattr(self, field.name)
            text = str(value)
            if not _fits(_kind(field), text) or isinstance(value, bool):
                raise CallbackDataError(f"{field.name}={value!r} does not fit {self.code!r}")
            parts.append(text)
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise CallbackDataError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
        return data


def decode(data: str | None) -> Action | None:
    """The action a payload from Telegram asks for; None for anything stale, forged or malformed."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(SEPARATOR)
    if len(parts) < 2 or parts[0] != VERSION:
        return None
    action = _ACTIONS.get(parts[1])
    if action is None:
        return None
    fields = dataclasses.fields(action)  # type: ignore[arg-type]
    raw = parts[2:]
    required = len(fields)
    while required and _optional(fields[required - 1]):
        required -= 1
    if not required <= len(raw) <= len(fields):
        return None
    values: dict[str, int | str] = {}
    for field, text in zip(fields, raw, strict=False):
        kind = _kind(field)
        if not _fits(kind, text):
            return None
        value = values[field.name] = int(text) if kind == "int" else text
        if isinstance(value, int) and _names_a_row(field) and value > MAX_ROW_ID:
            return None  # no row has it: refused like any forged button, never asked of the db
    return action(**values)


def _names_a_row(field: dataclasses.Field[Any]) -> bool:
    """An id field (`order_id`, `product_id`...; `paid` is an order's id too)."""
    return field.name.endswith("_id") or field.name == "paid"


def _optional(field: dataclasses.Field[Any]) -> bool:
    return field.default is not dataclasses.MISSING


def _kind(field: dataclasses.Field[Any]) -> str:
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
    if kind not in ("int", "str"):
        raise CallbackDataError(f"button field {field.name} must be int or str, not {kind}")
    return kind


def _fits(kind: str, text: str) -> bool:
    if kind == "int":
        return text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS
    return 0 < len(text) <= MAX_TOKEN and SEPARATOR not in text and text.isascii()


# ---------------------------------------------------------------- shopper


@dataclass(frozen=True)
class Home(Action, code="home"):
    """The main menu."""


@dataclass(frozen=True)
class Noop(Action, code="noop"):
    """A label-only button (page number, quantity)."""


@dataclass(frozen=True)
class ShowHelp(Action, code="help"):
    pass


@dataclass(frozen=True)
class SearchHint(Action, code="find"):
    """How to search."""


# The orders a category button can ask for, by their place here on the wire: only ever add at
# the end (a button in a chat keeps its meaning). Names are bot.services.catalog's orders.
LIST_ORDERS = ("name", "price", "price_desc", "newest", "rating")


class ListView:
    """How the shopper lists a category (its order and "In stock only"), as one number on the
    wire, `view`: the order's place in LIST_ORDERS × 2, + 1 for "in stock only", so that the
    largest button still fits 64 bytes."""

    view: int

    @staticmethod
    def of(order: str, in_stock: bool) -> int:
        return LIST_ORDERS.index(order) * 2 + in_stock

    @property
    def order(self) -> str:
        """The order asked for; "" when no order has that place (a forged button)."""
        place = self.view // 2
        return LIST_ORDERS[place] if place < len(LIST_ORDERS) else ""

    @property
    def in_stock(self) -> bool:
        return self.view % 2 == 1


@dataclass(frozen=True)
class ShowCategories(ListView, Action, code="cats"):
    """A page of the category list; `view` as the shopper lists categories, so that with
    "In stock only" on the counts are of what is in stock."""

    page: int = 0
    view: int = 0


@dataclass(frozen=True)
class ShowCategory(ListView, Action, code="cat"):
    category_id: int
    page: int
    categories_page: int = 0  # the page of the category list it was opened from (⬅ Categories)
    view: int = 0

    @classmethod
    def shown(
        cls, category_id: int, page: int, categories_page: int, order: str, in_stock: bool
    ) -> ShowCategory:
        return cls(category_id, page, categories_page, cls.of(order, in_stock))


@dataclass(frozen=True)
class ShowSearchPage(Action, code="sp"):
    """A page of the chat's last search."""

    page: int


@dataclass(frozen=True)
class ShowProduct(Action, code="p"):
    product_id: int
    quantity: int  # the quantity chosen on the product screen
    variant_id: int = 0  # the variant chosen (an option button); 0: the product's default
    photo: int = 0  # which of its photos the card shows (◀ 1/3 ▶), from 0: the first


@dataclass(frozen=True)
class AddToCart(Action, code="add"):
    product_id: int
    quantity: int
    variant_id: int = 0


@dataclass(frozen=True)
class Back(Action, code="back"):
    """Back to the list the product was opened from."""


@dataclass(frozen=True)
class ShowCart(Action, code="cart"):
    pass


@dataclass(frozen=True)
class AddOne(Action, code="inc"):
    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class TakeOne(Action, code="dec"):
    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class RemoveLine(Action, code="rm"):
    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class ClearCart(Action, code="clr"):
    pass


@dataclass(frozen=True)
class Checkout(Action, code="co"):
    """Verify the cart and show the order summary."""


@dataclass(frozen=True)
class Pay(Action, code="pay"):
    """Pay the verified order summary this button is on, as it showed it: `cart` is its
    lines' CartView.fingerprint, `total` the amount the button says, `paid` the shopper's
    newest paid order then (0: none). A button from before these fields (cart 0) matches no
    cart: it shows the summary again."""

    cart: int = 0
    total: int = 0
    paid: int = 0


@dataclass(frozen=True)
class ChooseSlot(Action, code="ds"):
    """A delivery time on the order summary: `day` as 20261207, the window's `start` and `end`
    as 1000 and 1200 ("10:00-12:00"). Checked against the shop's windows when pressed: a
    stale or forged one is refused like a full one."""

    day: int
    start: int
    end: int

    @staticmethod
    def of(day: date, window: str) -> ChooseSlot:
        start, end = (int(part.replace(":", "")) for part in window.split("-", 1))
        return ChooseSlot(int(day.strftime("%Y%m%d")), start, end)

    def chosen(self) -> tuple[date, str] | None:
        """The day and window it names; None if it names none (forged)."""
        try:
            day = datetime.strptime(str(self.day), "%Y%m%d").date()
        except ValueError:
            return None
        start, end = divmod(self.start, 100), divmod(self.end, 100)
        return day, f"{start[0]:02d}:{start[1]:02d}-{end[0]:02d}:{end[1]:02d}"


@dataclass(frozen=True)
class ChangeSlot(Action, code="dsx"):
    """Change on the summary's delivery time: choose again."""


@dataclass(frozen=True)
class AskPromoCode(Action, code="pc"):
    """Type a promo code for the order summary."""


@dataclass(frozen=True)
class RemovePromoCode(Action, code="pcx"):
    pass


@dataclass(frozen=True)
class RemoveGiftCard(Action, code="gcx"):
    """✖ Remove gift card from the order summary."""


@dataclass(frozen=True)
class AskNote(Action, code="nt"):
    """Type a note for the shop."""


@dataclass(frozen=True)
class RemoveNote(Action, code="ntx"):
    pass


@dataclass(frozen=True)
class MyOrders(Action, code="ords"):
    """/orders: a page of the shopper's orders, 0 the newest."""

    page: int = 0


@dataclass(frozen=True)
class MyOrder(Action, code="ord"):
    """One of her orders; `page`: the /orders page it was opened from, for "⬅ My orders"."""

    order_id: int
    page: int = 0


@dataclass(frozen=True)
class BuyAgain(Action, code="rb"):
    """🔁 Buy again: put that order's items back in the cart; `page` as in MyOrder."""

    order_id: int
    page: int = 0


@dataclass(frozen=True)
class CancelMyOrder(Action, code="xo"):
    """✖️ Cancel order on one of her orders: `sure` 0 asks first, 1 cancels; `page` as in
    MyOrder."""

    order_id: int
    sure: int = 0
    page: int = 0


@dataclass(frozen=True)
class ReturnItems(Action, code="ri"):
    """↩️ Return items on one of her delivered orders, one step a press: `step` 0 picks the
    lines (`mask`: bit i is the i-th line offered, toggled by each line's button), 1 the
    reason, 2 asks to confirm (`reason`: 1-5), 3 sends the request. The choice lives in the
    button, so a restart loses nothing (four fields: no /orders page, to fit 64 bytes)."""

    order_id: int
    mask: int = 0
    reason: int = 0
    step: int = 0


@dataclass(frozen=True)
class RateProduct(Action, code="rt"):
    """A product of her order: 0 stars opens the stars to choose from, 1-5 gives them;
    `page` as in MyOrder."""

    order_id: int
    product_id: int
    stars: int = 0
    page: int = 0


@dataclass(frozen=True)
class WriteReview(Action, code="rw"):
    """✍️ on a product of her order that she rated: her few words about it come next;
    `page` as in MyOrder."""

    order_id: int
    product_id: int
    page: int = 0


@dataclass(frozen=True)
class DeleteReview(Action, code="rwx"):
    """🗑 Delete my words about a product of her order; `page` as in MyOrder."""

    order_id: int
    product_id: int
    page: int = 0


@dataclass(frozen=True)
class ShowReviews(Action, code="rvs"):
    """💬 Reviews on a product's card: the newest page of them (`start` 0), or a keyset page
    that starts from a review shown: `start` is its writer's customer id × 2, + 1 for the
    older reviews right after it (▶ Older), + 0 for the newer ones right before it (◀
    Newer), one number so that the largest button still fits 64 bytes. `page` is the
    number the page is labelled with; `variant_id` the variant the card showed, for ⬅ Back
    to it."""

    product_id: int
    page: int = 0
    variant_id: int = 0
    start: int = 0

    @staticmethod
    def starting(customer_id: int, *, older: bool) -> int:
        return customer_id * 2 + older

    @property
    def after_id(self) -> int:
        """The writer of the review whose older ones the page lists (0: none)."""
        return self.start // 2 if self.start % 2 else 0

    @property
    def before_id(self) -> int:
        """The writer of the review whose newer ones the page lists (0: none)."""
        return 0 if self.start % 2 else self.start // 2


@dataclass(frozen=True)
class DownloadAgain(Action, code="dl"):
    """Send a digital line of a paid order again."""

    order_id: int
    line_id: int


@dataclass(frozen=True)
class MyInvoice(Action, code="inv"):
    """🧾 Invoice on one of her paid orders: send its PDF (issued on the first press)."""

    order_id: int


@dataclass(frozen=True)
class AskShop(Action, code="ask"):
    """Write to the shop (/support); about an order when `order_id` is not 0."""

    order_id: int


@dataclass(frozen=True)
class ShowFaq(Action, code="faq"):
    """The shop's answers to common questions: a page of their questions (/faq)."""

    page: int = 0


@dataclass(frozen=True)
class FaqAnswer(Action, code="fqa"):
    """One question's answer; ⬅ Back returns to the list's `page`."""

    entry_id: int
    page: int = 0


@dataclass(frozen=True)
class NotifyMe(Action, code="nm"):
    """Tell me when this sold-out product (this variant of it) is back."""

    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class StopNotifying(Action, code="nmx"):
    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class SaveProduct(Action, code="sv"):
    """♡ Save: keep this product under /saved (the card stays on this variant)."""

    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class UnsaveProduct(Action, code="svx"):
    product_id: int
    variant_id: int = 0


@dataclass(frozen=True)
class ShowSaved(Action, code="svl"):
    """A page of her saved products (/saved)."""

    page: int = 0


@dataclass(frozen=True)
class ShowInvite(Action, code="ivt"):
    """Her invitation link (/invite), from /help."""


@dataclass(frozen=True)
class ShowSettings(Action, code="set"):
    pass


@dataclass(frozen=True)
class CartReminders(Action, code="crm"):
    """Turn cart reminders on (1) or off (0)."""

    on: int


@dataclass(frozen=True)
class PriceDropAlerts(Action, code="pda"):
    """Turn price-drop alerts for saved products on (1) or off (0)."""

    on: int


@dataclass(frozen=True)
class MorningReport(Action, code="mrp"):
    """An admin turns her morning report of yesterday's figures on (1) or off (0)."""

    on: int


@dataclass(frozen=True)
class ChooseLanguage(Action, code="lng"):
    """Read the shop in this language ("en", "ru", "es"); "menu": show the choice."""

    language: str


@dataclass(frozen=True)
class ShowPrivacy(Action, code="pv"):
    """/privacy: what the shop keeps about her, and her two buttons."""


@dataclass(frozen=True)
class SendMyData(Action, code="pvd"):
    """📦 My data: everything kept about her, as a JSON document."""


@dataclass(frozen=True)
class AskForget(Action, code="pvf"):
    """🗑 Delete my data: asks first."""


@dataclass(frozen=True)
class ForgetMe(Action, code="pvy"):
    """🗑 Yes, delete: her data deleted (a second press: already done)."""


# ---------------------------------------------------------------- admin


@dataclass(frozen=True)
class AdminMenu(Action, code="AM"):
    section: str  # products, orders, reports, broadcast, export, export_orders; else: the menu


@dataclass(frozen=True)
class StopBroadcast(Action, code="ABS"):
    """The Stop button under a broadcast's progress: stop the one this admin chat sends."""


@dataclass(frozen=True)
class CancelScheduledBroadcast(Action, code="ABX"):
    """/broadcast: ✖ Cancel under a broadcast planned for later."""

    broadcast_id: int


@dataclass(frozen=True)
class AdminProducts(Action, code="APL"):
    """A page of the admin's product list: the first, or the one right after the product
    `after_id` or right before `before_id` (a keyset page: an id fits the button whatever
    its SKU). `page` is the number it is labelled with."""

    page: int
    after_id: int = 0
    before_id: int = 0


@dataclass(frozen=True)
class AdminFaqPage(Action, code="AQP"):
    """◀ ▶ under the admins' /faq list: its page `page` (from 0)."""

    page: int


@dataclass(frozen=True)
class FlowAction(Action):
    """A button under an admin flow's prompt; `flow_id` ties it to that very flow."""

    flow_id: str


@dataclass(frozen=True)
class FlowConfirm(FlowAction, code="AFC"):
    pass


@dataclass(frozen=True)
class FlowCancel(FlowAction, code="AFX"):
    pass


@dataclass(frozen=True)
class FlowSkip(FlowAction, code="AFS"):
    """Skip the current step."""


@dataclass(frozen=True)
class FlowPickField(FlowAction, code="AFE"):
    """/edit: the field to change."""

    field: str


@dataclass(frozen=True)
class FlowRemovePhoto(FlowAction, code="AFD"):
    """/edit: 🗑 Remove photo N of the product's gallery (from 2: the first is its photo)."""

    photo: int


@dataclass(frozen=True)
class FlowPickCategory(FlowAction, code="AFK"):
    category_id: int


@dataclass(frozen=True)
class FlowCategoryPage(FlowAction, code="AFP"):
    """/addproduct: another page of the categories to pick from."""

    page: int


@dataclass(frozen=True)
class FlowAudience(FlowAction, code="AFA"):
    """/broadcast's preview: who gets it (an audience of bot.services.broadcast_plan)."""

    audience: str


@dataclass(frozen=True)
class FlowSendLater(FlowAction, code="AFL"):
    """/broadcast's preview: ⏰ Send later, at a time the admin types next."""


@dataclass(frozen=True)
class FlowFullRefund(FlowAction, code="AFR"):
    """Refund flow: refund everything that is left."""


@dataclass(frozen=True)
class FlowCardBack(FlowAction, code="AFG"):
    """Refund flow: 🎁 Back to the gift card, the part of the order its card paid."""


@dataclass(frozen=True)
class EndPromo(Action, code="APX"):
    """/promo: end this code now."""

    promo_id: int


@dataclass(frozen=True)
class ConfirmSale(Action, code="ASS"):
    """/sale: ✅ Start the sale previewed (`percent` 0: end it), if the category's prices
    are still those previewed (`fingerprint`); `ends`: when it ends by itself, in Unix
    seconds (0: when an admin ends it)."""

    category_id: int
    percent: int
    fingerprint: int
    ends: int = 0


@dataclass(frozen=True)
class ConfirmSaleEnd(Action, code="ASU"):
    """/sale Kitchen until=...: ✅ Change the end date of the running sale previewed, if it
    is still that sale (`fingerprint`); `ends`: its new end, in Unix seconds (0: none)."""

    category_id: int
    fingerprint: int
    ends: int


@dataclass(frozen=True)
class CancelSale(Action, code="ASN"):
    """/sale: ✖️ Cancel the preview; nothing changes."""


@dataclass(frozen=True)
class AdminOrders(Action, code="AOL"):
    status: str  # an order status, or "all"
    page: int
    customer_id: int = 0  # her orders only (from her /customer screen); 0: everyone's


ALL_ORDERS = AdminOrders("all", 0)  # the order list's first page, everyone's orders


# The order lists a button may lead back to (AdminOrders.status), each by a digit that never
# changes meaning once buttons carry it: add new ones at the end.
ORDER_LISTS: tuple[str, ...] = (
    "all",
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
    PARTLY_REFUNDED,
    OrderStatus.REFUNDED,
)


class FromOrderList:
    """A button of an order's screen, or of a question or step begun from it, that
    remembers the order list the order was opened from, so ⬅️ Orders goes back to that page
    and not to the first, also on the screen an action shows after it ran: `listed` is the
    page × 10 + the list's digit in ORDER_LISTS, `customer_id` as in AdminOrders (two
    numbers, so a return's buttons fit in 64 bytes). Subclasses declare both last, 0 by
    default: left off the wire then (the admins' alert, a button made before), which reads
    as the first page of all orders."""

    listed: int
    customer_id: int

    @property
    def listing(self) -> AdminOrders:
        return listing_of(self.listed, self.customer_id)


def listing_of(listed: int, customer_id: int) -> AdminOrders:
    """The order list FromOrderList's two numbers name; a list digit no list has (forged)
    reads as the first page of all orders."""
    page, digit = divmod(listed, 10)
    if digit >= len(ORDER_LISTS):
        return AdminOrders("all", 0, customer_id)
    return AdminOrders(ORDER_LISTS[digit], page, customer_id)


def listed(listing: AdminOrders) -> tuple[int, int]:
    """The fields of FromOrderList (`listed`, `customer_id`) that lead back to `listing`."""
    digit = ORDER_LISTS.index(listing.status) if listing.status in ORDER_LISTS else 0
    return listing.page * 10 + digit, listing.customer_id


@dataclass(frozen=True)
class ShowCustomer(Action, code="ACU"):
    """One customer's screen (/customer), by the shop's own id for her."""

    customer_id: int


@dataclass(frozen=True)
class BlockCustomer(Action, code="ACB"):
    """🚫 Block on her screen: asks for a reason (or Skip) first, then blocks her."""

    customer_id: int


@dataclass(frozen=True)
class UnblockCustomer(Action, code="ACW"):
    """✅ Unblock on her screen."""

    customer_id: int


@dataclass(frozen=True)
class BlockedPage(Action, code="ACL"):
    """/blocked's page `page` (from 0)."""

    page: int


@dataclass(frozen=True)
class OrderAction(Action, FromOrderList):
    """A button on one order in the admin's order screen; `listed` and `customer_id` name
    the list the order was opened from (FromOrderList), so the screen the action shows
    after it ran (or its question's ⬅️ Back) still leads back to that page."""

    order_id: int
    listed: int = 0
    customer_id: int = 0


@dataclass(frozen=True)
class OpenOrder(OrderAction, code="AOO"):
    """One order's screen; its ⬅️ Orders goes back to the page it was opened from."""


@dataclass(frozen=True)
class ShipOrder(OrderAction, code="AOS"):
    """Asks for a tracking number first."""


@dataclass(frozen=True)
class DeliverOrder(OrderAction, code="AOD"):
    pass


@dataclass(frozen=True)
class ReadyForPickup(OrderAction, code="AOK"):
    """🏬 Ready for pickup: a pickup order's Ship (no tracking number to ask for)."""


@dataclass(frozen=True)
class PickedUp(OrderAction, code="AOU"):
    """✅ Picked up: a pickup order's Delivered."""


@dataclass(frozen=True)
class AskCancelOrder(OrderAction, code="AOC"):
    pass


@dataclass(frozen=True)
class CancelOrder(OrderAction, code="AOY"):
    """Cancel, confirmed."""


@dataclass(frozen=True)
class RefundOrder(OrderAction, code="AOR"):
    """Asks for an amount first."""


@dataclass(frozen=True)
class AskApproveOrder(OrderAction, code="AOA"):
    """Approve a payment flagged for review: ask to confirm."""


@dataclass(frozen=True)
class ApproveOrder(OrderAction, code="AOP"):
    """Approve, confirmed."""


@dataclass(frozen=True)
class AskResolveReview(OrderAction, code="AOV"):
    """☑️ Review resolved on a flagged order no approval fits (cancelled, refunded, shipped,
    delivered): ask to confirm."""


@dataclass(frozen=True)
class ResolveReview(OrderAction, code="AOW"):
    """Review resolved, confirmed."""


@dataclass(frozen=True)
class OrderInvoice(OrderAction, code="AOI"):
    """🧾 Invoice on the admin's order screen: the same PDF, the same number, as hers."""


@dataclass(frozen=True)
class AddOrderNote(OrderAction, code="AON"):
    """🗒 Add note: asks for the note's text first."""


@dataclass(frozen=True)
class EditTracking(OrderAction, code="AOT"):
    """✏️ Tracking number of a shipped order: asks for the new number first."""


@dataclass(frozen=True)
class ReturnAction(Action):
    """A button on a shopper's return request (its alert, or the admin's order screen)."""

    request_id: int


@dataclass(frozen=True)
class AskApproveReturn(ReturnAction, FromOrderList, code="ARA"):
    """✅ Approve and refund (`restock` 1: and put the lines back in stock): asks first.
    `listed`, `customer_id`: the order list the order's screen was opened from, as in
    OpenOrder (0 under the admins' alert), kept through the question and after."""

    restock: int = 0
    listed: int = 0
    customer_id: int = 0


@dataclass(frozen=True)
class ApproveReturn(ReturnAction, FromOrderList, code="ARY"):
    """Approve, confirmed: the lines are refunded (and with `restock` 1, back in stock);
    the list fields as in AskApproveReturn."""

    restock: int = 0
    listed: int = 0
    customer_id: int = 0


@dataclass(frozen=True)
class DeclineReturn(ReturnAction, FromOrderList, code="ARD"):
    """✖️ Decline: asks for a short reason first; the list fields as in AskApproveReturn."""

    listed: int = 0
    customer_id: int = 0


def opened_from(order_id: int, listing: AdminOrders) -> OpenOrder:
    """The order's screen, opened from the page `listing` (its ⬅️ Orders goes back there)."""
    return OpenOrder(order_id, *listed(listing))


@dataclass(frozen=True)
class HideReview(Action, code="ARH"):
    """🙈 Hide a shopper's review from its product's card (`hide` 1), or 👁 Show it (0)."""

    customer_id: int
    product_id: int
    hide: int


@dataclass(frozen=True)
class CloseThread(Action, code="ASX"):
    """Close a support conversation (on each question an admin receives)."""

    thread_id: int


@functools.lru_cache(maxsize=4096)
def button(label: str, action: Action) -> InlineKeyboardButton:
    """An inline keyboard button that asks for `action`. A button cannot change once made,
    and screens repeat the same few, so each is made once (profiled at 10 chats: making a
    product card's six buttons and their data anew was about 3% of a round trip's CPU)."""
    return _Button(label, callback_data=action.encode())


class _Button(InlineKeyboardButton):
    """A button whose Bot API form is worked out once, since it cannot change: PTB works it
    out at every send (a product card's keyboard: 60 µs a message, 14 µs so)."""

    __slots__ = ("_sent_as",)

    def __init__(self, text: str, *, callback_data: str) -> None:
        super().__init__(text, callback_data=callback_data)
        with self._unfrozen():
            self._sent_as = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        return dict(self._sent_as)
