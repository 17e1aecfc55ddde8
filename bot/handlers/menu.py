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

from bot import i18n
from bot.config import Settings
from bot.context import AnyApplication
from bot.i18n import N_

log = logging.getLogger(__name__)

SHOPPER_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Welcome and main menu")),
    ("catalog", N_("Browse the catalog")),
    ("search", N_("Find products, e.g. /search mug")),
    ("cart", N_("Your cart")),
    ("orders", N_("Your orders")),
    ("saved", N_("Products you saved")),
    ("support", N_("Ask the shop a question")),
    ("settings", N_("Cart reminders on or off")),
    ("language", N_("Choose your language")),
    ("help", N_("What I can do")),
    ("cancel", N_("Cancel the current step")),
]

STOREFRONT_COMMAND = ("shop", N_("The shop as a page, with photos"))
MENU_BUTTON_TEXT = N_("Shop")

ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("admin", N_("Admin menu")),
    ("addproduct", N_("Add a product step by step")),
    ("edit", N_("Edit a product: /edit SKU")),
    ("price", N_("Set a price: /price SKU 12.50")),
    ("stock", N_("Set or adjust stock: /stock SKU 10 | +5 | -2")),
    ("hide", N_("Hide a product: /hide SKU")),
    ("show", N_("Show a hidden product: /show SKU")),
    ("export", N_("Download the catalog as CSV")),
    ("orders_admin", N_("Orders: /orders_admin [status]")),
    ("promo", N_("Promo codes: /promo new CODE 10%, /promo off CODE")),
    ("stats", N_("Revenue, orders, discounts, tips, top products")),
    ("broadcast", N_("Message every customer")),
    ("audit", N_("Who did what: the newest rows of the audit log")),
]


def shopper_commands(settings: Settings, tr: i18n.Translator) -> list[BotCommand]:
    commands = list(SHOPPER_COMMANDS)
    if settings.storefront_on:
        commands.insert(1, STOREFRONT_COMMAND)
    return [BotCommand(name, tr._(text)) for name, text in commands]


async def publish_commands(app: AnyApplication, settings: Settings) -> None:
    """Shoppers see the shop's commands, each in their Telegram language (one list per
    language the shop speaks, and DEFAULT_LANGUAGE's for everyone else); each admin's own
    chat also shows the admin ones."""
    unreachable: set[int] = set()  # admins who have not opened a chat with the bot yet
    languages: list[str | None] = [None, *i18n.LANGUAGES]
    for language in languages:
        tr = i18n.translator(language or settings.default_language)
        shopper = shopper_commands(settings, tr)
        await app.bot.set_my_commands(
            shopper, scope=BotCommandScopeDefault(), language_code=language
        )
        admin = shopper + [BotCommand(name, tr._(text)) for name, text in ADMIN_COMMANDS]
        for admin_id in sorted(settings.admin_ids - unreachable):
            try:
                await app.bot.set_my_commands(
                    admin, scope=BotCommandScopeChat(chat_id=admin_id), language_code=language
                )
            except TelegramError as exc:
                log.warning("could not set admin commands for %s: %s", admin_id, exc)
                unreachable.add(admin_id)


async def publish_storefront(app: AnyApplication, settings: Settings) -> None:
    """Every chat's menu button opens the storefront; without WEBAPP_URL, say once that it
    is off (a menu button set in @BotFather is left as it is)."""
    if not settings.storefront_on:
        log.info("the storefront (Mini App) is off: set WEBAPP_URL to serve it")
        return
    label = i18n.translator(settings.default_language)._(MENU_BUTTON_TEXT)
    button = MenuButtonWebApp(label, WebAppInfo(settings.webapp_url))
    try:
        await app.bot.set_chat_menu_button(menu_button=button)
    except TelegramError as exc:
        log.warning("could not make the menu button open the storefront: %s", exc)
        return
    log.info("the storefront is at %s (the chat's menu button opens it)", settings.webapp_url)
