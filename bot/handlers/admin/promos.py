"""/promo: list the codes, `/promo new CODE 10% ...` creates one, `/promo off CODE` ends it."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import EndPromo
from bot.context import ShopContext
from bot.handlers.admin.common import actor
from bot.services.promos import PROMO_USAGE, PromoInputError
from bot.usecases import admin_promos
from bot.views import admin_promos as views
from bot.views.admin import reply, show
from bot.views.replies import answer_button


async def promo_command(update: Update, context: ShopContext) -> None:
    args = context.args or []
    verb = args[0].lower() if args else "list"
    try:
        if verb == "list":
            await reply(update, views.promo_list(await admin_promos.list_codes(context.shop)))
        elif verb == "new":
            row = await admin_promos.create(context.shop, actor(update), args[1:])
            await reply(update, views.created(row))
        elif verb in ("off", "end") and len(args) == 2:
            await reply(
                update, views.ended(await admin_promos.end(context.shop, actor(update), args[1]))
            )
        else:
            tr = i18n.current()
            more = tr._("/promo lists the codes; /promo off CODE ends one.")
            await reply(update, f"{tr._(PROMO_USAGE)}\n{more}")
    except PromoInputError as exc:
        await reply(update, str(exc))


async def on_end(update: Update, context: ShopContext, data: EndPromo) -> None:
    try:
        code = await admin_promos.end(context.shop, actor(update), promo_id=data.promo_id)
    except PromoInputError as exc:
        await answer_button(update, str(exc))
        return
    await answer_button(update, views.ended(code))
    await show(update, views.promo_list(await admin_promos.list_codes(context.shop)))
