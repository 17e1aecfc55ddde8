"""A broadcast that a crash interrupts goes on where it stopped, to the audience it started
with: Ada's newsletter to the 45 customers who read Spanish loses its worker right after its
first batch is recorded; meanwhile Nia joins, Pablo switches to Spanish and Sofía to English,
Olga blocks the bot and Dana deletes her data. Five minutes on, the job on two workers finds
it, one of them takes it over and sends it to everyone on its list it had not reached (Sofía
too) but Olga and Dana, nobody twice; Ada hears once that it was interrupted and going on,
then the usual report."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.shop import Shop
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.store.models import Broadcast, BroadcastRecipient, Customer, utcnow
from bot.store.repositories.broadcasts import BroadcastRepository, Liveness
from bot.store.uow import Store
from bot.usecases import broadcast, privacy
from bot.usecases.broadcast import BroadcastReport
from bot.views import admin_broadcast
from tests.admin.conftest import ADMIN_ID
from tests.admin.test_e2e_broadcast import running

CUSTOMERS = 45
BATCH = 10  # BROADCAST_BATCH: the crash comes as the first 10 are recorded
NEWCOMER, PABLO = 7777, 7778


async def spanish_readers(h: ShopHarness, standin: BotApiStandIn, count: int) -> list[int]:
    """`count` customers whose Telegram speaks Spanish, and Pablo, whose speaks English."""
    ids = [5000 + i for i in range(count)]
    async with h.store.uow() as uow:
        for telegram_id in [*ids, PABLO]:
            standin.user(telegram_id, f"C{telegram_id}")
            language = "en" if telegram_id == PABLO else "es-AR"
            uow.session.add(
                Customer(telegram_id=telegram_id, first_name="C", language_code=language)
            )
    return ids


async def test_a_broadcast_cut_short_by_a_crash_goes_on_down_the_list_it_started_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path,
            standin=standin,
            admin_ids=frozenset({ADMIN_ID}),
            broadcast_rate=20.0,
            broadcast_batch=BATCH,
        ) as h:
            # The two workers below look for it themselves: the harness's own job (its first
            # run is a second in, about when the crash comes) must not look too.
            h.without_job("send-scheduled-broadcasts")
            ids = await spanish_readers(h, standin, CUSTOMERS)
            crashed = asyncio.Event()

            async def dies_as_it_shows(*_: object) -> None:
                crashed.set()
                raise asyncio.CancelledError  # its first batch recorded, the worker dies

            monkeypatch.setattr(admin_broadcast, "show_progress", dies_as_it_shows)
            ada = h.user(ADMIN_ID, "Ada")
            await ada.send("/broadcast")
            await ada.wait_for("Send the text")
            await ada.send("Boletín de invierno")
            await ada.press("🌐 Reads Spanish (45)", message=await ada.wait_for("[📣 Send"))
            await ada.press(f"📣 Send to {CUSTOMERS}", message=await ada.wait_for("✅ 🌐"))
            await asyncio.wait_for(crashed.wait(), timeout=10)
            for sender in [t for t in asyncio.all_tasks() if t.get_name().startswith("broadcast-")]:
                with contextlib.suppress(asyncio.CancelledError):
                    await sender  # it is over once it raised, or about to be
            monkeypatch.undo()

            olga, dana, sofia = ids[BATCH + 1], ids[BATCH + 2], ids[BATCH + 3]
            shop = running(h)
            await privacy.forget(shop, dana)  # Dana deletes her data
            async with h.store.uow() as uow:
                row = await uow.session.scalar(select(Broadcast))
                assert row is not None and (row.status, row.reached_id, row.sent) == (
                    "sending",
                    BATCH,
                    BATCH,
                )
                assert await broadcast.resume_interrupted(shop) is False  # still alive
                await uow.session.execute(  # five minutes on, its progress has not moved
                    update(Broadcast).values(updated_at=utcnow() - timedelta(minutes=6))
                )
                await uow.customers.mark_blocked(olga)  # another bulk send found she blocked us
                for telegram_id, language in ((sofia, "en"), (PABLO, "es")):
                    who = await uow.customers.get_by_telegram_id(telegram_id)
                    assert who is not None
                    await uow.customers.set_language(who.id, language)
                standin.user(NEWCOMER, "Nia")  # she came after it started: not its audience
                uow.session.add(Customer(telegram_id=NEWCOMER, first_name="Nia", language="es"))

            other_store = Store.from_url(h.store.engine.url.render_as_string(hide_password=False))
            other: Shop = dataclasses.replace(shop, store=other_store)  # a second worker
            read, both = BroadcastRepository.any_dead, asyncio.Barrier(2)

            async def read_by_both(self: BroadcastRepository, live: Liveness) -> bool:
                found = await read(self, live)  # neither has taken it when the other looks
                await both.wait()
                return found

            monkeypatch.setattr(BroadcastRepository, "any_dead", read_by_both)
            try:
                taken = await asyncio.gather(
                    broadcast.resume_interrupted(shop), broadcast.resume_interrupted(other)
                )
            finally:
                await other_store.close()
                monkeypatch.undo()
            assert sorted(taken) == [False, True]  # one taker

            told = await ada.wait_for("Broadcast finished", timeout=15)
            got = BroadcastReport(CUSTOMERS, sent=CUSTOMERS - 2, blocked=1, skipped=1)
            assert got.summary() in (told.text or "")
            skipped = "1 skipped (deleted her data or blocked by the shop)"
            assert f"43 sent, 1 blocked the bot, 0 failed, {skipped}" in (told.text or "")
            await h.until_idle()
            said = [m.text or "" for m in ada.messages]
            going_on = f"was interrupted at {BATCH} of {CUSTOMERS}; going on."
            assert len([t for t in said if going_on in t]) == 1
            assert len([t for t in said if "Broadcast finished" in t]) == 1
            copies = {
                i: len([m for m in standin.user(i).messages if m.text == "Boletín de invierno"])
                for i in [*ids, PABLO, NEWCOMER]
            }
            listed_and_willing = set(ids) - {olga, dana}  # Sofía too: she was on the list
            assert {i for i, n in copies.items() if n} == listed_and_willing
            assert set(copies.values()) == {0, 1}  # nobody twice
            async with h.store.reading() as uow:
                row = await uow.session.scalar(select(Broadcast))
                lists = await uow.session.scalar(
                    select(func.count()).select_from(BroadcastRecipient)
                )
            assert row is not None
            assert (row.status, row.sent, row.blocked, row.skipped, row.attempt) == (
                "done",
                CUSTOMERS - 2,
                1,
                1,
                1,
            )
            assert lists == 0  # its list went as it ended
            await ada.send("/audit")
            log = (await ada.wait_for("Audit log")).text or ""
            assert (
                "went on with a broadcast a crash interrupted · 🌐 Reads Spanish, 45 recipients"
                in log
            )
