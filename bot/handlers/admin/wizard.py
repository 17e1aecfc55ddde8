"""/addproduct and /edit <sku>: one field per message, a preview, then Save.

The steps live in bot.usecases.product_wizard; this module reads what the admin sent, makes
one call, and shows the step that comes back (bot.views.admin_catalog).
"""

from __future__ import annotations

from telegram import Message, Update

from bot import i18n
from bot.callback_data import (
    FlowAction,
    FlowCategoryPage,
    FlowPickCategory,
    FlowPickField,
    FlowRemovePhoto,
    FlowSkip,
)
from bot.context import ShopContext
from bot.handlers.admin.common import actor, chat_id
from bot.handlers.admin.flows import FlowKind, register_flow
from bot.i18n import N_
from bot.services.admin_catalog import AdminInputError
from bot.services.admin_flows import Flow
from bot.usecases import product_wizard as wizard
from bot.usecases.alerts import low_stock_alerts
from bot.usecases.product_wizard import Answer, Saved
from bot.views import admin_catalog as views
from bot.views.admin import reply

EDIT_USAGE = N_("Send /edit and the product's SKU, e.g. /edit KIT-MUG-CER.")


async def add_product(update: Update, context: ShopContext) -> None:
    step = await wizard.start_add(context.shop, chat_id(update))
    await reply(update, i18n.current()._("New product. Send /cancel at any time to stop."))
    await reply(update, views.wizard_step(step))


async def edit_product(update: Update, context: ShopContext) -> None:
    args = context.args or []
    try:
        if len(args) != 1:
            raise AdminInputError(i18n.current()._(EDIT_USAGE))
        card = await wizard.start_edit(context.shop, chat_id(update), args[0])
    except AdminInputError as exc:
        await reply(update, str(exc))
        return
    await reply(update, views.edit_card(card))


async def on_input(update: Update, context: ShopContext, flow: Flow) -> None:
    message = update.effective_message
    assert message is not None
    step = await wizard.answer(context.shop, chat_id(update), flow, answer_of(message))
    await reply(update, views.wizard_step(step))


async def on_button(update: Update, context: ShopContext, flow: Flow, data: FlowAction) -> None:
    shop, chat = context.shop, chat_id(update)
    if isinstance(data, FlowPickField):
        step = await wizard.pick_field(shop, chat, flow, data.field)
    elif isinstance(data, FlowPickCategory):
        step = await wizard.pick_category(shop, chat, flow, data.category_id)
    elif isinstance(data, FlowCategoryPage):
        step = await wizard.category_page(shop, flow, data.page)
    elif isinstance(data, FlowSkip):
        step = await wizard.skip(shop, chat, flow)
    elif isinstance(data, FlowRemovePhoto):
        step = await wizard.pick_photo_to_remove(shop, chat, flow, data.photo)
    else:
        step = await wizard.ask_again(shop, flow, i18n.current()._(wizard.NOT_THIS_STEP))
    if step is not None:
        await reply(update, views.wizard_step(step))


async def on_confirm(update: Update, context: ShopContext, flow: Flow) -> None:
    done = await wizard.save(context.shop, actor(update), chat_id(update), flow)
    if not isinstance(done, Saved):
        await reply(update, views.wizard_step(done))
        return
    await reply(update, views.saved(done))
    await low_stock_alerts(context.shop, done.lowered)


def answer_of(message: Message) -> Answer:
    """What the admin sent, as the wizard reads it."""
    if message.photo:
        return Answer(photo=message.photo[-1].file_id)
    other = "a file" if message.document else "a sticker" if message.sticker else "that"
    return Answer(text=message.text, other=other)


register_flow("add", FlowKind(on_input=on_input, on_confirm=on_confirm, on_button=on_button))
register_flow("edit", FlowKind(on_input=on_input, on_confirm=on_confirm, on_button=on_button))
