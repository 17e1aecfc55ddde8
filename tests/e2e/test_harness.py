"""The harness runs the real bot: commands are published and /start answers over HTTP."""

from __future__ import annotations

from pathlib import Path

from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from tests.e2e.conftest import ADMIN_ID


async def test_admins_see_admin_commands_and_shoppers_do_not(tmp_path: Path) -> None:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")  # the admin has opened a chat with the bot before
        async with ShopHarness(tmp_path, standin=standin, admin_ids=frozenset({ADMIN_ID})):
            assert "catalog" in standin.commands("default")
            assert "admin" in standin.commands(f"chat:{ADMIN_ID}")
            assert "catalog" in standin.commands(f"chat:{ADMIN_ID}")
            assert "admin" not in standin.commands("default")


async def test_bot_answers_start(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start")
    await alice.wait_for("Welcome")
    await alice.send("/help")
    await alice.wait_for("/catalog")
    assert not [m for m in alice.messages if "I don't know" in (m.text or "")]


async def test_an_unknown_command_gets_a_clear_answer(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/frobnicate")
    await alice.wait_for("I don't know /frobnicate")
