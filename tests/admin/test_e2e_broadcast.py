"""Broadcasts: preview and confirm, paced under the rate, blocked customers marked and skipped."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from bot.callback_data import StopBroadcast
from bot.shop import Shop
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.store.models import Broadcast, Customer, utcnow
from bot.usecases import blocking, broadcast
from tests.admin.conftest import ADMIN_ID

RATE = 50.0
CUSTOMERS = 60


async def add_customers(h: ShopHarness, standin: BotApiStandIn, count: int) -> list[int]:
    ids = [5000 + i for i in range(count)]
    async with h.store.uow() as uow:
        for telegram_id in ids:
            standin.user(telegram_id, f"C{telegram_id}")
            uow.session.add(Customer(telegram_id=telegram_id, first_name=f"C{telegram_id}"))
    return ids


def running(h: ShopHarness) -> Shop:
    assert h.shop is not None
    return h.shop


def busiest_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_broadcast_is_previewed_paced_reported_and_skips_blocked_customers(
    tmp_path: Path,
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), broadcast_rate=RATE
        ) as h:
            ids = await add_customers(h, standin, CUSTOMERS)
            blocked = ids[:2]
            for telegram_id in blocked:
                standin.user(telegram_id).block()
            admin = h.user(ADMIN_ID, "Ada")

            await admin.send("/broadcast")
            await admin.wait_for(f"broadcast to {CUSTOMERS} customers")
            await admin.send_photo()
            await admin.wait_for("I can broadcast only text")
            await admin.send("Spring sale: 20% off mugs this week!")
            await admin.wait_for(f"[📣 Send to {CUSTOMERS}]")
            await h.until_idle()
            assert not standin.user(ids[5]).messages  # nothing sent before Send is pressed
            await admin.press(f"📣 Send to {CUSTOMERS}")
            await admin.wait_for("Broadcast finished", timeout=15)
            final = admin.last_message
            assert final is not None
            assert f"{CUSTOMERS - 2} sent, 2 blocked the bot, 0 failed" in (final.text or "")
            assert any("Broadcast done: 60/60" in (m.text or "") for m in admin.messages)

            sends = [
                c for c in standin.calls_to("sendMessage") if c.params.get("chat_id") in set(ids)
            ]
            times = sorted(c.at for c in sends)
            assert len(sends) == CUSTOMERS
            assert times[-1] - times[0] >= (CUSTOMERS - 1) / RATE * 0.95
            assert busiest_second(times) <= RATE
            assert "Spring sale" in (standin.user(ids[5]).last_message.text or "")  # type: ignore[union-attr]

            async with h.store.uow() as uow:
                marked = set(
                    await uow.session.scalars(
                        select(Customer.telegram_id).where(Customer.blocked_bot)
                    )
                )
                actions = [e.action for e in await uow.audit.list_recent()]
            assert marked == set(blocked)
            assert {"broadcast.start", "broadcast.done"} <= set(actions)

            # The next broadcast skips the customers who blocked the bot.
            before = len(standin.calls)
            await admin.send("/broadcast")
            await admin.wait_for(f"broadcast to {CUSTOMERS - 2} customers")
            await admin.send("Second note")
            await admin.wait_for(f"Send to {CUSTOMERS - 2}")
            await admin.press(f"📣 Send to {CUSTOMERS - 2}")
            await admin.wait_for("Broadcast finished", timeout=15)
            second = [
                c.params.get("chat_id") for c in standin.calls[before:] if c.method == "sendMessage"
            ]
            assert not set(second) & set(blocked)
            assert f"{CUSTOMERS - 2} sent, 2 blocked" in (admin.last_message.text or "")  # type: ignore[union-attr]


async def test_a_broadcast_can_be_cancelled_before_sending(tmp_path: Path) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID})) as h:
            ids = await add_customers(h, standin, 3)
            admin = h.user(ADMIN_ID, "Ada")
            await admin.send("/broadcast")
            await admin.wait_for("Send the text")
            await admin.send("Never mind")
            preview = await admin.wait_for("[📣 Send to 3]")
            await admin.press("✖️ Cancel", message=preview)
            await admin.wait_for("Cancelled")
            answer = await admin.press("📣 Send to 3", message=preview)
            assert answer.text and "over" in answer.text
            await h.until_idle()
            assert all(not standin.user(i).messages for i in ids)


async def _stopped_after_a_few(h: ShopHarness, standin: BotApiStandIn, stop_with: str) -> None:
    """15 customers at 5 a second: the admin stops the broadcast once it is under way; no one
    else gets it, and the admin is told how many did."""
    ids = await add_customers(h, standin, 15)
    admin = h.user(ADMIN_ID, "Ada")
    await admin.send("/broadcast")
    await admin.wait_for("Send the text")
    await admin.send("Flash sale!")
    await admin.wait_for("[📣 Send to 15]")
    await admin.press("📣 Send to 15")
    await admin.wait_for("📣 Broadcasting… ")  # the progress after its first second

    if stop_with == "/cancel":
        await admin.send("/cancel")
    else:
        await admin.press("⏹ Stop")
    await admin.wait_for("Stopping the broadcast")
    final = await admin.wait_for("got it (", timeout=10)
    await h.until_idle()
    got = [i for i in ids if standin.user(i).messages]
    assert 0 < len(got) < 15
    assert f"{len(got)} of 15 got it" in (final.text or "")
    assert "Back to the main menu" not in " ".join(m.text or "" for m in admin.messages)
    async with h.store.uow() as uow:
        actions = [e.action for e in await uow.audit.list_recent()]
    assert "broadcast.stopped" in actions and "broadcast.done" not in actions
    assert not [b for m in admin.messages for b in m.all_buttons if "Stop" in b.label]
    answer = await admin.press_data(final, StopBroadcast().encode())  # an old Stop
    assert answer.text == "No broadcast is being sent."


async def test_cancel_stops_a_broadcast_being_sent(tmp_path: Path) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), broadcast_rate=5.0
        ) as h:
            await _stopped_after_a_few(h, standin, "/cancel")


async def test_the_stop_button_stops_a_broadcast_being_sent(tmp_path: Path) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), broadcast_rate=5.0
        ) as h:
            await _stopped_after_a_few(h, standin, "stop")


OTHER_ADMIN = 9002


async def test_a_second_broadcast_while_one_is_sent_is_refused_until_it_is_over(
    tmp_path: Path,
) -> None:
    """Ada sends a broadcast; Bea, with her own preview open, is told it is under way and
    keeps her preview; once Ada's is over, Bea's Send goes out."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        standin.user(OTHER_ADMIN, "Bea")
        admins = frozenset({ADMIN_ID, OTHER_ADMIN})
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=admins, broadcast_rate=4.0
        ) as h:
            await add_customers(h, standin, 8)
            ada, bea = h.user(ADMIN_ID, "Ada"), h.user(OTHER_ADMIN, "Bea")
            for admin, text in ((ada, "Flash sale!"), (bea, "New mugs in")):
                await admin.send("/broadcast")
                await admin.wait_for("Send the text")
                await admin.send(text)
                await admin.wait_for("[📣 Send to 8]")
            await ada.press("📣 Send to 8")
            await ada.wait_for("📣 Broadcasting… ")

            await bea.press("📣 Send to 8")
            refusal = await bea.wait_for("A broadcast is being sent (")
            assert (refusal.text or "").endswith("/8): stop it first or wait.")
            await bea.send("/broadcast")  # a new one is refused before its text is asked
            await bea.wait_for("stop it first or wait")

            await ada.wait_for("Broadcast finished", timeout=10)
            await bea.press("📣 Send to 8")  # the preview she kept
            await bea.wait_for("Broadcast finished", timeout=10)
            async with h.store.uow() as uow:
                rows = (await uow.session.scalars(select(Broadcast).order_by(Broadcast.id))).all()
            assert [(b.started_by, b.status, b.sent) for b in rows] == [
                (ADMIN_ID, "done", 8),
                (OTHER_ADMIN, "done", 8),
            ]


async def test_a_broadcast_whose_worker_died_yesterday_does_not_go_on_nor_block_the_next(
    tmp_path: Path,
) -> None:
    """A worker crashed mid-broadcast, and the shop was down for a day: its row says sending,
    37 of 120, started 25 hours ago. While its progress is recent it refuses a new broadcast
    (one sender at a time); five minutes without progress and it counts as dead, too old to go
    on: no Stop finds it, Ada hears it was interrupted, a new broadcast goes out, and the old
    one is marked stopped."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID})) as h:
            await add_customers(h, standin, 3)
            async with h.store.uow() as uow:
                dead = Broadcast(
                    started_by=ADMIN_ID, chat_id=ADMIN_ID, total=120, sent=37, text="Old news"
                )
                dead.started_at = utcnow() - timedelta(hours=25)
                dead.updated_at = utcnow() - timedelta(minutes=1)
                uow.session.add(dead)
            admin = h.user(ADMIN_ID, "Ada")
            await admin.send("/broadcast")
            refusal = await admin.wait_for(
                "A broadcast is being sent (37/120): stop it first or wait."
            )

            async with h.store.uow() as uow:
                await uow.session.execute(
                    update(Broadcast).values(updated_at=utcnow() - timedelta(minutes=6))
                )
            assert not await broadcast.resume_interrupted(running(h))  # yesterday's news
            await admin.wait_for(
                "📣 Broadcast #1 was interrupted at 37 of 120 more than 24 hours ago, so it does"
                " not go on: 37 sent, 0 blocked the bot, 0 failed."
            )
            answer = await admin.press_data(refusal, StopBroadcast().encode())
            assert answer.text == "No broadcast is being sent."
            await admin.send("/broadcast")
            await admin.wait_for("Send the text")
            await admin.send("Back in business")
            await admin.wait_for("[📣 Send to 3]")
            await admin.press("📣 Send to 3")
            await admin.wait_for("Broadcast finished: 3 sent")
            async with h.store.uow() as uow:
                rows = (await uow.session.scalars(select(Broadcast).order_by(Broadcast.id))).all()
            assert [(b.status, b.sent, b.total) for b in rows] == [
                ("stopped", 37, 120),
                ("done", 3, 3),
            ]
            assert rows[0].finished_at is not None


async def test_another_admins_cancel_stops_the_broadcast_and_its_starter_gets_the_report(
    tmp_path: Path,
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        standin.user(OTHER_ADMIN, "Bea")
        admins = frozenset({ADMIN_ID, OTHER_ADMIN})
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=admins, broadcast_rate=5.0
        ) as h:
            await add_customers(h, standin, 15)
            ada, bea = h.user(ADMIN_ID, "Ada"), h.user(OTHER_ADMIN, "Bea")
            await ada.send("/broadcast")
            await ada.wait_for("Send the text")
            await ada.send("Flash sale!")
            await ada.press("📣 Send to 15", message=await ada.wait_for("[📣 Send to 15]"))
            await ada.wait_for("📣 Broadcasting… ")

            await bea.send("/cancel")
            await bea.wait_for("the admin who started it will be told how many got it")
            await ada.wait_for("📣 Broadcast stopped: ", timeout=10)
            assert not [m for m in bea.messages if "got it (" in (m.text or "")]


async def test_stopping_a_broadcast_whose_sender_died_reports_it_to_the_admin(
    tmp_path: Path,
) -> None:
    """The task sending Ada's broadcast dies (as a crashed worker's would) a few messages in.
    Her Stop marks it stopping; a second Stop says it is stopping. Ten seconds on, nothing has
    finished it: the next look (here, Bea's /broadcast) marks it stopped as far as it got,
    Ada hears how many got it, and Bea's broadcast may begin."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        standin.user(OTHER_ADMIN, "Bea")
        admins = frozenset({ADMIN_ID, OTHER_ADMIN})
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=admins, broadcast_rate=5.0
        ) as h:
            ids = await add_customers(h, standin, 30)
            ada, bea = h.user(ADMIN_ID, "Ada"), h.user(OTHER_ADMIN, "Bea")
            await ada.send("/broadcast")
            await ada.wait_for("Send the text")
            await ada.send("Flash sale!")
            await ada.press("📣 Send to 30", message=await ada.wait_for("[📣 Send to 30]"))
            progress = await ada.wait_for("📣 Broadcasting… ")
            (sender,) = [t for t in asyncio.all_tasks() if t.get_name().startswith("broadcast-")]
            sender.cancel()  # the worker sending it dies
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            got = len([i for i in ids if standin.user(i).messages])

            await ada.press("⏹ Stop", message=progress)
            await ada.wait_for("Stopping the broadcast before its next message")
            again = await ada.press_data(progress, StopBroadcast().encode())
            assert (
                again.text == "The broadcast is already stopping; you'll be told how many got it."
            )
            await bea.send("/broadcast")  # its sender may still finish it
            await bea.wait_for("stop it first or wait")

            async with h.store.uow() as uow:  # ten seconds on, nothing has finished it
                await uow.session.execute(
                    update(Broadcast).values(updated_at=utcnow() - timedelta(seconds=11))
                )
            await bea.send("/broadcast")
            await bea.wait_for("Send the text")
            told = await ada.wait_for("📣 Broadcast stopped: ")
            assert f"{got} of 30 got it" in (told.text or "")
            async with h.store.uow() as uow:
                rows = (await uow.session.scalars(select(Broadcast))).all()
            assert [(b.status, b.sent, b.total) for b in rows] == [("stopped", got, 30)]
            assert rows[0].finished_at is not None
            answer = await ada.press_data(progress, StopBroadcast().encode())
            assert answer.text == "No broadcast is being sent."
            await h.until_idle()
            assert len([m for m in ada.messages if "Broadcast stopped: " in (m.text or "")]) == 1


async def test_an_admin_whose_broadcast_died_hears_of_it_in_her_own_language(
    tmp_path: Path,
) -> None:
    """Ada reads the shop in Russian; her broadcast's worker died 37 messages in, a day ago.
    Bea's /broadcast, in English, finds it dead: Ada's report of it comes in Russian."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        standin.user(OTHER_ADMIN, "Bea")
        admins = frozenset({ADMIN_ID, OTHER_ADMIN})
        async with ShopHarness(tmp_path, standin=standin, admin_ids=admins) as h:
            ada, bea = h.user(ADMIN_ID, "Ada"), h.user(OTHER_ADMIN, "Bea")
            await ada.send("/language")
            await ada.press("Русский", message=await ada.wait_for("Choose your language"))
            await ada.wait_for("Теперь я говорю")
            async with h.store.uow() as uow:
                dead = Broadcast(started_by=ADMIN_ID, chat_id=ADMIN_ID, total=120, sent=37)
                dead.started_at = utcnow() - timedelta(hours=25)
                dead.updated_at = utcnow() - timedelta(minutes=6)
                uow.session.add(dead)

            await bea.send("/broadcast")
            await bea.wait_for("Send the text")
            report = await ada.wait_for("📣 Рассылка #1 прервана на 37 из 120 более 24 часов назад")
            assert "sent" not in (report.text or "")


async def test_a_broadcast_skips_a_customer_the_shop_blocked_and_counts_her_as_skipped(
    tmp_path: Path,
) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), broadcast_rate=RATE
        ) as h:
            ids = await add_customers(h, standin, 3)
            await blocking.block(running(h), ADMIN_ID, str(ids[0]))
            admin = h.user(ADMIN_ID, "Ada")
            await admin.send("/broadcast")
            await admin.wait_for("broadcast to 3 customers")
            await admin.send("Spring sale!")
            await admin.wait_for("[📣 Send to 3]")
            await admin.press("📣 Send to 3")
            finished = await admin.wait_for("Broadcast finished", timeout=15)
            assert "2 sent, 0 blocked the bot, 0 failed, 1 skipped (deleted her data or " in (
                finished.text or ""
            )
            assert not standin.user(ids[0]).messages
            assert "Spring sale!" in (standin.user(ids[1]).last_message.text or "")  # type: ignore[union-attr]
