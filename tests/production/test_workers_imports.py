"""Two webhook workers on one PostgreSQL database, two admins each sending a catalog file at
once: the imports are applied one after the other, never interleaved."""

from __future__ import annotations

import re
from pathlib import Path

from bot.standin.harness import ShopHarness
from tests.production.test_webhook_workers import all_idle, two_workers

ADA, BEA = 9001, 9002
HEADER = "sku,title,description,category,price,currency,stock,photo\n"
ROWS = 6_000


def route_to(worker: ShopHarness) -> None:
    """The load balancer sends every next update to this worker."""
    worker.standin.webhook_targets = [worker.webhook_url]


def _file(price: str) -> bytes:
    """The same new products, in new categories, at `price`."""
    rows = "".join(f"BOTH-{n:05d},Thing {n},,Shelf {n % 50},{price},USD,5,\n" for n in range(ROWS))
    return (HEADER + rows).encode()


async def test_two_admins_importing_at_once_on_two_workers_are_served_one_after_the_other(
    tmp_path: Path, pg_url: str
) -> None:
    """Both files create the same 6,000 products and 50 categories: applied together, the
    second would collide with the first's new rows (a duplicate key) halfway through."""
    async with two_workers(tmp_path, pg_url, admin_ids=frozenset({ADA, BEA})) as workers:
        standin = workers[0].standin
        ada, bea = standin.user(ADA, "Ada"), standin.user(BEA, "Bea")
        route_to(workers[0])
        await ada.send_document("ada.csv", _file("5.00"), "text/csv")
        route_to(workers[1])
        await bea.send_document("bea.csv", _file("6.00"), "text/csv")
        ada_report = await ada.wait_for("Imported ada.csv", timeout=60)
        bea_report = await bea.wait_for("Imported bea.csv", timeout=60)
        await all_idle(workers)
        counts = [
            re.search(r"(\d+) created, (\d+) updated", report.text or "")
            for report in (ada_report, bea_report)
        ]
        created = sorted(int(found.group(1)) for found in counts if found)
        updated = sorted(int(found.group(2)) for found in counts if found)
        assert (created, updated) == ([0, ROWS], [0, ROWS])
        async with workers[0].store.uow() as uow:
            categories = [c.title for c in await uow.categories.list_all()]
        assert sum(title.startswith("Shelf ") for title in categories) == 50
