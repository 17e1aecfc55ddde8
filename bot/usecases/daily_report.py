"""The admins' morning report: each day at DAILY_REPORT_HOUR on the shop's clock, every admin
who has not turned it off (/settings) gets yesterday's figures in her language; /report shows
the same report on demand, for yesterday or a day named.

Once a day whatever the number of workers and restarts: a job on every worker looks each
minute whether yesterday's report is due, and the one whose row for that day goes into
`daily_reports` (its primary key is the day) sends it; every other run finds the row and
does nothing. The row goes in before the first message: a crash between the two loses that
day's report rather than sending it twice. A worker started later that day (the bot was down
at the hour) still sends it; yesterday's is the only one ever due, so a shop down for days
gets no backlog of old reports.

The figures are bot.services.reports' (`day_stats`), counted as /stats counts its periods.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, tzinfo
from functools import partial

from bot import i18n
from bot.clipping import echo
from bot.config import Settings
from bot.services.promos import parse_day
from bot.services.reports import DayStats, day_bounds, day_stats
from bot.shop import Shop
from bot.store.models import utcnow
from bot.store.uow import UnitOfWork
from bot.texts import daily_report as texts

log = logging.getLogger(__name__)


def due_day(settings: Settings, now: datetime) -> date | None:
    """The day whose report is due at `now`: yesterday on the shop's clock, from
    DAILY_REPORT_HOUR on (an hour a change of the clock skips counts as passed); None before
    it, or when the reports are off."""
    hour = settings.daily_report_hour
    if hour is None:
        return None
    local = now.astimezone(settings.zone)
    return local.date() - timedelta(days=1) if local.hour >= hour else None


async def send_due(shop: Shop, *, now: datetime | None = None) -> int:
    """Job: send yesterday's report if it is due and no worker took it yet; how many admins
    got it."""
    day = due_day(shop.settings, now or utcnow())
    if day is None or not shop.settings.admin_ids:
        return 0
    async with shop.store.reading() as uow:  # the usual answer: sent already
        if await uow.daily_reports.claimed(day):
            return 0
    async with shop.store.uow() as uow:
        if not await uow.daily_reports.claim(day, utcnow()):
            return 0  # another worker took it a moment ago
    async with shop.store.reading() as uow:
        stats = await _stats(uow, shop.settings, day)
        off = await uow.customers.without_morning_report(shop.settings.admin_ids)
    readers = shop.settings.admin_ids - off
    if not readers:
        log.info("morning report for %s: every admin turned it off", day)
        return 0
    sent = await shop.alert_admins(partial(texts.report, stats=stats, yesterday=True), only=readers)
    log.info("morning report for %s sent to %s of %s admins", day, sent, len(readers))
    return sent


async def on_demand(shop: Shop, text: str, *, now: datetime | None = None) -> str:
    """/report (yesterday) or /report 2026-12-01 (that day, up to yesterday): the report, or
    what is wrong with the day asked for, in the admin's language."""
    tr = i18n.current()
    zone = shop.settings.zone
    today = (now or utcnow()).astimezone(zone).date()
    yesterday = today - timedelta(days=1)
    asked = text.strip()
    day = parse_day(asked) if asked else yesterday
    if day is None or not _on_the_clock(day, zone):
        return tr._(texts.NOT_A_DAY, text=echo(asked))
    if day > yesterday:
        return tr._(texts.FUTURE_DAY, day=day.isoformat(), example=yesterday.isoformat())
    async with shop.store.reading() as uow:
        stats = await _stats(uow, shop.settings, day)
    return texts.report(tr, stats, yesterday=day == yesterday)


def _on_the_clock(day: date, zone: tzinfo) -> bool:
    """The day's midnights are moments Python can write (not so 0001-01-01 east of UTC)."""
    try:
        day_bounds(day, zone)
    except OverflowError:
        return False
    return True


async def _stats(uow: UnitOfWork, settings: Settings, day: date) -> DayStats:
    return await day_stats(
        uow,
        day,
        currency=settings.currency,
        threshold=settings.low_stock_threshold,
        zone=settings.zone,
        tax_label=settings.shown_tax_label,
    )
