"""/stats: revenue, orders, average order, top products and low stock; /report: the morning
report of yesterday (or of a day named), and the job that sends it to the admins each day;
/referrals: what invitations brought the shop."""

from __future__ import annotations

from telegram import Update

from bot.context import AnyApplication, ShopContext
from bot.usecases import admin_catalog, daily_report, referrals
from bot.views.admin import reply
from bot.views.admin_catalog import shop_report
from bot.views.admin_referrals import referral_totals

# How often each worker looks whether yesterday's report is due (one primary-key read once
# it was sent): the report goes out within this of DAILY_REPORT_HOUR, or of a later start.
DAILY_REPORT_CHECK_SECONDS = 60.0


async def send_stats(update: Update, context: ShopContext) -> None:
    await reply(update, shop_report(await admin_catalog.report(context.shop)))


async def stats_command(update: Update, context: ShopContext) -> None:
    await send_stats(update, context)


async def report_command(update: Update, context: ShopContext) -> None:
    asked = " ".join(context.args or [])
    await reply(update, await daily_report.on_demand(context.shop, asked))


async def referrals_command(update: Update, context: ShopContext) -> None:
    """/referrals: friends invited, rewards given and what they were worth."""
    settings = context.shop.settings
    found = await referrals.totals(context.shop)
    await reply(update, referral_totals(found, settings.referral_reward, settings.currency))


async def send_daily_report(context: ShopContext) -> None:
    """Job: yesterday's report to the admins, once a day across all workers."""
    await daily_report.send_due(context.shop)


def register_jobs(app: AnyApplication) -> None:
    """On every worker (the claim makes it once); it does nothing while DAILY_REPORT_HOUR is
    off."""
    if app.job_queue is not None:
        every = DAILY_REPORT_CHECK_SECONDS
        app.job_queue.run_repeating(send_daily_report, every, every, name="send-daily-report")
