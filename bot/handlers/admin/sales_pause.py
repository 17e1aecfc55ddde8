"""/pause [until=DAY] [note] and /resume: sales paused for holidays or stocktaking (through a
day, or until /resume), and opened again; /pause status says what the pause is."""

from __future__ import annotations

from telegram import Update

from bot.context import ShopContext
from bot.handlers.admin.common import actor, message_text
from bot.services.sales_pause import PauseRefused
from bot.usecases import sales_pause
from bot.views.admin import reply


async def pause_command(update: Update, context: ShopContext) -> None:
    """/pause until=2026-12-27 Back on Monday! — the note is everything after the command
    (and its until=), line breaks kept."""
    note = message_text(update).partition(" ")[2] if context.args else ""
    try:
        answer = await sales_pause.pause(context.shop, actor(update), note)
    except PauseRefused as refused:
        answer = str(refused)
    await reply(update, answer)


async def resume_command(update: Update, context: ShopContext) -> None:
    await reply(update, await sales_pause.resume(context.shop, actor(update)))
