"""Every update handled once: redelivered, delivered to two workers at once, or cut by a crash.

A redelivered update has the same update_id as the first delivery (Telegram retrying a
webhook that answered late, a poller that restarted before confirming). The inbox stores
each update once: a second delivery of one that is handled, or being handled, is dropped.
A crash after an update's change committed leaves its inbox entry unfinished; handled again,
it answers from what is stored and changes nothing.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select, update

from bot.inbox import Inbox
from bot.metrics import Metrics
from bot.standin.harness import ShopHarness
from bot.standin.server import SECRET_TOKEN_HEADER
from bot.standin.user import FakeUser
from bot.store.models import InboxEntry, utcnow
from bot.store.uow import Store
from tests.production.test_webhook_workers import all_idle, two_workers

MUG = "KIT-MUG-CER"
ADMIN_ID = 9001


async def mugs_in_cart(store: Store, telegram_id: int = 1001) -> int:
    async with store.reading() as uow:
        customer = await uow.customers.get_by_telegram_id(telegram_id)
        assert customer is not None
        product = await uow.products.get_by_sku(MUG)
        assert product is not None
        return (await uow.carts.counts(customer.id, product.id))[0]


async def last_update(store: Store, kind: str) -> InboxEntry:
    async with store.reading() as uow:
        found = await uow.session.scalars(
            select(InboxEntry)
            .where(InboxEntry.kind == kind)
            .order_by(InboxEntry.update_id.desc())
            .limit(1)
        )
        entry = found.one()
    return entry


async def add_a_mug(user: FakeUser) -> None:
    await user.send(f"/start product_{MUG}")
    await user.wait_for("Add to cart")
    await user.press("Add to cart")


async def test_a_redelivered_add_to_cart_is_handled_once(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await add_a_mug(alice)
        await h.until_idle()
        tap = await last_update(h.store, "callback_query")
        answers = len(h.standin.calls_to("answerCallbackQuery"))

        await h.standin.redeliver(tap.payload)  # the poller restarted before confirming it
        await h.until_idle()

        assert await mugs_in_cart(h.store) == 1
        assert len(h.standin.calls_to("answerCallbackQuery")) == answers  # not answered again
        assert (await last_update(h.store, "callback_query")).status == "done"


async def test_an_admin_stock_change_delivered_twice_adds_once(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, admin_ids=frozenset({ADMIN_ID})) as h:
        ada = h.user(ADMIN_ID, "Ada")
        await ada.send(f"/stock {MUG} +5")
        await ada.wait_for("29")
        await h.until_idle()
        command = await last_update(h.store, "message")

        await h.standin.redeliver(command.payload)
        await h.until_idle()

        async with h.store.reading() as uow:
            mug = await uow.products.get_by_sku(MUG)
        assert mug is not None and mug.stock == 29  # 24 + 5, once


async def test_the_same_tap_posted_to_two_workers_at_once_counts_once(
    tmp_path: Path, pg_url: str
) -> None:
    async with two_workers(tmp_path, pg_url) as workers:
        alice = workers[0].user(1001, "Alice")
        await add_a_mug(alice)
        await all_idle(workers)
        await alice.send("/cart")
        cart = await alice.wait_for("Your cart")
        await alice.press("➕", message=cart)
        await all_idle(workers)
        tap = await last_update(workers[0].store, "callback_query")
        assert await mugs_in_cart(workers[0].store) == 2

        # Telegram thought the first answer too late and sends the tap again, to both.
        again = {**tap.payload, "update_id": tap.update_id + 10_000}  # a fresh one, twice
        async with aiohttp.ClientSession() as http:
            statuses = await asyncio.gather(
                *(post(http, worker, again) for worker in workers),
                *(post(http, worker, tap.payload) for worker in workers),
            )
        await all_idle(workers)

        assert statuses == [200, 200, 200, 200]
        assert await mugs_in_cart(workers[0].store) == 3  # the fresh one once, the old none


async def post(http: aiohttp.ClientSession, worker: ShopHarness, body: dict[str, Any]) -> int:
    assert worker.settings is not None
    headers = {SECRET_TOKEN_HEADER: worker.settings.webhook_secret}
    async with http.post(worker.webhook_url, json=body, headers=headers) as response:
        return response.status


async def crash_after(store: Store, entry: InboxEntry, *, changed: bool) -> None:
    """Make the inbox look as a crash mid-way through `entry` leaves it: still being
    handled, by a worker whose lease ran out, with its change made or not."""
    async with store.uow() as uow:
        await uow.session.execute(
            update(InboxEntry)
            .where(InboxEntry.update_id == entry.update_id)
            .values(
                status="handling",
                finished_at=None,
                lease_until=utcnow() - timedelta(seconds=1),
                applied_at=utcnow() if changed else None,
            )
        )


async def test_a_tap_whose_change_was_made_before_a_crash_is_answered_not_repeated(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await add_a_mug(alice)
        await h.until_idle()
        tap = await last_update(h.store, "callback_query")
        await crash_after(h.store, tap, changed=True)  # the cart line was written, then: crash

        await h.restart()  # a polling bot takes back every unfinished update at start-up
        await h.until_idle()

        assert await mugs_in_cart(h.store) == 1
        entry = await last_update(h.store, "callback_query")
        assert (entry.status, entry.attempts) == ("done", 2)
        assert "In your cart: 1" in (alice.last_message.text or "")  # type: ignore[union-attr]


async def test_a_tap_a_crash_cut_before_its_change_is_handled_after_the_restart(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await add_a_mug(alice)
        await h.until_idle()
        tap = await last_update(h.store, "callback_query")
        async with h.store.uow() as uow:  # the change never committed: undo it
            customer = await uow.customers.get_by_telegram_id(1001)
            assert customer is not None
            await uow.carts.empty(customer.id)
        await crash_after(h.store, tap, changed=False)

        await h.restart()
        await h.until_idle()

        assert await mugs_in_cart(h.store) == 1  # added by the second try, once
        assert (await last_update(h.store, "callback_query")).status == "done"


async def test_a_shop_kept_across_stand_ins_still_answers_new_updates(tmp_path: Path) -> None:
    """The sandbox's --db keeps a shop across runs; a new Telegram stand-in must not reuse
    update ids the inbox has seen (they would be dropped as redeliveries)."""
    for _ in range(2):
        async with ShopHarness(tmp_path) as h:
            alice = h.user(1001, "Alice")
            await alice.send("/help")
            await alice.wait_for("/search")


def a_message(update_id: int, chat_id: int) -> dict[str, Any]:
    chat = {"id": chat_id, "type": "private", "first_name": "Alice"}
    sender = {"id": chat_id, "is_bot": False, "first_name": "Alice"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "from": sender, "text": "/help"}
    return {"update_id": update_id, "message": message}


async def statuses(store: Store) -> list[str]:
    async with store.reading() as uow:
        return list(await uow.session.scalars(select(InboxEntry.status)))


async def test_handled_updates_are_marked_done_together_and_a_clean_stop_loses_no_mark(
    sqlite_store: Store,
) -> None:
    """Ten chats' updates finish at once: their marks wait a moment and go in one write (each
    its own write cost a sixth of a round trip's CPU); the chats do not wait for them. A stop
    writes the marks still waiting, so a restart handles none of them again."""
    inbox = Inbox(sqlite_store, Metrics(), lease=timedelta(minutes=1), keep=timedelta(hours=1))
    await inbox.receive([a_message(100 + chat, chat) for chat in range(10)])
    writes: list[int] = []
    apply = sqlite_store.apply

    async def counted(batch: Any, *, chat_id: int | None) -> bool:
        writes.append(len(batch))
        return await apply(batch, chat_id=chat_id)

    sqlite_store.apply = counted  # type: ignore[method-assign]

    for chat in range(10):
        await inbox.finish(100 + chat)  # returns at once: the mark is not written yet
    assert await statuses(sqlite_store) == ["handling"] * 10

    await inbox.settle()  # what a stop does (Shop.close)

    assert await statuses(sqlite_store) == ["done"] * 10
    assert len(writes) == 1


async def test_a_redelivered_update_beside_a_new_one_drops_only_the_old_one(store: Store) -> None:
    """Telegram sends update 7 again with update 8 after it (a lost getUpdates answer): the
    worker takes 8 and drops 7, on each database. (On PostgreSQL the insert of new updates
    stands alone, without a transaction: the 8 it stored before 7's conflict refused the
    batch is what the worker then finds it holds.)"""
    inbox = Inbox(store, Metrics(), lease=timedelta(minutes=1), keep=timedelta(hours=1))
    assert [u["update_id"] for u in await inbox.receive([a_message(7, 1)])] == [7]
    await inbox.finish(7)
    await inbox.settle()

    taken = await inbox.receive([a_message(7, 1), a_message(8, 2)], polled=True)

    assert [u["update_id"] for u in taken] == [8]
    assert inbox.was_dropped(7)  # PTB queues it all the same: it is dropped then
    assert sorted(await statuses(store)) == ["done", "handling"]


async def test_an_update_dropped_while_a_dead_worker_held_it_is_handled_when_taken_over(
    store: Store,
) -> None:
    """Worker A stores update 700 and dies; Telegram posts it again to worker B, which drops
    it (A holds it). When A's lease runs out and B takes 700 over, B handles it: the drop
    was not remembered against it (a webhook never queues what it dropped)."""
    lease, keep = timedelta(minutes=1), timedelta(hours=1)
    dead, alive = (
        Inbox(store, Metrics(), lease=lease, keep=keep),
        Inbox(store, Metrics(), lease=lease, keep=keep),
    )
    assert [u["update_id"] for u in await dead.receive([a_message(700, 1)])] == [700]
    assert await alive.receive([a_message(700, 1)]) == []  # held by the dead worker

    async with store.uow() as uow:  # its lease runs out
        await uow.session.execute(update(InboxEntry).values(lease_until=utcnow() - lease))
    taken = await alive.recover()

    assert [u["update_id"] for u in taken] == [700]
    assert alive.taken(700) is not None and not alive.was_dropped(700)


async def test_an_unreadable_update_a_crash_left_is_marked_failed_and_the_rest_are_handled(
    tmp_path: Path,
) -> None:
    """A crash left two updates unfinished, the older of them one the bot cannot read (stored
    by a version that let it in): the restart marks it failed, with why, and still answers
    Alice's /help, however often it is taken again."""
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        assert h.shop is not None
        await h.shop.inbox.receive([{"update_id": 100, "message": {}}, a_message(200, 1001)])

        await h.restart()  # a polling bot takes back every unfinished update at start-up
        await h.until_idle()

        assert "/search" in (alice.last_message.text or "")  # type: ignore[union-attr]
        async with h.store.reading() as uow:
            entries = {e.update_id: e for e in await uow.session.scalars(select(InboxEntry))}
        assert entries[100].status == "failed"
        assert "cannot read" in (entries[100].error or "")
        assert entries[200].status == "done"
