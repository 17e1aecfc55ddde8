"""What admins read of blocks (/block, /unblock, /blocked, 🚫 Block): plain text, in the
admin's language, moments on the shop's clock."""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardButton

from bot import i18n
from bot.callback_data import BlockedPage, button
from bot.clipping import clip
from bot.permissions import Role, actor_name
from bot.services.admin_flows import Flow
from bot.services.blocking import AlreadyBlocked, BlockDone
from bot.services.errors import ShopError
from bot.usecases.blocking import BlockedPage as Page
from bot.views.admin import AdminView, Rows, flow_buttons

REASON_SHOWN = 120  # characters of a reason on a /blocked line


def ask_reason(flow: Flow, who: str, problem: str = "") -> AdminView:
    tr = i18n.current()
    text = tr._(
        "🚫 Block {who}? Send the reason in one message (admins read it in /blocked and "
        "/audit; she is not told), or tap “Block without a reason”.",
        who=who,
    )
    if problem:
        text = f"{problem}\n\n{text}"
    return AdminView(text, flow_buttons(flow, skip=tr._("🚫 Block without a reason")))


def refused(error: ShopError, zone: tzinfo) -> str:
    """A block or unblock refused; a second block says since when she is blocked."""
    tr = i18n.current()
    if isinstance(error, AlreadyBlocked):
        return tr._(
            "{who} has been blocked since {when}.",
            who=error.params.get("who", ""),
            when=tr.datetime(error.since, zone),
        )
    return error.said(tr)


def blocked(done: BlockDone) -> str:
    tr = i18n.current()
    lines = [
        tr._(
            "🚫 {who} is blocked. Her messages, buttons, payments and the storefront are refused "
            "(one short answer an hour at most); her cart is kept. /unblock lifts it.",
            who=done.who,
        )
    ]
    if done.reason:
        lines.append(tr._("Reason: {reason}", reason=done.reason))
    if done.released:
        orders = ", ".join(f"#{hold.order_id}" for hold in done.released)
        lines.append(
            tr.ngettext(
                "Her unpaid order {orders} was cancelled and its stock is back.",
                "Her unpaid orders {orders} were cancelled and their stock is back.",
                len(done.released),
                orders=orders,
            )
        )
    return "\n".join(lines)


def unblocked(done: BlockDone) -> str:
    return i18n.current()._("✅ {who} is unblocked: she can shop again.", who=done.who)


def blocked_list(page: Page, zone: tzinfo) -> AdminView:
    """/blocked: newest block first, who blocked her, when and why; ◀️ ▶️ between pages."""
    tr = i18n.current()
    if not page.total:
        return AdminView(tr._("Nobody is blocked."))
    lines = [
        tr._(
            "🚫 Blocked: {total}, newest first (page {page} of {pages}):",
            total=page.total,
            page=page.page + 1,
            pages=page.pages,
        )
    ]
    for row in page.rows:
        by = actor_name(Role.ADMIN, row.blocked_by) if row.blocked_by else tr._("the shop")
        said = tr._(
            "• {who} · {when} · by {by}", who=row.who, when=tr.datetime(row.blocked_at, zone), by=by
        )
        reason = clip(row.reason, REASON_SHOWN) if row.reason else tr._("no reason given")
        lines.append(f"{said} · {reason}")
    nav: list[InlineKeyboardButton] = []
    if page.page > 0:
        nav.append(button(tr._("◀️ Previous"), BlockedPage(page.page - 1)))
    if page.page + 1 < page.pages:
        nav.append(button(tr._("Next ▶️"), BlockedPage(page.page + 1)))
    rows: Rows = [nav] if nav else []
    return AdminView("\n".join(lines), rows)
