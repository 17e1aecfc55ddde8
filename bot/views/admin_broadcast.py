"""The broadcast flow as the admin sees it: the question, the preview, the progress."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError

from bot import i18n
from bot.callback_data import StopBroadcast, button
from bot.context import ShopContext
from bot.i18n import N_
from bot.services.admin_flows import Flow
from bot.usecases.broadcast import BroadcastReport, Draft, Stopping
from bot.views.admin import AdminView, flow_buttons

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
    """A line saying who it goes to, then the text itself exactly as shoppers will see it."""
    tr = i18n.current()
    count = draft.audience
    confirm = tr._("📣 Send to {count}", count=count)
    return [
        AdminView(
            tr.ngettext(
                "Preview: this goes to {count} customer.",
                "Preview: this goes to {count} customers.",
                count,
                count=count,
            )
        ),
        AdminView(draft.flow["text"], flow_buttons(draft.flow, confirm=confirm)),
    ]


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
    text = i18n.current()._("📣 Broadcasting… {done}/{total}", done=report.done, total=report.total)
    await _edit(context, progress, text, stop_button())


async def show_done(context: ShopContext, progress: Message, report: BroadcastReport) -> None:
    tr = i18n.current()
    if report.stopped:
        shown = tr._("📣 Broadcast stopped: {done}/{total}", done=report.done, total=report.total)
    else:
        shown = tr._("📣 Broadcast done: {done}/{total}", done=report.done, total=report.total)
    await _edit(context, progress, shown)
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
