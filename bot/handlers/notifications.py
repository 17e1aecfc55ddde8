"""Messages the shopper asked for in advance: "Notify me" on a sold-out product, cart
reminders, price drops of what she saved, and /settings (where reminders and price-drop
alerts are turned off or on), and the jobs that send them (bot.usecases.restock,
bot.usecases.reminders, bot.usecases.price_drops).
"""

from __future__ import annotations

from telegram import Chat, ChatMember, Update
from telegram.ext import ChatMemberHandler, CommandHandler, filters

from bot.callback_data import (
    CartReminders,
    MorningReport,
    NotifyMe,
    PriceDropAlerts,
    ShowSettings,
    StopNotifying,
)
from bot.context import AnyApplication, ShopContext
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.usecases import price_drops, reminders, restock, sales_pause
from bot.views.display import present

RESTOCK_CHECK_INTERVAL_SECONDS = 15.0
REMINDER_CHECK_INTERVAL_SECONDS = 300.0


async def settings_command(update: Update, context: ShopContext) -> None:
    if who := shopper_of(update):
        await present(update, context, await journey.settings(context.shop, who))


async def on_settings(
    update: Update, context: ShopContext, who: Shopper, data: ShowSettings
) -> Screen:
    return await journey.settings(context.shop, who)


async def on_reminders(
    update: Update, context: ShopContext, who: Shopper, data: CartReminders
) -> Screen:
    return await journey.cart_reminders(context.shop, who, bool(data.on))


async def on_price_drop_alerts(
    update: Update, context: ShopContext, who: Shopper, data: PriceDropAlerts
) -> Screen:
    return await journey.price_drop_alerts(context.shop, who, bool(data.on))


async def on_morning_report(
    update: Update, context: ShopContext, who: Shopper, data: MorningReport
) -> Screen:
    return await journey.morning_report(context.shop, who, bool(data.on))


async def on_notify_me(
    update: Update, context: ShopContext, who: Shopper, data: NotifyMe
) -> Screen:
    return await journey.watch(context.shop, who, data.product_id, data.variant_id)


async def on_stop_notifying(
    update: Update, context: ShopContext, who: Shopper, data: StopNotifying
) -> Screen:
    return await journey.unwatch(context.shop, who, data.product_id, data.variant_id)


async def on_my_status(update: Update, context: ShopContext) -> None:
    """Telegram says the shopper blocked the bot ("kicked") or unblocked it: no reply (a
    blocked bot cannot send one), only the record of whom notices may reach."""
    change = update.my_chat_member
    if change is None or change.chat.type != Chat.PRIVATE:
        return
    blocked = change.new_chat_member.status == ChatMember.BANNED
    await journey.record_blocked(context.shop, change.from_user.id, blocked)


async def tell_back_in_stock(context: ShopContext) -> None:
    """Job: shoppers waiting for a product that is available again are told, once."""
    await restock.tell_waiting_shoppers(context.shop)


async def tell_price_drops(context: ShopContext) -> None:
    """Job: shoppers whose saved product got cheaper are told, once per drop."""
    await price_drops.tell_price_drops(context.shop)


async def tell_sales_reopened(context: ShopContext) -> None:
    """Job: shoppers who met the paused checkout hear once that sales are open again."""
    await sales_pause.tell_reopened(context.shop)


async def remind_carts(context: ShopContext) -> None:
    """Job: carts left alone for CART_REMINDER_HOURS get their one reminder."""
    await reminders.send_due(context.shop)


def register(app: AnyApplication) -> None:
    app.add_handler(CommandHandler("settings", settings_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(
        button_handler(
            Route(ShowSettings, on_settings),
            Route(CartReminders, on_reminders),
            Route(PriceDropAlerts, on_price_drop_alerts),
            Route(MorningReport, on_morning_report),
            Route(NotifyMe, on_notify_me),
            Route(StopNotifying, on_stop_notifying),
        )
    )
    app.add_handler(ChatMemberHandler(on_my_status, ChatMemberHandler.MY_CHAT_MEMBER))
    if app.job_queue is None:
        return
    jobs = [
        (tell_back_in_stock, RESTOCK_CHECK_INTERVAL_SECONDS, "tell-back-in-stock"),
        (tell_price_drops, RESTOCK_CHECK_INTERVAL_SECONDS, "tell-price-drops"),
        (tell_sales_reopened, RESTOCK_CHECK_INTERVAL_SECONDS, "tell-sales-reopened"),
        # does nothing while CART_REMINDER_HOURS is 0
        (remind_carts, REMINDER_CHECK_INTERVAL_SECONDS, "remind-carts"),
    ]
    for job, seconds, name in jobs:
        app.job_queue.run_repeating(job, interval=seconds, first=seconds, name=name)
