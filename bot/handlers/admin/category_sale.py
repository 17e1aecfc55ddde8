"""/sale Mugs 20% and /sale end Mugs: a preview, then ✅ Start sale (or End sale) or ✖️ Cancel."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import CancelSale, ConfirmSale
from bot.context import ShopContext
from bot.handlers.admin.common import actor
from bot.handlers.admin.guard import admin_only
from bot.services.admin_catalog import AdminInputError
from bot.usecases import category_sale
from bot.views import admin_sale as views
from bot.views.admin import reply, show
from bot.views.replies import answer_button


@admin_only("/sale")
async def sale_command(update: Update, context: ShopContext) -> None:
    try:
        plan = await category_sale.preview(context.shop, context.args or [])
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.preview(plan))


async def on_confirm(update: Update, context: ShopContext, data: ConfirmSale) -> None:
    """A second press, or one on a preview the category has changed since, changes nothing
    and says why (the preview stays, without its buttons)."""
    try:
        plan = await category_sale.confirm(
            context.shop, actor(update), data.category_id, data.percent, data.fingerprint
        )
    except AdminInputError as exc:
        await answer_button(update, str(exc))
        await show(update, str(exc))
        return
    await answer_button(update)
    await show(update, views.done(plan))


async def on_cancel(update: Update, context: ShopContext, data: CancelSale) -> None:
    await answer_button(update)
    await show(update, views.cancelled())
