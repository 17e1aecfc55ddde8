"""The command menus Telegram shows (setMyCommands): one list for shoppers, one for admins;
and the menu button beside the input field, which opens the storefront when there is one."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
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

STOREFRONT_COMMAND = ("shop", "The shop as a page, with photos")
MENU_BUTTON_TEXT = "Shop"

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
    ("promo", "Promo codes: /promo new CODE 10%, /promo off CODE"),
    ("stats", "Revenue, orders, discounts, tips, top products"),
    ("broadcast", "Message every customer"),
]


async def publish_commands(app: AnyApplication, settings: Settings) -> None:
    """Shoppers see the shop's commands; each admin's own chat also shows the admin ones."""
    commands = list(SHOPPER_COMMANDS)
    if settings.storefront_on:
        commands.insert(1, STOREFRONT_COMMAND)
    shopper = [BotCommand(name, text) for name, text in commands]
    await app.bot.set_my_commands(shopper, scope=BotCommandScopeDefault())
    admin = shopper + [BotCommand(name, text) for name, text in ADMIN_COMMANDS]
    for admin_id in sorted(settings.admin_ids):
        try:
            await app.bot.set_my_commands(admin, scope=BotCommandScopeChat(chat_id=admin_id))
        except TelegramError as exc:  # the admin has not opened a chat with the bot yet
            log.warning("could not set admin commands for %s: %s", admin_id, exc)


async def publish_storefront(app: AnyApplication, settings: Settings) -> None:
    """Every chat's menu button opens the storefront; without WEBAPP_URL, say once that it
    is off (a menu button set in @BotFather is left as it is)."""
    if not settings.storefront_on:
        log.info("the storefront (Mini App) is off: set WEBAPP_URL to serve it")
        return
    button = MenuButtonWebApp(MENU_BUTTON_TEXT, WebAppInfo(settings.webapp_url))
    try:
        await app.bot.set_chat_menu_button(menu_button=button)
    except TelegramError as exc:
        log.warning("could not make the menu button open the storefront: %s", exc)
        return
    log.info("the storefront is at %s (the chat's menu button opens it)", settings.webapp_url)
