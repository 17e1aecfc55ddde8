"""/promo as the admin reads it: every code with its uses and state, and what a change did."""

from __future__ import annotations

from bot import i18n
from bot.callback_data import EndPromo, button
from bot.i18n import Translator
from bot.services.promos import PROMO_USAGE
from bot.usecases.admin_promos import PromoRow
from bot.views.admin import AdminView, Rows


def _line(tr: Translator, row: PromoRow) -> str:
    uses = f"{row.uses}/{row.max_uses}" if row.max_uses is not None else f"{row.uses}"
    rules = [tr._("used {uses}", uses=uses)]
    if row.per_customer is not None:
        rules.append(tr._("{count} per customer", count=row.per_customer))
    if row.min_order:
        rules.append(tr._("min {amount}", amount=tr.money(row.min_order, row.currency)))
    if row.starts_at:
        rules.append(tr._("from {day}", day=tr.date(row.starts_at, row.zone)))
    if row.ends_at:
        moment = tr.datetime(row.ends_at, row.zone)
        rules.append(tr._("ends {moment} {zone}", moment=moment, zone=row.ends_at.tzname()))
    return f"• {row.code}: {row.label} · {tr._(row.state)} · " + ", ".join(rules)


def promo_list(rows: list[PromoRow]) -> AdminView:
    tr = i18n.current()
    usage = tr._(PROMO_USAGE)
    if not rows:
        return AdminView(tr._("🏷 No promo codes yet.") + f"\n\n{usage}")
    text = "\n".join([tr._("🏷 Promo codes"), "", *(_line(tr, r) for r in rows), "", usage])
    ending = [r for r in rows if r.state != "ended"][:8]
    buttons: Rows = [
        [button(tr._("✖ End {code}", code=r.code), EndPromo(r.promo_id))] for r in ending
    ]
    return AdminView(text, buttons)


def created(row: PromoRow) -> str:
    tr = i18n.current()
    head = tr._("✅ Created {code}: {label}.", code=row.code, label=row.label)
    link = tr._("Deep link: {link}", link=f"/start promo_{row.code}")
    return f"{head}\n{_line(tr, row)}\n{link}"


def ended(code: str) -> str:
    return i18n.current()._("Code {code} ended: shoppers can no longer use it.", code=code)
