"""Two webhook workers on one PostgreSQL database: cart reminders and back-in-stock notices go
out exactly once, and a support conversation hopping between workers keeps its order."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.standin import FakeUser
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from bot.usecases import daily_report, price_drops, reminders, restock
from tests.e2e.shopper import add_to_cart
from tests.production.test_webhook_workers import MUG, all_idle, two_workers

ADMIN_ID = 9001
PRESS = "KIT-FRP-600"


def shop_of(worker: ShopHarness):  # type: ignore[no-untyped-def]
    assert worker.shop is not None
    return worker.shop


async def test_reminders_and_back_in_stock_notices_go_out_once_with_two_workers(
    tmp_path: Path, pg_url: str
) -> None:
    async with two_workers(tmp_path, pg_url) as workers:
        standin = workers[0].standin
        async with workers[0].store.uow() as uow:
            press = await uow.products.get_by_sku(PRESS)
            assert press is not None and await uow.products.set_stock(press.id, 0)
        shoppers = [standin.user(3000 + n, f"Shopper{n}") for n in range(6)]

        async def fill_cart_and_wait_for_the_press(shopper: FakeUser) -> None:
            await add_to_cart(shopper, MUG)
            await shopper.send(f"/start product_{PRESS}")
            await shopper.wait_for("Out of stock")
            await shopper.press("Notify me")

        await asyncio.gather(*(fill_cart_and_wait_for_the_press(s) for s in shoppers))
        await all_idle(workers)
        async with workers[0].store.uow() as uow:
            assert await uow.products.set_stock(press.id, 10)

        # Each worker runs both jobs, twice at once: four runs race for every cart and waiter.
        tomorrow = utcnow() + timedelta(hours=25)
        runs = [reminders.send_due(shop_of(w), now=tomorrow) for w in workers * 2]
        runs += [restock.tell_waiting_shoppers(shop_of(w)) for w in workers * 2]
        told = await asyncio.gather(*runs)
        assert sum(told[:4]) == len(shoppers) and sum(told[4:]) == len(shoppers)

        for shopper in shoppers:
            said = [m.text or "" for m in shopper.messages]
            assert sum("Still thinking it over?" in text for text in said) == 1, said
            assert sum("Good news: French Press 600ml is back" in text for text in said) == 1


async def test_a_price_drop_is_told_once_with_two_workers(tmp_path: Path, pg_url: str) -> None:
    async with two_workers(tmp_path, pg_url, admin_ids=frozenset({ADMIN_ID})) as workers:
        standin = workers[0].standin
        shoppers = [standin.user(3100 + n, f"Saver{n}") for n in range(6)]

        async def save_the_press(shopper: FakeUser) -> None:
            await shopper.send(f"/start product_{PRESS}")
            await shopper.wait_for(lambda m: any("♡ Save" in b.label for b in m.all_buttons))
            await shopper.press("♡ Save")

        await asyncio.gather(*(save_the_press(s) for s in shoppers))
        await all_idle(workers)
        ada = standin.user(ADMIN_ID, "Ada")
        await ada.send(f"/price {PRESS} 20.00")
        await ada.wait_for("now costs $20.00")

        # Each worker runs the job twice at once: four runs race for every saved press.
        told = await asyncio.gather(
            *(price_drops.tell_price_drops(shop_of(w)) for w in workers * 2)
        )
        assert sum(told) == len(shoppers)
        for shopper in shoppers:
            said = [m.text or "" for m in shopper.messages]
            assert sum("which you saved, is now $20.00" in text for text in said) == 1, said


async def test_a_conversation_hopping_between_workers_keeps_its_order(
    tmp_path: Path, pg_url: str
) -> None:
    async with two_workers(tmp_path, pg_url, admin_ids=frozenset({ADMIN_ID})) as workers:
        standin = workers[0].standin
        ada, alice = standin.user(ADMIN_ID, "Ada"), standin.user(1001, "Alice")
        await alice.send("/support")
        await alice.wait_for("Write your question")
        for n in range(1, 7):  # the next message arrives while the last is being relayed
            await alice.send(f"part {n}")
            await alice.wait_for("Sent to the shop")
        await all_idle(workers)
        relayed = [m for m in ada.messages if "part" in (m.text or "")]
        assert [(m.text or "").split("\n")[1] for m in relayed] == [
            f"part {n}" for n in range(1, 7)
        ]

        for n in range(1, 4):
            await ada.send(f"answer {n}", reply_to=relayed[n - 1])
            await ada.wait_for("Alice")
        await all_idle(workers)
        answers = [m.text or "" for m in alice.messages if "The shop answers" in (m.text or "")]
        assert [a.split("\n")[1] for a in answers] == ["answer 1", "answer 2", "answer 3"]
        hops = {d.url for d in standin.webhook_deliveries}
        assert len(hops) == 2  # both workers took part


async def test_the_morning_report_goes_out_once_with_two_workers(
    tmp_path: Path, pg_url: str
) -> None:
    admins = {ADMIN_ID, ADMIN_ID + 1}
    async with two_workers(
        tmp_path, pg_url, admin_ids=frozenset(admins), daily_report_hour=0
    ) as workers:
        readers = [workers[0].standin.user(admin, f"Admin{admin}") for admin in sorted(admins)]
        # Each worker runs the job twice at once: four runs race for yesterday's report.
        now = utcnow()
        sent = await asyncio.gather(
            *(daily_report.send_due(shop_of(w), now=now) for w in workers * 2)
        )
        assert sorted(sent) == [0, 0, 0, len(admins)]
        for admin in readers:
            await admin.wait_for("📊 Yesterday, ")
        await all_idle(workers)
        for admin in readers:
            assert sum("📊 Yesterday, " in (m.text or "") for m in admin.messages) == 1
