"""/sale as the admin reads it: the preview with a few of its prices, and what was done."""

from __future__ import annotations

from datetime import tzinfo

from bot import i18n
from bot.callback_data import CancelSale, ConfirmSale, ConfirmSaleEnd, button
from bot.i18n import Translator
from bot.services.category_sale import (
    SALE_UNTIL_USAGE,
    SALE_USAGE,
    EndDatePlan,
    PriceChange,
    SalePlan,
)
from bot.store.models import variant_title
from bot.store.repositories.category_sales import RunningSale
from bot.texts.category_sale import ends_by_itself, last_day, off, running
from bot.texts.category_sale import items as _items
from bot.views.admin import AdminView

EXAMPLES = 3  # price lines in a preview; "… and N more" for the rest


def _category(tr: Translator, plan: SalePlan) -> str:
    return tr.name(plan.category, plan.category_translations)


def _left(tr: Translator, plan: SalePlan) -> list[str]:
    """Why some prices stay as they are."""
    left = []
    if plan.already:
        left.append(
            tr.ngettext(
                "{count} already on sale, left as it is",
                "{count} already on sale, left as they are",
                plan.already,
                count=plan.already,
            )
        )
    if plan.too_cheap:
        left.append(
            tr.ngettext(
                "{count} too cheap to take {off} off, left as it is",
                "{count} too cheap to take {off} off, left as they are",
                plan.too_cheap,
                count=plan.too_cheap,
                off=tr.percent(plan.percent),
            )
        )
    return left


def _line(tr: Translator, change: PriceChange) -> str:
    """ "• Stoneware Mug 350ml: $20.00 → $16.00"."""
    title = tr.name(change.title, change.translations)
    if change.label:
        title = variant_title(title, tr.label(change.label, change.translations))
    before, after = (tr.money(p, change.currency) for p in (change.price, change.new_price))
    return f"• {title}: {before} → {after}"


def preview(plan: SalePlan, zone: tzinfo) -> AdminView:
    tr = i18n.current()
    name, items = _category(tr, plan), _items(tr, plan)
    if plan.ending and not (plan.products or plan.variants):  # nothing of it on sale
        head = tr._(
            "End the sale of {category}? Nothing it covers is on sale any more: no price "
            "changes, the sale just ends.",
            category=name,
        )
        start = tr._("✅ End sale")
    elif plan.ending:
        head = tr._(
            "End the sale of {category}? Regular prices back for {items}:",
            category=name,
            items=items,
        )
        start = tr._("✅ End sale")
    else:
        head = tr._(
            "🔖 Put {category} on sale at {off}? New prices for {items}:",
            category=name,
            off=off(tr, plan.percent),
            items=items,
        )
        start = tr._("✅ Start sale")
    lines = [head, *(_line(tr, c) for c in plan.changes[:EXAMPLES])]
    if (more := len(plan.changes) - EXAMPLES) > 0:
        lines.append(tr._("… and {count} more", count=more))
    lines += [f"{left}." for left in _left(tr, plan)]
    if plan.ends_at is not None:
        lines.append(ends_by_itself(tr, plan.ends_at, zone))
    ends = int(plan.ends_at.timestamp()) if plan.ends_at is not None else 0
    confirm = ConfirmSale(plan.category_id, plan.percent, plan.fingerprint, ends)
    return AdminView(
        "\n".join(lines), [[button(start, confirm), button(tr._("✖️ Cancel"), CancelSale())]]
    )


def done(plan: SalePlan, zone: tzinfo) -> str:
    """ "🔖 Mugs is on sale: 18 products at −20% (3 already on sale, left as they are).";
    "The sale of Mugs has ended: 21 products back at their regular price." """
    tr = i18n.current()
    name, items = _category(tr, plan), _items(tr, plan)
    if plan.ending and not (plan.products or plan.variants):
        return tr._(
            "The sale of {category} has ended: nothing it covers was on sale any more.",
            category=name,
        )
    if plan.ending:
        return tr._(
            "The sale of {category} has ended: {items} back at their regular price.",
            category=name,
            items=items,
        )
    said = tr._(
        "🔖 {category} is on sale: {items} at {off}",
        category=name,
        items=items,
        off=off(tr, plan.percent),
    )
    left = _left(tr, plan)
    said = f"{said} ({'; '.join(left)})." if left else f"{said}."
    if plan.ends_at is not None:
        said = f"{said}\n{ends_by_itself(tr, plan.ends_at, zone)}"
    return said


def _sale(tr: Translator, plan: EndDatePlan) -> str:
    """ "Kitchen (−20%)"."""
    name = tr.name(plan.category, plan.category_translations)
    return f"{name} ({off(tr, plan.percent)})"


def preview_end_date(plan: EndDatePlan, zone: tzinfo) -> AdminView:
    """ "🔖 The sale of Kitchen (−20%) will end at midnight after Dec 31, 2026
    (Europe/Madrid), instead of at midnight after Jan 15, 2027." and ✅ Change end date."""
    tr = i18n.current()
    sale, place = _sale(tr, plan), str(zone)
    was = last_day(tr, plan.was, zone) if plan.was is not None else ""
    if plan.ends_at is None:
        head = tr._(
            "🔖 The sale of {sale} will run until /sale end, instead of ending at midnight "
            "after {was}.",
            sale=sale,
            was=was,
        )
    elif plan.was is None:
        head = tr._(
            "🔖 The sale of {sale} will end at midnight after {day} ({zone}), instead of "
            "running until /sale end.",
            sale=sale,
            day=last_day(tr, plan.ends_at, zone),
            zone=place,
        )
    else:
        head = tr._(
            "🔖 The sale of {sale} will end at midnight after {day} ({zone}), instead of at "
            "midnight after {was}.",
            sale=sale,
            day=last_day(tr, plan.ends_at, zone),
            zone=place,
            was=was,
        )
    ends = int(plan.ends_at.timestamp()) if plan.ends_at is not None else 0
    confirm = ConfirmSaleEnd(plan.category_id, plan.fingerprint, ends)
    return AdminView(
        head,
        [
            [
                button(tr._("✅ Change end date"), confirm),
                button(tr._("✖️ Cancel"), CancelSale()),
            ]
        ],
    )


def end_date_changed(plan: EndDatePlan, zone: tzinfo) -> str:
    """ "🔖 The sale of Kitchen (−20%) now ends at midnight after Dec 31, 2026
    (Europe/Madrid)." """
    tr = i18n.current()
    if plan.ends_at is None:
        return tr._("🔖 The sale of {sale} now runs until /sale end.", sale=_sale(tr, plan))
    return tr._(
        "🔖 The sale of {sale} now ends at midnight after {day} ({zone}).",
        sale=_sale(tr, plan),
        day=last_day(tr, plan.ends_at, zone),
        zone=str(zone),
    )


def sales_running(sales: list[RunningSale], zone: tzinfo) -> str:
    """/sale alone: the sales running, if any, how to start or end one, and (while one runs)
    how to change when it ends."""
    tr = i18n.current()
    change = tr._(SALE_UNTIL_USAGE) if sales else ""
    return "\n".join(filter(None, [running(tr, sales, zone), tr._(SALE_USAGE), change]))


def cancelled() -> str:
    return i18n.current()._("Nothing changed: the sale was not started or ended.")
