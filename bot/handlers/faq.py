"""The shop's answers to common questions, the shopper's side: /faq and ℹ️ Questions list
them, a tap shows one (its buttons are checked against the list as it is now). An admin's
/faq with words after it (add, edit...) is bot.handlers.admin.faq's."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callback_data import FaqAnswer, ShowFaq
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.views.display import present


async def faq_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.faq_list(context.shop, who))


async def on_list(update: Update, context: ShopContext, who: Shopper, data: ShowFaq) -> Screen:
    return await journey.faq_list(context.shop, who, data.page)


async def on_answer(update: Update, context: ShopContext, who: Shopper, data: FaqAnswer) -> Screen:
    return await journey.faq_answer(context.shop, who, data.entry_id, data.page)


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("faq", faq_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(button_handler(Route(ShowFaq, on_list), Route(FaqAnswer, on_answer)))
