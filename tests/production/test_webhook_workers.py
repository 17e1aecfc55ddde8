"""Production mode: webhooks, several workers, one PostgreSQL database.

The workers are real Applications serving PTB's webhook server with the options
`python -m bot webhook` uses (`bot.app.webhook_options`); the stand-in POSTs each update to
them as Telegram does, and its `webhook_targets` plays the load balancer in front of them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import ALLOWED_UPDATES, WEBHOOK_PATH, webhook_options
from bot.config import ConfigError, Settings
from bot.standin import BotApiStandIn, FakeUser, WebhookDelivery
from bot.standin import errors as tg
from bot.standin.harness import TEST_TOKEN, ShopHarness
from bot.standin.server import SECRET_TOKEN_HEADER
from bot.store.models import Order, Payment, Product
from bot.store.uow import Store
from tests.conftest import PROJECT_ROOT
from tests.e2e.shopper import add_to_cart, open_order_summary
from tests.test_cli import TOKEN, run_bot

MUG = "KIT-MUG-CER"  # 24 in the seed catalog
PROVIDER_TOKEN = "TEST:provider"


# -- the options `python -m bot webhook` runs with -------------------------------------------


def test_webhook_options_are_what_run_webhook_gets() -> None:
    settings = Settings(bot_token=TOKEN, webhook_url="https://shop.example.com/", webhook_port=9000)
    assert webhook_options(settings) == {
        "listen": "0.0.0.0",
        "port": 9000,
        "url_path": WEBHOOK_PATH,
        "webhook_url": "https://shop.example.com/telegram",
        "secret_token": settings.webhook_secret,
        "allowed_updates": ALLOWED_UPDATES,
        "drop_pending_updates": False,
    }
    assert len(settings.webhook_secret) == 64  # derived from the token when not set


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"webhook_url": ""}, "WEBHOOK_URL is not set"),
        ({"webhook_url": "http://shop.example.com"}, "WEBHOOK_URL must start with https://"),
        ({"webhook_url": "https://shop.example.com:8080"}, "port 8080 is not one Telegram"),
        ({"webhook_url": "shop.example.com"}, "must look like https://shop.example.com"),
        ({"webhook_url": "https://shop.example.com", "webhook_secret": "a:b"}, "WEBHOOK_SECRET"),
    ],
)
def test_bad_webhook_settings_are_one_clear_error(overrides: dict[str, Any], error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        webhook_options(Settings(bot_token=TOKEN, **overrides))


def test_a_local_bot_api_server_may_call_plain_http_on_any_port() -> None:
    settings = Settings(
        bot_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:8081",
        webhook_url="http://10.0.0.5:8080",
    )
    assert webhook_options(settings)["webhook_url"] == "http://10.0.0.5:8080/telegram"


def test_python_m_bot_webhook_refuses_a_plain_http_url(tmp_path: Path) -> None:
    result = run_bot(
        "webhook", cwd=tmp_path, BOT_TOKEN=TOKEN, WEBHOOK_URL="http://shop.example.com"
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: WEBHOOK_URL must start with https://: Telegram only calls TLS"
    )


def test_workers_starting_together_on_an_empty_postgresql_all_come_up(
    tmp_path: Path, pg_url: str
) -> None:
    """Each worker migrates at start-up; without the start-up lock two of three died here."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
        "PYTHONPATH": str(PROJECT_ROOT),
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": pg_url,
    }
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "migrate"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(start.wait(timeout=120), start.communicate()[1]) for start in starts]
    assert results == [(0, "")] * 3


# -- the stand-in's side: Telegram's webhook delivery ----------------------------------------


async def test_the_standin_posts_each_chats_updates_in_order_and_chats_side_by_side() -> None:
    received: list[tuple[str, str | None]] = []
    slow_first = asyncio.Event()

    async def bot(request: web.Request) -> web.Response:
        text = (await request.json())["message"]["text"]
        received.append((text, request.headers.get(SECRET_TOKEN_HEADER)))
        if text == "a1":
            await slow_first.wait()  # chat A's first update takes its time
        if received == [("a1", "s3cret"), ("b1", "s3cret")]:
            return web.Response(status=500)  # b1's first try fails; Telegram retries
        return web.Response()

    server = web.Application()
    server.router.add_post("/hook", bot)
    runner = web.AppRunner(server, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with BotApiStandIn(TEST_TOKEN) as standin, aiohttp.ClientSession() as http:
            standin.webhook_retry_delay = 0.01
            api = f"{standin.base_url}{standin.token}"
            form = {"url": f"http://127.0.0.1:{port}/hook", "secret_token": "bad:secret"}
            async with http.post(f"{api}/setWebhook", data=form) as response:
                assert (await response.json())["description"] == tg.SECRET_TOKEN_INVALID
            form["secret_token"] = "s3cret"
            async with http.post(f"{api}/setWebhook", data=form) as response:
                assert (await response.json())["result"] is True

            a, b = standin.user(1), standin.user(2)
            for user, text in ((a, "a1"), (a, "a2"), (b, "b1"), (b, "b2")):
                await user.send(text)
            await standin.wait_until(lambda: ("b2", "s3cret") in received or None, 5)
            assert [text for text, _ in received] == ["a1", "b1", "b1", "b2"]  # a2 waits
            async with http.post(f"{api}/getWebhookInfo") as response:
                info = (await response.json())["result"]
            assert info["pending_update_count"] == 2  # a1 (in flight) and a2
            assert info["last_error_message"] == (
                "Wrong response from the webhook: 500 Internal Server Error"
            )

            slow_first.set()
            await standin.wait_until(lambda: not standin.pending_updates or None, 5)
            assert [text for text, _ in received][-1] == "a2"
            assert {secret for _, secret in received} == {"s3cret"}

            async with http.post(f"{api}/deleteWebhook") as response:
                assert (await response.json())["result"] is True
            await a.send("a3")  # back to getUpdates
            async with http.post(f"{api}/getUpdates") as response:
                updates = (await response.json())["result"]
            assert [u["message"]["text"] for u in updates] == ["a3"]
            assert len(received) == 5
    finally:
        slow_first.set()
        await runner.cleanup()


# -- one worker ------------------------------------------------------------------------------


def _forged_start(user_id: int) -> dict[str, Any]:
    """A /start update as an attacker who found the webhook URL would POST it."""
    return {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user_id, "type": "private", "first_name": "Mallory"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Mallory"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_one_webhook_worker_serves_the_chat_and_refuses_requests_without_the_secret(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path, mode="webhook", payment_provider_token=PROVIDER_TOKEN) as h:
        standin = h.standin
        assert h.settings is not None
        assert standin.webhook_url == h.webhook_url
        assert standin.webhook_secret == h.settings.webhook_secret

        alice = h.user(1001, "Alice")
        await alice.send("/start")
        await alice.wait_for("Welcome to the shop, Alice")
        await alice.press("Catalog")
        catalog = await alice.wait_for("Pick a category", include_existing=True)
        assert "[Kitchen (5)]" in alice.render(catalog)
        assert [d.kind for d in standin.webhook_deliveries] == ["message", "callback_query"]
        assert all(d.ok and d.url == h.webhook_url for d in standin.webhook_deliveries)

        async with aiohttp.ClientSession() as http:
            polled = f"{standin.base_url}{standin.token}/getUpdates"
            async with http.post(polled) as response:
                assert response.status == 409
                assert (await response.json())["description"] == tg.WEBHOOK_ACTIVE

            mallory = h.user(666, "Mallory")
            for headers in ({}, {SECRET_TOKEN_HEADER: "not-the-secret"}):
                async with http.post(
                    h.webhook_url, json=_forged_start(666), headers=headers
                ) as response:
                    assert response.status == 403
            await h.until_idle()
            assert h.app.update_queue.qsize() == 0
            assert mallory.messages == []
            assert not [c for c in standin.calls if c.params.get("chat_id") == 666]

            # The same request with the secret is served: the refusals above were the secret.
            secret = {SECRET_TOKEN_HEADER: h.settings.webhook_secret}
            async with http.post(h.webhook_url, json=_forged_start(666), headers=secret) as r:
                assert r.status == 200
            await mallory.wait_for("Welcome to the shop, Mallory", include_existing=True)


async def test_failed_deliveries_are_retried_then_dropped_and_delete_webhook_returns_to_polling(
    tmp_path: Path,
) -> None:
    async with BotApiStandIn(TEST_TOKEN) as standin:
        standin.webhook_retry_delay = 0.01
        async with ShopHarness(
            tmp_path, mode="webhook", standin=standin, payment_provider_token=PROVIDER_TOKEN
        ) as h:
            alice = h.user(1001, "Alice")
            standin.webhook_targets = ["http://127.0.0.1:9/telegram", h.webhook_url]
            await alice.send("/start")  # the first attempt hits a closed port, the retry lands
            await alice.wait_for("Welcome to the shop, Alice")
            tries = standin.webhook_deliveries
            assert [(d.status, d.url) for d in tries][1:] == [(200, h.webhook_url)]
            assert tries[0].status is None and "Connection failed" in (tries[0].error or "")

            standin.webhook_targets = ["http://127.0.0.1:9/telegram"]
            update = await standin.push_update("message", _forged_start(1001)["message"])
            await standin.wait_until(lambda: not standin.pending_updates or None, 5)
            assert len(standin.deliveries_of(update["update_id"])) == standin.webhook_attempts

        # The worker stopped; with the webhook deleted, updates wait for getUpdates again.
        async with ShopHarness(
            tmp_path, standin=standin, payment_provider_token=PROVIDER_TOKEN
        ) as polling:
            assert standin.webhook_url == ""
            await alice.send("/start")
            await alice.wait_for("Welcome to the shop, Alice")
            assert polling.app.updater.running


# -- two workers on one PostgreSQL database --------------------------------------------------


@asynccontextmanager
async def two_workers(
    tmp_path: Path, database_url: str, **overrides: Any
) -> AsyncIterator[list[ShopHarness]]:
    """Two webhook workers on one database behind the stand-in's round-robin balancer;
    `overrides` are Settings fields of both."""
    async with AsyncExitStack() as stack:
        standin = await stack.enter_async_context(BotApiStandIn(TEST_TOKEN))
        workers = [
            await stack.enter_async_context(
                ShopHarness(
                    tmp_path,
                    mode="webhook",
                    standin=standin,
                    database_url=database_url,
                    payment_provider_token=PROVIDER_TOKEN,
                    **overrides,
                )
            )
            for _ in range(2)
        ]
        standin.webhook_targets = [worker.webhook_url for worker in workers]
        yield workers


async def all_idle(workers: list[ShopHarness]) -> None:
    for worker in workers:
        await worker.until_idle()


def _worker_of(delivery: WebhookDelivery, workers: list[ShopHarness]) -> str:
    return "ab"[[w.webhook_url for w in workers].index(delivery.url)]


async def _product(store: Store, sku: str) -> Product:
    async with store.uow() as uow:
        product = await uow.products.get_by_sku(sku)
        assert product is not None
        return product


async def test_a_journey_hops_between_workers_and_a_double_delivered_payment_counts_once(
    tmp_path: Path, pg_url: str
) -> None:
    async with two_workers(tmp_path, pg_url) as workers:
        standin = workers[0].standin
        alice = standin.user(1001, "Alice")
        await alice.send("/start")
        await alice.wait_for("Welcome to the shop, Alice")
        await alice.press("Catalog")
        await alice.press("Kitchen")
        await alice.press("Stoneware Mug")
        await alice.press("Add to cart")  # the cart is written by one worker...
        await alice.send("/cart")  # ...and shown by the other
        cart = await alice.wait_for("Your cart")
        assert "1 × $16.00 = $16.00" in (cart.text or "")
        await alice.press("Checkout")
        await alice.wait_for("Order summary", include_existing=True)
        await alice.press("Pay")
        await alice.wait_for(lambda m: m.invoice is not None, include_existing=True)

        paid = await alice.pay(shipping_option_id="standard")
        assert paid.ok and paid.successful_payment_update, paid.error_message
        first = paid.successful_payment_update
        replay = await alice.replay(first)  # at once, so it reaches the other worker
        await alice.wait_for("Payment received")
        await all_idle(workers)

        deliveries = standin.webhook_deliveries
        assert all(d.ok for d in deliveries)
        hops = [_worker_of(d, workers) for d in deliveries]
        assert all(x != y for x, y in itertools.pairwise(hops)), hops  # every update hopped
        both = [
            _worker_of(d, workers)
            for d in deliveries
            if d.update_id in (first["update_id"], replay["update_id"])
        ]
        assert sorted(both) == ["a", "b"]

        receipts = [m for m in alice.messages if "Payment received" in (m.text or "")]
        assert len(receipts) == 1
        store = workers[0].store
        async with store.uow() as uow:
            payments = (await uow.session.scalars(select(Payment))).all()
            orders = (await uow.session.scalars(select(Order))).all()
        assert [p.telegram_payment_charge_id for p in payments] == [paid.telegram_payment_charge_id]
        assert [(o.status, o.hold_status) for o in orders] == [("paid", "sold")]
        mug = await _product(store, MUG)
        assert (mug.stock, mug.reserved) == (23, 0)  # sold once


async def _to_order_summary(user: FakeUser) -> None:
    await add_to_cart(user, MUG)
    await open_order_summary(user)


async def test_eight_shoppers_race_for_three_mugs_across_two_workers(
    tmp_path: Path, pg_url: str
) -> None:
    async with two_workers(tmp_path, pg_url) as workers:
        store = workers[0].store
        async with store.uow() as uow:
            assert await uow.products.set_stock((await _product(store, MUG)).id, 3)
        shoppers = [workers[0].user(2000 + n, f"Shopper{n}") for n in range(8)]
        await asyncio.gather(*(_to_order_summary(s) for s in shoppers))

        await asyncio.gather(*(s.press("Pay") for s in shoppers))  # all at once
        await all_idle(workers)

        winners = [s for s in shoppers if any(m.invoice for m in s.messages)]
        losers = [s for s in shoppers if s not in winners]
        assert len(winners) == 3
        for loser in losers:
            said = "\n".join(loser.render(m) for m in loser.messages[-2:])
            assert "Stoneware Mug 350ml: sold out" in said, loser.transcript_text()
        standin = workers[0].standin
        assert len([c for c in standin.calls_to("sendInvoice") if c.ok]) == 3
        handled_by = {_worker_of(d, workers) for d in standin.webhook_deliveries}
        assert handled_by == {"a", "b"}

        mug = await _product(store, MUG)
        assert (mug.stock, mug.reserved) == (3, 3)
        async with store.uow() as uow:
            held = await uow.session.scalar(
                select(func.count()).select_from(Order).where(Order.hold_status == "held")
            )
        assert held == 3


async def test_a_double_tap_landing_on_two_workers_counts_twice(
    tmp_path: Path, pg_url: str
) -> None:
    """Taps of ➕ handled at the same moment by two workers are all counted (no lost update)."""
    async with two_workers(tmp_path, pg_url) as workers:
        alice = workers[0].user(1001, "Alice")
        await alice.send(f"/start product_{MUG}")
        await alice.wait_for("Stoneware Mug")
        await alice.press("Add to cart")
        await alice.send("/cart")
        cart = await alice.wait_for("Your cart")
        taps = [alice.press("➕", message=cart) for _ in range(4)]
        await asyncio.gather(*taps)
        await all_idle(workers)

        deliveries = workers[0].standin.webhook_deliveries[-4:]
        assert {_worker_of(d, workers) for d in deliveries} == {"a", "b"}
        async with workers[0].store.uow() as uow:
            customer = await uow.customers.get_by_telegram_id(1001)
            assert customer is not None
            (line,) = (await uow.carts.get_for_customer(customer.id)).lines
        assert line.quantity == 5  # 1 added + 4 taps, none lost


async def test_pay_tapped_twice_landing_on_two_workers_holds_the_cart_once(
    tmp_path: Path, pg_url: str
) -> None:
    """Both taps may place an order; the later replaces the earlier, whose invoice is refused."""
    async with two_workers(tmp_path, pg_url) as workers:
        alice = workers[0].user(1001, "Alice")
        await _to_order_summary(alice)
        summary = alice.last_message
        assert summary is not None

        await asyncio.gather(*(alice.press("Pay", message=summary) for _ in range(2)))
        await all_idle(workers)

        deliveries = workers[0].standin.webhook_deliveries[-2:]
        assert {_worker_of(d, workers) for d in deliveries} == {"a", "b"}
        store = workers[0].store
        async with store.uow() as uow:
            held = await uow.session.scalar(
                select(func.count()).select_from(Order).where(Order.hold_status == "held")
            )
        assert held == 1
        mug = await _product(store, MUG)
        assert (mug.stock, mug.reserved) == (24, 1)  # held once
        invoices = [m for m in alice.messages if m.invoice is not None]
        paid = [await alice.pay(m) for m in invoices]
        assert [p.ok for p in paid].count(True) == 1
        await all_idle(workers)
        mug = await _product(store, MUG)
        assert (mug.stock, mug.reserved) == (23, 0)  # sold once
