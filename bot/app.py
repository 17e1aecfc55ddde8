"""Build the python-telegram-bot Application around a Shop: the one place wiring happens."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.concurrency import PerChatUpdateProcessor
from bot.config import Settings
from bot.context import SHOP_KEY, ShopContext
from bot.handlers import register_handlers
from bot.handlers.menu import publish_commands
from bot.shop import Shop

ALLOWED_UPDATES = Update.ALL_TYPES  # shipping and pre-checkout queries must be included


def build_application(
    settings: Settings, shop: Shop | None = None, *, rate_limit: bool = True
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
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))  # type: ignore[arg-type]
    app = builder.build()
    if shop is not None:
        app.bot_data[SHOP_KEY] = shop
    register_handlers(app)
    return app
