"""The admin's order screens, and the order changes made from them.

A change runs its lifecycle move (bot.usecases.orders), records who did it in the audit log,
tells the shopper, sends the digital items an approval frees, and reads the order back: the
admin sees what the database holds now, not what the change was expected to do.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import ClassVar, Literal

from bot import i18n, notices, permissions
from bot.clipping import echo
from bot.i18n import N_, Translator, worded
from bot.notifier import Notice, Sent
from bot.services import admin_orders, gift_cards, refunds
from bot.services.admin_orders import OrderDetail, OrderPage
from bot.services.errors import (
    NotApprovable,
    NotUnderReview,
    OrderError,
    OrderNotFound,
    OrderUnderReview,
    RefundUnderWay,
    ResolvedByApproval,
    ShopError,
)
from bot.services.pickup import is_pickup
from bot.services.tracking import clean_tracking, tracking_link
from bot.shop import Shop
from bot.store.order_states import (
    APPROVABLE,
    IllegalOrderTransition,
    OrderStatus,
    may,
    status_label,
    status_labels,
    status_text,
)
from bot.texts.tracking import track_parcel
from bot.usecases import deliveries
from bot.usecases.admin_flows import ending_step
from bot.usecases.orders import (
    OrderChange,
    approve_order,
    audit_order,
    cancel_order,
    check_handover,
    deliver_order,
    refund_order,
    ship_order,
)

MAX_NOTE = 500  # an admin's note on an order: five of them fit on its screen with the rest


class OrderNotChanged(OrderError):
    """A change the lifecycle (or the provider) refused; recorded in the audit log."""

    def __init__(self, order_id: int, why: Exception, *, collected: bool = False) -> None:
        super().__init__()
        self._words(N_("Order #{order_id} was not changed: {why}"), order_id=order_id, why=why)
        self.why = why
        self.collected = collected  # she collects the order: its status in pickup words

    def said(self, tr: Translator) -> str:
        if isinstance(self.why, IllegalOrderTransition):  # another move got there first
            now = status_label(self.why.status, collected=self.collected)
            why = tr._("it is {status} now.", status=tr._(now))
        else:
            why = self.why.said(tr) if isinstance(self.why, ShopError) else str(self.why)
        return tr._(self.text, order_id=self.params["order_id"], why=why)


class BadNote(OrderError):
    """A note the admin typed that cannot be kept: empty, too long, or a command."""

    EMPTY = N_("A note needs some text.")
    TOO_LONG = N_("That note is {length} characters long; a note is at most {most}.")
    COMMAND = N_("{command} is a command, not a note.")
    NOT_TEXT = N_("Send the note as text: a photo, sticker or file cannot be a note.")

    def __init__(self, text: str, **params: object) -> None:
        super().__init__()
        self._words(text, **params)


class NotNow(OrderError):
    """A button of an older screen of the order (or forged): the move it offers cannot be made
    now, said before the admin is asked anything for it."""

    TEXTS: ClassVar[dict[str, str]] = {
        "ship": N_("Order #{order_id} cannot be shipped now: it is {status}."),
        "cancel": N_("Order #{order_id} cannot be cancelled now: it is {status}."),
        "refund": N_("Order #{order_id} has nothing left to refund: it is {status}."),
        "tracking": N_(
            "The tracking number of order #{order_id} cannot be changed now: it is {status}."
        ),
    }

    def __init__(
        self, order_id: int, move: str, status: str, refunded_amount: int, *, collected: bool
    ) -> None:
        super().__init__()
        english = " · ".join(status_labels(status, refunded_amount, collected=collected))
        self._words(self.TEXTS[move], order_id=order_id, status=english)
        self.status = status
        self.refunded_amount = refunded_amount
        self.collected = collected

    def said(self, tr: Translator) -> str:
        status = status_text(tr, self.status, self.refunded_amount, collected=self.collected)
        return tr._(self.text, **(self.params | {"status": status}))


@dataclass(frozen=True)
class OrderChanged:
    """A change as it ended: `detail` is the order as stored afterwards."""

    action: str
    change: OrderChange
    detail: OrderDetail
    shopper_told: bool
    delivered: bool | None = None  # digital items sent (True), some failed (False), none (None)


@dataclass(frozen=True)
class TrackingChanged:
    """✏️ Tracking number as it ended: `detail` is the order as stored afterwards."""

    order_id: int
    number: str | None  # the number now (None: removed)
    changed: bool  # False: it was that already, so nothing was written and nobody told
    shopper_told: bool
    detail: OrderDetail


@dataclass(frozen=True)
class RefundOffer:
    order_id: int
    refundable: int
    currency: str
    status: str
    partial: bool  # whether less than all of `refundable` may go back (order_states)
    card_back: int = 0  # its gift card's part not yet back on the card (🎁 Back to the gift card)
    card: str | None = None  # that card, masked ("ABCD-…-IJKL")
    card_only: bool = False  # paid by its gift card alone: no money ever came in


@dataclass(frozen=True)
class ReviewResolved:
    """☑️ Review resolved as it ended: `detail` is the order as stored afterwards."""

    order_id: int
    detail: OrderDetail


@dataclass(frozen=True)
class CardGivenBack:
    """🎁 Back to the gift card as it ended: `detail` is the order as stored afterwards."""

    order_id: int
    amount: int
    currency: str
    card: str  # masked
    shopper_told: bool
    detail: OrderDetail


async def order_page(shop: Shop, status: str | None, page: int, customer_id: int = 0) -> OrderPage:
    """A page of the order list; with `customer_id`, of her orders only (CustomerNotFound if
    she is not in the shop)."""
    async with shop.store.reading() as uow:
        return await admin_orders.order_page(uow, status, page, customer_id)


async def order_detail(shop: Shop, order_id: int) -> OrderDetail:
    async with shop.store.uow() as uow:
        return await admin_orders.order_detail(uow, order_id)


async def ship(
    shop: Shop, admin_id: int, order_id: int, tracking: str | None, step_chat: int | None = None
) -> OrderChanged:
    """Ship, with a tracking number (BadTracking unless it is one: bot.services.tracking) or
    without one (None); the admin's Ship step in `step_chat` ends in the same transaction."""
    tracking = None if tracking is None else clean_tracking(tracking)
    actor = _actor(shop, admin_id)
    move = ship_order(shop, order_id, actor=actor, tracking=tracking, step_chat=step_chat)
    return await _change(shop, admin_id, "order.ship", order_id, move)


async def deliver(shop: Shop, admin_id: int, order_id: int) -> OrderChanged:
    move = deliver_order(shop, order_id, actor=_actor(shop, admin_id))
    return await _change(shop, admin_id, "order.deliver", order_id, move)


async def ready_for_pickup(shop: Shop, admin_id: int, order_id: int) -> OrderChanged:
    """🏬 Ready for pickup: Ship's move for an order she collects; she is told where."""
    move = ship_order(shop, order_id, actor=_actor(shop, admin_id), pickup=True)
    return await _change(shop, admin_id, "order.pickup_ready", order_id, move)


async def picked_up(shop: Shop, admin_id: int, order_id: int) -> OrderChanged:
    """✅ Picked up: Delivered's move for an order she collected."""
    move = deliver_order(shop, order_id, actor=_actor(shop, admin_id), pickup=True)
    return await _change(shop, admin_id, "order.picked_up", order_id, move)


async def cancel(shop: Shop, admin_id: int, order_id: int) -> OrderChanged:
    move = cancel_order(shop, order_id, actor=_actor(shop, admin_id))
    return await _change(shop, admin_id, "order.cancel", order_id, move)


async def refund(
    shop: Shop,
    admin_id: int,
    order_id: int,
    amount: int | None,
    lines: dict[str, int] | None = None,
) -> OrderChanged:
    """Refund `amount` (None: all that is left) after the admin confirmed it; `lines` the
    units of order lines it gives back (`line_refund_amount`'s), kept on the refund."""
    move = refund_order(shop, order_id, amount=amount, actor=_actor(shop, admin_id), lines=lines)
    return await _change(shop, admin_id, "order.refund", order_id, move)


async def approve(shop: Shop, admin_id: int, order_id: int) -> OrderChanged:
    move = approve_order(shop, order_id, actor=_actor(shop, admin_id))
    return await _change(shop, admin_id, "order.approve", order_id, move)


async def offer(
    shop: Shop, order_id: int, move: Literal["ship", "cancel", "approve", "tracking", "resolve"]
) -> OrderDetail:
    """The order, if `move` can be made now (asked when its button is pressed, before any
    question): OrderNotFound, NotNow, OrderUnderReview for a ship under review, or
    NotUnderReview / NotApprovable for an approval. "tracking": its tracking number can be
    changed while it is shipped, not once delivered (nor cancelled or refunded). "resolve":
    ☑️ Review resolved (`check_resolvable`)."""
    detail = await order_detail(shop, order_id)
    s = detail.summary
    if move == "resolve":
        check_resolvable(order_id, s.needs_review, s.status)
        return detail
    if move == "tracking":
        if s.status != OrderStatus.SHIPPED:
            raise NotNow(order_id, move, s.status, s.refunded, collected=s.collected)
        return detail
    if move == "approve":
        if not s.needs_review:
            raise NotUnderReview(order_id)
        if s.status not in APPROVABLE:
            raise NotApprovable(order_id, s.status)
        return detail
    if move not in detail.triggers:
        raise NotNow(order_id, move, s.status, s.refunded, collected=s.collected)
    if move == "ship":  # Ship's question is for a parcel, not for an order she collects
        check_handover(order_id, s.shipping_option, pickup=False)
    if move == "ship" and s.needs_review:
        raise OrderUnderReview(order_id, detail.review_reason)
    return detail


async def refund_offer(shop: Shop, order_id: int) -> RefundOffer:
    """How much the admin may refund now (the Refund button's question); NotNow if nothing,
    RefundUnderWay while a refund of it is still pending."""
    detail = await order_detail(shop, order_id)
    s = detail.summary
    if s.refund_under_way:
        raise RefundUnderWay(order_id, s.refund_under_way, s.currency)
    if detail.refundable <= 0 and detail.card_back <= 0:
        raise NotNow(order_id, "refund", s.status, s.refunded, collected=s.collected)
    partial = may(s.status, "refund_part")
    card = gift_cards.masked(s.gift_card_code) if s.gift_card_code else None
    card_only = s.total <= 0 and bool(s.gift_card_code)
    return RefundOffer(
        order_id,
        detail.refundable,
        s.currency,
        s.status,
        partial,
        detail.card_back,
        card,
        card_only,
    )


def check_resolvable(order_id: int, needs_review: bool, status: str) -> None:
    """The one rule of ☑️ Review resolved: the flag of an order no approval fits (cancelled,
    refunded, shipped, delivered, unpaid) may be cleared by hand; a paid order's is ✅
    Approve payment's (ResolvedByApproval), and an order not flagged has none
    (NotUnderReview)."""
    if not needs_review:
        raise NotUnderReview(order_id, resolving=True)
    if status in APPROVABLE:
        raise ResolvedByApproval(order_id)


async def resolve_review(shop: Shop, admin_id: int, order_id: int) -> ReviewResolved:
    """☑️ Review resolved: the admin sorted out by hand what the order was flagged for (a
    gift card part that could not go back, a refund that failed after a cancel), so its flag
    goes; the reason stays in its history ("review resolved by admin:9001: …") and the audit
    log (`order.review.resolve`), in one transaction. Nothing is refunded and the shopper is
    not told. Once however often pressed: the flag is cleared by a compare-and-set, and a
    later press hears NotUnderReview; refusals are audited (`order.review.resolve.refused`)."""
    actor = _actor(shop, admin_id)
    try:
        async with shop.store.uow() as uow:
            order = await uow.orders.get(order_id, full=False)
            if order is None:
                raise OrderNotFound(order_id)
            check_resolvable(order_id, order.needs_review, order.status)
            reason = order.review_reason or worded(refunds.PAYMENT_CHECK)
            history = worded(N_("review resolved by {actor}: {reason}"), actor=actor, reason=reason)
            if not await uow.orders.clear_review(order, actor=actor, note=history):
                raise NotUnderReview(order_id, resolving=True)
            details = {"actor": actor, "review_reason": reason}
            await uow.audit.record(admin_id, "order.review.resolve", f"order:{order_id}", details)
    except OrderError as refused:
        details = {"actor": actor, "error": refused.note()}
        await audit_order(shop, admin_id, "order.review.resolve.refused", order_id, details)
        raise
    return ReviewResolved(order_id, await order_detail(shop, order_id))


async def give_back_to_card(shop: Shop, admin_id: int, order_id: int) -> CardGivenBack:
    """🎁 Back to the gift card: the part of a paid order its card paid and that is not back
    yet goes back on the card, with a line in the order's history and the audit log
    (`order.refund.giftcard`), in one transaction; then the shopper is told. Once however
    often pressed: CardPartBack after; GiftCardVoided if the card was voided since (nothing
    moves); OrderNotFound. A refusal is audited (`order.refund.giftcard.refused`)."""
    actor = _actor(shop, admin_id)
    try:
        async with shop.store.uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise OrderNotFound(order_id)
            amount = await gift_cards.give_back_asked(uow, order)
            card, currency = gift_cards.masked(order.gift_card_code or ""), order.currency
            history = worded(
                N_("{amount} back on the gift card {code}"),
                amount=i18n.amount(amount, currency),
                code=card,
            )
            await uow.orders.record_event(order, actor=actor, note=history)
            details = {"actor": actor, "card_back": amount, "currency": currency, "gift_card": card}
            await uow.audit.record(admin_id, "order.refund.giftcard", f"order:{order_id}", details)
            customer = order.customer.telegram_id
    except OrderError as refused:
        details = {"actor": actor, "error": refused.note()}
        await audit_order(shop, admin_id, "order.refund.giftcard.refused", order_id, details)
        raise
    tr = await shop.words_of(customer)  # hers, not the admin's
    notice = Notice(notices.card_part_back(tr, amount, currency, card))
    told = (await shop.notifier.send(customer, notice)).outcome is Sent.SENT
    detail = await order_detail(shop, order_id)
    return CardGivenBack(order_id, amount, currency, card, told, detail)


async def check_refund(
    shop: Shop, order_id: int, amount: int, lines: dict[str, int] | None = None
) -> None:
    """Refuse an amount (of `lines`, a "SKU quantity" refund's) before the admin is asked to
    confirm it (the same rule the refund applies): RefundTooLarge, StarsRefundIsWhole,
    RefundNotPossible, CardRefundSpent (a part that would come off gift cards the order
    bought, spent since)."""
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        wanted = refunds.check_refund(order, amount)
        if refunds.refund_trigger(order, wanted) == "refund_part":
            await gift_cards.check_refund_takes(uow, order, wanted, lines)


async def line_refund_amount(
    shop: Shop, order_id: int, sku: str, units: int | None
) -> tuple[int, dict[str, int]]:
    """A line (or some of its units) at what it cost after the discount: the amount the
    refund flow then checks and confirms like a typed one, and the units it gives back (kept
    on the refund, so a return never pays them again). Units that went back already (an
    earlier such refund, an approved return) are not refunded again: the next ones are."""
    async with shop.store.reading() as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        gone = await refunds.units_back(uow, order_id)
        return refunds.line_refund(order, sku, units, gone)


def check_note(text: str | None) -> str:
    """The note as kept (without surrounding blanks), or BadNote: a note is some text (None:
    a photo, a sticker... was sent) of at most MAX_NOTE characters, and a message starting
    with "/" is a command, never a note."""
    if text is None:
        raise BadNote(BadNote.NOT_TEXT)
    note = text.strip()
    if not note:
        raise BadNote(BadNote.EMPTY)
    if note.startswith("/"):
        raise BadNote(BadNote.COMMAND, command=echo(note.split()[0]))
    if len(note) > MAX_NOTE:
        raise BadNote(BadNote.TOO_LONG, length=len(note), most=MAX_NOTE)
    return note


async def add_note(
    shop: Shop, admin_id: int, order_id: int, text: str | None, step_chat: int | None = None
) -> OrderDetail:
    """Keep an admin's note on the order (BadNote, OrderNotFound if it is gone), record it in
    the audit log and end her note step in `step_chat` in the same transaction, and read the
    order back with it. The shopper is never told: notes are for the admins."""
    note = check_note(text)
    async with ending_step(shop, step_chat) as uow:
        if await uow.orders.get(order_id, full=False) is None:
            raise OrderNotFound(order_id)
        author = _actor(shop, admin_id)
        kept = await uow.order_notes.add(order_id, admin_id, note, author=author)
        details = {"actor": author, "note_id": kept.id, "order_note": note}
        await uow.audit.record(admin_id, "order.note", f"order:{order_id}", details)
        return await admin_orders.order_detail(uow, order_id)


REMOVE_TRACKING = "-"  # typed for a tracking number: the order has none any more


def read_tracking(text: str) -> str | None:
    """What the admin typed for ✏️ Tracking number: "-" removes it (None); anything else must
    be a tracking number (BadTracking: the rule Ship's step applies)."""
    return None if text.strip() == REMOVE_TRACKING else clean_tracking(text)


async def change_tracking(
    shop: Shop, admin_id: int, order_id: int, number: str | None, step_chat: int | None = None
) -> TrackingChanged:
    """Put `number` (None: none) on a shipped order, record it in its history and the audit
    log (`order.tracking`) and end the admin's step in `step_chat` in one transaction, then
    tell the shopper with 📦 Track parcel.
    OrderNotFound, or NotNow once it is no longer shipped (delivered while the admin typed),
    audited as a refused move (`order.tracking.refused`) as Ship's are; the number it has
    already changes nothing and tells nobody."""
    try:
        changed, customer = await _put_tracking(shop, admin_id, order_id, number, step_chat)
    except NotNow as refused:
        details = {"actor": _actor(shop, admin_id), "error": refused.note()}
        await audit_order(shop, admin_id, "order.tracking.refused", order_id, details)
        raise
    told = False
    if changed:
        tr = await shop.words_of(customer)  # hers, not the admin's
        link = tracking_link(shop.settings.tracking_url, number)
        notice = Notice(notices.tracking_changed(tr, order_id, number), track_parcel(tr, link))
        told = (await shop.notifier.send(customer, notice)).outcome is Sent.SENT
    detail = await order_detail(shop, order_id)
    return TrackingChanged(order_id, number, changed, told, detail)


async def _put_tracking(
    shop: Shop, admin_id: int, order_id: int, number: str | None, step_chat: int | None
) -> tuple[bool, int]:
    """The number written (only while the order is still shipped) with its history line and
    audit row, in one transaction: (whether it changed, the shopper's Telegram id)."""
    async with ending_step(shop, step_chat) as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        was, customer = order.tracking_number, order.customer.telegram_id
        changed = was != number
        if order.status != OrderStatus.SHIPPED or (
            changed and not await uow.orders.set_tracking(order, number, status=order.status)
        ):
            status = await uow.orders.status_of(order_id) or order.status
            collected = is_pickup(order.shipping_option)
            raise NotNow(order_id, "tracking", status, order.refunded_amount, collected=collected)
        if changed:
            history = (
                worded(N_("tracking number {number}"), number=number)
                if number
                else worded(N_("tracking number removed"))
            )
            actor = _actor(shop, admin_id)
            await uow.orders.record_event(order, actor=actor, note=history)
            details = {"actor": actor, "tracking_was": was, "tracking": number}
            await uow.audit.record(admin_id, "order.tracking", f"order:{order_id}", details)
    return changed, customer


def _actor(shop: Shop, telegram_id: int) -> str:
    """The one making the move, as the order's history and the audit log name her."""
    return permissions.acting(shop.settings, telegram_id)


async def not_changed(shop: Shop, order_id: int, why: Exception) -> OrderNotChanged:
    """The refusal the admin reads. One that lost to another move (IllegalOrderTransition)
    names the status it lost to as the order's screens do: "it is 🏬 Ready for pickup now"
    for an order she collects (`is_pickup`), not "🚚 Shipped"."""
    collected = False
    if isinstance(why, IllegalOrderTransition):
        async with shop.store.reading() as uow:
            order = await uow.orders.get(order_id, full=False)
            collected = order is not None and is_pickup(order.shipping_option)
    return OrderNotChanged(order_id, why, collected=collected)


async def _change(
    shop: Shop, admin_id: int, action: str, order_id: int, move: Awaitable[OrderChange]
) -> OrderChanged:
    """`move` made, audited and told; refused: audited, and OrderNotChanged (`not_changed`)."""
    try:
        change = await move
    except (OrderError, IllegalOrderTransition) as exc:
        error = exc.note() if isinstance(exc, OrderError) else str(exc)  # worded, or English
        details = {"actor": _actor(shop, admin_id), "error": error}
        await audit_order(shop, admin_id, action + ".refused", order_id, details)
        raise await not_changed(shop, order_id, exc) from exc
    details = {"actor": _actor(shop, admin_id), **change.audit_details()}
    await audit_order(shop, admin_id, action, order_id, details)
    tr = await shop.words_of(change.customer_telegram_id)  # hers, not the admin's
    buttons = change.buttons_for_shopper(tr) if change.buttons_for_shopper else ()
    notice = Notice(change.message_for_shopper(tr), buttons)
    told = (await shop.notifier.send(change.customer_telegram_id, notice)).outcome
    delivered = None
    plan = change.delivery
    if plan is not None and plan.downloads:  # after the shopper's message, as after a payment
        delivered = await deliveries.deliver(shop, change.customer_telegram_id, plan, tr)
    detail = await order_detail(shop, order_id)
    return OrderChanged(action, change, detail, told is Sent.SENT, delivered)
