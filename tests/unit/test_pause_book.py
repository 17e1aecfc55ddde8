"""The banner of /start and /help reads the pause as this worker last read it: another
worker's /pause shows within a minute (as the answers to common questions do), this worker's
own at once, and a pause's last day is over at its midnight, cached or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from bot.services.sales_pause import PauseBook
from bot.store.models import SalesPause
from bot.store.uow import UnitOfWork

MIDNIGHT = datetime(2036, 12, 27, 23, tzinfo=UTC)  # ends Sat 27 Dec 2036 in Madrid


@dataclass
class Sales:
    row: SalesPause | None = None
    reads: int = 0

    async def pause(self, now: datetime | None = None) -> SalesPause | None:
        self.reads += 1
        return self.row


@dataclass
class Uow:
    sales: Sales = field(default_factory=Sales)


def uow_of(found: Uow) -> UnitOfWork:
    return cast(UnitOfWork, cast(Any, found))


async def test_another_workers_pause_shows_within_the_refresh_and_this_ones_at_once() -> None:
    seconds = [0.0]
    book, found = PauseBook(refresh=60.0, clock=lambda: seconds[0]), Uow()
    uow = uow_of(found)
    assert await book.pause(uow) is None and found.sales.reads == 1
    found.sales.row = SalesPause(note="Inventory", until=date(2036, 12, 27), ends_at=MIDNIGHT)
    seconds[0] = 59.0  # another worker paused: not read yet
    assert await book.pause(uow) is None and found.sales.reads == 1
    seconds[0] = 60.0
    paused = await book.pause(uow, now=MIDNIGHT.replace(hour=22))
    assert paused is not None and paused.note == "Inventory" and found.sales.reads == 2
    assert await book.pause(uow, now=MIDNIGHT) is None  # over at its midnight, cached
    assert found.sales.reads == 2
    found.sales.row = None
    book.changed()  # this worker's /resume
    assert await book.pause(uow, now=MIDNIGHT.replace(hour=22)) is None
    assert found.sales.reads == 3
