"""/stats counts "Today" from the shop's midnight (SHOP_TIMEZONE), not from UTC's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.standin.harness import ShopHarness
from bot.store.models import Order, utcnow
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID
from tests.admin.test_e2e_orders import paid_order
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    STRIPE_KEY,
    StripeTestAccount,
    card_shop,
    stripe_account,
)

# An hour east of UTC, the shop's day begins an hour before UTC's (below 23:00 UTC);
# from 23:00 UTC an hour west of it, its day began an hour after UTC's.
EAST = utcnow().hour < 23
ZONE = "Etc/GMT-1" if EAST else "Etc/GMT+1"  # the Etc names' signs are the other way round


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe, shop_timezone=ZONE) as harness:
        yield harness


async def test_today_in_stats_is_the_shops_day(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """An order paid half an hour before UTC's midnight is today's for a shop an hour east
    (or one paid half an hour after it is yesterday's for a shop an hour west)."""
    order_id, _ = await paid_order(h, h.user(SHOPPER_ID, "Sam"), stripe_account)
    utc_midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    paid_at = utc_midnight + timedelta(minutes=-30 if EAST else 30)
    async with h.store.uow() as uow:
        await uow.session.execute(update(Order).where(Order.id == order_id).values(paid_at=paid_at))
    admin = h.user(ADMIN_ID, "Ada")
    await admin.send("/stats")
    text = (await admin.wait_for("Shop report")).text or ""
    today = "Today: $37.00 revenue, 1 order" if EAST else "Today: $0.00 revenue, 0 orders"
    assert today in text, text
    assert f" {ZONE})" in text.splitlines()[0]
