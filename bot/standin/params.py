"""Request parameters as the Bot API reads them: query string, form fields, JSON bodies, files.

PTB sends some fields JSON-encoded inside form data and numbers as text; Telegram decodes them
by name, and so does the stand-in, failing with Telegram's texts where Telegram fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.standin import errors
from bot.standin.errors import ApiError

# Form fields whose values PTB sends JSON-encoded (everything else is a plain string).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "prices",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "media",
        "suggested_tip_amounts",
        "shipping_options",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "results",
        "button",
    }
)
_JSON_FIELD_ERRORS = {
    "reply_markup": errors.REPLY_MARKUP_UNPARSABLE,
    "prices": errors.PRICES_UNPARSABLE,
    "shipping_options": errors.SHIPPING_OPTIONS_UNPARSABLE,
    "menu_button": errors.MENU_BUTTON_UNPARSABLE,
}
_INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "user_id",
        "reply_to_message_id",
        "max_tip_amount",
        "photo_size",
        "photo_width",
        "photo_height",
        "cache_time",
        "message_thread_id",
        "max_connections",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "ok",
        "show_alert",
        "is_flexible",
        "need_name",
        "need_phone_number",
        "need_email",
        "need_shipping_address",
        "send_phone_number_to_provider",
        "send_email_to_provider",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "is_personal",
    }
)


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part as PTB uploads it."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Decoded request parameters with typed getters that fail the way Telegram does."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def text(self, name: str, default: str | None = None) -> str | None:
        """A string parameter (numbers are accepted and turned into text)."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, (dict, list)) else str(value)

    def required_text(self, name: str) -> str:
        """A string that must be present and non-empty."""
        value = self.text(name)
        if not value:
            raise ApiError(errors.parameter_required(name))
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; garbage counts as absent, as Telegram's parser does."""
        value = self.values.get(name)
        if value is None or isinstance(value, bool):
            return default
        if isinstance(value, int):
            return value
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return default

    def number(self, name: str, default: float = 0.0) -> float:
        """A number parameter such as getUpdates' timeout."""
        value = self.values.get(name)
        try:
            return float(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def flag(self, name: str) -> bool:
        """A Boolean parameter; absent means False."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """A JSON-typed parameter (already decoded)."""
        return self.values.get(name)

    def file(self, name: str) -> UploadedFile | str | None:
        """A file parameter: an uploaded part (also via ``attach://``) or a file_id/URL."""
        if name in self.files:
            return self.files[name]
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return value if isinstance(value, str) and value else None

    def logged(self) -> dict[str, Any]:
        """Every parameter, files included, as :class:`ApiCall` keeps them."""
        return {**self.values, **self.files}


async def read_params(request: web.Request) -> Params:
    """The parameters of one Bot API request, from its query string and its body."""
    values: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for key, raw in request.query.items():
        values[key] = _decode_field(key, raw)
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):  # a string is read as a form field's text, as Telegram does
            for key, value in body.items():
                values[key] = _decode_field(key, value) if isinstance(value, str) else value
    elif request.body_exists:
        form = await request.post()
        for key, item in form.items():
            if isinstance(item, web.FileField):
                files[key] = UploadedFile(item.filename, item.content_type, item.file.read())
            elif isinstance(item, str):
                values[key] = _decode_field(key, item)
            else:
                values[key] = _decode_field(key, bytes(item).decode())
    return Params(values, files)


def _decode_field(name: str, raw: str) -> Any:
    if name in _JSON_FIELDS:
        try:
            return json.loads(raw)
        except ValueError as exc:
            message = _JSON_FIELD_ERRORS.get(name, f"Bad Request: can't parse {name}")
            raise ApiError(message) from exc
    if name in _BOOL_FIELDS:
        return raw.lower() in ("true", "1")
    if name in _INT_FIELDS or name in ("chat_id", "timeout"):
        try:
            return int(raw)
        except ValueError:
            try:
                return float(raw)
            except ValueError:
                return raw
    return raw
