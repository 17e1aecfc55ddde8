"""Build the python-telegram-bot Application around a Shop: the one place wiring happens."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.concurrency import PerChatUpdateProcessor
from bot.config import ConfigError, Settings
from bot.context import SHOP_KEY, ShopContext
from bot.handlers import register_handlers
from bot.handlers.menu import publish_commands
from bot.pacing import ShopRateLimiter
from bot.shop import Shop

ALLOWED_UPDATES = Update.ALL_TYPES  # shipping and pre-checkout queries must be included
WEBHOOK_PATH = "telegram"
TELEGRAM_API_HOST = "api.telegram.org"
TELEGRAM_WEBHOOK_PORTS = (443, 80, 88, 8443)  # the only ports Telegram's servers will call
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


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


def build_application(
    settings: Settings, shop: Shop | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot's Application; the Shop is created (or adopted) and closed with it."""

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if SHOP_KEY not in app.bot_data:
            app.bot_data[SHOP_KEY] = Shop.create(settings)
        await publish_commands(app, settings)

    async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        owned: Shop | None = app.bot_data.pop(SHOP_KEY, None)
        if owned is not None and shop is None:
            await owned.close()

    builder = (
        ApplicationBuilder()
        .token(settings.bot_token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .context_types(ContextTypes(context=ShopContext))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(PerChatUpdateProcessor())
        .rate_limiter(ShopRateLimiter(settings.broadcast_rate))
    )
    app = builder.build()
    if shop is not None:
        app.bot_data[SHOP_KEY] = shop
    register_handlers(app)
    return app
