"""The words of a category's sale that more than one screen says: what it changes ("3
products and 1 variant priced on its own"), when it ends by itself, the sales running
(/sale), and the admins' alert when a sale ended as planned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from bot.i18n import DAY, MONTH_DAY, Translator
from bot.services.category_sale import SalePlan
from bot.store.repositories.category_sales import RunningSale
from bot.texts.sale import MINUS


def off(tr: Translator, percent: int) -> str:
    """ "−20%"."""
    return f"{MINUS}{tr.percent(percent)}"


def items(tr: Translator, plan: SalePlan) -> str:
    """ "18 products", "18 products and 2 variants priced on their own"."""
    products = tr.ngettext(
        "{count} product", "{count} products", plan.products, count=plan.products
    )
    if not plan.variants:
        return products
    variants = tr.ngettext(
        "{count} variant priced on its own",
        "{count} variants priced on their own",
        plan.variants,
        count=plan.variants,
    )
    return tr._("{products} and {variants}", products=products, variants=variants)


def last_day(tr: Translator, ends_at: datetime, zone: tzinfo, form: str = DAY) -> str:
    """ "Dec 31, 2026": the until= day, the last whole day of the sale on the shop's clock
    (it ends at the midnight after it)."""
    return tr.date(ends_at - timedelta(seconds=1), zone, form)


def sale_ends(tr: Translator, ends_at: datetime, zone: tzinfo, now: datetime) -> str:
    """The card's "⏳ Sale ends Dec 31" (the year said only when it is not this one, on
    the shop's clock)."""
    last = (ends_at - timedelta(seconds=1)).astimezone(zone)
    form = MONTH_DAY if last.year == now.astimezone(zone).year else DAY
    return tr._("⏳ Sale ends {day}", day=last_day(tr, ends_at, zone, form))


def sale_end_line(
    tr: Translator, compare_at: int | None, ends_at: datetime | None, zone: tzinfo, now: datetime
) -> str | None:
    """The card's end line, the chat's and the storefront's alike: said only of a price on sale
    (`compare_at`) whose category sale has an end date."""
    if compare_at is None or ends_at is None:
        return None
    return sale_ends(tr, ends_at, zone, now)


def ends_by_itself(tr: Translator, ends_at: datetime, zone: tzinfo) -> str:
    """ "Ends automatically at the end of Dec 31, 2026 (Europe/Madrid)." """
    return tr._(
        "Ends automatically at the end of {day} ({zone}).",
        day=last_day(tr, ends_at, zone),
        zone=str(zone),
    )


def running(tr: Translator, sales: Sequence[RunningSale], zone: tzinfo) -> str:
    """ "🔖 Sales running: Mugs −20% until Dec 31, 2026 · Kitchen −10% (no end date)"; an
    empty string when none is."""
    if not sales:
        return ""
    said = []
    for sale in sales:
        name = f"{tr.name(sale.title, sale.translations)} {off(tr, sale.percent)}"
        said.append(
            tr._("{sale} until {day}", sale=name, day=last_day(tr, sale.ends_at, zone))
            if sale.ends_at is not None
            else tr._("{sale} (no end date)", sale=name)
        )
    return tr._("🔖 Sales running: {sales}", sales=" · ".join(said))


def ended_as_planned(tr: Translator, plan: SalePlan) -> str:
    """The admins' alert: "🔖 The sale of Mugs ended as planned: 21 products back at their
    regular price.", or, when none of its prices was still reduced (all put back by hand
    meanwhile), that it ended with nothing to put back, not "0 products back"."""
    category = tr.name(plan.category, plan.category_translations)
    if not plan.products and not plan.variants:
        return tr._(
            "🔖 The sale of {category} ended as planned; none of its prices was still reduced.",
            category=category,
        )
    return tr._(
        "🔖 The sale of {category} ended as planned: {items} back at their regular price.",
        category=category,
        items=items(tr, plan),
    )
