"""The broadcast flow as the admin sees it: the question, the preview, the progress."""

from __future__ import annotations

import logging

from telegram import Message
from telegram.error import BadRequest, TelegramError

from bot.context import ShopContext
from bot.services.admin_flows import Flow
from bot.usecases.broadcast import BroadcastReport, Draft
from bot.views.admin import AdminView, flow_buttons
from bot.wording import plural

log = logging.getLogger(__name__)

STARTING = "📣 Broadcast starting…"


def ask_text(draft: Draft) -> AdminView:
    return AdminView(
        f"Send the text to broadcast to {plural(draft.audience, 'customer')} (those who have "
        "not blocked the bot). You will see a preview first.",
        flow_buttons(draft.flow),
    )


def refused(flow: Flow, problem: Exception) -> AdminView:
    return AdminView(str(problem), flow_buttons(flow))


def preview(draft: Draft) -> list[AdminView]:
    """A line saying who it goes to, then the text itself exactly as shoppers will see it."""
    count = draft.audience
    return [
        AdminView(f"Preview: this goes to {plural(count, 'customer')}."),
        AdminView(draft.flow["text"], flow_buttons(draft.flow, confirm=f"📣 Send to {count}")),
    ]


async def show_progress(context: ShopContext, progress: Message, report: BroadcastReport) -> None:
    await _edit(context, progress, f"📣 Broadcasting… {report.done}/{report.total}")


async def show_done(context: ShopContext, progress: Message, report: BroadcastReport) -> None:
    await _edit(context, progress, f"📣 Broadcast done: {report.done}/{report.total}")
    await context.bot.send_message(progress.chat_id, f"📣 Broadcast finished: {report.summary()}.")


async def _edit(context: ShopContext, progress: Message, text: str) -> None:
    try:
        await context.bot.edit_message_text(
            text, chat_id=progress.chat_id, message_id=progress.message_id
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            log.warning("broadcast progress edit failed: %s", exc)
    except TelegramError as exc:
        log.warning("broadcast progress edit failed: %s", exc)
