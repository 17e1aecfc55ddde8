"""/privacy: what the shop keeps about the shopper, 📦 My data (a JSON document) and
🗑 Delete my data (asks first). Each press makes one call into bot.usecases.privacy and
shows its answer; a second "Yes, delete" is told it is already done.

A shopper the shop blocked (/block) is served here too: her data is hers to see and delete
whatever she did, so nothing of /privacy asks for a visit (which would refuse her). Deleting
her data keeps the block (bot.store.repositories.privacy)."""

from __future__ import annotations

import contextlib

from telegram import Bot, InputFile, Message, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, filters

from bot.callback_data import AskForget, ForgetMe, SendMyData, ShowPrivacy
from bot.context import AnyApplication, ShopContext
from bot.conversation.journey import Shopper
from bot.conversation.screens import Screen
from bot.handlers.language import speak_chosen
from bot.handlers.shopper import Route, button_handler, shopper_of
from bot.i18n import Translator, translator
from bot.texts import privacy as texts
from bot.usecases import privacy
from bot.views import privacy as views
from bot.views.display import HTML, show
from bot.views.payments import retire_invoices
from bot.views.replies import answer_button
from bot.views.shopper import View


async def privacy_command(update: Update, context: ShopContext) -> None:
    if (who := shopper_of(update)) is None:
        return
    tr = await _speak(update, context)
    await show(context, who.chat_id, views.policy(context.shop.settings, tr), None)


async def on_privacy(
    update: Update, context: ShopContext, who: Shopper, data: ShowPrivacy
) -> Screen | None:
    tr = await _speak(update, context)
    await _edit(update, context, who, views.policy(context.shop.settings, tr))
    return None


async def on_my_data(
    update: Update, context: ShopContext, who: Shopper, data: SendMyData
) -> Screen | None:
    tr = await _speak(update, context)
    document = await privacy.my_data(context.shop, who.user_id)
    if document is None:
        await answer_button(update, tr._(texts.NOTHING_KEPT))
        return None
    await answer_button(update)
    await context.bot.send_document(
        who.chat_id,
        InputFile(document, filename=texts.file_name(who.user_id)),
        caption=tr._(texts.FILE_CAPTION),
    )
    return None


async def on_ask_forget(
    update: Update, context: ShopContext, who: Shopper, data: AskForget
) -> Screen | None:
    tr = await _speak(update, context)
    await _edit(update, context, who, views.ask_forget(tr))
    return None


async def on_forget(
    update: Update, context: ShopContext, who: Shopper, data: ForgetMe
) -> Screen | None:
    tr = await _speak(update, context)  # read before: her choice is deleted with the rest
    done = await privacy.forget(context.shop, who.user_id, _press(update, who, tr.language))
    if done.on_its_way is not None:
        notice = tr._(texts.ON_ITS_WAY, order_id=done.on_its_way)
        await _edit(update, context, who, views.policy(context.shop.settings, tr, notice))
        return None
    words = texts.DELETED if done.done else texts.ALREADY
    said = tr._(texts.NOTHING_KEPT if done.unknown else words)
    await _edit(update, context, who, views.said(said), toast=said)
    invoices = tuple(h.invoice_message_id for h in done.released if h.invoice_message_id)
    await retire_invoices(context, who.chat_id, invoices)  # no longer payable
    return None


async def _speak(update: Update, context: ShopContext) -> Translator:
    """Her chosen language, even if the shop blocked her: a block never refuses /privacy."""
    return await speak_chosen(update, context, refusing=False)


def _press(update: Update, who: Shopper, language: str) -> privacy.PressLeft | None:
    """What answering this press again after a crash needs (None: a message it cannot edit)."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return None
    return privacy.PressLeft(query.id, who.chat_id, query.message.message_id, language)


async def answer_deleted_press(bot: Bot, left: privacy.PressLeft) -> None:
    """A "🗑 Yes, delete" press whose deletion committed before a crash, handled again: its
    update's body was blanked with the rest, keeping only this (bot.usecases.privacy
    .PressLeft). It gets the answer it would have got: the pressed message says her data
    was deleted (a new one if it cannot be edited), with the same words as its toast."""
    said = translator(left.language)._(texts.DELETED)
    view = views.said(said)
    try:
        await bot.edit_message_text(view.text, left.chat_id, left.message_id, parse_mode=HTML)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            await bot.send_message(left.chat_id, view.text, parse_mode=HTML)
    with contextlib.suppress(BadRequest):  # too old to answer by now: the words are there
        await bot.answer_callback_query(left.callback_query_id, said)


async def _edit(
    update: Update, context: ShopContext, who: Shopper, view: View, toast: str | None = None
) -> None:
    """The pressed message becomes `view` (sent anew if it cannot be edited), then the
    button stops spinning."""
    query = update.callback_query
    editing = query.message if query is not None and isinstance(query.message, Message) else None
    await show(context, who.chat_id, view, editing)
    await answer_button(update, toast or view.toast)


def register(app: AnyApplication) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("privacy", privacy_command, filters=private))
    app.add_handler(
        button_handler(
            Route(ShowPrivacy, on_privacy),
            Route(SendMyData, on_my_data),
            Route(AskForget, on_ask_forget),
            Route(ForgetMe, on_forget),
        )
    )
