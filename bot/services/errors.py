"""Every refusal of the shop's rules, in one hierarchy: what went wrong, in words people read.

`str(error)` is a sentence fit for the person who asked (an admin's chat, a shopper's
message); a screen that words it its own way reads the error's fields instead. Nothing here
knows about Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from bot import i18n
from bot.i18n import N_, SOURCE_LANGUAGE, translator, worded
from bot.money import STARS, telegram_maximum, telegram_minimum
from bot.store.order_states import status_label

if TYPE_CHECKING:
    from bot.i18n import Translator


class ShopError(Exception):
    """A use case refused to do what was asked.

    `text` is the English sentence (a msgid of the catalogs) with `{placeholders}` filled from
    `params`; `said(tr)` is the same sentence in the reader's language."""

    text: str = ""
    params: dict[str, Any]

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.params = {}

    def _words(self, text: str, **params: Any) -> None:
        self.text, self.params = text, params
        self.args = (ShopError.said(self, translator(SOURCE_LANGUAGE)),)  # in English

    @classmethod
    def saying(cls, text: str, **params: Any) -> Self:
        """The error worded from a msgid (marked with N_), for readers of any language."""
        error = cls()
        error._words(text, **params)
        return error

    def note(self) -> str:
        """The error as a note to store (`i18n.worded`): an order's review reason that quotes
        it is read in each reader's language, not the language of whoever met it; its sums
        (`i18n.amount` among the values) written the reader's way, not the English way."""
        return worded(self.text, **self.params) if self.text else str(self)

    def said(self, tr: Translator) -> str:
        """As the stored note reads: a note (an order's review reason) or a sum among the
        values is worded too."""
        return tr.said(self.note()) if self.text else str(self)


# ---------------------------------------------------------------- catalog


class ProductUnavailable(ShopError, LookupError):
    """The product does not exist, or is hidden from shoppers."""


class VariantUnavailable(ProductUnavailable):
    """The product is sold as variants and this one is not among them (stale or forged), or
    none was chosen."""


class CategoryNotFound(ShopError, LookupError):
    """The category does not exist or has nothing to show."""


class NotRateable(ShopError):
    """Not a product she may rate: not in that order, or the order is not paid for (or was
    cancelled or refunded)."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self._words(
            N_("Only what a paid order of yours holds can be rated (order #{order_id})."),
            order_id=order_id,
        )


class TooManySaved(ShopError):
    """She has saved as many products as a shopper may (bot.services.favourites)."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self._words(
            N_("You have saved {most} products, the most one can. Remove some under /saved first."),
            most=most,
        )


# ---------------------------------------------------------------- cart and checkout


class CartError(ShopError):
    """A cart change, or a checkout, that cannot go on as asked."""


class EmptyCart(CartError):
    def __init__(self) -> None:
        super().__init__()
        self._words(N_("Your cart is empty. Add something from /catalog first."))


class CartChanged(CartError):
    """The cart changed between reading it and writing the change (another device, say)."""

    def __init__(self) -> None:
        super().__init__()
        self._words(N_("The cart changed meanwhile."))


class SlotUnavailable(CartError):
    """The delivery time she chose (or pressed) is full, closed or past its cut-off now, or
    was never offered (a stale or forged button): she chooses another."""

    def __init__(self) -> None:
        super().__init__()
        self._words(N_("That delivery time is no longer free. Please choose another one."))


class SlotInputError(ShopError, ValueError):
    """/slots close or open with a day or window the shop cannot read, or none of its own."""


class SlotNeeded(CartError):
    """Checkout of goods to deliver in a shop with DELIVERY_SLOTS, with no time chosen."""

    def __init__(self) -> None:
        super().__init__()
        self._words(N_("Choose a delivery time on the order summary in the chat first."))


class NotInCart(CartError):
    def __init__(self) -> None:
        super().__init__()
        self._words(N_("That product is not in the cart."))


class LineFull(CartError):
    """A cart line would pass what one line holds (bot.services.cart.line_room): `room` is
    how many more it can take (0: none)."""

    def __init__(
        self, title: str, in_cart: int, room: int, translations: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.title, self.in_cart, self.room, self.translations = title, in_cart, room, translations
        self._words(LINE_FULL if room <= 0 else LINE_ROOM, **self._params(None))

    def _params(self, tr: Translator | None) -> dict[str, Any]:
        title = tr.name(self.title, self.translations) if tr is not None else self.title
        return {"title": title, "in_cart": self.in_cart, "count": self.room}

    def said(self, tr: Translator) -> str:
        return tr._(self.text, **self._params(tr))


class OverOrderLimit(CartError):
    """The product's per-order limit (Product.max_per_order, bot.services.cart.limit_room)
    is reached: her cart holds `limit` of it already, all its variants together."""

    def __init__(self, title: str, limit: int, translations: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.title, self.limit, self.translations = title, limit, translations
        self._words(ORDER_LIMIT, title=title, count=limit)

    def said(self, tr: Translator) -> str:
        return tr._(self.text, title=tr.name(self.title, self.translations), count=self.limit)


ORDER_LIMIT = N_("You can buy at most {count} × {title} in one order.")
LINE_FULL = N_("You already have {in_cart} × {title} in your cart, the most one line can hold.")
LINE_ROOM = N_("You already have {in_cart} × {title} in your cart; you can add up to {count} more.")


@dataclass(frozen=True, slots=True)
class Shortage:
    """One line asking for more than is left; `available` 0 means sold out or off sale."""

    title: str
    wanted: int
    available: int
    in_cart: int = 0  # what the cart already held (adding to it)
    # The title in other languages: how it reads, not which line it is.
    translations: dict[str, Any] | None = field(default=None, compare=False)

    def title_in(self, tr: Translator | None) -> str:
        return tr.name(self.title, self.translations) if tr is not None else self.title


class OutOfStock(CartError):
    """Not enough left for one or more lines; nothing was held or changed."""

    def __init__(self, shortages: list[Shortage]) -> None:
        self.shortages = shortages
        super().__init__()
        self.args = (self._sentence(None),)

    def _sentence(self, tr: Translator | None) -> str:
        def say(text: str, **params: Any) -> str:
            return tr._(text, **params) if tr is not None else text.format(**params)

        parts = [
            say(
                N_("{title}: only {available} left (you asked for {wanted})"),
                title=s.title_in(tr),
                available=s.available,
                wanted=s.wanted,
            )
            if s.available > 0
            else say(N_("{title}: sold out"), title=s.title_in(tr))
            for s in self.shortages
        ]
        return (
            say(N_("Sorry, not enough stock for your order:"))
            + "\n"
            + "\n".join(f"• {part}" for part in parts)
            + "\n"
            + say(N_("Please adjust your cart and check out again."))
        )

    def said(self, tr: Translator) -> str:
        return self._sentence(tr)


@dataclass(frozen=True, slots=True)
class Named:
    """A product as a refusal names it: its own title, and its title in other languages."""

    title: str
    translations: dict[str, Any] | None = field(default=None, compare=False)


class NamingProducts(CartError):
    """A refusal that names products: each reader reads them by their names in her language
    (the shopper refused, an admin alerted), not by the catalog's original."""

    def __init__(self, text: str, products: list[Named], **params: Any) -> None:
        super().__init__()
        self.products = products
        self._words(text, titles=", ".join(self.names(None)), **params)

    def names(self, tr: Translator | None) -> list[str]:
        if tr is None:
            return [p.title for p in self.products]
        return [tr.name(p.title, p.translations) for p in self.products]

    def said(self, tr: Translator) -> str:
        return tr._(self.text, **(self.params | {"titles": ", ".join(self.names(tr))}))


class WrongCurrency(NamingProducts):
    def __init__(self, products: list[Named], currency: str) -> None:
        shown = "Telegram Stars" if currency == STARS else currency
        super().__init__(
            N_(
                "{titles} can't be paid in {currency}, the currency this shop takes. "
                "Please remove it from your cart; the shop has been told."
            ),
            products,
            currency=shown,
        )
        self.currency = currency


class NeedsShippingInStars(NamingProducts):
    def __init__(self, products: list[Named]) -> None:
        super().__init__(
            N_(
                "{titles} must be shipped, and Telegram Stars invoices cannot ask for "
                "a shipping address. Please remove it from your cart."
            ),
            products,
        )


class PromoRefused(CartError):
    """A promo code that cannot be used on this cart; the message says why in plain words."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class GiftCardRefused(CartError):
    """A gift card that cannot pay for this order; `said` names why (the code masked:
    only its first and last group are ever repeated back)."""


class BelowPaymentMinimum(CartError):
    """Telegram refuses invoices below a minimum per currency: say so instead of sending one."""

    def __init__(self, total: int, minimum: int, currency: str) -> None:
        super().__init__()
        self._words(
            N_(
                "The total would be {total}, less than the smallest payment Telegram accepts "
                "({least}). Please add something to your cart."
            ),
            total=i18n.amount(total, currency),
            least=i18n.amount(minimum, currency),
        )
        self.total = total
        self.minimum = minimum
        self.currency = currency


class TotalOutOfRange(CartError):
    """A total Telegram would refuse in one invoice (outside its limits for the currency, in
    bot.money): what the shopper can change is the cart. Said before any stock is held, and
    also if Telegram refuses an invoice anyway (its figures follow exchange rates)."""

    def __init__(self, total: int, currency: str) -> None:
        super().__init__()
        self.total, self.currency = total, currency
        too_small = total < telegram_minimum(currency)
        self.limit = (telegram_minimum if too_small else telegram_maximum)(currency)
        self._words(
            BELOW_LIMIT if too_small else ABOVE_LIMIT,
            currency=currency,
            limit=i18n.amount(self.limit, currency),
            total=i18n.amount(total, currency),
        )


BELOW_LIMIT = N_(
    "Telegram takes payments in {currency} from {limit}, and your order comes to {total}. "
    "Add something to your cart, then check out again."
)
ABOVE_LIMIT = N_(
    "Telegram takes at most {limit} in one payment in {currency}, and your order comes to "
    "{total}. Take something out of your cart (you can buy the rest in a second order), then "
    "check out again."
)


def check_invoice_total(total: int, currency: str) -> None:
    """TotalOutOfRange if Telegram would refuse an invoice of `total` in `currency`."""
    if not telegram_minimum(currency) <= total <= telegram_maximum(currency):
        raise TotalOutOfRange(total, currency)


class NoteRefused(CartError):
    """A note for the shop that is empty or too long."""


class ReviewRefused(ShopError):
    """Her few words for a product are empty, too short or too long: she may try again."""


# ---------------------------------------------------------------- support


class MessageTooLong(ShopError):
    """A support message too long to relay whole with its header and footer: refused, never
    clipped (bot.services.support.check_length); `length` and `most` in Telegram's units."""

    def __init__(self, length: int, most: int) -> None:
        super().__init__()
        self._words(
            N_(
                "✂️ Your message is {length} characters; at most {most} fit in one message to "
                "the shop. Nothing was sent: please send it in two or more parts."
            ),
            length=length,
            most=most,
        )
        self.length, self.most = length, most


# ---------------------------------------------------------------- customers (admin)


class CustomerNotFound(ShopError, LookupError):
    """No customer the admin asked for: `who` as she typed it ("1001", "@alice")."""

    def __init__(self, who: str) -> None:
        super().__init__()
        self._words(N_("No customer {who} in this shop."), who=who)


class BadCustomerLookup(ShopError, ValueError):
    """/customer with nothing after it, or with something that names no one."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        if not text:
            self._words(
                N_(
                    "Whose? Send /customer 1001 (a Telegram id), /customer @alice (a username) "
                    "or /customer #7 (the customer of order 7)."
                )
            )
            return
        self._words(
            N_(
                "{typed} names no customer. Send a Telegram id (/customer 1001), a username "
                "(/customer @alice) or an order (/customer #7)."
            ),
            typed=text,
        )


# ---------------------------------------------------------------- orders


class OrderError(ShopError):
    """An order use case refused."""


class OrderNotFound(OrderError, LookupError):
    """No such order (for a shopper: none of theirs; someone else's counts as not found)."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self._words(N_("There is no order #{order_id}."), order_id=order_id)
        self.order_id = order_id


class StillToPay(OrderNotFound):
    """🔁 Buy again on her order still waiting for its payment: its units are held for it, so
    paying it (or checking out again) is the way to buy them. The chat shows such an order
    as it is, as it shows one not found; the storefront says this."""

    def __init__(self, order_id: int) -> None:
        super().__init__(order_id)
        self._words(
            N_("Order #{order_id} is still waiting for its payment: pay it, or check out again."),
            order_id=order_id,
        )


class WrongHandover(OrderError):
    """A pickup order's button (🏬 Ready for pickup, ✅ Picked up) on an order to deliver, or
    Ship / Delivered on one she collects: forged, or from a screen of another order."""

    def __init__(self, order_id: int, *, collected: bool) -> None:
        super().__init__()
        if collected:
            text = N_(
                "Order #{order_id} is collected at a pickup point: use 🏬 Ready for pickup and "
                "✅ Picked up, not Ship or Delivered."
            )
        else:
            text = N_(
                "Order #{order_id} is delivered, not collected: use 🚚 Ship and 📦 Delivered, "
                "not the pickup buttons."
            )
        self._words(text, order_id=order_id)


class OrderUnderReview(OrderError):
    def __init__(self, order_id: int, reason: str | None) -> None:
        super().__init__()
        self._words(
            N_(
                "Order #{order_id} is flagged for review ({reason}): "
                "check the payment before fulfilling it."
            ),
            order_id=order_id,
            reason=reason or worded(N_("check the payment")),
        )


class NotUnderReview(OrderError):
    """✅ Approve payment or ☑️ Review resolved on an order no longer flagged (a second press,
    another admin first)."""

    def __init__(self, order_id: int, *, resolving: bool = False) -> None:
        super().__init__()
        self._words(
            N_("Order #{order_id} is not flagged for review: there is nothing to resolve.")
            if resolving
            else N_("Order #{order_id} is not flagged for review: there is nothing to approve."),
            order_id=order_id,
        )


class ResolvedByApproval(OrderError):
    """☑️ Review resolved on a paid order: its flag is cleared by ✅ Approve payment, which
    also lets it ship and sends its digital items."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self._words(
            N_(
                "Order #{order_id} is paid: ✅ Approve payment clears its review, and lets it "
                "ship and sends its digital items."
            ),
            order_id=order_id,
        )


class NotApprovable(OrderError):
    def __init__(self, order_id: int, status: str) -> None:
        super().__init__()
        self._words(
            N_("Order #{order_id} is {status}: only a paid order can be approved."),
            order_id=order_id,
            status=status_label(status),
        )
        self.status = status

    def said(self, tr: Translator) -> str:
        return tr._(self.text, **(self.params | {"status": tr._(status_label(self.status))}))


class RefundTooLarge(OrderError):
    def __init__(self, order_id: int, requested: int, refundable: int, currency: str) -> None:
        super().__init__()
        self._words(
            N_("Order #{order_id} can be refunded at most {most} more; {requested} is too much."),
            order_id=order_id,
            most=i18n.amount(refundable, currency),
            requested=i18n.amount(requested, currency),
        )
        self.requested = requested
        self.refundable = refundable
        self.currency = currency


class RefundNotPossible(OrderError):
    """Nothing was paid, a zero amount, no way to reach the provider."""


class LineNotInOrder(RefundNotPossible):
    """A refund by SKU names a product the order does not have."""


class WholeRefundOnly(RefundNotPossible):
    """The order's status takes no partial refund (bot.store.order_states: a cancelled order
    gives back all that is left, in one refund)."""

    def __init__(self, order_id: int, status: str, refundable: int, currency: str) -> None:
        super().__init__()
        self._words(
            N_("Order #{order_id} is {status}: only all that is left ({amount}) can be refunded."),
            order_id=order_id,
            status=worded(status_label(status)),
            amount=i18n.amount(refundable, currency),
        )
        self.status = status
        self.refundable = refundable
        self.currency = currency


class StarsRefundIsWhole(RefundNotPossible):
    """refundStarPayment gives back the whole payment: a part cannot be refunded."""

    def __init__(self, amount: int) -> None:
        super().__init__()
        self._words(
            N_("Stars payments can only be refunded in full ({amount})."),
            amount=i18n.amount(amount, STARS),
        )
        self.amount = amount


class RefundFailed(OrderError):
    """The provider refused or could not be reached; nothing was counted as refunded."""

    def __init__(self, order_id: int, problem: BaseException) -> None:
        super().__init__()
        # ours worded for each reader; the provider's as it said it
        self.problem = problem.note() if isinstance(problem, ShopError) else str(problem)
        self._words(
            N_("The refund of order #{order_id} did not go through: {problem}"),
            order_id=order_id,
            problem=self.problem,
        )


class RefundDeferred(RefundFailed):
    """The provider could not be reached (it may have made the refund before the answer was
    lost): the refund stays pending and the pending-refunds job asks again with the same
    idempotency key (bot.usecases.refunds.SECOND_REFUND_PAUSES), so it is never made twice."""

    def __init__(self, order_id: int, problem: BaseException, amount: int, currency: str) -> None:
        super().__init__(order_id, problem)
        self._words(
            N_(
                "The refund of {amount} for order #{order_id} could not reach the provider yet "
                "({problem}); it is tried again automatically."
            ),
            order_id=order_id,
            amount=i18n.amount(amount, currency),
            problem=self.problem,
        )
        self.amount, self.currency = amount, currency


class RefundUnderWay(RefundNotPossible):
    """The order has a refund still pending (being made, or tried again because the provider
    could not be reached): another one waits until it ends, so the books never count a
    refund whose fate is unknown twice over."""

    def __init__(self, order_id: int, amount: int, currency: str) -> None:
        super().__init__()
        self._words(
            N_(
                "Order #{order_id} already has a refund of {amount} under way (if the provider "
                "could not be reached, it is tried again automatically). You will be told how "
                "it ends; refund more after that."
            ),
            order_id=order_id,
            amount=i18n.amount(amount, currency),
        )
        self.order_id, self.amount, self.currency = order_id, amount, currency


class DownloadUnavailable(OrderError):
    """No download for this button: not the presser's order, not paid, or not digital."""


class CardPartBack(OrderError):
    """🎁 Back to the gift card once nothing of the card's part is left to give back (pressed
    twice, or given back by a refund meanwhile)."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self._words(
            N_("Nothing of order #{order_id}'s gift card part is left to give back."),
            order_id=order_id,
        )


class GiftCardVoided(OrderError):
    """🎁 Back to the gift card of a card voided since (the order that bought it was
    refunded): there is nothing to put the amount back on."""

    def __init__(self, order_id: int, code: str) -> None:
        super().__init__()
        self._words(
            N_(
                "The gift card {code} was cancelled since, with the order that bought it, so "
                "nothing of order #{order_id} was put back on it. Refund the shopper another way."
            ),
            code=code,
            order_id=order_id,
        )


class PaidByCardAlone(RefundNotPossible):
    """An amount (or a line) typed for a refund of an order its gift card paid alone: no
    money came in, so none can go back; the card's part goes back with 🎁 Back to the gift
    card."""

    def __init__(self, order_id: int, code: str, card_back: int, currency: str) -> None:
        super().__init__()
        self._words(
            N_(
                "Order #{order_id} was paid by its gift card {code} alone: no money came in, "
                "so no amount can be refunded. Its {amount} goes back with 🎁 Back to the gift "
                "card."
            ),
            order_id=order_id,
            code=code,
            amount=i18n.amount(card_back, currency),
        )


class CardRefundSpent(RefundNotPossible):
    """A partial refund that reaches the price of gift cards the order bought (`share` of
    `amount`), once those cards (`codes`, masked) hold less than that together (`balance`):
    spent since, that money paid for another order, so it cannot come back too."""

    ONE = N_(
        "Order #{order_id} cannot be refunded {amount}: {share} of it is what its gift card "
        "{code} cost, and the card holds only {balance} now. The rest paid for another order."
    )
    ALL_OF_ONE = N_(  # a refund by the card's SKU, or one the rest of the order gave already
        "Order #{order_id} cannot be refunded {amount}: all of it would come off its gift card "
        "{code}, which holds only {balance} now. The rest paid for another order."
    )
    SEVERAL = N_(
        "Order #{order_id} cannot be refunded {amount}: {share} of it is what its gift cards "
        "{codes} cost, and together they hold only {balance} now. The rest paid for other "
        "orders."
    )

    def __init__(
        self,
        order_id: int,
        amount: int,
        share: int,
        codes: Sequence[str],
        balance: int,
        currency: str,
    ) -> None:
        super().__init__()
        if len(codes) == 1:
            text = self.ALL_OF_ONE if share == amount else self.ONE
        else:
            text = self.SEVERAL
        self._words(
            text,
            order_id=order_id,
            amount=i18n.amount(amount, currency),
            code=codes[0] if codes else "",
            codes=", ".join(codes),
            share=i18n.amount(share, currency),
            balance=i18n.amount(balance, currency),
        )


class GiftCardSpent(RefundNotPossible):
    """A full refund of an order whose gift card was spent since: the money went on
    another order, so it cannot come back too."""

    def __init__(self, order_id: int, code: str, spent: int, initial: int, currency: str) -> None:
        super().__init__()
        self._words(
            N_(
                "Order #{order_id} cannot be refunded in full: its gift card {code} has been "
                "spent ({spent} of {initial}). That money paid for another order."
            ),
            order_id=order_id,
            code=code,
            spent=i18n.amount(spent, currency),
            initial=i18n.amount(initial, currency),
        )


class NoInvoice(OrderError):
    """🧾 Invoice pressed on an order that has none to give: not the presser's (forged), not
    paid (or cancelled before payment), a payment still under review, paid in Stars, or
    invoices are off."""

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self._words(
            N_("Order #{order_id} has no invoice: only a paid order gets one."), order_id=order_id
        )
        self.order_id = order_id

    @classmethod
    def in_stars(cls, order_id: int) -> NoInvoice:
        """Paid in Telegram Stars: Telegram sells those goods, the shop invoices none."""
        error = cls(order_id)
        error._words(
            N_(
                "Order #{order_id} was paid in Telegram Stars: Telegram sells those goods, so "
                "the shop gives no invoice for it."
            ),
            order_id=order_id,
        )
        return error
