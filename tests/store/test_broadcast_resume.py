"""Taking over a dead sender's broadcast, in SQL, on each database (the crash story is in
tests/admin/test_e2e_broadcast_resume.py, on SQLite): two workers at once, one taker; a
stopped one and a day-old one are never taken over; a broadcast's list goes as it ends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, update

from bot.config import Settings
from bot.store.models import Broadcast, BroadcastRecipient, Customer, utcnow
from bot.store.repositories.broadcasts import Liveness
from bot.store.uow import Store, UnitOfWork
from bot.usecases import broadcast


def liveness() -> Liveness:
    return broadcast.liveness(Settings(bot_token="1:x"), utcnow())


async def listed(uow: UnitOfWork) -> int:
    return int(await uow.session.scalar(select(func.count()).select_from(BroadcastRecipient)) or 0)


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
        counts = {"sent": 40, "blocked": 0, "failed": 0, "skipped": 0}
        assert not await uow.broadcasts.keep_sending(
            dead.id, 0, **counts, reached_id=45, now=utcnow()
        )
        assert await uow.broadcasts.keep_sending(dead.id, 1, **counts, reached_id=45, now=utcnow())


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


async def test_a_broadcast_from_before_the_lists_lists_the_rest_and_lists_go_as_they_end(
    store: Store,
) -> None:
    """Ada's broadcast to everyone was sending as migration 0060 came (no list): it had
    reached Amy; Ben had blocked the bot (counted then), Cleo was still to come and Dora
    joined after it started. Taken over, it lists Cleo alone, and its list goes as it ends;
    so does the list of one too old to go on."""
    hour_ago, now = utcnow() - timedelta(hours=1), utcnow()
    async with store.uow() as uow:
        amy, ben, cleo, dora = (
            Customer(telegram_id=who, first_name=name, created_at=hour_ago)
            for who, name in ((1, "Amy"), (2, "Ben"), (3, "Cleo"), (4, "Dora"))
        )
        ben.blocked_bot, dora.created_at = True, now
        uow.session.add_all([amy, ben, cleo, dora])
        await uow.session.flush()
        old = Broadcast(started_by=9001, chat_id=9001, total=3, sent=1, blocked=1, text="News")
        old.reached_id, old.started_at = amy.id, hour_ago
        old.updated_at = now - timedelta(minutes=6)
        uow.session.add(old)
    async with store.uow() as uow:
        taken = await uow.broadcasts.take_over(liveness(), now=utcnow())
        assert taken is not None and not taken.listed
        assert await uow.broadcasts.list_audience(taken, "all", now=utcnow(), rest=True) == 1
        assert (taken.listed, taken.total) == (True, 3)
    async with store.reading() as uow:
        (rest,) = await uow.broadcasts.recipients(taken.id, after=0, limit=10)
    assert rest.telegram_id == 3
    async with store.uow() as uow:
        done = {"sent": 2, "blocked": 1, "failed": 0, "skipped": 0}
        assert await uow.broadcasts.finish(taken.id, 1, stopped=False, **done, now=utcnow())
        assert await listed(uow) == 0

        day_old = Broadcast(started_by=9001, chat_id=9001, total=0, text="Old news")
        day_old.started_at = utcnow() - timedelta(hours=25)
        uow.session.add(day_old)
        await uow.session.flush()
        assert await uow.broadcasts.list_audience(day_old, "all", now=utcnow()) == 4
    async with store.uow() as uow:
        await uow.session.execute(
            update(Broadcast)
            .where(Broadcast.id == day_old.id)
            .values(updated_at=utcnow() - timedelta(minutes=6))
        )
    async with store.uow() as uow:
        (given_up,) = await uow.broadcasts.give_up_dead(liveness(), now=utcnow())
        assert given_up.id == day_old.id
        assert await listed(uow) == 0
