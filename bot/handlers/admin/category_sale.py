"""/sale Mugs 20% [until=2026-12-31], /sale end Mugs and /sale Mugs until=2026-12-31 (the
running sale's end date): a preview, then ✅ Start sale (End sale, Change end date) or
✖️ Cancel; /sale alone lists the sales running. The job that ends sales on
their end date runs on every worker (the claim in the database makes it once)."""

from __future__ import annotations

from telegram import Update

from bot.callback_data import CancelSale, ConfirmSale, ConfirmSaleEnd
from bot.context import AnyApplication, ShopContext
from bot.handlers.admin.common import actor
from bot.services.admin_catalog import AdminInputError
from bot.services.category_sale import EndDatePlan
from bot.usecases import category_sale
from bot.views import admin_sale as views
from bot.views.admin import reply, show
from bot.views.replies import answer_button

# How often each worker looks for sales whose end date has passed (one index read when
# none is): a sale ends within this of the midnight that ends its until= day.
SALE_END_CHECK_SECONDS = 60.0


async def sale_command(update: Update, context: ShopContext) -> None:
    zone = context.shop.settings.zone
    if not context.args:
        await reply(update, views.sales_running(await category_sale.running(context.shop), zone))
        return
    try:
        plan = await category_sale.preview(context.shop, context.args)
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    if isinstance(plan, EndDatePlan):
        await reply(update, views.preview_end_date(plan, zone))
        return
    await reply(update, views.preview(plan, zone))


async def on_confirm(update: Update, context: ShopContext, data: ConfirmSale) -> None:
    """A second press, or one on a preview the category has changed since, changes nothing
    and says why (the preview stays, without its buttons)."""
    try:
        plan = await category_sale.confirm(
            context.shop,
            actor(update),
            data.category_id,
            data.percent,
            data.fingerprint,
            data.ends,
        )
    except AdminInputError as exc:
        await answer_button(update, str(exc))
        await show(update, str(exc))
        return
    await answer_button(update)
    await show(update, views.done(plan, context.shop.settings.zone))


async def on_confirm_end_date(update: Update, context: ShopContext, data: ConfirmSaleEnd) -> None:
    """As on_confirm: a second press, or a sale ended or changed since, changes nothing."""
    try:
        plan = await category_sale.confirm_end_date(
            context.shop, actor(update), data.category_id, data.fingerprint, data.ends
        )
    except AdminInputError as exc:
        await answer_button(update, str(exc))
        await show(update, str(exc))
        return
    await answer_button(update)
    await show(update, views.end_date_changed(plan, context.shop.settings.zone))


async def on_cancel(update: Update, context: ShopContext, data: CancelSale) -> None:
    await answer_button(update)
    await show(update, views.cancelled())


async def end_sales_due(context: ShopContext) -> None:
    """Job: sales whose end date has passed end, once across all workers."""
    await category_sale.end_due(context.shop)


def register_jobs(app: AnyApplication) -> None:
    """On every worker; each run is one index read while no sale is due."""
    if app.job_queue is not None:
        every = SALE_END_CHECK_SECONDS
        app.job_queue.run_repeating(end_sales_due, every, every, name="end-sales-due")
