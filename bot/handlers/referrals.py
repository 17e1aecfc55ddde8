"""Invite a friend: /invite and the 🎁 Invite a friend button of /help show her personal link
(bot.services.referrals); the link itself is a /start deep link (bot.handlers.shop)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callback_data import ShowInvite
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.views.display import present


async def invite_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(
            update, context, await journey.invite(context.shop, who, context.bot.username)
        )


async def on_invite(update: Update, context: ShopContext, who: Shopper, data: ShowInvite) -> Screen:
    return await journey.invite(context.shop, who, context.bot.username)


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("invite", invite_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(button_handler(Route(ShowInvite, on_invite)))
