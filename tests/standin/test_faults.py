"""Telegram misbehaving on purpose: 429s, 5xx pages, held requests and dropped connections.

Each test plans a fault on the stand-in and calls it with python-telegram-bot's own Bot, so
the assertions are on what the shop bot will see: RetryAfter, NetworkError, TimedOut; through
PTB's own HTTP client and through the shop's (bot.transport), which must see them alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.standin import BotApiStandIn
from bot.standin import errors as tg
from bot.transport import AiohttpRequest

CLIENT_WAIT = 0.3  # seconds the test's bot waits for an answer before it gives up


@pytest.fixture(params=[HTTPXRequest, AiohttpRequest])
async def bot(standin: BotApiStandIn, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    transport = request.param(read_timeout=CLIENT_WAIT, connect_timeout=CLIENT_WAIT)
    async with Bot(standin.token, base_url=standin.base_url, request=transport) as client:
        yield client


async def test_flood_answers_429_with_retry_after_once(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(2001)
    standin.faults.flood("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter, match=r"Retry in 3 seconds"):
        await bot.send_message(alice.user_id, "your order")
    assert alice.messages == []  # refused, not sent
    await bot.send_message(alice.user_id, "your order")  # the next call goes through
    assert [m.text for m in alice.messages] == ["your order"]
    refused, sent = standin.calls_to("sendMessage")
    assert (refused.ok, refused.error_code, refused.fault) == (False, 429, "flood")
    assert refused.result_or_error == tg.retry_after(3)
    assert (sent.ok, sent.fault) == (True, None)


async def test_bad_gateway_is_nginx_html_and_internal_error_is_json(
    standin: BotApiStandIn,
) -> None:
    standin.faults.server_error("getMe", status=502)
    standin.faults.server_error("getMe", status=500)
    url = f"{standin.base_url}{standin.token}/getMe"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            page = await response.text()
            assert response.status == 502 and response.content_type == "text/html"
            assert "<title>502 Bad Gateway</title>" in page and "nginx" in page
        async with http.get(url) as response:
            assert response.status == 500
            assert await response.json() == {
                "ok": False,
                "error_code": 500,
                "description": "Internal Server Error",
            }
        async with http.get(url) as response:
            assert response.status == 200 and (await response.json())["ok"]


async def test_a_5xx_reaches_the_bot_as_a_network_error(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(2002)
    standin.faults.server_error("sendMessage", status=503, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"Service Unavailable \(503\)"):
            await bot.send_message(alice.user_id, "hello")
    await bot.send_message(alice.user_id, "hello")
    assert [m.text for m in alice.messages] == ["hello"]
    assert [c.error_code for c in standin.calls_to("sendMessage")] == [503, 503, None]


async def test_an_outage_hits_every_method_until_it_is_over(
    standin: BotApiStandIn, bot: Bot
) -> None:
    alice = standin.user(2003)
    standin.faults.server_error("*", status=502, seconds=60)
    for _ in range(3):  # no limit on the number of calls while the outage lasts
        with pytest.raises(NetworkError, match=r"Bad Gateway"):
            await bot.send_message(alice.user_id, "hello")
        with pytest.raises(NetworkError, match=r"Bad Gateway"):
            await bot.get_my_commands()
    standin.faults.clear()
    await bot.send_message(alice.user_id, "hello")
    assert [m.text for m in alice.messages] == ["hello"]


async def test_an_outage_of_no_time_hits_nothing(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(2004)
    standin.faults.server_error("*", status=502, seconds=0)
    await bot.send_message(alice.user_id, "hello")
    assert not standin.faults.planned


async def test_a_held_request_times_out_and_did_nothing(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(2005)
    standin.faults.time_out("sendMessage")
    with pytest.raises(TimedOut):
        await bot.send_message(alice.user_id, "receipt")
    assert alice.messages == []
    held = standin.calls_to("sendMessage")[-1]
    assert (held.ok, held.error_code, held.fault) == (False, None, "timeout")


async def test_a_timed_out_send_may_still_have_been_sent(standin: BotApiStandIn, bot: Bot) -> None:
    """The case that makes a naive retry send the receipt twice."""
    alice = standin.user(2006)
    standin.faults.time_out("sendMessage", executed=True)
    with pytest.raises(TimedOut):
        await bot.send_message(alice.user_id, "receipt")
    assert [m.text for m in alice.messages] == ["receipt"]
    assert standin.calls_to("sendMessage")[-1].ok


async def test_a_dropped_connection_gets_no_answer(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(2007)
    standin.faults.drop_connection("sendMessage")
    standin.faults.drop_connection("sendMessage", executed=True)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)server disconnected"):
            await bot.send_message(alice.user_id, "receipt")
    assert [m.text for m in alice.messages] == ["receipt"]  # only the second took effect
    assert [c.fault for c in standin.calls_to("sendMessage")] == ["disconnect", "disconnect"]
    await bot.send_message(alice.user_id, "again")  # the client reconnects
    assert alice.last_message is not None and alice.last_message.text == "again"


async def test_fail_next_still_scripts_one_error(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(2008)
    standin.fail_next("sendMessage")
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(alice.user_id, "hello")
    await bot.send_message(alice.user_id, "hello")
    assert [m.text for m in alice.messages] == ["hello"]


async def test_faults_refuse_impossible_plans(standin: BotApiStandIn) -> None:
    with pytest.raises(ValueError, match="status"):
        standin.faults.server_error("sendMessage", status=418)
    with pytest.raises(ValueError, match="times"):
        standin.faults.flood("sendMessage", times=0)
