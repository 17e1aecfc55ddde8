"""How much of an order can still be refunded, and the books kept while money goes back.

`refundable` is the one rule for "how much can still go back": the refund itself, the admin's
order screen and its Refund button all ask it. A refund is kept in three steps so money and
books agree even if something fails half way (bot.usecases.refunds runs them):
1. `claim` the amount in one unit of work: a conditional UPDATE keeps refunded ≤ total, even
   for concurrent refunds, and a pending Refund row is recorded;
2. the provider call, outside any transaction;
3. `record_refund` marks it succeeded and records the move: refunded once all of it is back,
   else the order keeps its status (a partial refund is the amount beside it); all of it
   back gives the gift card's part back too (or flags the order when its card was voided) and
   takes back an invitation's reward the order earned (`referrals.void_reward`), or
   `give_back` marks it failed and returns the claimed amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from bot import i18n
from bot.clipping import echo
from bot.i18n import N_, Translator, worded
from bot.services import delivery_slots, gift_cards, referrals
from bot.services.errors import (
    LineNotInOrder,
    OrderNotFound,
    PaidByCardAlone,
    RefundNotPossible,
    RefundTooLarge,
    RefundUnderWay,
    StarsRefundIsWhole,
    WholeRefundOnly,
)
from bot.services.pickup import is_pickup
from bot.services.promos import split_exactly
from bot.services.referrals import RewardVoided
from bot.store.models import Order, Payment, Refund
from bot.store.order_states import OrderStatus, allowed_triggers, may
from bot.store.repositories.returns import APPROVED
from bot.store.uow import UnitOfWork
from bot.tax import share_of

REFUND_TRIGGERS = ("refund", "refund_part")
ALREADY = N_("{note} (the provider had refunded it already)")  # in the order's history
PAYMENT_CHECK = N_("check the payment")  # a review whose reason was not stored


@dataclass(frozen=True)
class RefundInfo:
    amount: int
    currency: str
    provider_refund_id: str | None
    refunded_total: int
    already: bool = False  # the provider had refunded it before (CHARGE_ALREADY_REFUNDED)
    cards: tuple[gift_cards.CardTaken, ...] = ()  # what it took off cards the order bought

    def words(self, tr: Translator) -> str:
        """The refund that gave back the rest, for the shopper who got some back before:
        "the remaining $27.00; $37.00 refunded in all" (just "$27.00" if this is all of it)."""
        amount = tr.money(self.amount, self.currency)
        if self.refunded_total <= self.amount:
            return amount
        return tr._(
            "the remaining {amount}; {in_all} refunded in all",
            amount=amount,
            in_all=tr.money(self.refunded_total, self.currency),
        )


@dataclass(frozen=True)
class RefundClaim:
    """An amount set aside for a refund that the provider has not made yet."""

    refund_id: int
    order_id: int
    amount: int
    provider: str  # "stripe" or "stars"
    payer_telegram_id: int
    telegram_payment_charge_id: str
    provider_payment_charge_id: str | None
    customer_telegram_id: int
    # False for a second payment of a paid order: its money was never the order's, so its
    # refund is not counted in orders.refunded_amount.
    counted: bool = True
    actor: str = "system"  # who asked for it, and why: as the refund was claimed
    reason: str | None = None
    currency: str = ""
    attempts: int = 0  # tries the provider could not be reached for (`try_again_later`)

    @classmethod
    def of(
        cls, refund: Refund, payment: Payment, customer_telegram_id: int, *, counted: bool = True
    ) -> RefundClaim:
        """The claim a stored pending refund of `payment` stands for."""
        return cls(
            refund_id=refund.id,
            order_id=refund.order_id,
            amount=refund.amount,
            provider=payment.provider,
            payer_telegram_id=payment.payer_telegram_id,
            telegram_payment_charge_id=payment.telegram_payment_charge_id,
            provider_payment_charge_id=payment.provider_payment_charge_id,
            customer_telegram_id=customer_telegram_id,
            counted=counted,
            actor=refund.requested_by,
            reason=refund.reason,
            currency=refund.currency,
            attempts=refund.attempts,
        )

    @property
    def idempotency_key(self) -> str:
        """One key per refund at the provider: made again (after a crash), it is not made twice."""
        return f"shopbot-refund-{self.provider_payment_charge_id}-{self.refund_id}"


@dataclass(frozen=True)
class RefundResult:
    info: RefundInfo
    customer_telegram_id: int
    old_status: str
    new_status: str
    card_not_back: str | None = None  # why its gift card part could not go back (admins told)
    collected: bool = False  # she collects the order (`is_pickup`): its statuses are a pickup's
    # A return's refund whose approval she was not told of yet (`returns.refund_ended`).
    return_untold: bool = False
    # All of it back on the order that earned an invitation's reward: the card voided, to
    # tell its inviter (bot.services.referrals.void_reward).
    reward_voided: RewardVoided | None = None


def refundable(order: Order) -> int:
    """What can still go back: what the order's payment brought in (never more than the order's
    total) minus what was refunded; 0 if nothing was paid or the order's status allows no
    refund. The order must be loaded with its payments."""
    if not order.payments or not set(REFUND_TRIGGERS) & set(allowed_triggers(order.status)):
        return 0
    paid = min(order.payments[0].amount, order.total)
    return max(paid - order.refunded_amount, 0)


def line_amount(order: Order, sku: str, units: int | None = None) -> int:
    """What `units` (None: all) of one line cost the shopper: the line's price less its share
    of the discount, itself split over the units by largest remainder, so refunding every
    line unit by unit gives back the goods to the cent. What may go back is still capped by
    `refundable` (check_refund)."""
    return line_refund(order, sku, units)[0]


def line_refund(
    order: Order, sku: str, units: int | None = None, gone: Mapping[int, int] | None = None
) -> tuple[int, dict[str, int]]:
    """`line_amount` of the units not gone back yet (`gone`: units of each line id that went
    back before, by an earlier "SKU quantity" refund or an approved return), taken after
    them, and the units it gives back as a refund names them (`Refund.lines`): LineNotInOrder,
    or RefundNotPossible for more units than are left of it."""
    line = next((ln for ln in order.lines if ln.sku.upper() == sku.strip().upper()), None)
    if line is None:
        raise LineNotInOrder(
            i18n.current()._(
                "Order #{order_id} has no line {sku}.", order_id=order.id, sku=echo(sku)
            )
        )
    back = min((gone or {}).get(line.id, 0), line.quantity)
    left = line.quantity - back
    wanted = left if units is None else units
    if left <= 0:
        raise RefundNotPossible(
            i18n.current()._(
                "Order #{order_id}: all {count} × {sku} went back already.",
                order_id=order.id,
                count=line.quantity,
                sku=line.sku,
            )
        )
    if not 0 < wanted <= left:
        raise RefundNotPossible(
            i18n.current()._(
                "Order #{order_id} has {count} × {sku}: refund 1 to {count}.",
                order_id=order.id,
                count=left,
                sku=line.sku,
            )
            if not back
            else i18n.current()._(
                "Order #{order_id}: {back} of its {count} × {sku} went back already; refund 1 "
                "to {left}.",
                order_id=order.id,
                back=back,
                count=line.quantity,
                sku=line.sku,
                left=left,
            )
        )
    shares = split_exactly(line.net_total, [1] * line.quantity)
    return sum(shares[back : back + wanted]), {str(line.id): wanted}


def refund_trigger(order: Order, amount: int) -> str:
    """The move refunding `amount` makes: "refund" once all of the order's total is back,
    else "refund_part" (which order_states allows only where the order stays as it is)."""
    return "refund" if order.refunded_amount + amount >= order.total else "refund_part"


def check_refund(order: Order, amount: int | None) -> int:
    """The amount to refund (None: all that is left), or the error that says why not: asked
    before the admin confirms, and again when the refund is claimed."""
    if not order.payments:
        raise RefundNotPossible.saying(
            N_("Order #{order_id} has not been paid, so there is nothing to refund."),
            order_id=order.id,
        )
    most = refundable(order)
    card_back = gift_cards.part_to_give_back(order)
    if order.total <= 0 and card_back > 0:  # paid by its card alone: 🎁 gives that back
        code = gift_cards.masked(order.gift_card_code or "")
        raise PaidByCardAlone(order.id, code, card_back, order.currency)
    if most <= 0:
        raise RefundTooLarge(order.id, amount or 0, 0, order.currency)
    wanted = most if amount is None else amount
    if wanted <= 0:
        raise RefundNotPossible(i18n.current()._("A refund must be more than zero."))
    if wanted > most:
        raise RefundTooLarge(order.id, wanted, most, order.currency)
    if not may(order.status, refund_trigger(order, wanted)):
        raise WholeRefundOnly(order.id, order.status, most, order.currency)
    payment = order.payments[0]
    if payment.provider == "stars" and wanted != payment.amount:
        raise StarsRefundIsWhole(payment.amount)
    return wanted


async def claim(
    uow: UnitOfWork,
    order_id: int,
    amount: int | None,
    actor: str,
    reason: str | None,
    lines: dict[str, int] | None = None,
    returned: Mapping[str, int] | None = None,
) -> RefundClaim:
    """Set the amount aside (refused beyond `refundable`, or while another refund of the
    order is pending: RefundUnderWay) and record a pending Refund; `lines` the units of
    order lines it gives back (`line_refund`), kept on it so a return never pays them
    again; `returned` those of an approved return's request (which names them: not kept on
    the refund), for their tax."""
    order = await uow.orders.get(order_id)
    if order is None:
        raise OrderNotFound(order_id)
    if under_way := await uow.refunds.under_way(order.id):
        raise RefundUnderWay(order.id, under_way, order.currency)
    wanted = check_refund(order, amount)
    card_shares = None
    if refund_trigger(order, wanted) == "refund":  # all of it: the cards it bought go too
        await gift_cards.void_issued(uow, order)
    else:  # a part: what of it paid for cards it bought comes off them
        card_shares = await gift_cards.take_refunded(uow, order, wanted, lines)
    named = lines or returned
    gone = await units_back(uow, order.id, but=returned) if named else {}
    tax = await refund_tax(uow, order, wanted, named, gone)  # before it counts as refunded
    if not await uow.orders.add_refunded(order.id, wanted):  # a concurrent refund got there
        raise RefundTooLarge(order_id, wanted, refundable(order), order.currency)
    payment = order.payments[0]
    refund = await uow.refunds.add(
        Refund(
            order_id=order.id,
            payment_id=payment.id,
            amount=wanted,
            tax=tax,
            currency=order.currency,
            status="pending",
            reason=reason,
            requested_by=actor,
            lines=lines,
            gift_card_shares=card_shares,
        )
    )
    return RefundClaim.of(refund, payment, order.customer.telegram_id)


async def refund_tax(
    uow: UnitOfWork,
    order: Order,
    amount: int,
    lines: Mapping[str, int] | None = None,
    gone: Mapping[int, int] | None = None,
) -> int:
    """The VAT a refund of `amount` gives back, of what the order's refunds have not given
    back yet: all of it when the refund takes the order's last money back; else the stored
    tax of the units of order lines it names (`lines`: an admin's "SKU quantity" refund, an
    approved return), split over each line's units as `line_refund` splits their price and
    taken after the units that went back before it (`gone`, `units_back`), so every unit
    given back, whichever way, gives back its own share and the line's add up to its tax;
    else (an amount) its share of the order's tax in proportion to the order's total. 0 for
    an order without tax."""
    if order.tax_label is None or order.tax_total <= 0:
        return 0
    given = sum(r.tax for r in await uow.refunds.for_order(order.id) if r.status != "failed")
    left = max(order.tax_total - given, 0)
    if refund_trigger(order, amount) == "refund":
        return left
    if lines:
        by_id = {str(line.id): line for line in order.lines}
        tax = 0
        for line_id, units in lines.items():
            line = by_id[line_id]
            back = min((gone or {}).get(line.id, 0), line.quantity)
            tax += sum(split_exactly(line.tax, [1] * line.quantity)[back : back + units])
        return min(tax, left)
    return min(share_of(order.tax_total, amount, order.total), left)


async def units_back(
    uow: UnitOfWork, order_id: int, but: Mapping[str, int] | None = None
) -> dict[int, int]:
    """Units of each of the order's lines that went back, or are going back: an admin's
    "SKU quantity" refunds (`Refund.lines`) and approved return requests (a return's own
    refund names no lines: its request does); less `but` (the units of a return being
    approved in this transaction: its request counts already)."""
    gone = await uow.refunds.line_units(order_id)
    for request in await uow.returns.of_order(order_id):
        if request.status == APPROVED:
            for line in request.lines:
                line_id = int(line["order_line_id"])
                gone[line_id] = gone.get(line_id, 0) + int(line["quantity"])
    for key, units in (but or {}).items():
        gone[int(key)] = gone.get(int(key), 0) - units
    return gone


async def claim_second_payment(uow: UnitOfWork, payment_id: int, reason: str) -> RefundClaim:
    """Set all of a second payment of a paid order aside for refunding (a pending Refund).

    The order's payment is its first (`refundable`); a later one is money the order never
    asked for, so it goes back whole and the order's refunded amount stays as it is.
    """
    payment = await uow.session.get(Payment, payment_id)
    if payment is None:
        raise LookupError(f"no payment {payment_id}")
    order = await uow.orders.get(payment.order_id)
    assert order is not None
    refund = await uow.refunds.add(
        Refund(
            order_id=payment.order_id,
            payment_id=payment.id,
            amount=payment.amount,
            currency=payment.currency,
            status="pending",
            reason=reason,
            requested_by="system",
        )
    )
    return RefundClaim.of(refund, payment, order.customer.telegram_id, counted=False)


async def record_second_refund(
    uow: UnitOfWork, claimed: RefundClaim, provider_refund_id: str | None, *, already: bool = False
) -> RefundInfo:
    """The second payment went back: the refund succeeded, and the order's history says so
    (its status and refunded amount stay: the order's own payment is untouched)."""
    refund = await uow.session.get(Refund, claimed.refund_id)
    assert refund is not None
    refund.status = "succeeded"
    refund.provider_refund_id = provider_refund_id
    order = await uow.orders.get(claimed.order_id, full=False)
    assert order is not None
    note = worded(
        N_("second payment {charge_id} refunded: {amount}"),
        charge_id=claimed.telegram_payment_charge_id,
        amount=i18n.amount(claimed.amount, refund.currency),
    )
    await uow.orders.record_event(order, actor="system", note=_made_before(note, already))
    return RefundInfo(
        claimed.amount, refund.currency, provider_refund_id, order.refunded_amount, already
    )


async def left_pending(
    uow: UnitOfWork, since: Sequence[datetime], limit: int = 20
) -> list[tuple[int, datetime]]:
    """Refunds still pending that are due to be made again, each with the moment it was last
    tried before (for `take_over`): one tried `n` times in vain before `since[n]`. With none
    (n = 0), it was claimed and then the worker making it died before the provider call or
    before recording it; with some, the provider could not be reached (`try_again_later`)."""
    due = or_(
        *(and_(Refund.attempts == n, Refund.created_at < moment) for n, moment in enumerate(since))
    )
    stmt = (
        select(Refund.id, Refund.attempts)
        .where(Refund.status == "pending", due)
        .order_by(Refund.id)
        .limit(limit)
    )
    return [(refund_id, since[n]) for refund_id, n in (await uow.session.execute(stmt)).all()]


async def try_again_later(uow: UnitOfWork, claimed: RefundClaim, now: datetime, most: int) -> bool:
    """The provider could not be reached: the refund stays pending, its try counted and
    timed `now`, so the pending-refunds job makes it again after a pause (with the same
    idempotency key: once at the provider). False once it was tried `most` times in vain
    (the caller gives it back)."""
    result = await uow.session.execute(
        update(Refund)
        .where(Refund.id == claimed.refund_id, Refund.status == "pending", Refund.attempts < most)
        .values(attempts=Refund.attempts + 1, created_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def second_payment_unrefunded(charge_id: str, amount: int, currency: str, problem: str) -> str:
    """Why an order paid twice needs an admin: its second payment could not go back."""
    return worded(
        N_(
            "paid twice: the second payment {charge_id} ({amount}) could not be refunded "
            "automatically: {problem}"
        ),
        charge_id=charge_id,
        amount=i18n.amount(amount, currency),
        problem=problem,
    )


async def take_over(
    uow: UnitOfWork, refund_id: int, before: datetime, now: datetime
) -> RefundClaim | None:
    """The claim of a refund left pending, for this worker to finish; None if another worker
    took it (or finished it) first. A compare-and-set on its status and time (moved to `now`,
    when it is made), so one worker alone asks the provider."""
    result = await uow.session.execute(
        update(Refund)
        .where(Refund.id == refund_id, Refund.status == "pending", Refund.created_at < before)
        .values(created_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return None
    refund = await uow.session.get(Refund, refund_id, populate_existing=True)
    assert refund is not None
    order = await uow.orders.get(refund.order_id)
    assert order is not None
    payment = next(p for p in order.payments if p.id == refund.payment_id)
    # counted: the order's own payment (`refundable`), not a second one
    return RefundClaim.of(
        refund, payment, order.customer.telegram_id, counted=payment is order.payments[0]
    )


async def give_back(uow: UnitOfWork, claimed: RefundClaim) -> None:
    """The provider said no: the claimed amount is no longer counted as refunded, and what it
    took off the gift cards the order bought is back on them."""
    refund = await uow.session.get(Refund, claimed.refund_id)
    if claimed.counted:
        await gift_cards.restore_refunded(uow, refund.gift_card_shares if refund else None)
        await uow.orders.add_refunded(claimed.order_id, -claimed.amount)
        await gift_cards.restore_issued(uow, claimed.order_id)
    if refund is not None:
        refund.status = "failed"


async def record_refund(
    uow: UnitOfWork,
    claimed: RefundClaim,
    provider_refund_id: str | None,
    actor: str,
    reason: str | None,
    *,
    already: bool = False,
) -> RefundResult:
    """The refund happened: mark it succeeded and move the order to refunded, or record the
    partial refund in its history where it stays (paid, shipped or delivered).

    Once all of the money is back, a review flag goes too (the history keeps its reason): a
    refunded order has no payment left to approve, and a refund that failed before (a cancel's)
    is the one just made.

    `already`: the provider had made this refund before (it said so instead of making it).

    IllegalOrderTransition if a concurrent move changed the order's status meanwhile (the
    caller tries again in a new unit of work).
    """
    refund = await uow.session.get(Refund, claimed.refund_id)
    assert refund is not None
    refund.status = "succeeded"
    refund.provider_refund_id = provider_refund_id
    order = await uow.orders.get(claimed.order_id)
    assert order is not None
    full = order.refunded_amount >= order.total
    money = i18n.amount(claimed.amount, order.currency)
    note = (
        worded(N_("refunded {amount}: {reason}"), amount=money, reason=reason)
        if reason
        else worded(N_("refunded {amount}"), amount=money)
    )
    old = order.status
    trigger = "refund" if full else "refund_part"
    await uow.orders.transition(order, trigger, actor=actor, note=_made_before(note, already))
    if full:
        cards = await gift_cards.cancelled_with(uow, order)
    else:
        cards = await gift_cards.note_refunded(uow, order, refund.gift_card_shares, actor)
    if full and order.needs_review:
        why = worded(
            N_("review cleared, all refunded: {reason}"),
            reason=order.review_reason or worded(PAYMENT_CHECK),
        )
        await uow.orders.clear_review(order, actor=actor, note=why)
    card = await gift_cards.give_back(uow, order) if full else gift_cards.CardBack()
    voided = await referrals.void_reward(uow, order) if full else None
    if full and old == OrderStatus.PAID:  # all back before it went out: its seat is free
        await delivery_slots.give_back(uow, order)
    return RefundResult(
        info=RefundInfo(
            claimed.amount,
            order.currency,
            provider_refund_id,
            order.refunded_amount,
            already,
            cards,
        ),
        customer_telegram_id=claimed.customer_telegram_id,
        old_status=old,
        new_status=order.status,
        card_not_back=card.not_back,
        collected=is_pickup(order.shipping_option),
        reward_voided=voided,
    )


def _made_before(note: str, already: bool) -> str:
    """The history's note of a refund, saying so when the provider had made it before."""
    return worded(ALREADY, note=note) if already else note
