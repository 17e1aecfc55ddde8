"""Inline mode: the bot's answerInlineQuery, checked as Telegram checks it.

``await user.inline_query("mug", offset="")`` delivers an ``inline_query`` update and returns the
bot's answer as an :class:`InlineAnswer` (results, next_offset, button). At most 50 results,
result ids of 1-64 bytes and unique (``RESULT_ID_DUPLICATE``), photo/article fields present,
and an unknown or already answered query id gets ``QUERY_ID_INVALID``.
``user.choose_inline_result(result)`` gives the message that choosing a result posts (the
stand-in has no other chats to put it in, and sends no ``chosen_inline_result``: that needs
BotFather's /setinlinefeedback).
"""

from __future__ import annotations

import re
from typing import Any

from bot.standin import errors
from bot.standin.chats import PendingQuery
from bot.standin.core import api_method
from bot.standin.errors import ApiError
from bot.standin.messages import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    MessagesArea,
)
from bot.standin.models import InlineAnswer, InlineResult
from bot.standin.params import Params

MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
MAX_NEXT_OFFSET_BYTES = 64
_START_PARAMETER_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InlineArea(MessagesArea):
    """Answers to inline queries, and how the user sees them."""

    @api_method("answerInlineQuery")
    async def _answer_inline_query(self, params: Params) -> bool:
        query = self.queries.get(params.text("inline_query_id") or "")
        if query is None or query.kind != "inline_query" or query.answered:
            raise ApiError(errors.QUERY_ID_INVALID)
        results = params.json("results")
        if results is None:
            raise ApiError(errors.parameter_required("results"))
        if not isinstance(results, list):
            raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(errors.RESULTS_TOO_MUCH)
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        next_offset = params.text("next_offset") or ""
        if len(next_offset.encode("utf-8")) > MAX_NEXT_OFFSET_BYTES:
            raise ApiError(errors.NEXT_OFFSET_INVALID)
        button = params.json("button")
        if button is not None:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            start = button.get("start_parameter")
            if "web_app" not in button and not (
                isinstance(start, str) and _START_PARAMETER_RE.match(start)
            ):
                raise ApiError(errors.START_PARAM_INVALID)
        self._answer(
            query,
            {
                "results": results,
                "next_offset": next_offset,
                "button": button,
                "cache_time": params.integer("cache_time"),
                "is_personal": params.flag("is_personal"),
            },
        )
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        """One result as Telegram checks it: id, type, required fields, texts, buttons."""
        if not isinstance(result, dict):
            raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
        result_id = result.get("id")
        if not isinstance(result_id, str) or not result_id:
            raise ApiError(errors.RESULT_ID_INVALID)
        if len(result_id.encode("utf-8")) > MAX_INLINE_RESULT_ID_BYTES:
            raise ApiError(errors.RESULT_ID_INVALID)
        if result_id in seen:
            raise ApiError(errors.RESULT_ID_DUPLICATE)
        seen.add(result_id)
        kind = result.get("type")
        if kind == "article":
            content = result.get("input_message_content")
            if not result.get("title") or not isinstance(content, dict):
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            text = content.get("message_text")
            if not isinstance(text, str) or not text.strip():
                raise ApiError(errors.MESSAGE_TEXT_EMPTY)
            self._formatted(
                Params(content, {}), "message_text", MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG
            )
        elif kind == "photo":  # a cached photo is type "photo" too, with photo_file_id
            cached = "photo_file_id" in result
            photo = result.get("photo_file_id" if cached else "photo_url")
            if not isinstance(photo, str) or not photo:
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            if not cached and not result.get("thumbnail_url"):
                raise ApiError(errors.INLINE_RESULTS_UNPARSABLE)
            if cached:
                stored = self.files.get(photo)
                if stored is None:
                    raise ApiError(errors.WRONG_FILE_ID)
                if stored.kind != "photo":
                    raise ApiError(errors.FILE_TYPE_MISMATCH)
            self._formatted(
                Params(result, {}), "caption", MAX_CAPTION_LENGTH, errors.CAPTION_TOO_LONG
            )
        else:
            raise ApiError(errors.RESULT_TYPE_INVALID)
        self._markup(Params({"reply_markup": result.get("reply_markup")}, {}), None)

    def inline_answer(self, query: PendingQuery) -> InlineAnswer | None:
        """The bot's answer to an inline query, once it has answered."""
        if not query.answered or query.answer is None:
            return None
        answer = query.answer
        return InlineAnswer(
            results=[self.inline_result(result) for result in answer["results"]],
            next_offset=str(answer["next_offset"]),
            button=answer["button"],
            cache_time=answer["cache_time"],
            is_personal=bool(answer["is_personal"]),
        )

    def inline_result(self, result: dict[str, Any]) -> InlineResult:
        """One answered result as the user sees it; its text is what choosing it would post."""
        content = result.get("input_message_content") or {}
        kind = str(result["type"])
        source = content if kind == "article" else result
        raw_text = source.get("message_text" if kind == "article" else "caption")
        params = Params({"text": raw_text, "parse_mode": source.get("parse_mode")}, {})
        text, _ = self._formatted(params, "text", MAX_TEXT_LENGTH, errors.MESSAGE_TOO_LONG)
        _, buttons = self._markup(Params({"reply_markup": result.get("reply_markup")}, {}), None)
        return InlineResult(
            id=str(result["id"]),
            type=kind,
            title=result.get("title"),
            description=result.get("description"),
            text=text,
            photo=result.get("photo_file_id") or result.get("photo_url"),
            buttons=buttons,
            raw=result,
        )
