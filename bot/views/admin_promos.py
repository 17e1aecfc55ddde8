"""/promo as the admin reads it: every code with its uses and state, and what a change did."""

from __future__ import annotations

from bot.callback_data import EndPromo, button
from bot.money import format_money
from bot.services.promos import PROMO_USAGE
from bot.usecases.admin_promos import PromoRow
from bot.views.admin import AdminView, Rows


def _line(row: PromoRow) -> str:
    uses = f"{row.uses}/{row.max_uses}" if row.max_uses is not None else f"{row.uses}"
    rules = [f"used {uses}"]
    if row.per_customer is not None:
        rules.append(f"{row.per_customer} per customer")
    if row.min_order:
        rules.append(f"min {format_money(row.min_order, row.currency)}")
    if row.starts_at:
        rules.append(f"from {row.starts_at:%Y-%m-%d}")
    if row.ends_at:
        rules.append(f"ends {row.ends_at:%Y-%m-%d %H:%M} UTC")
    return f"• {row.code}: {row.label} · {row.state} · " + ", ".join(rules)


def promo_list(rows: list[PromoRow]) -> AdminView:
    if not rows:
        return AdminView(f"🏷 No promo codes yet.\n\n{PROMO_USAGE}")
    text = "\n".join(["🏷 Promo codes", "", *(_line(r) for r in rows), "", PROMO_USAGE])
    ending = [r for r in rows if r.state != "ended"][:8]
    buttons: Rows = [[button(f"✖ End {r.code}", EndPromo(r.promo_id))] for r in ending]
    return AdminView(text, buttons)


def created(row: PromoRow) -> str:
    return f"✅ Created {row.code}: {row.label}.\n{_line(row)}\nDeep link: /start promo_{row.code}"


def ended(code: str) -> str:
    return f"Code {code} ended: shoppers can no longer use it."
