"""/stats: revenue, orders, average order, top products and low stock."""

from __future__ import annotations

from telegram import Update

from bot.context import ShopContext
from bot.handlers.admin.guard import admin_only
from bot.money import format_money
from bot.notices import low_stock_line
from bot.services.reports import StoreStats, store_stats
from bot.views.admin import reply
from bot.wording import plural


def render_stats(stats: StoreStats) -> str:
    lines = [f"📊 Shop report ({stats.now:%Y-%m-%d %H:%M} UTC)", ""]
    for period in stats.periods:
        c = period.currency
        refunds = (
            f" (gross {format_money(period.gross, c)}, refunds {format_money(period.refunds, c)})"
            if period.refunds
            else ""
        )
        lines.append(
            f"{period.label}: {format_money(period.net, c)} revenue{refunds}, "
            f"{plural(period.orders, 'order')}, average {format_money(period.average_order, c)}"
        )
    lines += ["", "Top products (30 days):"]
    lines += [
        f"{i}. {t.sku} · {t.title}: {t.quantity} sold, {format_money(t.revenue, t.currency)}"
        for i, t in enumerate(stats.top_products, 1)
    ] or ["(no sales yet)"]
    lines += ["", f"Low stock (≤ {stats.threshold} available):"]
    lines += ["• " + low_stock_line(p) for p in stats.low_stock] or ["(none)"]
    if stats.other_currencies:
        lines += ["", "Not counted above: orders in " + ", ".join(stats.other_currencies)]
    return "\n".join(lines)


async def send_stats(update: Update, context: ShopContext) -> None:
    settings = context.shop.settings
    async with context.shop.store.uow() as uow:
        stats = await store_stats(
            uow, currency=settings.currency, threshold=settings.low_stock_threshold
        )
    await reply(update, render_stats(stats))


@admin_only("/stats")
async def stats_command(update: Update, context: ShopContext) -> None:
    await send_stats(update, context)
