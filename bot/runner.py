"""Run the bot: the Application, fed by long polling or by the bot's own webhook server.

One code path for `python -m bot` / `python -m bot webhook` and for the test harness, so
what is tested is what runs. Start-up in polling mode first takes back every update a crash
left unfinished (a polling bot is the only consumer of its updates); webhook workers take
over each other's abandoned updates when their lease runs out (a job, bot.app).
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from aiohttp import web

from bot.app import (
    ALLOWED_UPDATES,
    WEBHOOK_PATH,
    Mode,
    build_application,
    recover_updates,
    webhook_options,
)
from bot.config import Settings
from bot.shop import Shop
from bot.web import build_server

log = logging.getLogger(__name__)


class CannotListen(Exception):
    """The HTTP server cannot listen where the settings say; the message names the setting."""


class Runner:
    def __init__(
        self, settings: Settings, shop: Shop, mode: Mode = "polling", *, poll_timeout: int = 10
    ) -> None:
        self.settings = settings
        self.shop = shop
        self.mode = mode
        self.poll_timeout = poll_timeout
        self.app: Any = None
        self._site_runner: web.AppRunner | None = None

    async def start(self) -> None:
        options = webhook_options(self.settings) if self.mode == "webhook" else None
        app = self.app = build_application(self.settings, self.shop, mode=self.mode)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        if options is not None:
            server = build_server(
                self.shop, app, webhook_path=WEBHOOK_PATH, secret=options["secret_token"]
            )
            await self._serve(server, options["listen"], {options["port"]: "WEBHOOK_PORT"})
            await app.bot.set_webhook(
                url=options["webhook_url"],
                secret_token=options["secret_token"],
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            )
            return
        recovered = await recover_updates(app, everything=True)
        if recovered:
            log.warning("%s update(s) left unfinished by the last run are handled again", recovered)
        assert app.updater is not None, "built with an Updater"
        await app.updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, timeout=self.poll_timeout, drop_pending_updates=False
        )
        ports = {self.settings.metrics_port: "METRICS_PORT"} if self.settings.metrics_port else {}
        if self.settings.storefront_on:
            ports.setdefault(self.settings.webapp_port, "WEBAPP_PORT")
        if ports:
            await self._serve(build_server(self.shop, app), self.settings.webhook_listen, ports)

    async def stop(self) -> None:
        site_runner, self._site_runner = self._site_runner, None
        if site_runner is not None:
            await site_runner.cleanup()
        app, self.app = self.app, None
        if app is None:
            return
        if app.updater and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
        # An Application whose initialize failed (getMe refused) skips its shutdown; the
        # bot's HTTP sessions, opened before getMe, are closed here (a no-op otherwise).
        await app.bot.shutdown()

    async def _serve(self, server: web.Application, host: str, ports: dict[int, str]) -> None:
        """Listen on each port of `ports` (port -> the setting that chose it)."""
        runner = web.AppRunner(server, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        self._site_runner = runner
        for port, setting in sorted(ports.items()):
            try:
                await web.TCPSite(runner, host, port).start()
            except OSError as exc:
                if isinstance(exc, socket.gaierror):
                    setting = "WEBHOOK_LISTEN"  # the host, not the port
                reason = exc.strerror or str(exc)
                raise CannotListen(f"{setting}: cannot listen on {host}:{port}: {reason}") from exc
            log.info("serving HTTP on %s:%s", host, port)

    @property
    def port(self) -> int | None:
        """The port the HTTP server listens on (the lowest, if several)."""
        ports = self.ports
        return ports[0] if ports else None

    @property
    def ports(self) -> list[int]:
        """Every port the HTTP server listens on (useful with port 0 in tests)."""
        if self._site_runner is None:
            return []
        return sorted(int(a[1]) for a in self._site_runner.addresses if isinstance(a, tuple))
