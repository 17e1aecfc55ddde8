"""The bot's own HTTP server (aiohttp): Telegram's webhook, /healthz, /metrics, the storefront.

- `POST /telegram` (webhook mode): a request without the secret token header, or with a wrong
  one, gets 403; a body that is not JSON, or not an update the bot can read and store
  (bot.inbox.read_update), gets 400, which Telegram does not send again; neither is handled. An
  update is stored in the inbox *before* the 200, so a crash after it loses nothing; if the
  database cannot store it the answer is 500 and Telegram delivers it again later.
- `GET /healthz`: 200 when the database answers within two seconds, 503 when it does not.
- `GET /metrics`: Prometheus text (bot.metrics).

- `/shop/` (when WEBAPP_URL is set): the Mini App storefront, its photos and JSON API
  (bot.webapp.api); `/shop` redirects there, so the page's relative addresses resolve.

In polling mode the same server, without the webhook route, listens on METRICS_PORT when set
and on WEBAPP_PORT when the storefront is on (one port if they are the same).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.inbox import UnreadableUpdate, read_update
from bot.metrics import CONTENT_TYPE
from bot.shop import Shop
from bot.webapp.api import MOUNT, Storefront

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_TIMEOUT = 2.0
MAX_BODY = 1024 * 1024  # Telegram's updates are far smaller; anything bigger is not one


def build_server(
    shop: Shop,
    application: Any,
    *,
    webhook_path: str | None = None,
    secret: str = "",
) -> web.Application:
    """The aiohttp app: health and metrics always, the webhook route when `webhook_path`, the
    storefront when WEBAPP_URL is set."""
    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_get("/healthz", _health(shop))
    server.router.add_get("/metrics", _metrics(shop))
    if webhook_path is not None:
        server.router.add_post(f"/{webhook_path}", _webhook(shop, application, secret))
    if shop.settings.storefront_on:
        server.router.add_get(MOUNT, _to_storefront)
        server.add_subapp(MOUNT, Storefront(shop, application.bot).app())
    return server


async def _to_storefront(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently(f"{MOUNT}/")


def _webhook(shop: Shop, application: Any, secret: str) -> Any:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403, text="Forbidden: wrong or missing secret token")
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="Bad Request: the body is not JSON")
        try:
            update = read_update(body, application.bot)
        except UnreadableUpdate as error:
            log.warning("webhook: refused a body from %s: %s", request.remote, error)
            return web.Response(status=400, text=f"Bad Request: {error}")
        try:
            taken = await shop.inbox.receive([body])
        except Exception:
            log.exception(
                "could not store update %s: Telegram will send it again", body["update_id"]
            )
            return web.Response(status=500, text="Internal Server Error: not stored, send again")
        if taken:  # else a redelivery, dropped
            await application.update_queue.put(update)
        return web.Response(text="ok")

    return receive


def _health(shop: Shop) -> Any:
    async def health(request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT), shop.store.reading() as uow:
                await uow.session.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("health check: the database does not answer: %r", error)
            return web.json_response({"status": "down", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    return health


def _metrics(shop: Shop) -> Any:
    async def metrics(request: web.Request) -> web.Response:
        try:
            body = await shop.metrics.render(shop.store)
        except Exception:
            log.exception("metrics: the database does not answer")
            return web.Response(status=503, text="database unreachable")
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    return metrics
