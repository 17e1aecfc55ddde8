"""Two webhook workers on one PostgreSQL database: a broadcast sent by one worker is seen by
the other, which refuses a second broadcast and stops the first when Stop lands on it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.standin.harness import ShopHarness
from bot.store.models import Broadcast
from tests.admin.test_e2e_broadcast import add_customers
from tests.production.test_webhook_workers import all_idle, two_workers

ADA, BEA = 9001, 9002
CUSTOMERS = 30


def route_to(worker: ShopHarness) -> None:
    """The load balancer sends every next update to this worker."""
    worker.standin.webhook_targets = [worker.webhook_url]


async def test_stop_pressed_on_the_other_worker_stops_the_broadcast(
    tmp_path: Path, pg_url: str
) -> None:
    """Ada's Send lands on worker a, which sends 30 messages at 5 a second. Bea's /broadcast
    and Ada's ⏹ Stop land on worker b: Bea is told one is being sent, and the broadcast stops
    within about a second; Ada gets the report from worker a."""
    admins = frozenset({ADA, BEA})
    async with two_workers(tmp_path, pg_url, admin_ids=admins, broadcast_rate=5.0) as workers:
        sender, other = workers
        standin = sender.standin
        ids = await add_customers(sender, standin, CUSTOMERS)
        ada, bea = standin.user(ADA, "Ada"), standin.user(BEA, "Bea")

        route_to(sender)
        await ada.send("/broadcast")
        await ada.wait_for("Send the text")
        await ada.send("Flash sale!")
        await ada.wait_for(f"[📣 Send to {CUSTOMERS}]")
        await ada.press(f"📣 Send to {CUSTOMERS}")
        await ada.wait_for("📣 Broadcasting… ")

        route_to(other)
        await bea.send("/broadcast")
        await bea.wait_for(f"/{CUSTOMERS}): stop it first or wait.")
        await ada.press("⏹ Stop")
        await ada.wait_for("Stopping the broadcast")
        assert standin.webhook_deliveries[-1].url == other.webhook_url
        assert other.shop is not None and not other.shop.broadcasts  # not sent from here

        final = await ada.wait_for("got it (", timeout=10)
        await all_idle(workers)
        got = [i for i in ids if standin.user(i).messages]
        assert 0 < len(got) < CUSTOMERS
        assert f"{len(got)} of {CUSTOMERS} got it" in (final.text or "")
        async with sender.store.uow() as uow:
            (row,) = (await uow.session.scalars(select(Broadcast))).all()
            actions = [e.action for e in await uow.audit.list_recent()]
        assert (row.started_by, row.chat_id, row.status) == (ADA, ADA, "stopped")
        assert (row.sent, row.total) == (len(got), CUSTOMERS)
        assert "broadcast.stopped" in actions and "broadcast.done" not in actions
