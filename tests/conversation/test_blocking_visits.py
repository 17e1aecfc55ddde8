"""Refusing a blocked shopper costs nothing on the hot path: her block is read with the
customer row every visit reads already, so a visit is still one statement (measured on
SQLite's connections, the event loop's own included); and a flood of her messages within the
hour costs that one read each, no write."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.services.blocking import Blocked
from bot.shop import Shop
from bot.store.uow import Store
from bot.usecases import blocking

ALICE = Shopper(chat_id=1001, user_id=1001, first_name="Alice")
MALLORY = Shopper(chat_id=1002, user_id=1002, first_name="Mallory")


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement run on any SQLite connection the store opens from now on."""
    from bot.store import db

    ran: list[str] = []
    register = db.register_sqlite_functions

    def register_and_trace(connection: Any) -> None:
        register(connection)
        driver = getattr(connection, "driver_connection", None)  # aiosqlite's, or sqlite3's
        raw: sqlite3.Connection = driver._conn if driver is not None else connection
        raw.set_trace_callback(ran.append)

    monkeypatch.setattr(db, "register_sqlite_functions", register_and_trace)
    return ran


@pytest.fixture
async def shop(tmp_path: Path, statements: list[str], migrated_sqlite: Path) -> Any:
    shutil.copyfile(migrated_sqlite, tmp_path / "shop.db")
    store = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}")
    try:
        yield Shop(settings=Settings(bot_token="123456:TEST-TOKEN"), store=store)
    finally:
        await store.close()


async def test_a_visit_is_one_statement_blocked_or_not(shop: Shop, statements: list[str]) -> None:
    for who in (ALICE, MALLORY):
        await journey.menu(shop, who)  # first contact writes her row
        await journey.menu(shop, who)
    await blocking.block(shop, 9001, "1002")
    with pytest.raises(Blocked) as first:
        await journey.menu(shop, MALLORY)
    assert await blocking.tell_now(shop, first.value)  # her one answer this hour

    statements.clear()
    await journey.menu(shop, ALICE)
    assert len(statements) == 1 and statements[0].startswith("SELECT customers.id")  # as on main
    statements.clear()
    for _ in range(5):  # a flood within the hour
        with pytest.raises(Blocked) as refused:
            await journey.menu(shop, MALLORY)
        assert not await blocking.tell_now(shop, refused.value)
    assert len(statements) == 5 and all(s.startswith("SELECT") for s in statements)
