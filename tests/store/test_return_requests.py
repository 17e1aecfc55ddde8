"""Return requests on a real database (SQLite and PostgreSQL): an order holds one open
request at most, even when two are written at once, and each is decided once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store.models import Order, Payment, Refund, utcnow
from bot.store.uow import Store

MUGS = [{"order_line_id": 1, "sku": "MUG", "quantity": 2, "title": "Stoneware Mug 350ml"}]


async def _order(store: Store) -> int:
    async with store.uow() as uow:
        customer = await uow.customers.get_or_create(1001, first_name="Sam")
        order = Order(customer_id=customer.id, currency="USD", status="delivered", total=5040)
        uow.session.add(order)
        await uow.session.flush()
        return order.id


async def test_an_order_holds_one_open_request_and_a_decided_one_makes_room(
    store: Store,
) -> None:
    order_id = await _order(store)
    async with store.uow() as uow:
        first = await uow.returns.add(order_id, 1001, MUGS, "damaged", 2880, "USD")
    with pytest.raises(IntegrityError):
        async with store.uow() as uow:
            await uow.returns.add(order_id, 1001, MUGS, "other", 2880, "USD")

    async with store.uow() as uow:
        assert await uow.returns.decide(first.id, "declined", "admin:9001", utcnow(), "Used")
    async with store.uow() as uow:  # a second decision finds it decided: nothing changes
        assert not await uow.returns.decide(first.id, "approved", "admin:9002", utcnow())
        second = await uow.returns.add(order_id, 1001, MUGS, "other", 2880, "USD")
    async with store.reading() as uow:
        kept = [
            (r.status, r.decided_by, r.decline_reason) for r in await uow.returns.of_order(order_id)
        ]
        assert kept == [("declined", "admin:9001", "Used"), ("requested", None, None)]
        waiting = await uow.returns.open_for(order_id)
        assert waiting is not None and waiting.id == second.id
        assert waiting.lines == MUGS


async def test_a_request_is_restocked_once_even_if_approved_again_after_a_refused_refund(
    store: Store,
) -> None:
    """Its lines go back on the shelf once: an approval whose refund was refused reopens the
    request, and approving it again finds it restocked."""
    order_id = await _order(store)
    async with store.uow() as uow:
        asked = await uow.returns.add(order_id, 1001, MUGS, "damaged", 2880, "USD")
        assert not await uow.returns.mark_restocked(asked.id, utcnow())  # not approved yet
    async with store.uow() as uow:
        assert await uow.returns.decide(asked.id, "approved", "admin:9001", utcnow())
        assert await uow.returns.mark_restocked(asked.id, utcnow())
    async with store.uow() as uow:
        await uow.returns.reopen(asked.id)  # the refund was refused
        assert await uow.returns.decide(asked.id, "approved", "admin:9002", utcnow())
        assert not await uow.returns.mark_restocked(asked.id, utcnow())


async def test_a_declines_message_is_owed_until_taken_and_taken_once_by_two_workers_at_once(
    store: Store,
) -> None:
    """Declined, Sam's message is owed (the job lists it) until a worker takes it; two
    workers taking it at once take it once, so he hears once. An open or approved request
    owes none."""
    order_id = await _order(store)
    async with store.uow() as uow:
        declined = await uow.returns.add(order_id, 1001, MUGS, "damaged", 2880, "USD")
        assert await uow.returns.decide(declined.id, "declined", "admin:9001", utcnow())
        waiting = await uow.returns.add(order_id, 1001, MUGS, "other", 2880, "USD")
        assert not await uow.returns.take_message(waiting.id, "declined", utcnow())
    async with store.reading() as uow:
        assert [r.id for r in await uow.returns.declines_untold(10)] == [declined.id]

    async def take() -> bool:
        async with store.uow() as uow:
            return await uow.returns.take_message(declined.id, "declined", utcnow())

    assert sorted(await asyncio.gather(take(), take())) == [False, True]
    assert not await take()
    async with store.reading() as uow:
        assert await uow.returns.declines_untold(10) == []


async def _refund(store: Store, order_id: int, status: str = "pending") -> int:
    async with store.uow() as uow:
        payment = Payment(
            order_id=order_id,
            provider="stripe",
            telegram_payment_charge_id=f"tg-{order_id}-{status}",
            payer_telegram_id=1001,
            amount=5040,
            currency="USD",
        )
        uow.session.add(payment)
        await uow.session.flush()
        refund = Refund(
            order_id=order_id, payment_id=payment.id, amount=2880, currency="USD", status=status
        )
        uow.session.add(refund)
        await uow.session.flush()
        return refund.id


async def test_an_approvals_message_is_owed_once_its_refund_is_made_and_taken_once(
    store: Store,
) -> None:
    """Approved, Sam's message waits for the refund (the job does not list it while the
    refund is pending: it would say money is on its way that may never go); once the refund
    succeeded it is owed until taken, and the approval's own call and the pending-refunds
    job taking it at once take it once. Reopened (the refund failed later), the next
    approval owes its own message again."""
    order_id = await _order(store)
    refund_id = await _refund(store, order_id)
    async with store.uow() as uow:
        asked = await uow.returns.add(order_id, 1001, MUGS, "damaged", 2880, "USD")
        assert await uow.returns.decide(asked.id, "approved", "admin:9001", utcnow())
        await uow.returns.set_refund(asked.id, refund_id)
    async with store.reading() as uow:
        assert await uow.returns.approvals_untold(10) == []
        assert await uow.returns.declines_untold(10) == []
        found = await uow.returns.of_refund(refund_id)
        assert found is not None and found.id == asked.id
    async with store.uow() as uow:
        refund = await uow.session.get(Refund, refund_id)
        assert refund is not None
        refund.status = "succeeded"
    async with store.reading() as uow:
        assert [r.id for r in await uow.returns.approvals_untold(10)] == [asked.id]

    async def take_by_request() -> bool:
        async with store.uow() as uow:
            return await uow.returns.take_message(asked.id, "approved", utcnow())

    async def take_by_refund() -> bool:
        async with store.uow() as uow:
            return await uow.returns.take_message_of_refund(refund_id, utcnow())

    assert sorted(await asyncio.gather(take_by_request(), take_by_refund())) == [False, True]
    assert not await take_by_request() and not await take_by_refund()
    async with store.reading() as uow:
        assert await uow.returns.approvals_untold(10) == []

    again = await _refund(store, order_id, "succeeded")
    async with store.uow() as uow:
        await uow.returns.reopen(asked.id)
        assert await uow.returns.of_refund(refund_id) is None
        assert await uow.returns.decide(asked.id, "approved", "admin:9002", utcnow())
        await uow.returns.set_refund(asked.id, again)
    async with store.reading() as uow:
        assert [r.id for r in await uow.returns.approvals_untold(10)] == [asked.id]
