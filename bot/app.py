"""Build the python-telegram-bot Application around a Shop: the one place wiring happens."""

from __future__ import annotations

import gc
import logging
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import ConfigError, Settings
from bot.context import SHOP_KEY, AnyApplication, ShopContext
from bot.handlers import register_handlers
from bot.handlers.gate import SERVED
from bot.handlers.menu import publish_commands, publish_storefront
from bot.handlers.privacy import answer_deleted_press
from bot.inbox import (
    InboxUpdateProcessor,
    JournalingRequest,
    PollingBot,
    UnreadableUpdate,
    read_update,
)
from bot.pacing import ShopRateLimiter
from bot.shop import Shop
from bot.transport import AiohttpRequest
from bot.usecases import privacy

# What Telegram is asked for: the kinds the gate serves (shipping and pre-checkout queries
# among them), so the rest never arrive; the gate still drops any that do (an update made
# before the bot asked, which Telegram delivers under the old choice).
ALLOWED_UPDATES = list(SERVED)
WEBHOOK_PATH = "telegram"
TELEGRAM_API_HOST = "api.telegram.org"
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ports Telegram's servers will call
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")

log = logging.getLogger(__name__)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for PTB's `run_webhook`/`updater.start_webhook`, checked up front.

    The one definition shared by `python -m bot webhook` and the tests, so what is tested is
    what runs. The webhook server listens on WEBHOOK_LISTEN:WEBHOOK_PORT at /telegram and
    refuses (403) any request without the secret token header; Telegram is told to call
    WEBHOOK_URL/telegram with that token.
    """
    public = settings.webhook_url.rstrip("/")
    if not public:
        raise ConfigError("WEBHOOK_URL is not set: the public https URL Telegram should call")
    try:
        parts = urlsplit(public)
        port = parts.port
    except ValueError:
        raise ConfigError(f"WEBHOOK_URL {public!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"WEBHOOK_URL {public!r} must look like https://shop.example.com")
    if urlsplit(settings.bot_api_base_url).hostname == TELEGRAM_API_HOST:
        # A local Bot API server may call plain http on any port; Telegram's own may not.
        if parts.scheme != "https":
            raise ConfigError("WEBHOOK_URL must start with https://: Telegram only calls TLS")
        if port not in (None, *TELEGRAM_WEBHOOK_PORTS):
            raise ConfigError(
                f"WEBHOOK_URL port {port} is not one Telegram calls: use 443, 80, 88 or 8443"
            )
    if not _SECRET_TOKEN.fullmatch(settings.webhook_secret):
        raise ConfigError("WEBHOOK_SECRET must be 1-256 characters, only letters, digits, _ and -")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": WEBHOOK_PATH,
        "webhook_url": f"{public}/{WEBHOOK_PATH}",
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": False,
    }


Mode = Literal["polling", "webhook"]


def build_application(
    settings: Settings, shop: Shop | None = None, *, mode: Mode = "polling"
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot's Application; the Shop is created (or adopted) and closed with it (if created).

    Updates come through the shop's inbox (bot.inbox): journaled by the getUpdates request in
    polling mode, by bot.web in webhook mode; the processor marks each one done.
    """
    owned = shop is None
    shop = shop if shop is not None else Shop.create(settings)
    limiter = ShopRateLimiter(settings.broadcast_rate)
    limiter.on_fault = shop.metrics.api_fault

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await publish_commands(app, settings)
        await publish_storefront(app, settings)
        # What start-up made (modules, the ORM's mappings, the Application) lives as long as
        # the process: out of the collector's sight, a full collection no longer walks it
        # (measured at 10 chats: one 89 ms pause of every chat -> 1 ms).
        gc.freeze()

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.bot_data.pop(SHOP_KEY, None)
        if owned:
            await shop.close()

    bot = PollingBot(
        token=settings.bot_token,
        base_url=settings.bot_api_base_url,
        base_file_url=settings.bot_api_file_url,
        request=AiohttpRequest(),
        get_updates_request=JournalingRequest(shop.inbox, connection_pool_size=1),
        rate_limiter=limiter,
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=ShopContext))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(InboxUpdateProcessor(shop.inbox))
    )
    app = builder.build()
    app.bot_data[SHOP_KEY] = shop
    shop.connect(app.bot)  # notices, deliveries and Stars refunds go through this bot
    register_handlers(app)
    if app.job_queue is not None:
        if mode == "webhook":  # several workers: take over what a crashed one left, in time
            app.job_queue.run_repeating(
                recover_abandoned, interval=max(settings.inbox_lease_seconds / 2, 1), first=1
            )
        app.job_queue.run_repeating(prune_inbox, interval=3600, first=60)
    return app


async def recover_updates(app: AnyApplication, *, everything: bool = False) -> int:
    """Queue the updates a crash left unfinished (with `everything`: all unfinished ones, which
    only a polling bot, the only consumer, may take at start-up)."""
    shop: Shop = app.bot_data[SHOP_KEY]
    taken = await shop.inbox.recover(everything=everything)
    for payload in taken:
        left = privacy.press_left(payload)
        if left is not None:  # her data deleted, then a crash: only the answer is owed
            try:
                await answer_deleted_press(app.bot, left)
            except TelegramError as error:  # she blocked the bot...: it must not hold up others
                log.warning("update %s: could not answer: %r", payload["update_id"], error)
            await shop.inbox.finish(payload["update_id"])
            continue
        try:
            update = read_update(payload, app.bot)
        except UnreadableUpdate as error:  # never handled: it must not hold up the others
            log.error("update %s cannot be handled: %s", payload.get("update_id"), error)
            await shop.inbox.finish(payload["update_id"], str(error))
            continue
        await app.update_queue.put(update)
    return len(taken)


async def recover_abandoned(context: ShopContext) -> None:
    """Job: updates whose worker crashed mid-way are handled by this one."""
    await recover_updates(context.application)


async def prune_inbox(context: ShopContext) -> None:
    """Job: forget updates finished longer ago than INBOX_KEEP_HOURS."""
    await context.shop.inbox.prune()
