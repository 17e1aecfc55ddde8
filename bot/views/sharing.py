"""Products as inline query results: the cards a shopper posts into any chat (inline mode).

Each card carries an "Open in shop" URL button, a deep link (`/start product_<SKU>`) that the
private chat already understands; the card itself, or the link pasted, sent to the bot opens
the product too (`link_in`). A photo Telegram already has (a cached file_id) or an https
URL makes a photo result; a photo that only exists on the bot's disk cannot be shown inline
without uploading it first, so those products are articles.
"""

from __future__ import annotations

import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InlineQueryResultPhoto,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
)
from telegram.constants import MessageLimit

from bot import i18n
from bot.clipping import clip, telegram_length
from bot.config import Settings
from bot.i18n import N_
from bot.services.catalog import ProductCard
from bot.services.photos import PhotoKind, resolve_photo
from bot.texts.sale import price_label
from bot.views.shopper import stock_label

OPEN_IN_SHOP = N_("🛍 Open in shop")
OPEN_THE_SHOP = N_("🛍 Open the shop")
SHOP_START_PARAMETER = "inline"  # `/start inline`: the normal welcome
PRODUCT_START_PREFIX = "product_"
# Telegram's rule for a start parameter: 1-64 characters of A-Z, a-z, 0-9, _ and -.
_START_PARAMETER_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LINK_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/(?P<bot>[A-Za-z0-9_]{1,32})"
    r"\?start=(?P<parameter>[A-Za-z0-9_-]{1,64})",
    re.IGNORECASE,
)


def open_shop_button(settings: Settings) -> InlineQueryResultsButton:
    """Shown above an empty result list: one tap opens the private chat with `/start inline`.
    In the shop's language, as the cards are: an inline answer is cached for everyone."""
    label = i18n.translator(settings.default_language)._(OPEN_THE_SHOP)
    return InlineQueryResultsButton(label, start_parameter=SHOP_START_PARAMETER)


def inline_results(
    cards: tuple[ProductCard, ...], settings: Settings, bot_username: str, *, photos: bool = True
) -> list[InlineQueryResult]:
    """One result per card; `photos=False` makes every one an article (no photo to fail)."""
    return [_result(card, settings, bot_username, photos) for card in cards]


def product_link(bot_username: str, sku: str) -> str:
    """The deep link that opens the product in the bot's private chat; a SKU a start parameter
    cannot carry (a dot, too long) opens the shop instead."""
    parameter = PRODUCT_START_PREFIX + sku
    if not _START_PARAMETER_RE.match(parameter):
        parameter = SHOP_START_PARAMETER
    return f"https://t.me/{bot_username}?start={parameter}"


def link_in(message: Message, bot_username: str) -> str | None:
    """The start parameter of a link to this bot that `message` is: a `t.me/<bot>?start=...`
    link pasted on its own, or the Open in shop button of a card posted through this bot's
    inline mode (into its own chat, say). None for anything else, links in a sentence too:
    those are words to read."""
    if message.via_bot is not None and message.via_bot.username == bot_username:
        markup = message.reply_markup
        urls = [b.url for row in markup.inline_keyboard for b in row if b.url] if markup else []
    else:
        urls = [(message.text or "").strip()]
    for url in urls:
        link = _LINK_RE.fullmatch(url)
        if link and link["bot"].lower() == bot_username.lower():
            return link["parameter"]
    return None


def card_text(card: ProductCard, settings: Settings, limit: int) -> str:
    """Title, price and stock first; the description fills what is left of `limit`."""
    tr = i18n.translator(settings.default_language)  # shared cards: the shop's language
    stock = stock_label(tr, card.available, settings.low_stock_threshold, card.is_digital)
    title = tr.name(card.title, card.translations)
    head = f"🛍 {title}\n{price_label(tr, card.price, card.compare_at, card.currency)} · {stock}"
    description = tr.name(card.description, card.translations, "description").strip()
    room = limit - telegram_length(head) - 2
    if not description or room < 20:
        return clip(head, limit)
    return f"{head}\n\n{clip(description, room)}"


def _result(
    card: ProductCard, settings: Settings, bot_username: str, photos: bool
) -> InlineQueryResult:
    result_id = f"p{card.id}"  # unique per product, far below the 64-byte cap
    tr = i18n.translator(settings.default_language)  # cached for everyone: the shop's language
    title = tr.name(card.title, card.translations)
    summary = (
        f"{price_label(tr, card.price, card.compare_at, card.currency)} · "
        f"{stock_label(tr, card.available, settings.low_stock_threshold, card.is_digital)}"
    )
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr._(OPEN_IN_SHOP), url=product_link(bot_username, card.sku))]]
    )
    photo = resolve_photo(card.photo, card.photo_file_id, settings.catalog_path) if photos else None
    if photo is not None and photo.kind is PhotoKind.FILE_ID:
        return InlineQueryResultCachedPhoto(
            result_id,
            photo.value,
            title=title,
            description=summary,
            caption=card_text(card, settings, MessageLimit.CAPTION_LENGTH),
            reply_markup=markup,
        )
    if photo is not None and photo.kind is PhotoKind.URL and photo.value.startswith("https://"):
        return InlineQueryResultPhoto(
            result_id,
            photo.value,
            photo.value,
            title=title,
            description=summary,
            caption=card_text(card, settings, MessageLimit.CAPTION_LENGTH),
            reply_markup=markup,
        )
    return InlineQueryResultArticle(
        result_id,
        title,
        InputTextMessageContent(card_text(card, settings, MessageLimit.MAX_TEXT_LENGTH)),
        reply_markup=markup,
        description=summary,
    )
