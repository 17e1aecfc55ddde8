"""The command menus Telegram shows (setMyCommands): one list for shoppers, one for admins."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.config import Settings
from bot.context import AnyApplication

log = logging.getLogger(__name__)

SHOPPER_COMMANDS: list[tuple[str, str]] = [
    ("start", "Welcome and main menu"),
    ("catalog", "Browse the catalog"),
    ("search", "Find products, e.g. /search mug"),
    ("cart", "Your cart"),
    ("orders", "Your orders"),
    ("support", "Ask the shop a question"),
    ("settings", "Cart reminders on or off"),
    ("help", "What I can do"),
    ("cancel", "Cancel the current step"),
]

ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("admin", "Admin menu"),
    ("addproduct", "Add a product step by step"),
    ("edit", "Edit a product: /edit SKU"),
    ("price", "Set a price: /price SKU 12.50"),
    ("stock", "Set or adjust stock: /stock SKU 10 | +5 | -2"),
    ("hide", "Hide a product: /hide SKU"),
    ("show", "Show a hidden product: /show SKU"),
    ("export", "Download the catalog as CSV"),
    ("orders_admin", "Orders: /orders_admin [status]"),
    ("stats", "Revenue, orders, top products, low stock"),
    ("broadcast", "Message every customer"),
]


async def publish_commands(app: AnyApplication, settings: Settings) -> None:
    """Shoppers see the shop's commands; each admin's own chat also shows the admin ones."""
    shopper = [BotCommand(name, text) for name, text in SHOPPER_COMMANDS]
    await app.bot.set_my_commands(shopper, scope=BotCommandScopeDefault())
    admin = shopper + [BotCommand(name, text) for name, text in ADMIN_COMMANDS]
    for admin_id in sorted(settings.admin_ids):
        try:
            await app.bot.set_my_commands(admin, scope=BotCommandScopeChat(chat_id=admin_id))
        except TelegramError as exc:  # the admin has not opened a chat with the bot yet
            log.warning("could not set admin commands for %s: %s", admin_id, exc)
