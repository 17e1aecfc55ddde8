"""/slots: the next days' delivery windows (admins and staff); /slots close DAY WINDOW and
/slots open DAY WINDOW (admins only, as bot.permissions says)."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.context import ShopContext
from bot.handlers.admin.common import actor
from bot.handlers.admin.guard import may, refuse
from bot.services.errors import SlotInputError
from bot.texts import delivery as texts
from bot.usecases import delivery_slots
from bot.views.admin import reply


async def slots_command(update: Update, context: ShopContext) -> None:
    args = context.args or []
    tr = i18n.current()
    if not context.shop.settings.slots_on:
        await reply(update, tr._(texts.SLOTS_OFF))
        return
    if not args:
        await reply(update, texts.slots_table(tr, await delivery_slots.listing(context.shop)))
        return
    verb = args[0].lower()
    if verb not in ("close", "open") or len(args) != 3:
        await reply(update, tr._(texts.SLOTS_USAGE))
        return
    if not may(update, context, "slots.change"):
        await refuse(update, f"slots {verb}")
        return
    try:
        answer = await delivery_slots.set_closed(
            context.shop, actor(update), args[1], args[2], verb == "close"
        )
    except SlotInputError as refused:
        answer = refused.said(tr)
    await reply(update, answer)
