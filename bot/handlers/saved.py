"""Saved products: ♡ Save / ♥ Saved on a product's card, and /saved to find them again."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.callback_data import SaveProduct, ShowSaved, UnsaveProduct
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.views.display import present


async def saved_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.saved(context.shop, who))


async def on_saved(update: Update, context: ShopContext, who: Shopper, data: ShowSaved) -> Screen:
    return await journey.saved(context.shop, who, data.page)


async def on_save(update: Update, context: ShopContext, who: Shopper, data: SaveProduct) -> Screen:
    return await journey.save(context.shop, who, data.product_id, data.variant_id)


async def on_unsave(
    update: Update, context: ShopContext, who: Shopper, data: UnsaveProduct
) -> Screen:
    return await journey.unsave(context.shop, who, data.product_id, data.variant_id)


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("saved", saved_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        button_handler(
            Route(ShowSaved, on_saved), Route(SaveProduct, on_save), Route(UnsaveProduct, on_unsave)
        )
    )
