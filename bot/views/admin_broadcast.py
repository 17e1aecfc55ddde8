"""The broadcast flow as the admin sees it: the question, the preview, the progress."""

from __future__ import annotations

import logging
from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot import i18n
from bot.callback_data import (
    CancelScheduledBroadcast,
    FlowAudience,
    FlowSendLater,
    StopBroadcast,
    button,
)
from bot.context import ShopContext
from bot.i18n import N_
from bot.services.admin_flows import Flow
from bot.services.broadcast_plan import AUDIENCES, WHEN_FORMAT
from bot.store.models import Broadcast
from bot.usecases.broadcast import BroadcastReport, Draft, Stopping
from bot.views.admin import AdminView, Rows, flow_buttons

log = logging.getLogger(__name__)

STARTING = N_("📣 Broadcast starting…")


def ask_text(draft: Draft) -> AdminView:
    return AdminView(
        i18n.current().ngettext(
            "Send the text to broadcast to {count} customer (those who have not blocked the "
            "bot). You will see a preview first.",
            "Send the text to broadcast to {count} customers (those who have not blocked the "
            "bot). You will see a preview first.",
            draft.audience,
            count=draft.audience,
        ),
        flow_buttons(draft.flow),
    )


def refused(flow: Flow, problem: Exception) -> AdminView:
    return AdminView(str(problem), flow_buttons(flow))


def preview(draft: Draft) -> list[AdminView]:
    """A line saying what follows, then the text itself exactly as shoppers will see it,
    with whom it may go to under it."""
    tr = i18n.current()
    line = tr._("Preview below. Choose who gets it (✅ marks your choice), then send it.")
    return [AdminView(line), chosen(draft)]


def chosen(draft: Draft) -> AdminView:
    """The previewed text with an audience button each (with how many it reaches), Send to
    the chosen one's count, ⏰ Send later and Cancel."""
    tr = i18n.current()
    flow = draft.flow
    rows: Rows = []
    for key, label in AUDIENCES.items():
        mark = "✅ " if key == draft.chosen else ""
        words = f"{mark}{tr._(label)} ({draft.counts.get(key, 0)})"
        rows.append([button(words, FlowAudience(flow["id"], key))])
    confirm = tr._("📣 Send to {count}", count=draft.audience)
    (actions,) = flow_buttons(flow, confirm=confirm)
    later = button(tr._("⏰ Send later"), FlowSendLater(flow["id"]))
    return AdminView(flow["text"], [*rows, [actions[0], later], actions[1:]])


def ask_when(flow: Flow, zone: str) -> AdminView:
    return AdminView(
        i18n.current()._(
            "When should it go out? Send a time on the shop's clock ({zone}), like {example}, "
            "at most 30 days ahead.",
            zone=zone,
            example=WHEN_FORMAT,
        ),
        flow_buttons(flow),
    )


def when_of(broadcast: Broadcast, zone: tzinfo) -> str:
    assert broadcast.send_at is not None
    return broadcast.send_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def audience_name(key: str) -> str:
    """An audience as the admin reads it ("🛍 Bought in the last 90 days")."""
    return i18n.current()._(AUDIENCES.get(key, AUDIENCES["all"]))


def scheduled_done(broadcast: Broadcast, zone: tzinfo) -> str:
    return i18n.current()._(
        "⏰ Scheduled for {when} ({audience}). /broadcast lists it, with ✖ Cancel.",
        when=when_of(broadcast, zone),
        audience=audience_name(broadcast.audience),
    )


def scheduled_list(planned: list[Broadcast], zone: tzinfo) -> AdminView | None:
    """/broadcast: the broadcasts planned for later, each with its ✖ Cancel; None if none."""
    if not planned:
        return None
    tr = i18n.current()
    lines = [tr._("⏰ Scheduled broadcasts:")]
    rows: Rows = []
    for number, broadcast in enumerate(planned, 1):
        text = (broadcast.text or "").replace("\n", " ")
        short = text if len(text) <= 40 else text[:39] + "…"
        lines.append(
            f"{number}. {when_of(broadcast, zone)} · {audience_name(broadcast.audience)} · {short}"
        )
        label = tr._("✖ Cancel {number} ({when})", number=number, when=when_of(broadcast, zone))
        rows.append([button(label, CancelScheduledBroadcast(broadcast.id))])
    return AdminView("\n".join(lines), rows)


def cancelled(broadcast: Broadcast | None, zone: tzinfo) -> str:
    tr = i18n.current()
    if broadcast is None:
        return tr._("That broadcast is no longer scheduled: cancelled already, or sent.")
    return tr._("✖ Cancelled the broadcast scheduled for {when}.", when=when_of(broadcast, zone))


STOPPING = N_(
    "Stopping the broadcast before its next message; you'll be told how many got it. "
    "(/cancel here stops a broadcast being sent.)"
)
STOPPING_FOR_ANOTHER = N_(
    "Stopping the broadcast before its next message; the admin who started it will be told "
    "how many got it."
)
ALREADY_STOPPING = N_("The broadcast is already stopping; you'll be told how many got it.")
ALREADY_STOPPING_FOR_ANOTHER = N_(
    "The broadcast is already stopping; the admin who started it will be told how many got it."
)
NOT_SENDING = N_("No broadcast is being sent.")


def stopping(stop: Stopping, chat_id: int) -> str:
    """What the admin who pressed Stop (or sent /cancel) in `chat_id` hears."""
    mine = stop.reporting_to == chat_id
    if stop.already:
        return i18n.current()._(ALREADY_STOPPING if mine else ALREADY_STOPPING_FOR_ANOTHER)
    return i18n.current()._(STOPPING if mine else STOPPING_FOR_ANOTHER)


def stop_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(_stop_rows())


def _stop_rows() -> list[list[InlineKeyboardButton]]:
    return [[button(i18n.current()._("⏹ Stop"), StopBroadcast())]]


def starting() -> AdminView:
    """The message the progress is shown in, with its Stop button from the start."""
    return AdminView(i18n.current()._(STARTING), _stop_rows())


async def show_progress(context: ShopContext, progress: Message, report: BroadcastReport) -> None:
    await _edit(context, progress, report.progress(), stop_button())


async def show_done(context: ShopContext, progress: Message, report: BroadcastReport) -> None:
    await _edit(context, progress, report.ended())
    await context.bot.send_message(progress.chat_id, report.outcome())


async def _edit(
    context: ShopContext, progress: Message, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    try:
        await context.bot.edit_message_text(
            text, chat_id=progress.chat_id, message_id=progress.message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("broadcast progress edit failed: %s", exc)
    except TelegramError as exc:
        log.warning("broadcast progress edit failed: %s", exc)
