"""Replies are not held behind a bot-wide cap; bulk sends are; Telegram's 429 is waited out."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.standin import BotApiStandIn, FakeUser
from bot.standin.harness import ShopHarness
from tests.admin.conftest import ADMIN_ID
from tests.admin.test_e2e_broadcast import add_customers

BULK_RATE = 4.0
CUSTOMERS = 12  # three seconds of broadcast at BULK_RATE


async def test_shoppers_get_their_answers_while_a_broadcast_is_paced(tmp_path: Path) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID}), broadcast_rate=BULK_RATE
        ) as h:
            customers = await add_customers(h, standin, CUSTOMERS)
            shoppers = [h.user(7000 + i, f"Shopper{i}") for i in range(20)]
            admin = h.user(ADMIN_ID, "Ada")
            await admin.send("/broadcast")
            await admin.wait_for("Send the text")
            await admin.send("Autumn sale!")
            await admin.wait_for(f"[📣 Send to {CUSTOMERS}]")
            await admin.press(f"📣 Send to {CUSTOMERS}")
            await admin.wait_for("Broadcast starting")

            async def ask_for_help(shopper: FakeUser) -> None:
                await shopper.send("/help")
                await shopper.wait_for("/search")

            await asyncio.gather(*(ask_for_help(s) for s in shoppers))
            await admin.wait_for("Broadcast finished", timeout=15)

        sends = standin.calls_to("sendMessage")
        broadcast = sorted(c.at for c in sends if c.params.get("chat_id") in set(customers))
        helps = sorted(
            c.at for c in sends if c.params.get("chat_id") in {s.user_id for s in shoppers}
        )
        assert len(broadcast) == CUSTOMERS and len(helps) == len(shoppers)
        assert broadcast[-1] - broadcast[0] >= (CUSTOMERS - 1) / BULK_RATE * 0.95  # paced
        assert helps[-1] < broadcast[-1]  # twenty replies did not queue behind twelve notices
        busiest = max(sum(1 for t in helps if s <= t < s + 1.0) for s in helps)
        assert busiest > BULK_RATE  # replies went out faster than the bulk rate


async def test_a_reply_answered_with_429_reaches_the_shopper_after_retry_after(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path) as h:
        h.standin.flood_limit_per_second = 2  # Telegram says "retry after 1" to the third send
        shoppers = [h.user(7100 + i, f"Shopper{i}") for i in range(5)]
        for shopper in shoppers:
            await shopper.send("/help")
        for shopper in shoppers:
            await shopper.wait_for("/search", timeout=15)
    floods = [c for c in h.standin.calls_to("sendMessage") if c.error_code == 429]
    assert floods, "the stand-in never flooded: the test proves nothing"
    delivered = [c for c in h.standin.calls_to("sendMessage") if c.ok]
    assert sorted(c.params["chat_id"] for c in delivered) == [s.user_id for s in shoppers]
