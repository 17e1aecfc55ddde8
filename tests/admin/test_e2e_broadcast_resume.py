"""A broadcast that a crash interrupts goes on where it stopped: Ada's newsletter to 45
customers loses its worker a batch or so in; five minutes on, the job on two workers finds it,
one of them takes it over and sends it to everyone it had not reached, and Ada hears once that
it was interrupted and going on, then the usual report."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.shop import Shop
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.store.models import Broadcast, Customer, utcnow
from bot.store.repositories.broadcasts import BroadcastRepository, Liveness
from bot.store.uow import Store
from bot.usecases import broadcast
from bot.usecases.broadcast import BATCH
from tests.admin.conftest import ADMIN_ID
from tests.admin.test_e2e_broadcast import add_customers, running

CUSTOMERS = 45
NEWCOMER = 7777


async def test_a_broadcast_cut_short_by_a_crash_is_finished_by_another_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), broadcast_rate=20.0
        ) as h:
            ids = await add_customers(h, standin, CUSTOMERS)
            ada = h.user(ADMIN_ID, "Ada")
            await ada.send("/broadcast")
            await ada.wait_for("Send the text")
            await ada.send("Winter newsletter")
            await ada.press(f"📣 Send to {CUSTOMERS}", message=await ada.wait_for("[📣 Send"))
            await ada.wait_for("📣 Broadcasting… ")  # its first batch is recorded
            (sender,) = [t for t in asyncio.all_tasks() if t.get_name().startswith("broadcast-")]
            sender.cancel()  # the worker sending it dies
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            async with h.store.uow() as uow:
                row = await uow.session.scalar(select(Broadcast))
                assert row is not None and row.reached_id > 0 and row.status == "sending"
                reached = row.sent
                assert await broadcast.resume_interrupted(running(h)) is False  # still alive
                await uow.session.execute(  # five minutes on, its progress has not moved
                    update(Broadcast).values(updated_at=utcnow() - timedelta(minutes=6))
                )
                standin.user(NEWCOMER, "Nia")  # she came after it started: not its audience
                uow.session.add(Customer(telegram_id=NEWCOMER, first_name="Nia"))

            other_store = Store.from_url(h.store.engine.url.render_as_string(hide_password=False))
            other: Shop = dataclasses.replace(running(h), store=other_store)  # a second worker
            read, both = BroadcastRepository.any_dead, asyncio.Barrier(2)

            async def read_by_both(self: BroadcastRepository, live: Liveness) -> bool:
                found = await read(self, live)  # neither has taken it when the other looks
                await both.wait()
                return found

            monkeypatch.setattr(BroadcastRepository, "any_dead", read_by_both)
            try:
                taken = await asyncio.gather(
                    broadcast.resume_interrupted(running(h)), broadcast.resume_interrupted(other)
                )
            finally:
                await other_store.close()
                monkeypatch.undo()
            assert sorted(taken) == [False, True]  # one taker

            told = await ada.wait_for("Broadcast finished", timeout=15)
            assert f"{CUSTOMERS} sent, 0 blocked the bot, 0 failed" in (told.text or "")
            await h.until_idle()
            said = [m.text or "" for m in ada.messages]
            going_on = f"was interrupted at {reached} of {CUSTOMERS}; going on."
            assert len([t for t in said if going_on in t]) == 1
            assert len([t for t in said if "Broadcast finished" in t]) == 1
            copies = [
                len([m for m in standin.user(i).messages if m.text == "Winter newsletter"])
                for i in ids
            ]
            assert all(got in (1, 2) for got in copies)  # everyone got it
            assert copies[:reached] == [1] * reached  # those recorded as reached: once
            assert copies.count(2) <= BATCH  # the batch in doubt, at most, twice
            assert not standin.user(NEWCOMER).messages
            async with h.store.reading() as uow:
                row = await uow.session.scalar(select(Broadcast))
            assert row is not None and (row.status, row.sent, row.attempt) == ("done", 45, 1)
            await ada.send("/audit")
            log = (await ada.wait_for("Audit log")).text or ""
            assert (
                "went on with a broadcast a crash interrupted · 👥 Everyone, 45 recipients" in log
            )
