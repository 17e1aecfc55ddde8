"""The wording of what the shop tells people without being asked: alerts and notices.

Replies (a receipt, a screen) are worded by bot.views; these go out through the notifier
(bot.notifier), sent by the use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram.constants import MessageLimit

from bot.clipping import clip, telegram_length, titles_fitting
from bot.i18n import Translator
from bot.money import STARS
from bot.services.errors import RefundDeferred
from bot.services.order_summary import OrderSummary, address_text, lines_text
from bot.services.refunds import RefundInfo
from bot.services.sellable import StockLine

MESSAGE_ROOM = int(MessageLimit.MAX_TEXT_LENGTH)


def as_many_as_fit(tr: Translator, items: Sequence[str], room: int, sep: str = ", ") -> str:
    """`items` joined by `sep`, as many as fit in `room` (UTF-16 units, as Telegram counts
    them), then "… and N more": a big import's report or a low-stock alert for hundreds of
    products stays one message Telegram accepts (4,096 units) and says what it left out,
    never cut mid-line."""
    text = sep.join(items)
    if telegram_length(text) <= room:
        return text
    reserve = len(sep) + telegram_length(
        tr.ngettext("… and {count} more", "… and {count} more", 2, count=0)
    )
    used, shown = 0, 0
    for item in items:
        if used + telegram_length(item) + len(sep) + len(str(len(items))) > room - reserve:
            break
        used += telegram_length(item) + len(sep)
        shown += 1
    more = len(items) - shown
    left = tr.ngettext("… and {count} more", "… and {count} more", more, count=more)
    return sep.join([*items[:shown], left])


# Alerts to the admins take `tr`, the language of the admin reading it (Shop.alert_admins
# words each admin's copy).


def new_order(
    tr: Translator, order: OrderSummary, payer: str, address: dict[str, Any] | None
) -> str:
    """Every line of the order stays: a big order's long names are cut (titles_fitting) so
    the alert is one message, rather than the notifier cutting off its end (the address)."""

    def text(width: int | None) -> str:
        made = tr._(
            "🛒 New paid order #{order_id} from {payer}", order_id=order.order_id, payer=payer
        )
        made += f"\n{lines_text(order, tr, width)}"
        if order.needs_shipping and not order.collected:  # a pickup's place is in its lines
            made += "\n" + tr._("Ship to: {address}", address=address_text(address))
        if order.note:
            made += "\n" + tr._("📝 Note from the shopper: {note}", note=order.note)
        return made

    return titles_fitting(text, MESSAGE_ROOM)


def needs_review(tr: Translator, order_id: int, reason: str | None) -> str:
    return tr._(
        "⚠️ Order #{order_id} needs review: {reason}.\n"
        "Do not ship it until the payment is sorted out.",
        order_id=order_id,
        reason=tr.said(reason) if reason else tr._("payment check failed"),
    )


def cancelled_by_shopper(
    tr: Translator,
    order_id: int,
    refund: RefundInfo | None,
    pending: bool,
    retrying: RefundDeferred | None = None,
) -> str:
    """The shopper cancelled her order herself (✖️ Cancel order in /orders); `retrying`: its
    refund could not reach the provider and the job tries it again."""
    if retrying is not None:
        return tr._(
            "✖️ Order #{order_id} was cancelled by the shopper; the refund of {amount} could "
            "not be made yet ({problem}). It is tried again automatically; do not refund it "
            "by hand.",
            order_id=order_id,
            amount=tr.money(retrying.amount, retrying.currency),
            problem=retrying.problem,
        )
    if pending:
        return tr._(
            "✖️ Order #{order_id} was cancelled by the shopper; the refund failed, so the order "
            "is flagged for review.",
            order_id=order_id,
        )
    if refund is None:
        return tr._("✖️ Order #{order_id} was cancelled by the shopper.", order_id=order_id)
    return tr._(
        "✖️ Order #{order_id} was cancelled by the shopper; refunded {amount}.",
        order_id=order_id,
        amount=tr.money(refund.amount, refund.currency),
    )


def unmatched_payment(
    tr: Translator, payer: str, amount: int, currency: str, charge_id: str, note: str | None
) -> str:
    return tr._(
        "⚠️ Unmatched payment from {payer}: {amount} {currency}, charge {charge_id} ({note}).",
        payer=payer,
        amount=amount,
        currency=currency,
        charge_id=charge_id,
        note=tr.said(note),
    )


def refunded_automatically(tr: Translator, order_id: int, note: str | None) -> str:
    return tr._(
        "↩️ Order #{order_id} refunded automatically: {note}.",
        order_id=order_id,
        note=tr.said(note),
    )


def stock_gone_retrying(tr: Translator, order_id: int, note: str | None, problem: str) -> str:
    """A payment whose goods sold out, whose refund could not reach the provider yet."""
    return tr._(
        "⏳ Order #{order_id} must be refunded ({note}), but the refund could not be made yet "
        "({problem}). It is tried again automatically; do not refund it by hand.",
        order_id=order_id,
        note=tr.said(note),
        problem=problem,
    )


def second_payment_refunded(tr: Translator, order_id: int, amount: str, charge_id: str) -> str:
    return tr._(
        "↩️ Order #{order_id} was paid twice: the second payment ({amount}, charge "
        "{charge_id}) was refunded automatically.",
        order_id=order_id,
        amount=amount,
        charge_id=charge_id,
    )


def second_payment_retrying(
    tr: Translator, order_id: int, amount: str, charge_id: str, problem: str
) -> str:
    return tr._(
        "⏳ Order #{order_id} was paid twice: the second payment ({amount}, charge {charge_id}) "
        "could not be refunded yet ({problem}). It is tried again automatically; do not refund "
        "it by hand.",
        order_id=order_id,
        amount=amount,
        charge_id=charge_id,
        problem=problem,
    )


def pending_refund_retrying(tr: Translator, order_id: int, amount: str, problem: str) -> str:
    """An admin's refund a restart left unfinished, whose provider could not be reached."""
    return tr._(
        "⏳ Order #{order_id}: a refund of {amount} left unfinished by a restart could not be "
        "made yet ({problem}). It is tried again automatically; do not refund it by hand.",
        order_id=order_id,
        amount=amount,
        problem=problem,
    )


def pending_refund_finished(
    tr: Translator, order_id: int, amount: str, *, second: bool, retried: bool = False
) -> str:
    """A refund the job made later: a second payment's, one tried again because the provider
    could not be reached (`retried`), or one a restart left unfinished."""
    if second:
        text = tr._(
            "↩️ Order #{order_id}: the second payment ({amount}) is refunded now, on a later "
            "try; the shopper was told."
        )
    elif retried:
        text = tr._(
            "↩️ Order #{order_id}: the refund of {amount} that could not be made at first is "
            "done now, on a later try; the shopper was told."
        )
    else:
        text = tr._(
            "↩️ Order #{order_id}: a refund of {amount} left unfinished by a restart is done "
            "now; the shopper was told."
        )
    return text.format(order_id=order_id, amount=amount)


def paid_twice(tr: Translator, order_id: int, amount: str, *, refunded: bool) -> str:
    """The shopper paid one order twice (two payment forms, or a forwarded invoice)."""
    opening = tr._(
        "You paid for order #{order_id} twice; it needed paying only once.", order_id=order_id
    )
    if refunded:
        return opening + " " + tr._("We refunded the second payment of {amount}.", amount=amount)
    return (
        opening
        + " "
        + tr._(
            "The shop will refund the second payment of {amount}; it has been alerted.",
            amount=amount,
        )
    )


def not_in_shop_currency(tr: Translator, titles: list[str], currency: str) -> str:
    return tr._(
        "⚠️ {titles} is not priced in {currency}: shoppers cannot check it out.",
        titles=", ".join(titles),
        currency=currency,
    )


def failed_delivery(tr: Translator, order_id: int, titles: list[str]) -> str:
    return tr._(
        "⚠️ Order #{order_id}: could not send {titles} to the shopper. "
        "The order stays paid and /orders lets them download it again; you may want to "
        "contact them.",
        order_id=order_id,
        titles=", ".join(titles),
    )


def invoice_expired(tr: Translator, order_id: int) -> str:
    """To the shopper, in their language."""
    return tr._(
        "⌛ The invoice for order #{order_id} expired and the items went back on the shelf. "
        "Your /cart is still there whenever you want to check out again.",
        order_id=order_id,
    )


def low_stock_line(tr: Translator, product: StockLine, title_room: int | None = None) -> str:
    """ "SKU · title: 2 left"; `title_room`: the title shortened to that many characters."""
    title = tr.name(product.title, product.translations)
    left = tr._(
        "{sku} · {title}: {count} left",
        sku=product.sku,
        title=clip(title, title_room) if title_room else title,
        count=product.available,
    )
    if product.reserved:
        left += " " + tr._("({count} held)", count=product.reserved)
    return left


def low_stock(tr: Translator, threshold: int, products: Sequence[StockLine]) -> str:
    head = tr._("⚠️ Low stock (threshold {threshold}):", threshold=threshold)
    lines = ["• " + low_stock_line(tr, p) for p in products]
    room = MESSAGE_ROOM - telegram_length(head) - 1
    return head + "\n" + as_many_as_fit(tr, lines, room, sep="\n")


def stock_gone(tr: Translator, order_id: int, refunded: str | None) -> str:
    """The shopper's apology when a late payment found the goods sold out."""
    opening = tr._(
        "😔 Sorry: the hold on order #{order_id} expired and the items sold out before "
        "your payment arrived.",
        order_id=order_id,
    )
    if refunded is None:
        return opening + " " + tr._("We'll refund you in full; the shop has been alerted.")
    return opening + " " + tr._("We refunded {amount} in full.", amount=refunded)


# What a shopper is told when an admin moves her order take `tr`, the shopper's language
# (bot.usecases.orders builds them; bot.usecases.admin_orders words them for her).


def order_shipped(tr: Translator, order_id: int, tracking: str | None) -> str:
    text = tr._("🚚 Your order #{order_id} is on its way.", order_id=order_id)
    if tracking:
        text += "\n" + tr._("Tracking number: {tracking}", tracking=tracking)
    return text


def tracking_changed(tr: Translator, order_id: int, tracking: str | None) -> str:
    """An admin corrected (or took back) the tracking number the shipped notice gave."""
    if tracking:
        return tr._(
            "📦 New tracking number for order #{order_id}: {tracking}",
            order_id=order_id,
            tracking=tracking,
        )
    return tr._(
        "📦 Order #{order_id} has no tracking number any more: the one we sent was withdrawn.",
        order_id=order_id,
    )


def ready_for_pickup(tr: Translator, order_id: int, place: str) -> str:
    """🏬 Ready for pickup: where to collect it (`place`: bot.services.pickup.chosen_place),
    and what to show there."""
    return tr._(
        "🏬 Your order #{order_id} is ready for pickup at {place}. Show this message when you "
        "collect it.",
        order_id=order_id,
        place=tr.said(place),
    )


def order_picked_up(tr: Translator, order_id: int) -> str:
    return tr._("✅ Order #{order_id} was picked up. Thank you!", order_id=order_id)


def order_delivered(tr: Translator, order_id: int) -> str:
    return tr._(
        "📦 Your order #{order_id} has been delivered. Enjoy, and thank you!", order_id=order_id
    )


def order_cancelled(
    tr: Translator, order_id: int, reason: str | None, refund: RefundInfo | None, pending: bool
) -> str:
    """Cancelled; with what was refunded, or that the refund is on its way (`pending`)."""
    if reason:
        text = tr._(
            "✖️ Your order #{order_id} has been cancelled ({reason}).",
            order_id=order_id,
            reason=tr.said(reason),
        )
    else:
        text = tr._("✖️ Your order #{order_id} has been cancelled.", order_id=order_id)
    if pending:
        text += " " + tr._("Your refund is being processed; we'll message you when it's done.")
    elif refund is not None:
        text += " " + tr._("We refunded {amount}.", amount=refund.words(tr))
        text += cards_taken(tr, refund)
    return text


def refund_under_way(tr: Translator, order_id: int, later: RefundDeferred) -> str:
    """An admin's refund whose provider could not be reached yet: the job makes it later."""
    return tr._(
        "↩️ We are refunding {amount} of order #{order_id}; we'll message you when it's done.",
        order_id=order_id,
        amount=tr.money(later.amount, later.currency),
    )


def refund_given_up(tr: Translator, order_id: int, amount: str) -> str:
    """A refund she was told was on its way, which the last automatic try could not make
    (or the provider refused on a later try): the admins have the order flagged."""
    return tr._(
        "We could not refund {amount} of order #{order_id} automatically. The shop has been "
        "told and will sort it out with you.",
        amount=amount,
        order_id=order_id,
    )


def order_refunded(
    tr: Translator, order_id: int, refund: RefundInfo, whole: bool, reason: str | None
) -> str:
    """A refund: of all that was left (`whole`) or of part; where the money shows."""
    if whole:
        text = tr._(
            "↩️ Order #{order_id} has been refunded: {amount}.",
            order_id=order_id,
            amount=refund.words(tr),
        )
    else:
        text = tr._(
            "↩️ We refunded {amount} of order #{order_id}.",
            order_id=order_id,
            amount=tr.money(refund.amount, refund.currency),
        )
    text += cards_taken(tr, refund)
    if reason:
        text += "\n" + tr._("Reason: {reason}", reason=tr.said(reason))
    if refund.currency == STARS:
        text += "\n" + tr._("The Stars are back in your Telegram balance.")
    else:
        text += "\n" + tr._("It can take a few days to show on your statement.")
    return text


def cards_taken(tr: Translator, refund: RefundInfo) -> str:
    """What the refund took off the gift cards she bought with the order, a line each (empty
    if none): "🎁 $16.00 of it came off the gift card K7QF-…-AAAA you bought with this order:
    it now holds $34.00.", or that the card is cancelled (worth nothing now)."""
    return "".join(
        "\n"
        + (
            tr._(
                "🎁 The gift card {code} you bought with this order is cancelled: its price "
                "was refunded.",
                code=card.code,
            )
            if card.cancelled
            else tr._(
                "🎁 {amount} of it came off the gift card {code} you bought with this order: it "
                "now holds {balance}.",
                amount=tr.money(card.taken, card.currency),
                code=card.code,
                balance=tr.money(card.balance, card.currency),
            )
        )
        for card in refund.cards
    )


def payment_approved(
    tr: Translator, order_id: int, ships: bool, downloads: bool, collected: bool = False
) -> str:
    """`collected`: she picks it up at a pickup point, so she hears when it is ready."""
    text = tr._("✅ Your payment for order #{order_id} is confirmed, thank you!", order_id=order_id)
    if collected:
        text += " " + tr._("We'll message you here when your order is ready for pickup.")
    elif ships:
        text += " " + tr._("We're preparing your order and will message you here when it ships.")
    if downloads:
        text += " " + tr._("Your digital items follow below.")
    return text


def card_part_back(tr: Translator, amount: int, currency: str, card: str) -> str:
    """An admin put the part of her order its gift card paid back on the card."""
    return tr._(
        "{amount} is back on your gift card {code}.", amount=tr.money(amount, currency), code=card
    )


def card_part_not_back(tr: Translator, order_id: int, reason: str) -> str:
    """For the admins: an order's gift card part could not go back on its card (voided
    since), so the shopper must be made good another way."""
    return tr._("⚠️ Order #{order_id}: {reason}.", order_id=order_id, reason=tr.said(reason))


def referral_reward(tr: Translator, friend: str, code: str, amount: int, currency: str) -> str:
    """To the inviter, once her friend's first order was delivered."""
    return tr._(
        "🎁 Thank you for inviting {friend}! Their first order has arrived, so here is your "
        "gift card worth {amount}:\n{code}\n\nType it where a promo code goes at checkout; "
        "/invite lists your reward cards.",
        friend=friend or tr._("your friend"),
        amount=tr.money(amount, currency),
        code=code,
    )


def referral_reward_void(tr: Translator, friend: str, code: str, amount: int, currency: str) -> str:
    """To the inviter, once the order that earned her reward was refunded in full."""
    return tr._(
        "Your gift card {code} worth {amount}, the reward for inviting {friend}, is cancelled: "
        "their first order was refunded in full.",
        friend=friend or tr._("your friend"),
        amount=tr.money(amount, currency),
        code=code,
    )
