"""getStarTransactions: the bot's Stars history, the way to find payments whose update was lost."""

from __future__ import annotations

import pytest
from telegram import TransactionPartnerUser
from telegram.ext import Application

from bot.standin import BotApiStandIn, FakeUser, PaymentResult

pytestmark = pytest.mark.asyncio


async def _buy_wallpaper(user: FakeUser, *, lose_update: bool = False) -> PaymentResult:
    """The test bot's /stars invoice (50 XTR, payload "wall-1"), paid."""
    await user.send("/stars")
    await user.wait_for("Wallpaper")
    result = await user.pay(lose_update=lose_update)
    assert result.ok and result.telegram_payment_charge_id is not None
    return result


async def _charge_id(user: FakeUser) -> str:
    charge = (await _buy_wallpaper(user)).telegram_payment_charge_id
    assert charge is not None
    return charge


async def test_stars_payment_and_refund_are_listed(
    standin: BotApiStandIn, app: Application
) -> None:
    alice = standin.user(3001, "Alice")
    await alice.send("/buy")  # a card payment: not a Stars transaction
    await alice.wait_for("Blue mug")
    assert (await alice.pay()).ok
    charge = await _charge_id(alice)
    await alice.wait_for("Paid 50 XTR")
    assert await app.bot.refund_star_payment(alice.user_id, charge)

    history = await app.bot.get_star_transactions()
    payment, refund = history.transactions
    assert (payment.id, payment.amount, payment.receiver) == (charge, 50, None)
    assert isinstance(payment.source, TransactionPartnerUser)
    assert payment.source.transaction_type == "invoice_payment"
    assert (payment.source.user.id, payment.source.invoice_payload) == (alice.user_id, "wall-1")
    assert (refund.id, refund.amount, refund.source) == (charge, 50, None)
    assert isinstance(refund.receiver, TransactionPartnerUser)
    assert refund.receiver.user.id == alice.user_id


async def test_transactions_page_by_offset_and_limit(
    standin: BotApiStandIn, app: Application
) -> None:
    alice = standin.user(3002)
    charges = [await _charge_id(alice) for _ in range(3)]
    page = await app.bot.get_star_transactions(offset=1, limit=1)
    assert [t.id for t in page.transactions] == charges[1:2]
    rest = await app.bot.get_star_transactions(offset=1)
    assert [t.id for t in rest.transactions] == charges[1:]
    assert (await app.bot.get_star_transactions(offset=3)).transactions == ()


async def test_a_lost_payment_update_never_reaches_the_bot(
    standin: BotApiStandIn, app: Application
) -> None:
    alice = standin.user(3003)
    result = await _buy_wallpaper(alice, lose_update=True)
    assert result.successful_payment_update is not None
    lost_id = result.successful_payment_update["update_id"]
    await standin.wait_delivered(timeout=5)
    fetched = [
        update["update_id"]
        for call in standin.calls_to("getUpdates")
        if call.ok
        for update in call.result_or_error
    ]
    assert fetched and lost_id not in fetched
    assert result.telegram_payment_charge_id in standin.charges  # Telegram has the money
    history = await app.bot.get_star_transactions()
    assert [t.id for t in history.transactions] == [result.telegram_payment_charge_id]
    assert alice.sent_messages[-1].successful_payment is not None  # the user sees it paid

    await alice.replay(result.successful_payment_update)  # delivered late after all
    await alice.wait_for("Paid 50 XTR")
