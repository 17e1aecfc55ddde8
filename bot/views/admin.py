"""Putting admin screens in the chat: plain text and buttons, a new message or the pressed one
edited. What each screen says is in the other admin view modules. A staff member's screens
leave out the buttons she may not press (bot.permissions): the order without Refund."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from bot import i18n, permissions
from bot.callback_data import FlowCancel, FlowConfirm, FlowSkip, button, decode
from bot.clipping import clip
from bot.services.admin_flows import Flow

Rows = list[list[InlineKeyboardButton]]


@dataclass(frozen=True)
class AdminView:
    """One admin message: its text, its buttons, and a photo to show it under (a file_id)."""

    text: str
    rows: Rows = field(default_factory=list)
    photo: str | None = None


TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH


def markup(rows: Rows | None) -> InlineKeyboardMarkup | None:
    """The buttons of `rows` the reader may press (bot.permissions.acting_role)."""
    role = permissions.acting_role()
    kept = [[b for b in row if _may_press(role, b)] for row in rows or []]
    kept = [row for row in kept if row]
    return InlineKeyboardMarkup(kept) if kept else None


def _may_press(role: permissions.Role, button: InlineKeyboardButton) -> bool:
    data = button.callback_data
    if not isinstance(data, str):
        return True  # a link
    action = decode(data)
    return action is None or not action.is_admin or permissions.may_press(role, action)


async def reply(update: Update, view: AdminView | str, rows: Rows | None = None) -> Message | None:
    """A new message in the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    if isinstance(view, str):
        view = AdminView(view, rows or [])
    if view.photo:
        caption = clip(view.text, MessageLimit.CAPTION_LENGTH)
        return await chat.send_photo(view.photo, caption=caption, reply_markup=markup(view.rows))
    return await chat.send_message(clip(view.text, TEXT_LIMIT), reply_markup=markup(view.rows))


async def show(update: Update, view: AdminView | str, rows: Rows | None = None) -> None:
    """Replace the pressed message's text (menus, lists); a new message otherwise."""
    if isinstance(view, str):
        view = AdminView(view, rows or [])
    query = update.callback_query
    message = query.message if query else None
    if isinstance(message, Message) and message.text is not None and not view.photo:
        try:
            await message.edit_text(clip(view.text, TEXT_LIMIT), reply_markup=markup(view.rows))
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():  # a double tap: already showing this
                raise
        return
    await reply(update, view)


def flow_buttons(flow: Flow, *, confirm: str | None = None, skip: str | None = None) -> Rows:
    """The usual row under a flow's prompt: confirm and/or skip, and cancel."""
    row = []
    if confirm:
        row.append(button(confirm, FlowConfirm(flow["id"])))
    if skip:
        row.append(button(skip, FlowSkip(flow["id"])))
    row.append(button(i18n.current()._("✖️ Cancel"), FlowCancel(flow["id"])))
    return [row]
