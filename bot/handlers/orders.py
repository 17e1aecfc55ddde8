"""/orders: the shopper's order history, one order's lines, and its digital items again."""

from __future__ import annotations

from telegram import Update
from telegram.constants import CallbackQueryLimit
from telegram.ext import CommandHandler, filters

from bot.callback_data import DownloadAgain, MyOrder, MyOrders
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import EXPIRED, Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.services import downloads
from bot.services.orders import send_quietly
from bot.views.display import present


async def orders_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.orders(context.shop, who))


async def on_orders(update: Update, context: ShopContext, who: Shopper, data: MyOrders) -> Screen:
    return await journey.orders(context.shop, who)


async def on_order(update: Update, context: ShopContext, who: Shopper, data: MyOrder) -> Screen:
    return await journey.order(context.shop, who, data.order_id)


async def on_download(
    update: Update, context: ShopContext, who: Shopper, data: DownloadAgain
) -> Screen | None:
    """⬇️ on an order: send that digital line again (only the presser's own paid order)."""
    order_id, line_id = data.order_id, data.line_id
    try:
        item = await downloads.find_download(context.shop, who.user_id, order_id, line_id)
    except downloads.DownloadUnavailable:
        return await journey.current(context.shop, who, EXPIRED)
    if update.callback_query:
        toast = f"Sending {item.title}…"[: CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH]
        await update.callback_query.answer(toast)
    if not await downloads.send_download(context.bot, context.shop, who.chat_id, item):
        await send_quietly(
            context.bot,
            who.chat_id,
            f"Sorry, I could not send {item.title} just now. Please try again in a while.",
        )
    return None


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("orders", orders_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        button_handler(
            Route(MyOrders, on_orders), Route(MyOrder, on_order), Route(DownloadAgain, on_download)
        )
    )
