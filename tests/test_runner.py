"""`python -m bot` for real: a subprocess polls the Bot API stand-in, answers, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
from pathlib import Path

from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from tests.conftest import CATALOG_PATH, PROJECT_ROOT


async def test_the_polling_runner_serves_a_shopper_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    async with BotApiStandIn() as standin:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
        env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            BOT_TOKEN=standin.token,
            TELEGRAM_API_BASE_URL=standin.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}",
            CATALOG_PATH=str(CATALOG_PATH),
            LOG_LEVEL="INFO",
        )
        log_path = tmp_path / "bot.log"
        log_file = log_path.open("wb")  # a file, not a pipe: a full pipe would stall the bot
        runner = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env=env, stdout=log_file, stderr=log_file
        )
        try:
            alice = standin.user(1001, "Alice")
            await alice.send("/start")
            await alice.wait_for("Welcome to the shop, Alice", timeout=60)
            await alice.press("Catalog")
            await alice.wait_for("Kitchen (5)")
            assert "catalog" in standin.commands("default")

            runner.send_signal(signal.SIGTERM)
            await asyncio.wait_for(runner.wait(), timeout=30)
        finally:
            if runner.returncode is None:
                runner.kill()
                await runner.wait()
            log_file.close()
        log = log_path.read_text()
        assert runner.returncode == 0, log
        assert "seeded the empty shop" in log and "stopped" in log
        assert "Traceback" not in log
        assert standin.token not in log and standin.token.split(":")[1] not in log


async def test_what_start_up_made_is_kept_out_of_the_garbage_collectors_walks(
    tmp_path: Path,
) -> None:
    """A full collection walks only what came after start-up (one pause of every chat was
    89 ms at 10 chats when it walked the modules, the ORM's mappings and the Application)."""
    gc.unfreeze()
    async with ShopHarness(tmp_path) as h:
        await h.user(1001, "Alice").send("/help")
        await h.until_idle()
        assert gc.get_freeze_count() > 10_000
    gc.unfreeze()
