"""/export orders [from=…] [until=…]: the shop's orders as a CSV document (the days parsed by
bot.services.order_export, the file made by bot.usecases.order_export)."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id
from bot.services.admin_catalog import AdminInputError
from bot.services.order_export import OrderDays
from bot.usecases import order_export
from bot.views import order_export as views
from bot.views.admin import reply


async def send_orders(update: Update, context: ShopContext, days: OrderDays) -> None:
    """The orders file, streamed from its temporary file; or why there is none."""
    first = days.first.isoformat() if days.first else None
    last = days.last.isoformat() if days.last else None
    try:
        export = await order_export.export_orders(context.shop, actor(update), days)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    if export.file is None:
        await reply(update, views.no_orders(first, last))
        return
    zone = context.shop.settings.shop_timezone
    with export.file:  # streamed from its temporary file, never read into memory whole
        await context.bot.send_document(
            chat_id(update),
            InputFile(export.file, filename=export.file_name, read_file_handle=False),
            caption=views.caption(export.orders, export.rows, first, last, zone),
        )


async def send_all_orders(update: Update, context: ShopContext) -> None:
    """The admin menu's ⬇️ Export orders: every order."""
    await send_orders(update, context, OrderDays())
