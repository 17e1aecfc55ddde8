"""Telegram misbehaves (429, 5xx, dropped connections, timeouts): the shopper never notices.

Each fault is planned on the stand-in for the next call of one Bot API method; the bot's
rate limiter tries again after a short pause (bot.pacing), so the reply still arrives and no
"something went wrong" is sent. Faults that outlast the retries are logged with the update.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.context import SHOP_KEY
from bot.handlers.errors import SORRY
from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import InboxEntry
from tests.e2e.shopper import add_to_cart, open_invoice

MUG = "KIT-MUG-CER"

Plan = Callable[[BotApiStandIn, str], object]
FAULTS: dict[str, Plan] = {
    "429": lambda s, method: s.faults.flood(method, retry_after=1),
    "502": lambda s, method: s.faults.server_error(method, 502),
    "500": lambda s, method: s.faults.server_error(method, 500),
    "dropped": lambda s, method: s.faults.drop_connection(method),
}


FAULTS_NAME = {
    "429": "flood",
    "502": "server_error",
    "500": "server_error",
    "dropped": "disconnect",
}


def no_apology(user: FakeUser) -> bool:
    return all(SORRY not in (m.text or "") for m in user.messages)


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_help_and_a_product_card_arrive_through_a_fault(tmp_path: Path, fault: str) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        FAULTS[fault](h.standin, "sendMessage")
        await alice.send("/help")
        await alice.wait_for("/search", timeout=15)
        FAULTS[fault](h.standin, "sendPhoto")
        await alice.send(f"/start product_{MUG}")
        await alice.wait_for("Stoneware Mug", timeout=15)
        assert [c.fault for c in h.standin.calls if c.fault] == [FAULTS_NAME[fault]] * 2
        assert no_apology(alice)


FAULTS_NAME = {
    "429": "flood",
    "502": "server_error",
    "500": "server_error",
    "dropped": "disconnect",
}


@pytest.mark.parametrize("fault", ["502", "dropped"])
async def test_add_to_cart_edits_and_answers_through_faults(tmp_path: Path, fault: str) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await alice.send(f"/start product_{MUG}")
        await alice.wait_for("Add to cart")
        FAULTS[fault](h.standin, "editMessageCaption")
        FAULTS[fault](h.standin, "answerCallbackQuery")
        answer = await alice.press("Add to cart", timeout=15)
        assert answer.text and "Added 1" in answer.text
        assert "In your cart: 1" in (alice.last_message.text or "")  # type: ignore[union-attr]
        assert no_apology(alice)


async def test_the_invoice_and_the_payment_go_through_faults(tmp_path: Path) -> None:
    """A 502 on sendInvoice, and an answer to the pre-checkout query that times out once: the
    answer is tried again within Telegram's ten seconds, and the payment succeeds."""
    async with ShopHarness(tmp_path, payment_provider_token="TEST:provider") as h:
        alice = h.user(1001, "Alice")
        h.standin.faults.server_error("sendInvoice", 502)
        invoice = await open_invoice(alice, MUG)
        h.standin.faults.time_out("answerPreCheckoutQuery", hold=30)
        paid = await alice.pay(invoice, shipping_option_id="standard")
        assert paid.ok, paid.error_message
        await alice.wait_for("Payment received", timeout=15)
        faults = [c.fault for c in h.standin.calls if c.fault]
        assert faults == ["server_error", "timeout"]
        assert no_apology(alice)


async def test_a_fault_that_outlasts_the_retries_is_logged_with_the_update(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await add_to_cart(alice, MUG)
        await h.until_idle()
        h.standin.faults.server_error("sendMessage", 503, times=6)  # every try of one reply
        with caplog.at_level(logging.ERROR):
            await alice.send("/help")
            await h.until_idle(timeout=30)
        assert any(
            "Telegram kept failing" in r.getMessage() and "update" in r.getMessage()
            for r in caplog.records
        )
        assert no_apology(alice)
        async with h.store.reading() as uow:
            count, _ = await uow.inbox.backlog()
        assert count == 0  # marked failed, not left handling
        h.standin.faults.clear()
        await alice.send("/help")  # Telegram is back: the shop answers as usual
        await alice.wait_for("/search")


async def test_an_update_the_bot_cannot_read_does_not_stop_the_ones_after_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """getUpdates hands over a message with nothing in it, then Alice's /help; later Bob's
    /help, then another empty message, the last of its answer. The bot logs each unreadable
    one, marks it failed, moves past it and answers both shoppers."""
    async with ShopHarness(tmp_path) as h:
        alice, bob = h.user(1001, "Alice"), h.user(1002, "Bob")
        first = await h.standin.push_update("message", {})
        await alice.send("/help")
        await alice.wait_for("/search")
        await bob.send("/help")
        last = await h.standin.push_update("message", {})
        await bob.wait_for("/search")
        await h.until_idle()
        await h.app.bot_data[SHOP_KEY].inbox.settle()

        assert not h.standin.pending_updates  # confirmed by the offset, not sent again
        logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        for broken in (first, last):
            assert any(str(broken["update_id"]) in line for line in logged)
        async with h.store.reading() as uow:
            stored = {e.update_id: e for e in await uow.session.scalars(select(InboxEntry))}
        assert [stored[b["update_id"]].status for b in (first, last)] == ["failed", "failed"]
        assert {e.status for e in stored.values()} == {"done", "failed"}


@pytest.mark.parametrize("chat_id", [2**64, "abc"])
async def test_an_update_the_inbox_cannot_store_does_not_stop_the_poller(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, chat_id: object
) -> None:
    """getUpdates hands over a message whose chat id is no 64-bit integer, then Alice's
    /help: the odd one is logged and skipped, the batch is stored without it, and Alice is
    answered (a batch refused for it had kept the offset where it was, for ever)."""
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        person = {"id": chat_id, "first_name": "Odd"}
        odd = await h.standin.push_update(
            "message",
            {"message_id": 1, "date": 0, "chat": {**person, "type": "private"}, "text": "/help"},
        )
        await alice.send("/help")
        await alice.wait_for("/search")
        await h.until_idle()

        assert not h.standin.pending_updates
        logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert any(str(odd["update_id"]) in line and "cannot be stored" in line for line in logged)
        async with h.store.reading() as uow:
            stored = {e.update_id for e in await uow.session.scalars(select(InboxEntry))}
        assert odd["update_id"] not in stored


async def test_a_done_mark_that_could_not_be_written_is_written_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first write of done marks fails (the database was locked): the marks are written
    on the next try, so a restart does not answer Alice's /help a second time."""
    async with ShopHarness(tmp_path) as h:
        assert h.shop is not None
        store, failed = h.shop.store, asyncio.Event()
        apply = store.apply

        async def locked_once(writes: Any, **kwargs: Any) -> Any:
            if not failed.is_set() and any("finished_at" in str(w.statement) for w in writes):
                failed.set()
                raise OperationalError("UPDATE inbox", {}, Exception("database is locked"))
            return await apply(writes, **kwargs)

        monkeypatch.setattr(store, "apply", locked_once)
        alice = h.user(1001, "Alice")
        await alice.send("/help")
        await alice.wait_for("/search")
        await failed.wait()
        await h.shop.inbox.settle()

        async with h.store.reading() as uow:
            statuses = {e.status for e in await uow.session.scalars(select(InboxEntry))}
        assert statuses == {"done"}
