"""/audit: the audit log's newest rows, who did what and when (admins' moves, and a shopper's
own cancel)."""

from __future__ import annotations

from telegram import Update

from bot.context import ShopContext
from bot.usecases import audit
from bot.views.admin import reply
from bot.views.admin_audit import audit_log


async def audit_command(update: Update, context: ShopContext) -> None:
    await reply(update, audit_log(await audit.recent(context.shop), context.shop.settings.zone))
