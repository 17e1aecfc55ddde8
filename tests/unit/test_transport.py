"""The shop's HTTP client for the Bot API (bot.transport), against the stand-in over loopback:
what PTB asks of a transport (parameters, files both ways, long polling's timeouts) arrives
as it would through PTB's own. Its faults are in tests/standin/test_faults.py, run through
both clients."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile, ReplyKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.standin import BotApiStandIn
from bot.transport import AiohttpRequest, _tls_context

CLIENT_WAIT = 0.3  # seconds the bot waits for an answer before it gives up


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[Bot]:
    def transport() -> AiohttpRequest:
        return AiohttpRequest(read_timeout=CLIENT_WAIT, connect_timeout=CLIENT_WAIT)

    async with Bot(
        standin.token,
        base_url=standin.base_url,
        base_file_url=standin.base_file_url,
        request=transport(),
        get_updates_request=transport(),  # PTB keeps a client of its own for getUpdates
    ) as client:
        yield client


async def test_a_message_with_a_keyboard_arrives_as_sent(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(3001)
    keyboard = ReplyKeyboardMarkup([["Catalog", "Cart"]])
    sent = await bot.send_message(alice.user_id, "Hello, “Alice” 👋 & co.", reply_markup=keyboard)
    assert sent.text == "Hello, “Alice” 👋 & co." and sent.chat.id == alice.user_id
    assert alice.last_message is not None and alice.last_message.text == sent.text
    assert standin.calls_to("sendMessage")[-1].params["reply_markup"] == {
        "keyboard": [[{"text": "Catalog"}, {"text": "Cart"}]]
    }


async def test_a_file_goes_up_whole_with_its_name_and_comes_back_down(
    standin: BotApiStandIn, bot: Bot
) -> None:
    alice = standin.user(3002)
    content = b"sku;price\nMUG;1600\n" + bytes(range(256)) * 64  # not only text
    upload = InputFile(content, filename="price list.csv")
    sent = await bot.send_document(alice.user_id, upload, caption="Prices")
    assert sent.document is not None and sent.document.file_name == "price list.csv"
    assert sent.caption == "Prices"
    stored = standin.files[sent.document.file_id]
    assert stored.data == content and stored.mime_type == "text/csv"

    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content


async def test_a_long_poll_may_wait_longer_than_the_read_timeout(
    standin: BotApiStandIn, bot: Bot
) -> None:
    """PTB adds the poll's own timeout to the read timeout: an empty poll of 1 s is an empty
    answer, not a TimedOut after 0.3 s."""
    assert await bot.get_updates(timeout=1) == ()
    standin.faults.time_out("getUpdates", hold=5)
    with pytest.raises(TimedOut):
        await bot.get_updates(timeout=0)


async def test_it_refuses_calls_before_it_is_initialized_and_after_shutdown(
    standin: BotApiStandIn,
) -> None:
    transport = AiohttpRequest()
    with pytest.raises(NetworkError, match="not initialized"):
        await transport.post(f"{standin.base_url}{standin.token}/getMe")
    await transport.initialize()
    assert (await transport.post(f"{standin.base_url}{standin.token}/getMe"))["is_bot"]
    await transport.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await transport.post(f"{standin.base_url}{standin.token}/getMe")
    await transport.initialize()  # PTB may start an Application again
    assert (await transport.post(f"{standin.base_url}{standin.token}/getMe"))["is_bot"]
    await transport.shutdown()


async def test_every_client_of_the_process_shares_one_tls_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading certifi's bundle takes 25-50 ms; the bot makes two clients at each start,
    so it is read once per process, and the context still checks certificates."""
    made: list[ssl.SSLContext] = []

    def create_default_context(**kwargs: Any) -> ssl.SSLContext:
        made.append(context := real(**kwargs))
        return context

    real = ssl.create_default_context
    _tls_context.cache_clear()
    monkeypatch.setattr(ssl, "create_default_context", create_default_context)
    clients = [AiohttpRequest(), AiohttpRequest()]
    for client in clients * 2:  # PTB may start an Application again
        await client.initialize()
        await client.shutdown()
    assert len(made) == 1
    assert made[0].verify_mode == ssl.CERT_REQUIRED and made[0].check_hostname


async def test_it_goes_through_the_environments_proxy_unless_no_proxy_names_the_server(
    standin: BotApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As PTB's own client does. The stand-in is the proxy here: it answers a request for
    a server that does not exist, so the answer proves the proxy was used."""
    monkeypatch.setenv("HTTP_PROXY", standin.base_url.rsplit("/bot", 1)[0])
    monkeypatch.setenv("NO_PROXY", "direct.invalid")
    transport = AiohttpRequest(connect_timeout=CLIENT_WAIT)
    await transport.initialize()
    try:
        me = await transport.post(f"http://api.telegram.invalid/bot{standin.token}/getMe")
        assert me["is_bot"]
        with pytest.raises(NetworkError):  # named in NO_PROXY: straight to a name that is not
            await transport.post(f"http://direct.invalid/bot{standin.token}/getMe")
    finally:
        await transport.shutdown()


async def test_a_send_that_stalls_times_out() -> None:
    """A server that takes the connection but never reads: an upload bigger than the
    sockets' buffers stalls, and the call ends as TimedOut, not never (aiohttp has no write
    timeout of its own: the call's whole time is capped)."""
    never_read = asyncio.Event()

    async def take_and_ignore(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await never_read.wait()
        writer.close()

    server = await asyncio.start_server(take_and_ignore, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport = AiohttpRequest(
        read_timeout=CLIENT_WAIT,
        write_timeout=CLIENT_WAIT,
        connect_timeout=CLIENT_WAIT,
        pool_timeout=CLIENT_WAIT,
    )
    await transport.initialize()
    upload = RequestData([RequestParameter.from_input("document", InputFile(bytes(64 << 20)))])
    try:
        async with asyncio.timeout(30):  # the test's own limit, far above the call's
            with pytest.raises(TimedOut):
                await transport.post(
                    f"http://127.0.0.1:{port}/bot1:x/sendDocument",
                    request_data=upload,
                    write_timeout=CLIENT_WAIT,
                )
    finally:
        never_read.set()
        await transport.shutdown()
        server.close()
        await server.wait_closed()


async def test_a_call_without_files_goes_as_json_that_telegram_reads_as_the_form() -> None:
    """One JSON object: the Bot API server reads a string value as a form field's text and
    keeps any other value's JSON text, which is what PTB's form would have said (a number
    as its digits, a keyboard as its JSON). Text goes as UTF-8, emoji and all."""
    seen: list[tuple[str, bytes]] = []

    async def telegram(request: web.Request) -> web.Response:
        seen.append((request.content_type, await request.read()))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot1:x/sendMessage", telegram)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    transport = AiohttpRequest()
    await transport.initialize()
    keyboard = {"inline_keyboard": [[{"text": "Next ▶", "callback_data": "sp:1"}]]}
    call = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "Mugs & “cups” 👋"),
            RequestParameter.from_input("reply_markup", keyboard),
        ]
    )
    try:
        assert await transport.post(f"http://127.0.0.1:{port}/bot1:x/sendMessage", call) is True
    finally:
        await transport.shutdown()
        await runner.cleanup()
    [(content_type, body)] = seen
    assert content_type == "application/json"
    sent = json.loads(body)
    assert sent == {"chat_id": 42, "text": "Mugs & “cups” 👋", "reply_markup": keyboard}
    for name, as_form in call.json_parameters.items():  # what Telegram reads: the same
        assert sent[name] == (as_form if isinstance(sent[name], str) else json.loads(as_form))
    assert "👋".encode() in body  # UTF-8, not \\u escapes
