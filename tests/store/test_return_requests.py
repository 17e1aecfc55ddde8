"""Return requests on a real database (SQLite and PostgreSQL): an order holds one open
request at most, even when two are written at once, and each is decided once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store.models import Order, utcnow
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
        assert not await uow.returns.take_decline_message(waiting.id, utcnow())
    async with store.reading() as uow:
        assert [r.id for r in await uow.returns.declines_untold(10)] == [declined.id]

    async def take() -> bool:
        async with store.uow() as uow:
            return await uow.returns.take_decline_message(declined.id, utcnow())

    assert sorted(await asyncio.gather(take(), take())) == [False, True]
    assert not await take()
    async with store.reading() as uow:
        assert await uow.returns.declines_untold(10) == []
