"""Every text of the admins' morning report (yesterday's figures, sent by the shop each day)
and of /report, which shows it on demand; and the admin's switch for it in /settings."""

from __future__ import annotations

from bot.i18n import N_, WEEKDAY, Translator
from bot.services.reports import DayStats, PeriodStats, day_bounds
from bot.texts.reports import top_product_lines

REPORT_ON = N_("📊 Morning report is on: every morning I send you yesterday's figures.")
REPORT_OFF = N_("📊 Morning report is off.")
REPORT_NOT_SENT = N_("📊 This shop sends no morning report; /report shows yesterday's figures.")
TURN_OFF = N_("🔕 Morning report off")
TURN_ON = N_("📊 Morning report on")
TURNED_ON = N_("Morning report is on.")
TURNED_OFF = N_("Morning report is off. You can turn it back on here in /settings.")
ADMINS_ONLY = N_("The morning report is for the shop's admins.")
NOT_A_DAY = N_("“{text}” is not a date like 2026-12-31.")
FUTURE_DAY = N_("{day} has not ended yet: ask for a day up to yesterday, e.g. /report {example}.")


def report(tr: Translator, stats: DayStats, *, yesterday: bool) -> str:
    """The report of one day, in `tr`'s language, on the shop's clock; one message."""
    start, _ = day_bounds(stats.day, stats.zone)
    day = tr.date(start, stats.zone, WEEKDAY)
    if yesterday:
        head = tr._("📊 Yesterday, {day} ({zone})", day=day, zone=str(stats.zone))
    else:
        head = tr._("📊 {day} ({zone})", day=day, zone=str(stats.zone))
    lines = [head, ""]
    if stats.quiet:
        lines.append(tr._("No orders yesterday.") if yesterday else tr._("No orders that day."))
    else:
        lines += [
            line for period in stats.periods for line in _money_lines(tr, period, stats.tax_label)
        ]
    if stats.new_customers:
        count = stats.new_customers
        new = tr.ngettext("👤 {count} new customer", "👤 {count} new customers", count, count=count)
        lines.append(new)
    if stats.top_products:
        lines += ["", tr._("Top products:")]
        lines += top_product_lines(tr, stats.top_products)
    lines += ["", *_waiting_lines(tr, stats)]
    return "\n".join(lines)


def _money_lines(tr: Translator, period: PeriodStats, tax_label: str | None) -> list[str]:
    """Revenue (paid minus refunds), orders paid and their average, refunds, and in a shop
    with TAX_RATE the tax its sales included less what its refunds gave back (/stats' words,
    "VAT included: $4.36"; nothing when it is none): one currency."""
    c = period.currency
    orders = tr.ngettext(
        "{count} order paid", "{count} orders paid", period.orders, count=period.orders
    )
    lines = [
        tr._("💰 Revenue: {net}", net=tr.money(period.net, c)),
        tr._(
            "🧾 {orders}, average {average}",
            orders=orders,
            average=tr.money(period.average_order, c),
        ),
    ]
    if period.refunds:
        lines.append(tr._("↩️ Refunds: {amount}", amount=tr.money(period.refunds, c)))
    if tax_label is not None and period.tax:
        amount = tr.money(period.tax, c)
        lines.append(tr._("{label} included: {amounts}", label=tax_label, amounts=amount))
    return lines


def _waiting_lines(tr: Translator, stats: DayStats) -> list[str]:
    """What waits now, as the report is read: orders to ship, refunds, low stock."""
    ship, refunds, low = stats.waiting_to_ship, stats.refunds_pending, stats.low_stock_count
    return [
        tr.ngettext(
            "📦 Waiting now: {count} paid order to ship",
            "📦 Waiting now: {count} paid orders to ship",
            ship,
            count=ship,
        ),
        tr.ngettext(
            "⏳ {count} refund still pending",
            "⏳ {count} refunds still pending",
            refunds,
            count=refunds,
        ),
        tr.ngettext(
            "⚠️ {count} product low on stock (≤ {threshold} available)",
            "⚠️ {count} products low on stock (≤ {threshold} available)",
            low,
            count=low,
            threshold=stats.threshold,
        ),
    ]
