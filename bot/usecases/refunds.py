"""Money back at the provider (Stripe by charge id, or refundStarPayment), never beyond what
was paid, each refund recorded: the three steps of bot.services.refunds around the call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import i18n, notices
from bot.gift_card_alerts import alert_not_back
from bot.i18n import N_
from bot.payments.stripe_gateway import AlreadyRefunded, ProviderRejected, ProviderUnreachable
from bot.services import refunds, returns
from bot.services.errors import RefundDeferred, RefundFailed, RefundNotPossible
from bot.services.refunds import RefundClaim, RefundInfo, RefundResult
from bot.shop import Shop
from bot.store.models import utcnow
from bot.store.order_states import IllegalOrderTransition, OrderStatus
from bot.usecases.referrals import tell_inviter_void

RECORD_ATTEMPTS = 3  # a concurrent move of the order (another admin) may need a second try
# A refund pending longer than this was left by a worker that died: far longer than a
# provider call may take (Stripe's timeout, with its retry).
PENDING_REFUND_GRACE = timedelta(minutes=10)
# A refund whose provider could not be reached (an admin's, a cancel's, a second payment's,
# or one a restart left pending) is tried again by the job after each of these pauses (it
# runs every 5 minutes), with the same idempotency key, then left to the admins.
SECOND_REFUND_PAUSES = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45))


@dataclass(frozen=True)
class AtProvider:
    """A refund the provider made: its id (Stars refunds have none), and whether it had been
    made before (Telegram answered CHARGE_ALREADY_REFUNDED: the money is back all the same)."""

    refund_id: str | None
    already: bool = False


async def refund_payment(
    shop: Shop,
    order_id: int,
    *,
    amount: int | None,
    actor: str,
    reason: str | None = None,
    lines: dict[str, int] | None = None,
) -> RefundResult:
    """Refund `amount` (None = all that is left) of the order's payment at its provider.

    Refused up front (RefundTooLarge, RefundNotPossible, RefundUnderWay while another is
    pending, IllegalOrderTransition) or, when the provider says no, RefundFailed with nothing
    counted as refunded. RefundDeferred when the provider could not be reached: it may have
    made the refund all the same, so the refund stays pending for the job, which asks again
    under the same idempotency key (a new refund under a new key could give the money back
    twice) and tells the shopper and the admins how it ended. `lines`: the units of order
    lines it gives back (an admin's "SKU quantity" refund), kept on the refund.
    """
    async with shop.store.uow() as uow:
        claimed = await refunds.claim(uow, order_id, amount, actor, reason, lines)
    return await make_claimed(shop, claimed)


async def make_claimed(shop: Shop, claimed: RefundClaim) -> RefundResult:
    """The refund of a claim already committed (by `refund_payment`, or in the transaction
    of a decision that owes it, as a return's approval): made at the provider and recorded.
    RefundFailed (given back) and RefundDeferred as `refund_payment`; a crash before the end
    leaves it pending for `resume_pending_refunds`, which makes it once."""
    made = await _refund_or_give_back(shop, claimed)
    return await _record(shop, claimed, made)


async def _record(shop: Shop, claimed: RefundClaim, made: AtProvider) -> RefundResult:
    """The refund the provider made, in the books, with a return's `return.refund` audit row
    (a concurrent move of the order is met by trying again); the admins hear if the gift
    card's part could not go back with it."""
    for attempt in range(RECORD_ATTEMPTS):
        try:
            async with shop.store.uow() as uow:
                result = await refunds.record_refund(
                    uow,
                    claimed,
                    made.refund_id,
                    claimed.actor,
                    claimed.reason,
                    already=made.already,
                )
                untold = await returns.refund_ended(uow, claimed)  # a return's: its audit row
        except IllegalOrderTransition:
            if attempt == RECORD_ATTEMPTS - 1:
                raise
        else:
            await alert_not_back(shop, claimed.order_id, result.card_not_back)
            await tell_inviter_void(shop, result.reward_voided)
            return replace(result, return_untold=untold)
    raise AssertionError("unreachable")


async def refund_second_payment(shop: Shop, payment_id: int, reason: str) -> RefundInfo:
    """Give back all of a second payment for an order that was paid already (Telegram
    delivered two successful payments for one invoice); RefundFailed if the provider says no
    or the shop cannot refund it itself (nothing is counted as refunded then), RefundDeferred
    if the provider could not be reached (the pending-refunds job tries again)."""
    async with shop.store.uow() as uow:
        claimed = await refunds.claim_second_payment(uow, payment_id, reason)
    made = await _refund_or_give_back(shop, claimed)
    async with shop.store.uow() as uow:
        return await refunds.record_second_refund(
            uow, claimed, made.refund_id, already=made.already
        )


async def _refund_or_give_back(
    shop: Shop, claimed: RefundClaim, *, now: datetime | None = None
) -> AtProvider:
    """The refund at the provider; if it is refused, the claim is marked failed and given
    back (a return's request opened again, `return.refund.refused` in the audit log, in that
    transaction), and RefundFailed says why in the reader's words. A provider that could not be
    reached (Stripe down or timed out, Telegram's "retry after") leaves it pending for the
    job, until it was tried after each of SECOND_REFUND_PAUSES: RefundDeferred."""
    try:
        return AtProvider(await _refund_at_provider(shop, claimed))
    except AlreadyRefunded:
        return AtProvider(None, already=True)
    except (ProviderRejected, ProviderUnreachable, RefundNotPossible) as exc:
        async with shop.store.uow() as uow:
            later = isinstance(exc, ProviderUnreachable) and await refunds.try_again_later(
                uow, claimed, now or utcnow(), len(SECOND_REFUND_PAUSES)
            )
            if not later:
                failed = RefundFailed(claimed.order_id, exc)
                await refunds.give_back(uow, claimed)
                await returns.refund_ended(uow, claimed, failed.note())  # reopened, audited
        if later:
            raise RefundDeferred(claimed.order_id, exc, claimed.amount, claimed.currency) from exc
        raise failed from exc


async def _refund_at_provider(shop: Shop, claimed: RefundClaim) -> str | None:
    """The provider's refund id (Stars refunds have none)."""
    if claimed.provider == "stars":
        if shop.stars is None:
            raise RefundNotPossible.saying(N_("the shop has no bot to refund Telegram Stars with"))
        await shop.stars.refund(claimed.payer_telegram_id, claimed.telegram_payment_charge_id)
        return None
    if not claimed.provider_payment_charge_id:
        raise RefundNotPossible.saying(N_("the payment has no provider charge id"))
    if shop.stripe is None:
        raise RefundNotPossible.saying(
            N_("STRIPE_API_KEY is not set; refund it in the Stripe dashboard instead")
        )
    return await shop.stripe.refund(
        claimed.provider_payment_charge_id,
        claimed.amount,
        claimed.currency,
        claimed.idempotency_key,
    )


async def resume_pending_refunds(shop: Shop, *, now: datetime | None = None) -> list[int]:
    """Finish the refunds left pending: by a crash (claimed, then the worker died before the
    provider call or before recording it), or because the provider could not be reached;
    the orders whose refund was finished.

    Asked again, the provider makes it or says it is made: refundStarPayment answers
    CHARGE_ALREADY_REFUNDED, and Stripe returns the same refund for the same idempotency
    key. The shopper and the admins (the one who asked among them) hear of it then; one the
    provider cannot be reached for is tried again after each of SECOND_REFUND_PAUSES, with
    the same key; one the provider refuses, or still cannot be reached for after the last,
    is given back and the order flagged for the admins (a return's request waits for them
    again). A return's approval she was not told of yet is told by this message, taken first
    as the return's own message is (a compare-and-set): if the `tell-returns` job took it in
    between (the refund is recorded, so the approval's message is owed from then), she heard
    "✅ … approved" from it and this one is not sent, so she never hears of it twice.
    """
    now = now or utcnow()
    since = [now - PENDING_REFUND_GRACE, *(now - pause for pause in SECOND_REFUND_PAUSES)]
    async with shop.store.uow() as uow:
        pending = await refunds.left_pending(uow, since)
    finished = []
    for refund_id, before in pending:
        async with shop.store.uow() as uow:
            claimed = await refunds.take_over(uow, refund_id, before, now)
        if claimed is not None and await _finish(shop, claimed, now):
            finished.append(claimed.order_id)
    return finished


async def _finish(shop: Shop, claimed: RefundClaim, now: datetime) -> bool:
    """Make and record one refund left pending, and tell the shopper and the admins (one
    whose provider could not be reached is tried again later: the admins hear so once)."""
    order_id = claimed.order_id
    try:
        made = await _refund_or_give_back(shop, claimed, now=now)
    except RefundDeferred as exc:
        if claimed.counted and not claimed.attempts:  # a second payment's was told at once
            amount, problem = claimed.amount, exc.problem
            await shop.alert_admins(
                lambda admin: notices.pending_refund_retrying(
                    admin, order_id, admin.money(amount, claimed.currency), problem
                )
            )
        return False
    except RefundFailed as exc:
        if claimed.counted:
            failed = (
                N_("a refund tried again automatically failed: {problem}")
                if claimed.attempts
                else N_("a refund left pending by a restart failed: {problem}")
            )
            reason = i18n.worded(failed, problem=exc.problem)
        else:
            reason = refunds.second_payment_unrefunded(
                claimed.telegram_payment_charge_id, claimed.amount, claimed.currency, exc.problem
            )
        async with shop.store.uow() as uow:
            order = await uow.orders.get(order_id, full=False)
            if order is not None:
                uow.orders.flag_for_review(order, reason)
        await shop.alert_admins(lambda tr: notices.needs_review(tr, order_id, reason))
        if claimed.counted and claimed.attempts:  # she was told we'd message her when done
            tr = await shop.words_of(claimed.customer_telegram_id)
            lost = tr.money(claimed.amount, claimed.currency)
            await shop.notifier.notify(
                claimed.customer_telegram_id, notices.refund_given_up(tr, order_id, lost)
            )
        return False
    tr, tell_her = await shop.words_of(claimed.customer_telegram_id), True
    if claimed.counted:
        result = await _record(shop, claimed, made)
        if result.return_untold and not await _take_return_message(shop, claimed):
            tell_her = False  # the `tell-returns` job told her of the approval meanwhile
        whole = result.new_status == OrderStatus.REFUNDED
        told = notices.order_refunded(tr, order_id, result.info, whole, claimed.reason)
        info = result.info
    else:
        async with shop.store.uow() as uow:
            info = await refunds.record_second_refund(
                uow, claimed, made.refund_id, already=made.already
            )
        told = notices.paid_twice(tr, order_id, tr.money(info.amount, info.currency), refunded=True)
    if tell_her:
        await shop.notifier.notify(claimed.customer_telegram_id, told)
    await shop.alert_admins(
        lambda admin: notices.pending_refund_finished(
            admin,
            order_id,
            admin.money(info.amount, info.currency),
            second=not claimed.counted,
            retried=bool(claimed.attempts),
        )
    )
    return True


async def _take_return_message(shop: Shop, claimed: RefundClaim) -> bool:
    """Take her message about the return whose refund `claimed` is, for the job's "↩️ We
    refunded …" to tell her: False if another took it (the `tell-returns` job)."""
    async with shop.store.uow() as uow:
        return await uow.returns.take_message_of_refund(claimed.refund_id, utcnow())
