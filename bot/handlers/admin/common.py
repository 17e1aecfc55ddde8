"""Small rendering helpers shared by the admin handlers."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest

from bot.callback_data import FlowCancel, FlowConfirm, FlowSkip, button
from bot.context import ShopContext
from bot.services import admin_flows
from bot.services.admin_flows import Flow

log = logging.getLogger(__name__)

Rows = list[list[InlineKeyboardButton]]


def markup(rows: Rows | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(rows) if rows else None


def clip(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> str:
    return text if len(text) <= limit else text[: limit - 2] + " …"


async def reply(update: Update, text: str, rows: Rows | None = None) -> Message | None:
    """A new message in the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(clip(text), reply_markup=markup(rows))


async def show(update: Update, text: str, rows: Rows | None = None) -> None:
    """Replace the pressed message's text (menus, lists); a new message otherwise."""
    query = update.callback_query
    message = query.message if query else None
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(clip(text), reply_markup=markup(rows))
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():  # a double tap: already showing this
                raise
        return
    await reply(update, text, rows)


def chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None, "admin handlers run in a chat"
    return chat.id


def actor(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id


async def load_flow(update: Update, context: ShopContext) -> Flow | None:
    return await admin_flows.load(context.shop.store, chat_id(update))


async def save_flow(update: Update, context: ShopContext, flow: Flow | None) -> None:
    await admin_flows.save(context.shop.store, chat_id(update), flow)


def flow_buttons(flow: Flow, *, confirm: str | None = None, skip: str | None = None) -> Rows:
    """The usual row under a flow's prompt: confirm and/or skip, and cancel."""
    row = []
    if confirm:
        row.append(button(confirm, FlowConfirm(flow["id"])))
    if skip:
        row.append(button(skip, FlowSkip(flow["id"])))
    row.append(button("✖️ Cancel", FlowCancel(flow["id"])))
    return [row]
