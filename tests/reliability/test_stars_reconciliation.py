"""A Stars payment whose successful_payment never reached the bot is found and taken anyway.

Telegram took the Stars (the transaction is in getStarTransactions) but the update was lost:
before the inbox, or by Telegram. The reconciliation job reads the transactions, records and
fulfils each one that has no payment row exactly as the update would have, and tells the
admins once about one that matches no order.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.standin import BotApiStandIn
from bot.standin.harness import ShopHarness
from bot.standin.models import StarTransaction
from bot.store.models import Customer, Order, Payment
from tests.conftest import PROJECT_ROOT
from tests.e2e.shopper import open_invoice

STARS_CATALOG = PROJECT_ROOT / "data" / "catalog-stars.json"
ADMIN_ID = 9001


@pytest.fixture
async def stars_shop(tmp_path: Path) -> AsyncIterator[ShopHarness]:
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        async with ShopHarness(
            tmp_path,
            standin=standin,
            catalog_path=STARS_CATALOG,
            currency="XTR",
            payment_provider_token="",
            admin_ids=frozenset({ADMIN_ID}),
            stars_reconcile_seconds=1,
        ) as h:
            yield h


async def another_reconciliation(h: ShopHarness) -> None:
    """Wait until the job has started twice more (so one whole run happened after now)."""
    standin = h.standin
    calls = len(standin.calls_to("getStarTransactions"))
    await standin.wait_until(
        lambda: len(standin.calls_to("getStarTransactions")) > calls + 1 or None, 15
    )
    await h.until_idle()


async def test_a_lost_stars_payment_is_recorded_fulfilled_and_receipted_once(
    stars_shop: ShopHarness,
) -> None:
    alice = stars_shop.user(1001, "Alice")
    invoice = await open_invoice(alice, "STR-GDE-ESP")
    paid = await alice.pay(invoice, lose_update=True)  # the Stars are taken, the update lost
    assert paid.ok

    receipt = await alice.wait_for("Payment received", timeout=15)  # the job found it
    document = await alice.wait_for(lambda m: m.document is not None, include_existing=True)
    assert document.document is not None and document.document.file_name == "str-gde-esp.pdf"
    assert "Order #1" in (receipt.text or "")

    await another_reconciliation(stars_shop)  # it runs again...
    async with stars_shop.store.reading() as uow:
        payments = (await uow.session.scalars(select(Payment))).all()
        (order,) = (await uow.session.scalars(select(Order))).all()
    assert [p.telegram_payment_charge_id for p in payments] == [paid.telegram_payment_charge_id]
    assert order.status == "delivered"
    receipts = [m for m in alice.messages if "Payment received" in (m.text or "")]
    assert len(receipts) == 1  # ...changing nothing


async def test_the_receipt_of_a_lost_payment_is_in_the_payers_language(
    stars_shop: ShopHarness,
) -> None:
    """The job, not an update of hers, finds the payment: the receipt still speaks the
    Spanish she chose (/language), not the shop's default English."""
    lucia = stars_shop.user(1002, "Lucía")
    invoice = await open_invoice(lucia, "STR-GDE-ESP")
    async with stars_shop.store.uow() as uow:  # as /language → Español stores it
        await uow.session.execute(
            update(Customer).where(Customer.telegram_id == 1002).values(language="es")
        )
    assert (await lucia.pay(invoice, lose_update=True)).ok

    receipt = await lucia.wait_for("Pago recibido", timeout=15)
    assert "Payment received" not in (receipt.text or "")


async def test_a_stars_payment_for_no_order_of_ours_is_told_to_the_admins_once(
    stars_shop: ShopHarness,
) -> None:
    alice = stars_shop.user(1001, "Alice")
    charge = "stxn_paid_to_another_shop"
    stars_shop.standin.star_transactions.append(  # Telegram lists a payment we never invoiced
        StarTransaction(
            charge,
            50,
            int(time.time()),
            source={
                "type": "user",
                "transaction_type": "invoice_payment",
                "user": alice.user_json,
                "invoice_payload": "order-7-elsewhere",
            },
        )
    )
    ada = stars_shop.user(ADMIN_ID)
    alert = await ada.wait_for(charge, timeout=15)
    assert "Alice (id 1001)" in (alert.text or "")

    await another_reconciliation(stars_shop)
    alerts = [m for m in ada.messages if charge in (m.text or "")]
    assert len(alerts) == 1  # told once, not at every run
    async with stars_shop.store.reading() as uow:
        assert (await uow.session.scalars(select(Payment))).all() == []
