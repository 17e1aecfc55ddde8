"""The one way the shop sends Telegram messages nobody asked for at that moment.

Admin alerts, notices to shoppers (an order shipped, an invoice expired), broadcasts and the
delivery of digital goods all go out here, so use cases never import `telegram`. Sends that
nobody asked for are bulk sends (`bot.pacing.BULK`): they queue together at BROADCAST_RATE.
Deliveries answer the shopper's own payment, so they go out at once like any reply.

A failed send never breaks the use case that caused it: it is logged and reported as an
outcome (sent, blocked, failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.callback_data import Action, button
from bot.clipping import clip
from bot.i18n import Translator
from bot.pacing import BULK, ShopBot
from bot.services.downloads import Download
from bot.services.photos import PhotoKind, PhotoSource

log = logging.getLogger(__name__)

# Telegram fetches documents by URL only for these; any other URL is sent as a link.
_SENDABLE_BY_URL = (".pdf", ".zip")


class Sent(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot (403)
    FAILED = "failed"  # anything else Telegram refused, a 429 that outlasted the retries...


@dataclass(frozen=True, slots=True)
class Link:
    """A button that opens a web page (a carrier's tracking page) instead of asking the bot."""

    url: str


Buttons = tuple[tuple[tuple[str, Action | Link], ...], ...]
"""Rows of (label, what pressing it asks for, or the page it opens)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A message nobody asked for: plain text, buttons under it, and a photo (a Telegram
    file_id) to show it under, the text then being the caption."""

    text: str
    buttons: Buttons = ()
    photo: str | None = None


@dataclass(frozen=True, slots=True)
class Delivered:
    """How a notice went, and the message it became (to know a reply to it later)."""

    outcome: Sent
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class DownloadSent:
    """How one download went, and what to remember about its file for next time."""

    ok: bool
    file_id: str | None = None  # Telegram's id for a file we uploaded: send that next time
    stale_file_id: bool = False  # the kept file_id did not work: forget it


class Notifier:
    """Sends through the application's bot (and so through its rate limiter)."""

    def __init__(self, bot: ShopBot, admin_ids: Iterable[int]) -> None:
        self.bot = bot
        self.admin_ids = tuple(sorted(admin_ids))

    async def notify(self, chat_id: int, text: str) -> Sent:
        """A notice to one person (an order moved, a broadcast): a bulk send."""
        return (await self.send(chat_id, Notice(text))).outcome

    async def send(self, chat_id: int, notice: Notice) -> Delivered:
        """A notice with buttons or a photo: a bulk send, like `notify`."""
        markup = _markup(notice.buttons)
        try:
            if notice.photo is not None:
                caption = clip(notice.text, MessageLimit.CAPTION_LENGTH)
                sent = await self.bot.send_photo(
                    chat_id,
                    notice.photo,
                    caption=caption,
                    reply_markup=markup,
                    rate_limit_args=BULK,
                )
            else:
                sent = await self.bot.send_message(
                    chat_id,
                    clip(notice.text, MessageLimit.MAX_TEXT_LENGTH),
                    reply_markup=markup,
                    rate_limit_args=BULK,
                )
        except Forbidden:
            log.info("chat %s has blocked the bot; notification dropped", chat_id)
            return Delivered(Sent.BLOCKED)
        except TelegramError as exc:  # including a 429 that outlasted the limiter's retries
            log.warning("could not notify chat %s: %s", chat_id, exc)
            return Delivered(Sent.FAILED)
        return Delivered(Sent.SENT, getattr(sent, "message_id", None))

    async def edit(self, chat_id: int, message_id: int, notice: Notice) -> None:
        """Rewrite a message of ours (a progress line); the same text again, or a message
        gone, is not worth more than a log line."""
        try:
            await self.bot.edit_message_text(
                clip(notice.text, MessageLimit.MAX_TEXT_LENGTH),
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=_markup(notice.buttons),
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.warning("could not edit message %s in chat %s: %s", message_id, chat_id, exc)
        except TelegramError as exc:
            log.warning("could not edit message %s in chat %s: %s", message_id, chat_id, exc)

    async def remove_message(self, chat_id: int, message_id: int) -> None:
        """Take a message of ours away (an invoice that can no longer be paid), if still there."""
        with contextlib.suppress(TelegramError):
            await self.bot.delete_message(chat_id, message_id)

    async def send_download(self, chat_id: int, item: Download, tr: Translator) -> DownloadSent:
        """Send one digital item: gift codes as text, a file (by file_id, upload or URL) or a
        link. A kept file_id Telegram no longer knows gives way to the catalog's own file."""
        try:
            if item.gift_codes:
                text = _gift_text(item, tr)
                await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
                return DownloadSent(ok=True)
            return await self._send_file(chat_id, item, tr)
        except TelegramError as error:
            log.warning(
                "order %s: could not send %s to %s: %s", item.order_id, item.title, chat_id, error
            )
            return DownloadSent(ok=False)

    async def _send_file(self, chat_id: int, item: Download, tr: Translator) -> DownloadSent:
        source, fallback, stale = item.source, item.fallback, False
        while source is not None:
            if source.kind is PhotoKind.URL and not _by_url(source.value):
                await self.bot.send_message(chat_id, f"{item.caption(tr)}\n{source.value}")
                return DownloadSent(ok=True, stale_file_id=stale)
            try:
                sent = await self.bot.send_document(
                    chat_id, await _input(source), caption=item.caption(tr)
                )
            except BadRequest as error:
                log.warning(
                    "order %s: %s (%s) failed: %s", item.order_id, item.title, source.kind, error
                )
                if source.kind is PhotoKind.URL:  # Telegram could not fetch it: the link will do
                    await self.bot.send_message(chat_id, f"{item.caption(tr)}\n{source.value}")
                    return DownloadSent(ok=True, stale_file_id=stale)
                if not source.cached:
                    break
                source, fallback, stale = fallback, None, True
                continue
            uploaded = source.kind is not PhotoKind.FILE_ID and sent.document is not None
            new_id = sent.document.file_id if uploaded and sent.document else None
            return DownloadSent(ok=True, file_id=new_id, stale_file_id=stale)
        log.warning("order %s: %s has no file to send", item.order_id, item.title)
        return DownloadSent(ok=False, stale_file_id=stale)


def _markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    rows = [[_button(label, action) for label, action in row] for row in buttons if row]
    return InlineKeyboardMarkup(rows) if rows else None


def _button(label: str, action: Action | Link) -> InlineKeyboardButton:
    if isinstance(action, Link):
        return InlineKeyboardButton(label, url=action.url)
    return button(label, action)


def _by_url(url: str) -> bool:
    return url.lower().split("?", 1)[0].endswith(_SENDABLE_BY_URL)


async def _input(source: PhotoSource) -> str | InputFile:
    if source.kind is PhotoKind.PATH:
        path = Path(source.value)
        return InputFile(await asyncio.to_thread(path.read_bytes), filename=path.name)
    return source.value


def _gift_text(item: Download, tr: Translator) -> str:
    codes = "\n".join(f"<code>{code}</code>" for code in item.gift_codes)
    count = len(item.gift_codes)
    label = tr.ngettext("Your code:", "Your codes:", count)
    order = tr._("Order #{order_id}", order_id=item.order_id)
    return f"🎁 <b>{escape(item.name(tr))}</b>\n{order}\n{label}\n{codes}"
