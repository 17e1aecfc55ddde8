"""Taking over a dead sender's broadcast, in SQL, on each database (the crash story is in
tests/admin/test_e2e_broadcast_resume.py, on SQLite): two workers at once, one taker; a
stopped one and a day-old one are never taken over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from bot.store.models import Broadcast, utcnow
from bot.store.repositories.broadcasts import Liveness
from bot.store.uow import Store
from bot.usecases.broadcast import RESUME_WITHIN, STALLED_AFTER, STOPPING_DEAD_AFTER


def liveness() -> Liveness:
    now = utcnow()
    return Liveness(now - STALLED_AFTER, now - STOPPING_DEAD_AFTER, now - RESUME_WITHIN)


async def test_two_workers_find_a_dead_sender_and_one_takes_it_over(store: Store) -> None:
    async with store.uow() as uow:
        dead = Broadcast(started_by=9001, chat_id=9001, total=120, sent=37, text="News")
        dead.reached_id, dead.updated_at = 40, utcnow() - timedelta(minutes=6)
        uow.session.add(dead)
    other = Store.from_url(store.engine.url.render_as_string(hide_password=False))
    try:

        async def take(by: Store) -> Broadcast | None:
            async with by.uow() as uow:
                return await uow.broadcasts.take_over(liveness(), now=utcnow())

        taken = await asyncio.gather(take(store), take(other))
    finally:
        await other.close()
    (mine,) = [row for row in taken if row is not None]
    assert (mine.attempt, mine.reached_id, mine.sent, mine.text) == (1, 40, 37, "News")
    async with store.uow() as uow:  # the first sender, slow but alive, stops writing
        assert not await uow.broadcasts.keep_sending(
            dead.id, 0, sent=40, blocked=0, failed=0, reached_id=45, now=utcnow()
        )
        assert await uow.broadcasts.keep_sending(
            dead.id, 1, sent=40, blocked=0, failed=0, reached_id=45, now=utcnow()
        )


async def test_a_stopped_or_day_old_broadcast_is_given_up_not_taken_over(store: Store) -> None:
    async with store.uow() as uow:
        old = Broadcast(started_by=9001, chat_id=9001, total=120, sent=37, text="Old news")
        old.started_at = utcnow() - timedelta(hours=25)
        old.updated_at = utcnow() - timedelta(minutes=6)
        uow.session.add(old)
    async with store.uow() as uow:
        assert await uow.broadcasts.any_dead(liveness())
        assert await uow.broadcasts.take_over(liveness(), now=utcnow()) is None
        (given_up,) = await uow.broadcasts.give_up_dead(liveness(), now=utcnow())
        assert (given_up.id, given_up.interrupted, given_up.sent) == (old.id, True, 37)
        stopped = Broadcast(started_by=9001, chat_id=9001, total=9, text="Flash sale")
        uow.session.add(stopped)
    async with store.uow() as uow:
        assert await uow.broadcasts.stop(liveness(), now=utcnow()) == (stopped.id, 9001)
        await uow.session.execute(  # its sender died before it saw the Stop
            update(Broadcast)
            .where(Broadcast.id == stopped.id)
            .values(updated_at=utcnow() - timedelta(minutes=6))
        )
    async with store.uow() as uow:
        assert await uow.broadcasts.take_over(liveness(), now=utcnow()) is None
        (given_up,) = await uow.broadcasts.give_up_dead(liveness(), now=utcnow())
        assert (given_up.id, given_up.interrupted) == (stopped.id, False)
        assert not await uow.broadcasts.any_dead(liveness())
        assert await uow.session.get(Broadcast, stopped.id) is not None
