"""Admin end-to-end fixtures: the real bot against the Bot API stand-in, with one admin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from bot.standin.user import FakeUser
from tests.conftest import seeded_shop_in

ADMIN_ID = 9001
SHOPPER_ID = 1001


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn() as server:
        server.user(ADMIN_ID, "Ada")  # the admin has a chat with the bot (alerts reach it)
        yield server


@asynccontextmanager
async def admin_shop(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path, **settings: Any
) -> AsyncIterator[ShopHarness]:
    """The seeded shop with one admin; `settings` as ShopHarness takes them."""
    seeded_shop_in(tmp_path, seeded_sqlite)
    async with ShopHarness(
        tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), **settings
    ) as h:
        yield h


@pytest.fixture
async def shop(
    tmp_path: Path, standin: BotApiStandIn, seeded_sqlite: Path
) -> AsyncIterator[ShopHarness]:
    settings = {"payment_provider_token": "TEST:provider", "low_stock_threshold": 3}
    async with admin_shop(tmp_path, standin, seeded_sqlite, **settings) as h:
        yield h


@pytest.fixture
def admin(shop: ShopHarness) -> FakeUser:
    return shop.user(ADMIN_ID, "Ada")


@pytest.fixture
def shopper(shop: ShopHarness) -> FakeUser:
    return shop.user(SHOPPER_ID, "Sam")


async def open_detail(
    admin: FakeUser, order_id: int, heading: str = "Order #{order_id} · "
) -> Message:
    """The admin opens the order from /orders_admin; `heading` is how its screen begins in
    her language ("Заказ №{order_id} · ")."""
    await admin.send("/orders_admin")
    await admin.wait_for(f"#{order_id} · ")
    (button,) = [
        b
        for b in (admin.last_message or admin.messages[-1]).all_buttons
        if b.label.startswith(f"#{order_id} ")
    ]
    await admin.press(button.label)
    return await admin.wait_for(heading.format(order_id=order_id))
