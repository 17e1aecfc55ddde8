"""The command menus Telegram shows (setMyCommands): one list for shoppers, one for admins,
one for staff (the admin commands they may use); and the menu button beside the input field,
which opens the storefront when there is one."""

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

from bot import i18n, permissions
from bot.config import Settings
from bot.context import AnyApplication
from bot.i18n import N_
from bot.texts.commands import ADMIN_COMMANDS, SHOPPER_COMMANDS, STOREFRONT_COMMAND

log = logging.getLogger(__name__)

MENU_BUTTON_TEXT = N_("Shop")


def shopper_commands(settings: Settings, tr: i18n.Translator) -> list[BotCommand]:
    commands = list(SHOPPER_COMMANDS)
    if settings.storefront_on:
        commands.insert(1, STOREFRONT_COMMAND)
    return [BotCommand(name, tr._(text)) for name, text in commands]


async def publish_commands(app: AnyApplication, settings: Settings) -> None:
    """Shoppers see the shop's commands, each in their Telegram language (one list per
    language the shop speaks, and DEFAULT_LANGUAGE's for everyone else); each admin's and
    staff member's own chat also shows the admin ones they may use."""
    unreachable: set[int] = set()  # admins and staff who have not opened a chat with the bot
    languages: list[str | None] = [None, *i18n.LANGUAGES]
    team = [*permissions.readers(settings, "menu")]  # admins, then staff
    for language in languages:
        tr = i18n.translator(language or settings.default_language)
        shopper = shopper_commands(settings, tr)
        await app.bot.set_my_commands(
            shopper, scope=BotCommandScopeDefault(), language_code=language
        )
        for member in team:
            if member in unreachable:
                continue
            role = permissions.role_of(settings, member)
            mine = permissions.commands_of(role, ADMIN_COMMANDS)
            theirs = [c for c in shopper if c.command not in dict(mine)]  # /faq: the admins'
            commands = theirs + [BotCommand(name, tr._(text)) for name, text in mine]
            try:
                await app.bot.set_my_commands(
                    commands, scope=BotCommandScopeChat(chat_id=member), language_code=language
                )
            except TelegramError as exc:
                log.warning("could not set admin commands for %s: %s", member, exc)
                unreachable.add(member)


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
