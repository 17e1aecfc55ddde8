"""Messages: sends, edits, deletes, photos, documents, chat actions and button taps' answers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from bot.standin import errors
from bot.standin.chats import ChatState, PendingQuery
from bot.standin.core import api_method
from bot.standin.errors import ApiError
from bot.standin.files import FilesArea, StoredFile
from bot.standin.markup import EntityParseError, plain_text
from bot.standin.models import (
    Button,
    CallbackAnswer,
    Document,
    Message,
    TranscriptEvent,
    render,
)
from bot.standin.params import Params, UploadedFile

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100  # Telegram refuses a bigger inline keyboard: "reply markup is too long"
MAX_CALLBACK_ANSWER_LENGTH = 200

TextField = Literal["text", "caption"]
MediaKind = Literal["photo", "document"]
_TEXT_LIMITS: dict[TextField, tuple[int, str]] = {
    "text": (MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG),
    "caption": (MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG),
}
_MEDIA_MISSING: dict[MediaKind, str] = {"photo": errors.NO_PHOTO, "document": errors.NO_DOCUMENT}


def utf16_length(text: str) -> int:
    """A length as Telegram's limits count it: UTF-16 code units (🛒 is two)."""
    return len(text.encode("utf-16-le")) // 2


def _web_app_url(button: dict[str, Any]) -> str | None:
    """The URL of the Mini App an inline button opens; as on Telegram it must be https."""
    if "web_app" not in button:
        return None
    web_app = button["web_app"]
    url = web_app.get("url") if isinstance(web_app, dict) else None
    if not isinstance(url, str):
        raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
    if not url.startswith("https://"):
        raise ApiError(errors.web_app_url_invalid("inline keyboard button", url))
    return url


@dataclass(frozen=True)
class MessageBody:
    """What a send or edit asks a message to show: its text or caption (as read and as sent),
    the parse mode, and its inline keyboard."""

    text: str | None
    raw_text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    buttons: list[list[Button]]

    def shown_by(self, message: Message) -> bool:
        """True if the message already shows exactly this (Telegram's "not modified")."""
        return (self.text, self.raw_text, self.reply_markup) == (
            message.text,
            message.raw_text,
            message.reply_markup,
        )

    def apply_to(self, message: Message) -> None:
        message.text, message.raw_text = self.text, self.raw_text
        message.parse_mode = self.parse_mode
        message.reply_markup, message.buttons = self.reply_markup, self.buttons


class MessagesArea(FilesArea):
    """The chat's messages as the bot changes them, and the user's messages as they arrive."""

    # ------------------------------------------------------------------ the fake client side

    async def add_user_message(
        self, chat: ChatState, content: dict[str, Any], *, deliver: bool = True
    ) -> tuple[Message, dict[str, Any]]:
        """A message from the user: stored in the chat and queued as an update.

        ``deliver=False``: the update is made but lost on the way, never sent to the bot.
        """
        message_id = chat.next_message_id()
        date = int(time.time())
        payload = {
            "message_id": message_id,
            "from": dict(chat.user),
            "chat": chat.chat_json,
            "date": date,
            **content,
        }
        message = Message(
            chat_id=chat.chat_id,
            message_id=message_id,
            from_bot=False,
            date=date,
            text=content.get("text", content.get("caption")),
            successful_payment=content.get("successful_payment"),
        )
        if "photo" in content:
            message.photo = content["photo"][-1]["file_id"]
            message.photo_sizes = content["photo"]
        if "document" in content:
            doc = content["document"]
            stored = self.files[doc["file_id"]]
            message.document = Document(
                doc["file_id"], doc.get("file_name"), doc.get("mime_type"), stored.data
            )
        chat.add(message)
        self._touch(chat, message)
        if not deliver:
            return message, self._new_update("message", payload)
        return message, await self.push_update("message", payload)

    def message_json(self, chat: ChatState, message: Message) -> dict[str, Any]:
        """The Message object Telegram returns for a bot message in its current state."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot_user if message.from_bot else dict(chat.user),
            "chat": chat.chat_json,
            "date": message.date,
        }
        if message.edited:
            data["edit_date"] = int(time.time())
        if message.invoice is not None:
            invoice = message.invoice
            data["invoice"] = {
                "title": invoice["title"],
                "description": invoice["description"],
                "start_parameter": invoice.get("start_parameter") or "",
                "currency": invoice["currency"],
                "total_amount": sum(int(price["amount"]) for price in invoice["prices"]),
            }
        elif message.photo is not None:
            data["photo"] = message.photo_sizes
        elif message.document is not None:
            doc = message.document
            stored = self.files.get(doc.file_id)
            data["document"] = {
                "file_id": doc.file_id,
                "file_unique_id": stored.file_unique_id if stored else doc.file_id[-8:],
                "file_size": len(doc.data),
            }
            if doc.file_name:
                data["document"]["file_name"] = doc.file_name
            if doc.mime_type:
                data["document"]["mime_type"] = doc.mime_type
        if message.text is not None:
            data["caption" if message.has_caption else "text"] = message.text
        if message.successful_payment is not None:
            data["successful_payment"] = message.successful_payment
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        return data

    def command_entity(self, text: str) -> list[dict[str, Any]]:
        """The bot_command entity a Telegram client attaches to "/cmd args"."""
        if not text.startswith("/"):
            return []
        token = text.split(maxsplit=1)[0]
        return [{"type": "bot_command", "offset": 0, "length": utf16_length(token)}]

    def callback_answer(self, query: PendingQuery) -> CallbackAnswer | None:
        """The bot's answer to a callback query, once it has answered."""
        if not query.answered or query.answer is None:
            return None
        return CallbackAnswer(
            text=query.answer.get("text"),
            show_alert=bool(query.answer.get("show_alert")),
            url=query.answer.get("url"),
        )

    # ------------------------------------------------------------------ message bodies

    def _formatted(
        self, params: Params, field_name: str, limit: int, too_long: str
    ) -> tuple[str | None, str | None]:
        """The text a user reads (markup parsed out) and the text as sent, checked for length."""
        raw = params.text(field_name)
        if raw is None:
            return None, None
        try:
            text = plain_text(raw, params.text("parse_mode"))
        except EntityParseError as exc:
            raise ApiError(f"Bad Request: {exc}") from exc
        if utf16_length(text) > limit:  # as Telegram counts: an emoji may be two
            raise ApiError(too_long)
        return text, raw

    def _markup(
        self, params: Params, chat: ChatState | None
    ) -> tuple[dict[str, Any] | None, list[list[Button]]]:
        """Validate reply_markup; returns the inline markup to echo and its buttons."""
        markup = params.json("reply_markup")
        if markup is None:
            return None, []
        if not isinstance(markup, dict):
            raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list):
                raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
            if sum(len(row) if isinstance(row, list) else 1 for row in rows) > MAX_INLINE_BUTTONS:
                raise ApiError(errors.REPLY_MARKUP_TOO_LONG)
            buttons: list[list[Button]] = []
            for row in rows:
                if not isinstance(row, list):
                    raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
                parsed_row: list[Button] = []
                for button in row:
                    if not isinstance(button, dict) or "text" not in button:
                        raise ApiError(errors.REPLY_MARKUP_UNPARSABLE)
                    data = button.get("callback_data")
                    if "callback_data" in button and (
                        not isinstance(data, str)
                        or not data
                        or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
                    ):
                        raise ApiError(errors.BUTTON_DATA_INVALID)
                    web_app = _web_app_url(button)
                    parsed_row.append(Button(str(button["text"]), data, button.get("url"), web_app))
                buttons.append(parsed_row)
            return {"inline_keyboard": rows}, buttons
        if chat is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = [
                    [b["text"] if isinstance(b, dict) else str(b) for b in row]
                    for row in markup["keyboard"]
                ]
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        return None, []

    def _body(
        self,
        params: Params,
        field_name: TextField,
        chat: ChatState | None,
        *,
        text_required: bool = False,
    ) -> MessageBody:
        """The text (or caption) and keyboard a send or edit asks for, checked as Telegram
        checks them; `chat` is given for sends, whose reply keyboards change the chat."""
        limit, too_long = _TEXT_LIMITS[field_name]
        text, raw = self._formatted(params, field_name, limit, too_long)
        if text_required and (not text or not text.strip()):
            raise ApiError(errors.MESSAGE_TEXT_EMPTY)
        markup, buttons = self._markup(params, chat)
        return MessageBody(text, raw, params.text("parse_mode"), markup, buttons)

    @staticmethod
    def _require_text(params: Params) -> None:
        raw = params.text("text")
        if raw is None or not raw.strip():
            raise ApiError(errors.MESSAGE_TEXT_EMPTY)

    def _attach(
        self,
        message: Message,
        kind: MediaKind,
        value: UploadedFile | str | None,
        stored: StoredFile,
    ) -> None:
        """Make the message show this photo or document instead of what it showed."""
        if kind == "photo":
            message.document = None
            message.photo = value if isinstance(value, str) else stored.file_id
            message.photo_source = stored.file_name or stored.url
            message.photo_sizes = self.photo_sizes(stored)
        else:
            message.photo, message.photo_source, message.photo_sizes = None, None, []
            message.document = stored.as_document()

    def _new_message(self, chat: ChatState) -> Message:
        return Message(
            chat_id=chat.chat_id,
            message_id=chat.next_message_id(),
            from_bot=True,
            date=int(time.time()),
        )

    def _post(self, chat: ChatState, message: Message) -> dict[str, Any]:
        chat.add(message)
        self._touch(chat, message)
        chat.transcript.append(TranscriptEvent("bot", "sent", render(message), message.message_id))
        return self.message_json(chat, message)

    def _editable(self, params: Params) -> tuple[ChatState, Message]:
        if params.text("inline_message_id"):
            raise ApiError(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        chat = self._chat(params, sending=False)
        message = chat.find(params.integer("message_id") or 0)
        if message is None or message.deleted:
            raise ApiError(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        return chat, message

    def _edit(self, chat: ChatState, message: Message, body: MessageBody) -> dict[str, Any]:
        if body.shown_by(message):
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        body.apply_to(message)
        return self._edited(chat, message)

    def _edited(self, chat: ChatState, message: Message) -> dict[str, Any]:
        message.edited = True
        self._touch(chat, message)
        chat.transcript.append(
            TranscriptEvent("bot", "edited", render(message), message.message_id)
        )
        return self.message_json(chat, message)

    # ------------------------------------------------------------------ methods

    @api_method("sendMessage", rate_limited=True)
    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        self._require_text(params)
        body = self._body(params, "text", chat, text_required=True)
        message = self._new_message(chat)
        body.apply_to(message)
        return self._post(chat, message)

    @api_method("sendPhoto", rate_limited=True)
    async def _send_photo(self, params: Params) -> dict[str, Any]:
        return await self._send_media(params, "photo")

    @api_method("sendDocument", rate_limited=True)
    async def _send_document(self, params: Params) -> dict[str, Any]:
        return await self._send_media(params, "document")

    async def _send_media(self, params: Params, kind: MediaKind) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        body = self._body(params, "caption", chat)
        value = params.file(kind)
        stored = self._resolve_file(value, kind, _MEDIA_MISSING[kind])
        message = self._new_message(chat)
        self._attach(message, kind, value, stored)
        body.apply_to(message)
        return self._post(chat, message)

    @api_method("editMessageText")
    async def _edit_message_text(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        self._require_text(params)
        if message.kind != "text":
            raise ApiError(errors.NO_TEXT_TO_EDIT)
        return self._edit(chat, message, self._body(params, "text", None))

    @api_method("editMessageCaption")
    async def _edit_message_caption(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        if not message.has_caption:
            raise ApiError(errors.NO_CAPTION_TO_EDIT)
        return self._edit(chat, message, self._body(params, "caption", None))

    @api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        markup, buttons = self._markup(params, None)
        if markup == message.reply_markup:
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        message.reply_markup, message.buttons = markup, buttons
        return self._edited(chat, message)

    @api_method("editMessageMedia")
    async def _edit_message_media(self, params: Params) -> dict[str, Any]:
        chat, message = self._editable(params)
        media = params.json("media")
        if not isinstance(media, dict) or media.get("type") not in ("photo", "document"):
            raise ApiError("Bad Request: can't parse InputMedia JSON object")
        if not message.has_caption:
            raise ApiError(errors.NO_MEDIA_TO_EDIT)
        kind: MediaKind = "photo" if media["type"] == "photo" else "document"
        ref = media.get("media")
        value: UploadedFile | str | None = None
        if isinstance(ref, str) and ref.startswith("attach://"):
            value = params.files.get(ref.removeprefix("attach://"))
        elif isinstance(ref, str) and ref:
            value = ref
        else:
            value = params.files.get("media")
        # The caption comes with the media, the keyboard with the request.
        media_params = Params(
            {
                "caption": media.get("caption"),
                "parse_mode": media.get("parse_mode"),
                "reply_markup": params.json("reply_markup"),
            },
            {},
        )
        body = self._body(media_params, "caption", None)
        current = (
            message.photo
            if kind == "photo"
            else (message.document.file_id if message.document else None)
        )
        if (
            isinstance(value, str)
            and value == current
            and (body.text, body.reply_markup) == (message.text, message.reply_markup)
        ):
            raise ApiError(errors.MESSAGE_NOT_MODIFIED)
        stored = self._resolve_file(value, kind, _MEDIA_MISSING[kind])
        self._attach(message, kind, value, stored)
        body.apply_to(message)
        return self._edited(chat, message)

    @api_method("deleteMessage")
    async def _delete_message(self, params: Params) -> bool:
        chat = self._chat(params, sending=False)
        message = chat.find(params.integer("message_id") or 0)
        if message is None or message.deleted:
            raise ApiError(errors.MESSAGE_TO_DELETE_NOT_FOUND)
        message.deleted = True
        self._touch(chat, message)
        chat.transcript.append(
            TranscriptEvent(
                "bot", "deleted", (message.text or render(message))[:60], message.message_id
            )
        )
        return True

    @api_method("sendChatAction")
    async def _send_chat_action(self, params: Params) -> bool:
        self._chat(params, sending=True)
        return True

    @api_method("answerCallbackQuery")
    async def _answer_callback_query(self, params: Params) -> bool:
        text = params.text("text")
        if text is not None and utf16_length(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(errors.CALLBACK_ANSWER_TOO_LONG)
        query = self._take_query(params, "callback_query_id", "callback_query")
        if text:
            kind = "alert" if params.flag("show_alert") else "toast"
            self.chats[query.chat_id].transcript.append(TranscriptEvent("bot", kind, text))
        self._answer(
            query,
            {"text": text, "show_alert": params.flag("show_alert"), "url": params.text("url")},
        )
        return True
