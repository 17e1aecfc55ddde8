"""/customer 1001 | @alice | #7: one customer's screen, and the 👤 Customer buttons that open
it (bot.usecases.admin_customers; the screen is bot.views.admin_customers)."""

from __future__ import annotations

from telegram import Update

from bot import i18n
from bot.callback_data import ShowCustomer
from bot.context import ShopContext
from bot.services.errors import ShopError
from bot.usecases import admin_customers
from bot.views.admin import reply, show
from bot.views.admin_customers import customer_screen
from bot.views.replies import answer_button


async def customer_command(update: Update, context: ShopContext) -> None:
    try:
        card = await admin_customers.look_up(context.shop, " ".join(context.args or []))
    except ShopError as exc:
        await reply(update, exc.said(i18n.current()))
        return
    await reply(update, customer_screen(card, context.shop.settings.zone))


async def on_open(update: Update, context: ShopContext, data: ShowCustomer) -> None:
    try:
        card = await admin_customers.card_of(context.shop, data.customer_id)
    except ShopError as exc:
        await answer_button(update, exc.said(i18n.current()))
        return
    await answer_button(update)
    await show(update, customer_screen(card, context.shop.settings.zone))
