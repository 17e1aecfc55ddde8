"""The webhook port in production: bad requests refused, /healthz tells the truth, /metrics."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.standin.harness import ShopHarness, free_port
from bot.standin.server import SECRET_TOKEN_HEADER
from tests.conftest import PG_ADMIN_URL

MUG = "KIT-MUG-CER"


def hello(update_id: int, user_id: int = 1001) -> bytes:
    """A shopper's /help as Telegram posts it."""
    person = {"id": user_id, "first_name": "Eve"}
    message: dict[str, Any] = {
        "message_id": 1,
        "date": 0,
        "chat": {**person, "type": "private"},
        "from": {**person, "is_bot": False},
        "text": "/help",
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


def _with_chat_id(update_id: int, chat_id: object) -> bytes:
    """A /help whose chat id is no integer."""
    update = json.loads(hello(update_id))
    update["message"]["chat"]["id"] = chat_id
    return json.dumps(update).encode()


def base_of(h: ShopHarness) -> str:
    return h.webhook_url.rsplit("/", 1)[0]


async def test_the_webhook_refuses_what_is_not_a_telegram_update(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram would send a refused body again and again if it got a 500: a body that can
    never be stored or handled gets 400, with no traceback in the log."""
    caplog.set_level(logging.ERROR)
    async with ShopHarness(tmp_path, mode="webhook") as h, aiohttp.ClientSession() as http:
        assert h.settings is not None
        secret = {SECRET_TOKEN_HEADER: h.settings.webhook_secret}
        cases = [
            ({}, b'{"update_id": 1, "message": {}}', 403),  # no secret
            ({SECRET_TOKEN_HEADER: "nope"}, b'{"update_id": 1, "message": {}}', 403),
            (secret, b"{not json", 400),
            (secret, b'"a string"', 400),
            (secret, b'{"update_id": "7", "message": {}}', 400),
            (secret, b'{"update_id": 7}', 400),  # an update of no known kind
            (secret, b'{"update_id": 7, "message": "text"}', 400),
            (secret, '{"update_id": 7, "message": {"text": "\u00e9"}'.encode()[:-3], 400),
            (secret, b'{"update_id": 7, "message": {}}', 400),  # no date, no chat
            (secret, b'{"update_id": 7, "callback_query": {"id": "1"}}', 400),  # from no one
            (secret, hello(2**63), 400),  # the database's integers are 64-bit signed
            (secret, hello(10**30), 400),
            (secret, hello(8, user_id=2**70), 400),
            (secret, _with_chat_id(9, "abc"), 400),  # PTB reads it; the inbox cannot store it
            (secret, _with_chat_id(10, None), 400),
            (secret, _with_chat_id(11, 1.5), 400),
        ]
        for headers, body, status in cases:
            async with http.post(h.webhook_url, data=body, headers=headers) as response:
                assert response.status == status, (body, await response.text())
        await h.until_idle()
        async with h.store.reading() as uow:
            assert await uow.inbox.backlog() == (0, None)  # nothing was stored or handled
        assert not h.standin.calls_to("sendMessage")
    assert not caplog.records


async def test_healthz_answers_200_while_the_database_answers_and_503_when_it_does_not(
    tmp_path: Path, pg_url: str
) -> None:
    name = pg_url.rsplit("/", 1)[1]
    async with (
        ShopHarness(tmp_path, mode="webhook", database_url=pg_url) as h,
        aiohttp.ClientSession() as http,
    ):
        async with http.get(f"{base_of(h)}/healthz") as response:
            assert response.status == 200
            assert (await response.json())["database"] == "ok"

        admin = await asyncpg.connect(PG_ADMIN_URL)
        try:  # the database goes away: no new connections, existing ones cut
            await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
            async with http.get(f"{base_of(h)}/healthz") as response:
                assert response.status == 503
                assert (await response.json())["database"] == "unreachable"
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            await admin.close()

        async with http.get(f"{base_of(h)}/healthz") as response:
            assert response.status == 200  # and back once it is


async def test_metrics_count_updates_and_show_the_shop_in_prometheus_format(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path, mode="webhook") as h, aiohttp.ClientSession() as http:
        alice = h.user(1001, "Alice")
        await alice.send(f"/start product_{MUG}")
        await alice.wait_for("Add to cart")
        await alice.press("Add to cart")
        await h.until_idle()

        async with http.get(f"{base_of(h)}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            families = {f.name: f for f in text_string_to_metric_families(await response.text())}

    def value(family: str, sample: str, **labels: str) -> float:
        return next(
            s.value
            for s in families[family].samples
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
        )

    assert value("shopbot_updates_received", "shopbot_updates_received_total", kind="message") == 1
    assert (
        value("shopbot_updates_handled", "shopbot_updates_handled_total", kind="callback_query")
        == 1
    )
    latency = "shopbot_update_handling_seconds"
    assert value(latency, f"{latency}_count", kind="message") == 1
    assert value("shopbot_inbox_backlog", "shopbot_inbox_backlog") == 0
    assert (
        value("shopbot_inbox_oldest_pending_seconds", "shopbot_inbox_oldest_pending_seconds") == 0
    )
    assert "shopbot_bot_api_errors" in families and "shopbot_orders" in families


async def test_a_polling_bot_serves_healthz_and_metrics_on_metrics_port(tmp_path: Path) -> None:
    port = free_port()
    async with ShopHarness(tmp_path, metrics_port=port) as h, aiohttp.ClientSession() as http:
        alice = h.user(1001, "Alice")
        await alice.send("/help")
        await alice.wait_for("/search")
        await h.until_idle()
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            text = await response.text()
    assert 'shopbot_updates_handled_total{kind="message"} 1.0' in text
