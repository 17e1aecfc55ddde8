"""↩️ Return items: when a shopper may ask to return lines of a delivered order, what she
would get back, and an admin's one decision on it.

One rule decides whether her order screen offers the button (`return_state`) and whether a
press of any step may go on (`return_offer`, asked again inside the request's transaction):
her own order, `delivered`, paid by card (Telegram refunds Stars only whole, and Stars goods
are digital), within RETURN_DAYS of its delivery, with physical lines not yet returned and no
request open. What she gets back is the admins' "SKU quantity" refund of each whole line
(`refunds.line_amount`: its price less its share of the discount), never more than can still
go back (`refunds.refundable`).

The lines she picks travel in the buttons as a bit mask over the lines offered (in the
order's own order), so a restart loses nothing and a forged mask names no line outside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clipping import clip
from bot.i18n import N_, Translator, worded
from bot.services import bundles, refunds
from bot.services.downloads import downloadable_lines
from bot.services.errors import OrderError, OrderNotFound
from bot.services.refunds import RefundClaim, line_refund, refundable
from bot.store.models import Order, OrderLine, ReturnRequest
from bot.store.order_states import OrderStatus
from bot.store.repositories.returns import APPROVED, REQUESTED
from bot.store.uow import UnitOfWork

# The reasons she picks from, by code (stored) and in her words; a button carries the index+1.
REASONS: dict[str, str] = {
    "damaged": N_("Damaged"),
    "wrong_item": N_("Wrong item"),
    "fit": N_("Doesn't fit"),
    "changed_mind": N_("Changed my mind"),
    "other": N_("Other"),
}
REASON_CODES = tuple(REASONS)
MOST_LINES = 36  # lines offered at most: a mask of them fits a button's 12 digits
MAX_DECLINE_REASON = 200
# Refusals where money the shop gave back by hand meets a return (see `refunds.units_back`).
REFUNDED_SINCE = N_(
    "Return #{request_id}: some of its items were refunded by hand since it was asked, so "
    "approving it would pay them twice. Decline it, or refund what is left with ↩️ Refund."
)
TOO_MUCH = N_(
    "Together these items come to more than can still be refunded of order #{order_id}: "
    "choose fewer, or tap 💬 Ask about this order."
)

TURNED_OFF = N_("This shop takes no returns here: tap 💬 Ask about this order.")
NOT_DELIVERED = N_("Order #{order_id} can be returned once it has been delivered.")
PAID_IN_STARS = N_("Order #{order_id} was paid in Stars: tap 💬 Ask about this order.")
TOO_LATE = N_(
    "Order #{order_id} was delivered more than {days} days ago: returns are taken within "
    "{days} days. Tap 💬 Ask about this order."
)
NOTHING_LEFT = N_("Order #{order_id} has nothing left to return.")
ALREADY_OPEN = N_("Order #{order_id} already has a return request waiting for the shop.")
PICK_SOME = N_("Choose at least one item to return.")
STALE = N_("That choice is out of date. Here is your order as it is now.")
RETURN_REFUND = N_("return #{request_id}")  # a return's refund, as its reason reads


class NotReturnable(OrderError):
    """Her order, but not one (or not lines) she may ask to return now; `said` says why."""

    def __init__(self, why: str, **params: Any) -> None:
        super().__init__()
        self._words(why, **params)


class ReturnNotFound(OrderError, LookupError):
    def __init__(self, request_id: int) -> None:
        super().__init__()
        self._words(N_("There is no return request #{request_id}."), request_id=request_id)


class ReturnDecided(OrderError):
    """A second press (another admin's, an older alert's): it was decided already."""

    def __init__(self, request: ReturnRequest) -> None:
        super().__init__()
        text = (
            N_("Return #{request_id} was already approved by {who}.")
            if request.status == APPROVED
            else N_("Return #{request_id} was already declined by {who}.")
        )
        self._words(text, request_id=request.id, who=request.decided_by or "")
        self.status = request.status


class BadDeclineReason(OrderError):
    def __init__(self, length: int = 0) -> None:
        super().__init__()
        if length:
            self._words(
                N_("That is {length} characters long; a reason is at most {most}."),
                length=length,
                most=MAX_DECLINE_REASON,
            )
        else:
            self._words(N_("Send the reason as text, or /skip to decline without one."))


class UnknownReturnLine(OrderError):
    """A line named (by the storefront, by id) that is not among those she may return."""

    def __init__(self, order_id: int, line_id: int) -> None:
        super().__init__()
        self._words(
            N_("Order #{order_id} has no line {line_id} to return."),
            order_id=order_id,
            line_id=line_id,
        )


@dataclass(frozen=True, slots=True)
class ReturnFacts:
    """A return request as screens and messages read it (not the database row)."""

    id: int
    order_id: int
    customer_telegram_id: int
    lines: tuple[dict[str, Any], ...]  # {"order_line_id", "sku", "quantity", "title"}
    reason: str
    status: str
    amount: int
    currency: str
    decided_by: str | None = None
    decline_reason: str | None = None

    @classmethod
    def of(cls, request: ReturnRequest) -> ReturnFacts:
        return cls(
            request.id,
            request.order_id,
            request.customer_telegram_id,
            tuple(request.lines),
            request.reason,
            request.status,
            request.amount,
            request.currency,
            request.decided_by,
            request.decline_reason,
        )


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """A line she may send back, whole: what it would bring back."""

    line_id: int
    sku: str
    title: str
    quantity: int
    amount: int
    translations: dict[str, Any] | None = None
    bit: int = 0  # its bit in a button's mask: its place among the lines not returned


@dataclass(frozen=True, slots=True)
class ReturnOffer:
    """The lines of her order she may return now, in the order's order. A button's mask
    names them by `bit`: each line's place among the order's lines not returned or asked
    for (nor digital), which a refund by hand does not shift, so a line the shop refunded
    meanwhile is never read as the one after it."""

    order_id: int
    currency: str
    lines: tuple[ReturnLine, ...]
    refundable: int = 0  # what can still go back of the order: the most a request may ask

    def chosen(self, mask: int) -> tuple[ReturnLine, ...]:
        """The lines a button's mask names: NotReturnable for none, for bits past them, or
        for lines that together come to more than can still be refunded (a refund of an
        amount by hand names no lines, so each may still be offered alone)."""
        if mask <= 0:
            raise NotReturnable(PICK_SOME)
        if mask & ~self.bits:
            raise NotReturnable(STALE)
        lines = tuple(line for line in self.lines if mask >> line.bit & 1)
        if sum(line.amount for line in lines) > self.refundable:
            raise NotReturnable(TOO_MUCH, order_id=self.order_id)
        return lines

    @property
    def bits(self) -> int:
        """The mask naming every line offered."""
        return sum(1 << line.bit for line in self.lines)

    def amount(self, mask: int) -> int:
        return sum(line.amount for line in self.chosen(mask))

    def mask_of(self, line_ids: Sequence[int]) -> int:
        """The mask naming these lines (by id, as the storefront sends them):
        UnknownReturnLine for one not offered."""
        bits = {line.line_id: 1 << line.bit for line in self.lines}
        mask = 0
        for line_id in line_ids:
            if line_id not in bits:
                raise UnknownReturnLine(self.order_id, line_id)
            mask |= bits[line_id]
        return mask


@dataclass(frozen=True, slots=True)
class ReturnState:
    """What her order screen shows about returns: the button, or the open request."""

    offer: bool = False
    open_request: int = 0  # the id of the request waiting for the shop (0: none)
    latest: ReturnFacts | None = None  # her newest request, whatever became of it


def reason_text(tr: Translator, code: str) -> str:
    return tr._(REASONS.get(code, REASONS["other"]))


def reason_of(index: int) -> str | None:
    """A reason button's number (1-5) as its stored code; None for anything else."""
    return REASON_CODES[index - 1] if 1 <= index <= len(REASON_CODES) else None


def named_lines(lines: Sequence[dict[str, Any]], width: int | None = None) -> str:
    """ "2 × Stoneware Mug 350ml, 1 × Linen Cushion Cover": a request's lines as stored;
    titles cut to `width` if given (bot.clipping.titles_fitting)."""

    def named(line: dict[str, Any]) -> str:
        title = str(line.get("title") or line["sku"])
        return clip(title, width) if width else title

    return ", ".join(f"{int(line['quantity'])} × {named(line)}" for line in lines)


def returned_line_ids(requests: list[ReturnRequest]) -> set[int]:
    """Lines already returned (an approved request's), or asked for (an open one's)."""
    return {
        int(line["order_line_id"])
        for request in requests
        if request.status in (APPROVED, REQUESTED)
        for line in request.lines
    }


async def _check(
    uow: UnitOfWork, order: Order | None, order_id: int, customer_id: int, days: int, now: datetime
) -> ReturnOffer:
    """Her order's returnable lines, or why not (OrderNotFound: not hers)."""
    if order is None or order.customer_id != customer_id:
        raise OrderNotFound(order_id)
    if not days:
        raise NotReturnable(TURNED_OFF)
    if order.status != OrderStatus.DELIVERED:
        raise NotReturnable(NOT_DELIVERED, order_id=order.id)
    if not order.payments or order.payments[0].provider != "stripe":
        raise NotReturnable(PAID_IN_STARS, order_id=order.id)
    delivered = await uow.returns.delivered_at(order.id)
    if delivered is None or now - delivered > timedelta(days=days):
        raise NotReturnable(TOO_LATE, order_id=order.id, days=days)
    requests = await uow.returns.of_order(order.id)
    if any(r.status == REQUESTED for r in requests):
        raise NotReturnable(ALREADY_OPEN, order_id=order.id)
    gone = returned_line_ids(requests) | set(await downloadable_lines(uow, order))
    refunded = await uow.refunds.line_units(order.id)  # by hand: "SKU quantity"
    lines = [line for line in order.lines if line.id not in gone][:MOST_LINES]
    most = refundable(order)
    offered = tuple(
        _line(order, line, refunded, bit)
        for bit, line in enumerate(lines)
        if refunded.get(line.id, 0) < line.quantity
    )
    offered = tuple(line for line in offered if 0 < line.amount <= most)
    if not offered:
        raise NotReturnable(NOTHING_LEFT, order_id=order.id)
    return ReturnOffer(order.id, order.currency, offered, most)


def _line(order: Order, line: OrderLine, refunded: dict[int, int], bit: int) -> ReturnLine:
    """The line as she may send it back: its units the shop did not refund by hand yet, at
    what the admins' "SKU quantity" refund of them would give back."""
    amount, units = line_refund(order, line.sku, None, refunded)
    left = units[str(line.id)]
    return ReturnLine(line.id, line.sku, line.title, left, amount, line.translations, bit)


async def return_offer(
    uow: UnitOfWork, customer_id: int, order_id: int, days: int, now: datetime
) -> ReturnOffer:
    """The lines she may pick: OrderNotFound, NotReturnable (why), or the offer."""
    order = await uow.orders.get(order_id)
    return await _check(uow, order, order_id, customer_id, days, now)


async def return_state(
    uow: UnitOfWork, customer_id: int, order_id: int, days: int, now: datetime
) -> ReturnState:
    """Whether her order screen offers ↩️ Return items, and what became of her newest
    request (waiting, approved, declined): the chat's order screen and the storefront's
    order page both read it."""
    newest = await uow.returns.latest(order_id)
    latest = ReturnFacts.of(newest) if newest is not None else None
    if latest is not None and latest.status == REQUESTED:
        return ReturnState(open_request=latest.id, latest=latest)
    if not days:
        return ReturnState(latest=latest)
    try:
        await return_offer(uow, customer_id, order_id, days, now)
    except (NotReturnable, OrderNotFound):
        return ReturnState(latest=latest)
    return ReturnState(offer=True, latest=latest)


async def request_return(
    uow: UnitOfWork,
    customer_id: int,
    telegram_id: int,
    order_id: int,
    mask: int,
    reason: str,
    days: int,
    now: datetime,
    line_ids: Sequence[int] = (),
) -> ReturnFacts:
    """Her request, checked again as the order is now (a stale or forged press is refused
    with why) and kept open for the admins. The lines are the chat's `mask`, or `line_ids`
    (the storefront's), read against the lines offered now."""
    offer = await return_offer(uow, customer_id, order_id, days, now)
    if reason not in REASONS:
        raise NotReturnable(STALE)
    lines = offer.chosen(offer.mask_of(line_ids) if line_ids else mask)
    kept = [
        {"order_line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity, "title": ln.title}
        for ln in lines
    ]
    amount = sum(line.amount for line in lines)
    added = await uow.returns.add(order_id, telegram_id, kept, reason, amount, offer.currency)
    return ReturnFacts.of(added)


async def decide(
    uow: UnitOfWork,
    request_id: int,
    status: str,
    actor: str,
    now: datetime,
    decline_reason: str | None = None,
) -> ReturnFacts:
    """Approve or decline an open request, once: ReturnNotFound, or ReturnDecided for a
    second press (a compare-and-set: two admins at once decide it once). An approval of
    units the shop refunded by hand since she asked is refused (NotReturnable, nothing
    decided): it would pay them twice."""
    request = await uow.returns.get(request_id)
    if request is None:
        raise ReturnNotFound(request_id)
    if not await uow.returns.decide(request_id, status, actor, now, decline_reason):
        decided = await uow.returns.get(request_id)
        assert decided is not None
        raise ReturnDecided(decided)
    decided = await uow.returns.get(request_id)
    assert decided is not None
    if status == APPROVED:
        await _check_not_refunded_since(uow, decided)
    return ReturnFacts.of(decided)


async def _check_not_refunded_since(uow: UnitOfWork, request: ReturnRequest) -> None:
    """NotReturnable if an admin's "SKU quantity" refund gave back units of the request's
    lines after she asked (she asked for the units not refunded then)."""
    order = await uow.orders.get(request.order_id)
    assert order is not None  # a request's order is never deleted while the request is kept
    quantities = {line.id: line.quantity for line in order.lines}
    refunded = await uow.refunds.line_units(order.id)
    for asked in request.lines:
        line_id = int(asked["order_line_id"])
        if int(asked["quantity"]) + refunded.get(line_id, 0) > quantities.get(line_id, 0):
            raise NotReturnable(REFUNDED_SINCE, request_id=request.id)


async def restock(uow: UnitOfWork, request: ReturnFacts, actor: str, now: datetime) -> bool:
    """Put an approved request's lines back on the shelf, in the approval's transaction:
    each line's units added to its product's (or variant's) stock by one atomic UPDATE, and
    a line in the order's history. Once per request (a compare-and-set on the request): False
    if an earlier approval did it already. Shoppers waiting for a product that was sold out
    hear of it from the back-in-stock job, as after any stock that comes back."""
    if not await uow.returns.mark_restocked(request.id, now):
        return False
    order = await uow.orders.get(request.order_id)
    assert order is not None  # a request's order is never deleted while the request is kept
    lines = {line.id: line for line in order.lines}
    for asked in request.lines:
        line = lines.get(int(asked["order_line_id"]))
        if line is not None:
            await bundles.restock(
                uow,
                line.product_id,
                int(asked["quantity"]),
                line.variant_id,
                bundles.kept_parts(line),  # a set: the parts it was sold with
            )
    history = worded(N_("restocked {lines}"), lines=named_lines(request.lines))
    await uow.orders.record_event(order, actor=actor, note=history)
    return True


async def claim_refund(uow: UnitOfWork, request: ReturnFacts, actor: str) -> RefundClaim:
    """Set an approved request's refund aside in the approval's own transaction (the admins'
    refund claim: never beyond what can still go back, not while another refund is under
    way), tied to the request: a crash before the provider's refund leaves it pending for
    the pending-refunds job, and a refund the job finds refused reopens the request."""
    reason = worded(RETURN_REFUND, request_id=request.id)
    units = {str(line["order_line_id"]): int(line["quantity"]) for line in request.lines}
    claimed = await refunds.claim(
        uow, request.order_id, request.amount, actor, reason, returned=units
    )
    await uow.returns.set_refund(request.id, claimed.refund_id)
    return claimed


async def refund_ended(uow: UnitOfWork, claimed: RefundClaim, refused: str | None = None) -> bool:
    """How a return's refund ended, in the audit log, in the transaction that ends it (the
    refund recorded, or given back): `return.refund`, or `return.refund.refused` with why
    (`refused`, worded), which also opens the request again for the admins. So /audit shows
    the outcome once whatever crash comes after, and never an approval left unpaid. Nothing
    for a refund that is no return's.

    True when her message about the approval is owed from this commit on (recorded, and not
    taken before: it was, when she was told at the approval that the money is on its way):
    whoever tells her of the refund must take it first (`take_message_of_refund`), for the
    `tell-returns` job may take it as soon as this commits."""
    request = await uow.returns.of_refund(claimed.refund_id)
    if request is None:
        return False
    details: dict[str, Any] = {
        "actor": claimed.actor,  # who approved it: the refund was theirs
        "request": request.id,
        "amount": claimed.amount,
        "currency": claimed.currency,
    }
    action = "return.refund"
    if refused is not None:
        await uow.returns.reopen(request.id)
        action, details["error"] = f"{action}.refused", refused
    await uow.audit.record(None, action, f"order:{request.order_id}", details)
    return refused is None and request.approve_told_at is None


async def open_request(uow: UnitOfWork, request_id: int) -> ReturnFacts:
    """The request, while it waits for a decision (ReturnNotFound, ReturnDecided)."""
    request = await uow.returns.get(request_id)
    if request is None:
        raise ReturnNotFound(request_id)
    if request.status != REQUESTED:
        raise ReturnDecided(request)
    return ReturnFacts.of(request)


def check_decline_reason(text: str | None) -> str | None:
    """The admin's reason as kept: None for /skip, BadDeclineReason for no text or too long."""
    if text is None or not text.strip():
        raise BadDeclineReason()
    reason = text.strip()
    if reason.lower() in ("/skip", "skip"):
        return None
    if len(reason) > MAX_DECLINE_REASON:
        raise BadDeclineReason(len(reason))
    return reason
