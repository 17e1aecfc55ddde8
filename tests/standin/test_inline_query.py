"""answerInlineQuery as Telegram checks it: result count, ids, and one answer per query."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest

from bot.standin import BotApiStandIn


def _article(result_id: str) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, "Mug", InputTextMessageContent("A mug"))


async def _query_id(standin: BotApiStandIn, text: str = "mug") -> str:
    """An inline query the stand-in waits to see answered (nobody polls in these tests)."""
    user = standin.user(1001)
    query = await standin.open_query(
        "inline_query", user.chat, {"from": user.user_json, "query": text, "offset": ""}
    )
    return query.query_id


async def test_an_answer_is_kept_with_its_offset_and_button(
    standin: BotApiStandIn, bot: Bot
) -> None:
    query_id = await _query_id(standin)
    await bot.answer_inline_query(
        query_id, [_article("a"), _article("b")], next_offset="2", cache_time=30
    )
    query = standin.queries[query_id]
    answer = standin.inline_answer(query)
    assert answer is not None
    assert [(r.id, r.title, r.text) for r in answer.results] == [
        ("a", "Mug", "A mug"),
        ("b", "Mug", "A mug"),
    ]
    assert (answer.next_offset, answer.cache_time, answer.button) == ("2", 30, None)


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([_article(str(i)) for i in range(51)], "RESULTS_TOO_MUCH"),
        ([_article("same"), _article("same")], "RESULT_ID_DUPLICATE"),
        ([_article("x" * 65)], "RESULT_ID_INVALID"),
    ],
)
async def test_telegram_refuses_bad_results(
    standin: BotApiStandIn, bot: Bot, results: list[InlineQueryResultArticle], error: str
) -> None:
    query_id = await _query_id(standin)
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.answer_inline_query(query_id, results)
    await bot.answer_inline_query(query_id, [_article("ok")])  # a refused answer is no answer


async def test_a_query_is_answered_once_and_unknown_ids_are_refused(
    standin: BotApiStandIn, bot: Bot
) -> None:
    query_id = await _query_id(standin)
    await bot.answer_inline_query(query_id, [])
    with pytest.raises(BadRequest, match=r"(?i)QUERY_ID_INVALID"):
        await bot.answer_inline_query(query_id, [])
    with pytest.raises(BadRequest, match=r"(?i)QUERY_ID_INVALID"):
        await bot.answer_inline_query("12345", [])
    # PTB prettifies the text; on the wire it is Telegram's own.
    assert standin.calls[-1].result_or_error == "Bad Request: QUERY_ID_INVALID"
