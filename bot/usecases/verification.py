"""After a Stripe payment, ask Stripe whether the charge is what Telegram told us.

A mismatch (amount, currency, status) or a charge Stripe does not know flags the order for
review instead of fulfilment. Stripe being unreachable keeps the payment "pending"; a job
retries it later. Every attempt and its outcome is recorded on the Payment row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.i18n import N_, worded
from bot.payments.stripe_gateway import ChargeInfo, ProviderRejected, ProviderUnreachable
from bot.shop import Shop
from bot.store.models import Payment, utcnow

VERIFIED = "verified"
MISMATCH = "mismatch"
UNKNOWN_CHARGE = "unknown_charge"
PENDING = "pending"
SKIPPED = "skipped"


@dataclass(frozen=True)
class VerificationOutcome:
    payment_id: int
    order_id: int
    status: str
    note: str | None = None
    # False when another check (another worker, a concurrent retry) had already decided it:
    # only the one that decided should alert the admins.
    decided_here: bool = True

    @property
    def flagged(self) -> bool:
        """The order needs an admin: do not fulfil it."""
        return self.status in (MISMATCH, UNKNOWN_CHARGE)


def initial_status(shop: Shop, provider: str) -> str:
    """What a new payment starts as: checked later (pending) or not checkable (skipped)."""
    return PENDING if provider == "stripe" and shop.settings.stripe_api_key else SKIPPED


def compare(payment: Payment, charge: ChargeInfo | None) -> tuple[str, str | None]:
    """The verdict on a charge against the payment Telegram reported."""
    if charge is None:
        unknown = N_("Stripe does not know charge {charge_id}")
        return UNKNOWN_CHARGE, worded(unknown, charge_id=payment.provider_payment_charge_id)
    problems = []
    if charge.amount != payment.amount:
        problems.append(f"amount {charge.amount} ≠ {payment.amount}")
    if charge.currency != payment.currency.upper():
        problems.append(f"currency {charge.currency} ≠ {payment.currency}")
    if charge.status != "succeeded" or not charge.paid:
        problems.append(f"status {charge.status}")
    if problems:
        # Stripe's own field names and values, as its dashboard shows them.
        mismatch = N_("charge {charge_id} differs at Stripe: {problems}")
        return MISMATCH, worded(mismatch, charge_id=charge.id, problems=", ".join(problems))
    return VERIFIED, None


async def verify_payment(
    shop: Shop, payment_id: int, *, now: datetime | None = None
) -> VerificationOutcome:
    """Check one pending payment at Stripe and record the outcome."""
    async with shop.store.uow() as uow:
        payment = await uow.session.get(Payment, payment_id)
        if payment is None:
            raise LookupError(f"no payment {payment_id}")
        order_id = payment.order_id
        if payment.verification_status != PENDING:
            return VerificationOutcome(
                payment_id, order_id, payment.verification_status, decided_here=False
            )
        snapshot = Payment(
            provider_payment_charge_id=payment.provider_payment_charge_id,
            amount=payment.amount,
            currency=payment.currency,
        )
    gateway = shop.stripe
    if gateway is None:
        no_key = worded(N_("STRIPE_API_KEY is not set"))
        return await _record(shop, payment_id, PENDING, no_key, now)
    charge_id = snapshot.provider_payment_charge_id
    if not charge_id:
        no_charge = worded(N_("no provider charge id"))
        return await _record(shop, payment_id, UNKNOWN_CHARGE, no_charge, now)
    try:
        charge = await gateway.retrieve_charge(charge_id)
    except ProviderUnreachable as exc:
        unreachable = worded(N_("Stripe unreachable: {problem}"), problem=str(exc))
        return await _record(shop, payment_id, PENDING, unreachable, now)
    except ProviderRejected as exc:
        refused = worded(N_("Stripe refused the look-up: {problem}"), problem=str(exc))
        return await _record(shop, payment_id, PENDING, refused, now)
    status, note = compare(snapshot, charge)
    return await _record(shop, payment_id, status, note, now)


async def _record(
    shop: Shop, payment_id: int, status: str, note: str | None, now: datetime | None
) -> VerificationOutcome:
    async with shop.store.uow() as uow:
        # The row lock makes a concurrent check on another worker wait and then see our verdict.
        payment = await uow.session.get(
            Payment, payment_id, with_for_update=True, populate_existing=True
        )
        assert payment is not None
        if payment.verification_status != PENDING:  # a concurrent check finished first
            return VerificationOutcome(
                payment_id, payment.order_id, payment.verification_status, decided_here=False
            )
        payment.verification_attempts += 1
        payment.verification_status = status
        payment.verification_note = note
        if status != PENDING:
            payment.verified_at = now or utcnow()
        outcome = VerificationOutcome(payment_id, payment.order_id, status, note)
        if outcome.flagged:
            order = await uow.orders.get(payment.order_id, full=False)
            assert order is not None
            uow.orders.flag_for_review(order, worded(N_("payment check: {note}"), note=note))
        return outcome


async def verify_pending(shop: Shop, *, now: datetime | None = None) -> list[VerificationOutcome]:
    """Retry every payment still pending (the job run after a Stripe outage).

    Returns only the checks this call decided, so with several workers running the job an
    outcome (and its admin alert) is reported once.
    """
    if shop.stripe is None:
        return []
    async with shop.store.uow() as uow:
        pending = [payment.id for payment in await uow.payments.awaiting_verification()]
    outcomes = [await verify_payment(shop, payment_id, now=now) for payment_id in pending]
    return [outcome for outcome in outcomes if outcome.decided_here]
