"""One customer's screen for an admin (/customer): who she is, her cart, what she spent, and
her newest orders as buttons to their screens. Plain text, as every admin screen: names
and usernames people typed need no escaping.

Staff see who she is, how to reach her and her orders (each with its address), not her cart,
her reminders or what she has spent: they need to ship to her and answer her, and what a
customer is worth to the shop is the owner's business."""

from __future__ import annotations

from datetime import tzinfo

from bot import i18n, permissions
from bot.callback_data import AdminOrders, BlockCustomer, UnblockCustomer, button
from bot.services.admin_customers import CustomerCard
from bot.views.admin import AdminView, Rows
from bot.views.admin_orders import order_button, order_line


def customer_screen(card: CustomerCard, zone: tzinfo) -> AdminView:
    """Her card; moments on the shop's clock (`zone`), money in the admin's language."""
    tr = i18n.current()
    none = "—"
    username = f"@{card.username}" if card.username else none
    lines = [
        f"👤 {card.first_name or none} · {username}",
        tr._("Telegram id: {telegram_id}", telegram_id=card.telegram_id),
        tr._(
            "Language: {chosen} (chosen) · {telegram} (Telegram's)",
            chosen=card.language or none,
            telegram=card.language_code or none,
        ),
        tr._(
            "First seen: {first} · last seen: {last} ({zone})",
            first=tr.datetime(card.first_seen, zone),
            last=tr.datetime(card.last_seen, zone),
            zone=str(zone),
        ),
        tr._("🚫 She blocked the bot.") if card.blocked_bot else tr._("Has not blocked the bot."),
    ]
    money = [
        tr._("Cart reminders: on") if card.cart_reminders else tr._("Cart reminders: off"),
        tr.ngettext(
            "🛒 Cart: {count} line, {total}",
            "🛒 Cart: {count} lines, {total}",
            card.cart_lines,
            count=card.cart_lines,
            total=tr.money(card.cart_total, card.cart_currency),
        )
        if card.cart_lines
        else tr._("🛒 Cart: empty"),
        tr.ngettext(
            "🧾 {count} order · spent {spent}",
            "🧾 {count} orders · spent {spent}",
            card.order_count,
            count=card.order_count,
            spent=", ".join(tr.money(amount, currency) for currency, amount in card.spent.items())
            or tr.money(0, card.cart_currency),
        ),
    ]
    if permissions.acting_role() is not permissions.Role.STAFF:
        lines += money
    if card.forgotten_at is not None:
        when = tr.date(card.forgotten_at, zone)
        lines.insert(1, tr._("🗑 Data deleted on {date} at her request.", date=when))
    if card.blocked_at is not None:
        by = permissions.actor_name(permissions.Role.ADMIN, card.blocked_by or 0)
        lines.insert(
            1,
            tr._(
                "⛔ Blocked by the shop since {when} ({by}): {reason}",
                when=tr.datetime(card.blocked_at, zone),
                by=by,
                reason=card.blocked_reason or tr._("no reason given"),
            ),
        )
    if card.invited_by:
        lines.append(tr._("🎁 Invited by {inviter}", inviter=card.invited_by))
    if card.invited:
        lines.append(
            tr.ngettext(
                "🎁 Invited {count} friend ({rewarded} rewarded)",
                "🎁 Invited {count} friends ({rewarded} rewarded)",
                card.invited,
                count=card.invited,
                rewarded=card.invites_rewarded,
            )
        )
    if card.same_username:
        lines.append(
            tr.ngettext(
                "⚠️ {count} other customer had this username before: this is the one seen "
                "most recently.",
                "⚠️ {count} other customers had this username before: this is the one seen "
                "most recently.",
                card.same_username,
                count=card.same_username,
            )
        )
    rows: Rows = []
    if card.newest:
        lines += ["", tr._("Newest orders:")]
        lines += [order_line(tr, row, zone, with_customer=False) for row in card.newest]
        rows += [[order_button(tr, row)] for row in card.newest]
        rows.append([button(tr._("🧾 All her orders"), AdminOrders("all", 0, card.customer_id))])
    if card.blocked_at is None:  # staff do not see it: bot.views.admin.markup leaves it out
        rows.append([button(tr._("🚫 Block"), BlockCustomer(card.customer_id))])
    else:
        rows.append([button(tr._("✅ Unblock"), UnblockCustomer(card.customer_id))])
    return AdminView("\n".join(lines), rows)
