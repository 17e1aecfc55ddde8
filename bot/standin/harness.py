"""Run the real bot against the Bot API stand-in: used by tests, the demo and the sandbox.

Nothing in the bot is special-cased: the Application is built by `bot.app.build_application`
and talks HTTP to the stand-in, exactly as it would talk to Telegram, either polling it
(the default) or serving a webhook the stand-in POSTs updates to (`mode="webhook"`, with the
very options `python -m bot webhook` uses).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from bot.app import webhook_options
from bot.config import Settings
from bot.runner import Runner
from bot.shop import Shop
from bot.standin.server import BotApiStandIn
from bot.standin.user import FakeUser
from bot.store.seed import seed_if_empty
from bot.store.uow import Store

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog.json"
TEST_TOKEN = "123456:TEST-TOKEN"
LOOPBACK = "127.0.0.1"


# Below Linux's ephemeral range (32768-60999), from which every outgoing connection takes
# its own port: a port from that range, free when probed, could be an outgoing connection's
# by the time the server binds it (a suite run failed so, "address already in use").
_PORTS = range(20_000, 32_000)


def free_port() -> int:
    """A TCP port on loopback nobody listens on now (PTB's webhook server needs a number)."""
    for port in random.sample(_PORTS, 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                continue  # someone listens there
            return port
    raise OSError(f"no free port on {LOOPBACK} in {_PORTS}")


class ShopHarness:
    """A stand-in Bot API plus the shop bot polling it, with its own database.

    `async with ShopHarness(tmp_path, admin_ids=frozenset({1})) as h:` then drive `h.user(...)`.
    Keyword overrides are Settings fields. `restart()` replaces the Application and the Shop
    with new ones on the same database, as a crash and restart would.

    With `mode="webhook"` the bot serves its webhook on 127.0.0.1:`webhook_port` (0: a free
    port) and registers it with setWebhook; several harnesses sharing one `standin` and one
    `database_url` are several workers of one bot (see `BotApiStandIn.webhook_targets`).
    """

    def __init__(
        self,
        workdir: Path,
        *,
        database_url: str | None = None,
        seed: bool = True,
        catalog_path: Path = DEFAULT_CATALOG,
        standin: BotApiStandIn | None = None,
        mode: Literal["polling", "webhook"] = "polling",
        webhook_port: int = 0,
        **overrides: Any,
    ) -> None:
        self.workdir = workdir
        self.database_url = database_url or f"sqlite+aiosqlite:///{workdir / 'shop.db'}"
        self.seed = seed
        self.catalog_path = catalog_path
        self.standin = standin or BotApiStandIn(TEST_TOKEN)
        self._owns_standin = standin is None
        self.mode = mode
        self.webhook_port = webhook_port
        self.overrides = overrides
        self.settings: Settings | None = None
        self.shop: Shop | None = None
        self.app: Any = None
        self.runner: Runner | None = None

    @property
    def store(self) -> Store:
        assert self.shop is not None, "the harness is not running"
        return self.shop.store

    @property
    def webhook_url(self) -> str:
        """Where this bot's webhook server takes updates (webhook mode only)."""
        assert self.settings is not None and self.mode == "webhook"
        url: str = webhook_options(self.settings)["webhook_url"]
        return url

    def user(self, user_id: int = 1001, first_name: str = "Alice", **kwargs: Any) -> FakeUser:
        return self.standin.user(user_id, first_name, **kwargs)

    async def __aenter__(self) -> Self:
        if self._owns_standin:
            await self.standin.start()
        try:
            webhook: dict[str, Any] = {}
            if self.mode == "webhook":
                port = self.webhook_port or free_port()
                webhook = {
                    "webhook_url": f"http://{LOOPBACK}:{port}",
                    "webhook_listen": LOOPBACK,
                    "webhook_port": port,
                }
            self.settings = Settings(
                bot_token=self.standin.token,
                telegram_api_base_url=self.standin.base_url,
                database_url=self.database_url,
                catalog_path=self.catalog_path,
                # No morning report unless a test asks: its job would otherwise add a message
                # to the admins' chats in any test that runs past its first minute.
                **{"daily_report_hour": None, **webhook, **self.overrides},
            )
            store = Store.from_url(self.database_url)
            try:
                await store.migrate()
                if self.seed:
                    await seed_if_empty(store, self.catalog_path, currency=self.settings.currency)
            finally:
                await store.close()
            await self._start_bot()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stop_bot()
        if self._owns_standin:
            await self.standin.stop()

    async def until_idle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has fetched and fully handled every update sent so far.

        The stand-in keeps an update pending until a later getUpdates confirms it, which
        python-telegram-bot sends only after queueing the batch (or, with a webhook, until the
        webhook answered 2xx, which PTB does after queueing it); the Application marks each
        queued update done after its handlers return. Both empty means the bot has gone quiet,
        with no guessing how long to wait. Background tasks a handler starts are not covered.
        With several workers on one stand-in, wait on each of them.
        """
        assert self.app is not None, "the harness is not running"
        deadline = time.monotonic() + timeout
        try:
            await self.standin.wait_delivered(timeout)
            async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                await self.app.update_queue.join()
                if self.shop is not None:
                    await self.shop.inbox.settle()  # the handled updates' marks written
        except TimeoutError:
            raise TimeoutError(f"the bot was still busy after {timeout:g} s") from None

    def without_job(self, name: str) -> None:
        """This worker's repeating job `name` runs no more (until a restart). A test that
        does the job's work itself, as two workers meeting at a barrier, calls this first:
        the harness's own run, on its timer, would be a third party at the barrier."""
        assert self.app is not None, "the harness is not running"
        jobs = self.app.job_queue.get_jobs_by_name(name)
        assert jobs, f"no job {name!r} on this worker"
        for job in jobs:
            job.schedule_removal()

    def reconfigure(self, **overrides: Any) -> None:
        """Change settings for the next `restart()` (e.g. switch payment mode)."""
        assert self.settings is not None
        self.settings = dataclasses.replace(self.settings, **overrides)

    async def restart(self) -> None:
        """Stop the bot and start a new Application and Shop on the same database."""
        await self._stop_bot()
        await self._start_bot()

    async def _start_bot(self) -> None:
        assert self.settings is not None
        self.shop = Shop.create(self.settings)
        self.runner = Runner(self.settings, self.shop, self.mode, poll_timeout=5)
        await self.runner.start()
        self.app = self.runner.app

    async def _stop_bot(self) -> None:
        runner, self.runner = self.runner, None
        self.app = None
        if runner is not None:
            await runner.stop()
        shop, self.shop = self.shop, None
        if shop is not None:
            await shop.close()
