"""Put a view on the screen: edit the message a button belongs to, or send a new one.

Telegram's rules, handled in one place:
- a text message can only get new text, a photo message a new caption or new media, so a
  switch between the two deletes the old message and sends the new one;
- "message is not modified" (a double tap) is success;
- a message that cannot be edited any more (deleted, too old) gets a fresh message instead;
- a photo uploaded from disk or a URL is sent once; its file_id is kept for next time, and a
  kept file_id Telegram no longer knows is forgotten and the original used again;
- an answer the shop does not read (an edit's, a send's with nothing to learn from it) is not
  made into a `Message` (`_unread`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from telegram import InputFile, InputMediaPhoto, LinkPreviewOptions, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot import i18n
from bot.context import ShopContext
from bot.conversation.screens import Screen
from bot.services.photos import PhotoKind, PhotoSource
from bot.shop import Shop
from bot.usecases import photos
from bot.views.shopper import View, render

log = logging.getLogger(__name__)

HTML = ParseMode.HTML
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def present(update: Update, context: ShopContext, screen: Screen) -> None:
    """Show `screen` in the update's chat; a pressed button's message is edited, then the
    callback query is answered (with the screen's notice as the toast), exactly once."""
    chat = update.effective_chat
    if chat is None:
        return
    view = render(screen, context.shop.settings, i18n.current())
    query = update.callback_query
    editing = query.message if query is not None and isinstance(query.message, Message) else None
    try:
        await show(context, chat.id, view, editing)
    finally:
        if query is not None:
            with contextlib.suppress(BadRequest):  # too old to answer: nothing spins anyway
                await query.answer(view.toast)


async def show(context: ShopContext, chat_id: int, view: View, editing: Message | None) -> None:
    if editing is None:
        await _send(context, chat_id, view)
        return
    if editing.photo and view.photo is not None:
        edited = await _edit_photo(context, chat_id, view, editing)
    elif not editing.photo and view.photo is None and editing.text is not None:
        edited = await _edit_text(context, chat_id, view, editing)
    else:
        edited = False
    if not edited:
        with contextlib.suppress(TelegramError):
            await context.bot.delete_message(chat_id, editing.message_id)
        await _send(context, chat_id, view)


async def _edit_text(context: ShopContext, chat_id: int, view: View, editing: Message) -> bool:
    return await _edit(
        _unread(context, "editMessageText", chat_id, view, message_id=editing.message_id)
    )


async def _edit_photo(context: ShopContext, chat_id: int, view: View, editing: Message) -> bool:
    if view.same_media:
        return await _edit(
            _unread(
                context,
                "editMessageCaption",
                chat_id,
                view,
                as_caption=True,
                message_id=editing.message_id,
            )
        )
    assert view.photo is not None
    try:
        result = await context.bot.edit_message_media(
            InputMediaPhoto(await _photo_input(view.photo), caption=view.text, parse_mode=HTML),
            chat_id=chat_id,
            message_id=editing.message_id,
            reply_markup=view.keyboard,
        )
    except BadRequest as error:
        if _not_modified(error):
            return True
        log.info("could not replace the photo of message %s: %s", editing.message_id, error)
        return False
    if isinstance(result, Message):
        await _remember_upload(context.shop, view, result)
    return True


async def _edit(call: object) -> bool:
    try:
        await call  # type: ignore[misc]
    except BadRequest as error:
        if _not_modified(error):
            return True
        log.info("could not edit a message, sending a new one: %s", error)
        return False
    return True


async def _send(context: ShopContext, chat_id: int, view: View) -> None:
    bot = context.bot
    photo = view.photo
    while photo is not None:
        try:
            if photo.kind is PhotoKind.FILE_ID:  # Telegram has it: nothing to learn from the answer
                await _unread(
                    context, "sendPhoto", chat_id, view, as_caption=True, photo=photo.value
                )
                return
            sent = await bot.send_photo(
                chat_id,
                await _photo_input(photo),
                caption=view.text,
                parse_mode=HTML,
                reply_markup=view.keyboard,
            )
        except BadRequest as error:
            log.warning("product %s photo failed (%s): %s", view.product_id, photo.kind, error)
            photo = await _fallback_photo(context.shop, view, photo)
            continue
        await _remember_upload(context.shop, view, sent, photo)
        return
    await _unread(context, "sendMessage", chat_id, view)


async def _unread(
    context: ShopContext,
    endpoint: str,
    chat_id: int,
    view: View,
    *,
    as_caption: bool = False,
    **more: object,
) -> None:
    """Send `view` (its text, as a photo's caption if `as_caption`) by a Bot API call whose
    answer the shop does not read. PTB's own methods make a `Message` of every answer: for a
    product card (a photo, its caption, six buttons) about 180 µs, for nothing (measured at 10
    chats: a round trip's CPU 3.8 -> 3.2 ms without it). `_post` is the way all of them take
    (defaults, the rate limiter, a refusal raised as a `TelegramError`) without that last
    step; pyproject keeps PTB at 22.x, and every screen's tests go through here."""
    text = {"caption" if as_caption else "text": view.text}
    params = {"chat_id": chat_id, **more, **text, "parse_mode": HTML, "reply_markup": view.keyboard}
    if not view.previews and not as_caption:
        params["link_preview_options"] = NO_PREVIEW
    await context.bot._post(endpoint, params)


async def _fallback_photo(shop: Shop, view: View, failed: PhotoSource) -> PhotoSource | None:
    """After a failed send: a stale cached file_id gives way to the catalog's own photo."""
    if not failed.cached or view.product_id is None:
        return None
    return await photos.forget_photo(shop, view.product_id, view.variant_id, view.further)


async def _photo_input(photo: PhotoSource) -> str | InputFile:
    if photo.kind is PhotoKind.PATH:
        path = Path(photo.value)
        return InputFile(await asyncio.to_thread(path.read_bytes), filename=path.name)
    return photo.value


async def _remember_upload(
    shop: Shop, view: View, message: Message, photo: PhotoSource | None = None
) -> None:
    source = photo or view.photo
    if source is None or view.product_id is None or not message.photo:
        return
    if source.kind is PhotoKind.FILE_ID:
        return  # nothing new to learn
    file_id = message.photo[-1].file_id
    await photos.remember_photo(shop, view.product_id, file_id, view.variant_id, view.further)


def _not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()
