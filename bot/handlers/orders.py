"""/orders: the shopper's order history, and one order's lines."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callback_data import ButtonData
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import button_handler, shopper_of
from bot.views.display import present


async def orders_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.orders(context.shop, who))


async def on_orders(update: Update, context: ShopContext, who: Shopper, data: ButtonData) -> Screen:
    return await journey.orders(context.shop, who)


async def on_order(update: Update, context: ShopContext, who: Shopper, data: ButtonData) -> Screen:
    return await journey.order(context.shop, who, data.int_arg(0))


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("orders", orders_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(button_handler({"ords": on_orders, "ord": on_order}))
