"""/stats: revenue, orders, average order, top products and low stock."""

from __future__ import annotations

from telegram import Update

from bot.context import ShopContext
from bot.handlers.admin.guard import admin_only
from bot.usecases import admin_catalog
from bot.views.admin import reply
from bot.views.admin_catalog import shop_report


async def send_stats(update: Update, context: ShopContext) -> None:
    await reply(update, shop_report(await admin_catalog.report(context.shop)))


@admin_only("/stats")
async def stats_command(update: Update, context: ShopContext) -> None:
    await send_stats(update, context)
