"""Inline mode: "@shopbot mug" in any chat lists products; the chosen one is posted as a card
with a link back to the shop. Thin: parse, one catalog read, present.

Inline queries come from anyone, also from people who never opened the shop, so nothing is
written for them (no customer, no chat state), and each user gets only a few a second
(bot.throttle): past that, an empty answer that costs the database nothing. One the shop
blocked (/block) gets an empty answer too: the one read of her row an inline query makes.
"""

from __future__ import annotations

import logging

from telegram import InlineQuery, Update
from telegram.constants import InlineQueryLimit
from telegram.error import BadRequest
from telegram.ext import InlineQueryHandler

from bot.context import AnyApplication, ShopContext
from bot.services.catalog import SharePage
from bot.usecases import blocking, sharing
from bot.views import sharing as cards

log = logging.getLogger(__name__)

CACHE_SECONDS = 30  # short: prices and stock change; not personal, so shared by all users
THROTTLED_CACHE_SECONDS = 5  # an over-the-limit user's empty answer, kept for them alone
INLINE_BLOCKED_CACHE_SECONDS = 300  # one the shop blocked (/block): empty, for her alone
PAGE_SIZE = InlineQueryLimit.RESULTS  # Telegram shows at most 50 results per answer
_MAX_OFFSET_DIGITS = 6


async def on_inline_query(update: Update, context: ShopContext) -> None:
    query = update.inline_query
    if query is None:
        return
    if not context.shop.inline_queries.take(query.from_user.id):
        # Too many from this user: an empty answer costs the database nothing.
        await query.answer([], cache_time=THROTTLED_CACHE_SECONDS, is_personal=True)
        return
    if await blocking.is_blocked(context.shop, query.from_user.id):  # one indexed read
        await query.answer([], cache_time=INLINE_BLOCKED_CACHE_SECONDS, is_personal=True)
        return
    text = query.query[: InlineQueryLimit.MAX_QUERY_LENGTH]
    offset = parse_offset(query.offset)
    page = await sharing.shareable(context.shop, text, offset, PAGE_SIZE)
    try:
        await _answer(query, context, page, offset, photos=True)
    except BadRequest as error:
        if "query_id_invalid" in error.message.lower():  # too late: nobody to answer
            raise
        # A cached photo file_id Telegram no longer knows (a new bot token) fails the whole
        # answer: answer with articles. Nothing is written here; the next private view of the
        # product uploads the photo again and caches the new file_id.
        log.warning("inline answer refused (%s); answering without photos", error.message)
        await _answer(query, context, page, offset, photos=False)


async def _answer(
    query: InlineQuery,
    context: ShopContext,
    page: SharePage,
    offset: int,
    *,
    photos: bool,
) -> None:
    results = cards.inline_results(
        page.cards, context.shop.settings, context.bot.username, photos=photos
    )
    empty = not results and offset == 0
    await query.answer(
        results,
        cache_time=CACHE_SECONDS,
        is_personal=False,
        next_offset="" if page.next_offset is None else str(page.next_offset),
        button=cards.open_shop_button(context.shop.settings) if empty else None,
    )


def parse_offset(offset: str) -> int:
    """The offset we handed out as `next_offset`; anything else starts from the top."""
    if offset.isascii() and offset.isdigit() and len(offset) <= _MAX_OFFSET_DIGITS:
        return int(offset)
    return 0


def register(app: AnyApplication) -> None:
    app.add_handler(InlineQueryHandler(on_inline_query))
