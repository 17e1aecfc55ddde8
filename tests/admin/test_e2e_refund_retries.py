"""Refunds while Stripe cannot be reached: Ada's 💸 Refund and Sam's own ✖️ Cancel stay
pending (nothing given back to the books, nothing flagged, nobody told it failed), and the
pending-refunds job makes them later under the same idempotency key, so Stripe refunds once
even when it had made the refund and only its answer was lost. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.payments.stripe_gateway import StripeGateway
from bot.standin.harness import ShopHarness
from bot.standin.user import CallbackAnswer, FakeUser
from bot.store.models import utcnow
from bot.usecases.refunds import SECOND_REFUND_PAUSES, resume_pending_refunds
from tests.admin.conftest import ADMIN_ID, SHOPPER_ID, open_detail
from tests.admin.test_e2e_orders import paid_order
from tests.e2e.shopper import open_order, shown
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    STRIPE_KEY,
    UNREACHABLE_STRIPE,
    StripeTestAccount,
    answers_lost,
    card_shop,
    stripe_account,
)


@pytest.fixture
async def h(
    tmp_path: Path, localstripe: str, migrated_database_url: str
) -> AsyncIterator[ShopHarness]:
    async with card_shop(tmp_path, localstripe, database_url=migrated_database_url) as harness:
        yield harness


@asynccontextmanager
async def stripe_at(h: ShopHarness, base: str) -> AsyncIterator[None]:
    """The shop talks to the Stripe at `base` for a while (down, or losing its answers)."""
    assert h.shop is not None
    up, h.shop.stripe = h.shop.stripe, StripeGateway(STRIPE_KEY, base)
    try:
        yield
    finally:
        await h.shop.stripe.close()
        h.shop.stripe = up


async def books(h: ShopHarness, order_id: int) -> tuple[str, int, bool, list[tuple[int, str]]]:
    """(status, refunded amount, flagged for review, its refunds as (amount, status))."""
    async with h.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        refunds = [(r.amount, r.status) for r in await uow.refunds.for_order(order_id)]
        return order.status, order.refunded_amount, order.needs_review, refunds


async def ada_refunds(admin: FakeUser, order_id: int, amount: str) -> str:
    """Ada refunds `amount` ("10.00") from the order's screen; what she is told."""
    await open_detail(admin, order_id)
    await admin.press("↩️ Refund")
    await admin.wait_for("up to $37.00")
    await admin.send(amount)
    await admin.wait_for(f"Refund ${amount} of order")
    await admin.press(f"↩️ Refund ${amount}")
    said = await admin.wait_for(f"Order #{order_id}: ")
    return said.text or ""


async def sams_paid_order(
    h: ShopHarness, sam: FakeUser, account: StripeTestAccount
) -> tuple[int, str]:
    """Sam buys two mugs for $37.00 and pays by card: (order id, Stripe charge id). He has
    met the bot first, so the story does not race his /start on PostgreSQL."""
    await sam.send("/start")
    await sam.wait_for("Welcome")
    return await paid_order(h, sam, account)


async def the_job_refunds_it_all_once(
    h: ShopHarness, sam: FakeUser, account: StripeTestAccount, order_id: int, charge: str
) -> None:
    """The job runs after the first pause with Stripe back: Sam hears all $37.00 is back,
    Stripe holds one refund of it, and the books say refunded."""
    assert h.shop is not None
    assert await resume_pending_refunds(h.shop, now=first_retry()) == [order_id]
    await sam.wait_for(f"Order #{order_id} has been refunded: $37.00")
    assert await account.refunds_of(charge) == [3700]
    assert await books(h, order_id) == ("refunded", 3700, False, [(3700, "succeeded")])


async def admins_list(admin: FakeUser, order_id: int) -> str:
    """The order's line in /orders_admin's list."""
    await admin.send("/orders_admin")
    listing = (await admin.wait_for(f"#{order_id} · ")).text or ""
    return next(line for line in listing.splitlines() if line.startswith(f"#{order_id} "))


async def sam_cancels_while_stripe_is_down(
    h: ShopHarness, sam: FakeUser, order_id: int
) -> CallbackAnswer:
    """Sam's own ✖️ Cancel of his paid order, said yes to while Stripe is down."""
    await open_order(sam, order_id)
    await sam.press("✖️ Cancel order")
    async with stripe_at(h, UNREACHABLE_STRIPE):
        return await sam.press("Yes, cancel it")


def first_retry() -> datetime:
    """When the job next runs after the first pause."""
    return utcnow() + SECOND_REFUND_PAUSES[0] + timedelta(seconds=1)


async def test_ada_refunds_while_stripe_is_down_and_it_goes_back_once_on_a_later_try(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Stripe is down when Ada confirms $10.00: she reads it is tried again (not that it
    failed), Sam that it is on its way; a second Refund is refused while it is pending. The
    job, after a pause, with Stripe back, refunds $10.00 once; Sam and Ada hear."""
    assert h.shop is not None
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await sams_paid_order(h, sam, stripe_account)

    async with stripe_at(h, UNREACHABLE_STRIPE):
        told = await ada_refunds(admin, order_id, "10.00")

    assert "⏳ The refund of $10.00 could not be made yet" in told
    assert "It is tried again automatically; do not refund it by hand." in told
    assert "failed" not in told and "not changed" not in told
    await sam.wait_for(f"We are refunding $10.00 of order #{order_id}")
    assert await books(h, order_id) == ("paid", 1000, False, [(1000, "pending")])
    assert await stripe_account.refunds_of(charge) == []

    screen = await admin.wait_for(f"Order #{order_id} · ✅ Paid")
    assert "⏳ a refund tried again automatically" in (screen.text or "")
    # nothing is back yet: not partially refunded, and the $10.00 is on its way, not refunded
    assert f"Order #{order_id} · ✅ Paid\n" in (screen.text or "")
    assert "Total: $37.00 · ⏳ $10.00 being refunded (tried again automatically)\n" in (
        screen.text or ""
    )
    assert "Partially refunded" not in await admins_list(admin, order_id)
    again = await admin.press("↩️ Refund", message=screen)
    assert again.text == (
        f"Order #{order_id} already has a refund of $10.00 under way (if the provider could "
        "not be reached, it is tried again automatically). You will be told how it ends; "
        "refund more after that."
    )

    later = first_retry()
    assert await resume_pending_refunds(h.shop, now=later) == [order_id]

    await sam.wait_for(f"We refunded $10.00 of order #{order_id}")
    await admin.wait_for(f"↩️ Order #{order_id}: the refund of $10.00 that could not be made")
    assert await stripe_account.refunds_of(charge) == [1000]
    assert await books(h, order_id) == ("paid", 1000, False, [(1000, "succeeded")])
    made = await open_detail(admin, order_id, f"Order #{order_id} · ✅ Paid · ↩️ Partially")
    assert "Total: $37.00 · refunded $10.00\n" in (made.text or "")
    assert "being refunded" not in (made.text or "")
    assert "↩️ Partially refunded" in await admins_list(admin, order_id)
    assert await resume_pending_refunds(h.shop, now=later + timedelta(days=1)) == []
    assert await stripe_account.refunds_of(charge) == [1000]


async def test_stripe_made_the_refund_but_its_answer_was_lost_and_it_is_made_once(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    answers_lost: str,  # noqa: F811
) -> None:
    """Stripe makes Ada's $37.00 refund but the answer never arrives: the bot cannot know,
    so it keeps the refund pending; the job asks again with the same idempotency key and
    Stripe answers with the refund it made: one refund at Stripe, not two."""
    assert h.shop is not None
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await sams_paid_order(h, sam, stripe_account)

    async with stripe_at(h, answers_lost):
        told = await ada_refunds(admin, order_id, "37.00")

    assert "could not be made yet" in told
    assert await stripe_account.refunds_of(charge) == [3700]  # made, unknown to the bot
    assert await books(h, order_id) == ("paid", 3700, False, [(3700, "pending")])

    await the_job_refunds_it_all_once(h, sam, stripe_account, order_id, charge)


async def test_sam_cancels_while_stripe_is_down_and_hears_the_refund_is_on_its_way(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Sam's own ✖️ Cancel with Stripe down: he is told the refund is being processed, Ada
    that it is tried again (the order is not flagged); the job refunds $37.00 later."""
    assert h.shop is not None
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await sams_paid_order(h, sam, stripe_account)
    answer = await sam_cancels_while_stripe_is_down(h, sam, order_id)

    assert answer.text == (
        f"✖️ Your order #{order_id} has been cancelled. "
        "Your refund is being processed; we'll message you when it's done."
    )
    alert = await admin.wait_for("cancelled by the shopper")
    assert "the refund of $37.00 could not be made yet" in (alert.text or "")
    assert "flagged" not in (alert.text or "")
    assert await books(h, order_id) == ("cancelled", 3700, False, [(3700, "pending")])
    assert await stripe_account.refunds_of(charge) == []
    assert "Refund on its way: $37.00" in shown(sam) and "Refunded:" not in shown(sam)

    await the_job_refunds_it_all_once(h, sam, stripe_account, order_id, charge)
    await open_order(sam, order_id)
    assert "Refunded: $37.00" in shown(sam) and "on its way" not in shown(sam)


GIVEN_UP = (
    "We could not refund $10.00 of order #{order_id} automatically. The shop has been told "
    "and will sort it out with you."
)


async def every_try_fails(h: ShopHarness, order_id: int) -> list[str]:
    """The job tries the order's pending refund after each pause with Stripe still down
    (the order unflagged until the last): what each try was followed by in the books."""
    assert h.shop is not None
    moment, seen = utcnow(), []
    for pause in SECOND_REFUND_PAUSES:
        moment += pause + timedelta(seconds=1)
        assert await resume_pending_refunds(h.shop, now=moment) == []
        status, _, flagged, refunds = await books(h, order_id)
        seen.append(f"{status} {flagged} {refunds}")
    return seen


def told(user: FakeUser, text: str) -> int:
    """How many of the bot's messages to `user` say `text`."""
    return sum(text in (m.text or "") for m in user.messages)


async def test_a_refund_stripe_never_takes_is_flagged_only_after_the_last_try(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Stripe stays down: the job tries Ada's refund after each pause, the order unflagged
    all the while; after the last the $10.00 goes back to the books, the order is flagged,
    and Sam, told it was on its way, hears once that it could not be made."""
    assert h.shop is not None
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, charge = await sams_paid_order(h, sam, stripe_account)
    given_up = GIVEN_UP.format(order_id=order_id)

    async with stripe_at(h, UNREACHABLE_STRIPE):
        await ada_refunds(admin, order_id, "10.00")
        await sam.wait_for(f"We are refunding $10.00 of order #{order_id}")
        assert await every_try_fails(h, order_id) == [
            "paid False [(1000, 'pending')]",
            "paid False [(1000, 'pending')]",
            "paid True [(1000, 'failed')]",
        ]

    alert = await admin.wait_for("needs review")
    assert "a refund tried again automatically failed" in (alert.text or "")
    assert await books(h, order_id) == ("paid", 0, True, [(1000, "failed")])
    assert await stripe_account.refunds_of(charge) == []
    await sam.wait_for(given_up)
    assert await resume_pending_refunds(h.shop, now=utcnow() + timedelta(days=1)) == []
    assert told(sam, given_up) == 1 and told(admin, given_up) == 0


async def test_sams_cancel_refund_that_never_goes_through_is_told_to_him_in_his_language(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    """Sam, who reads Spanish, cancels while Stripe is down and is promised a message; when
    the last try fails too he gets it, in Spanish: the shop has been told."""
    assert h.shop is not None
    admin, sam = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam")
    order_id, _ = await sams_paid_order(h, sam, stripe_account)
    await sam_cancels_while_stripe_is_down(h, sam, order_id)
    await sam.send("/language")
    await sam.wait_for("Choose your language")
    await sam.press("Español")
    async with stripe_at(h, UNREACHABLE_STRIPE):
        await every_try_fails(h, order_id)

    await admin.wait_for("needs review")
    said = await sam.wait_for(f"del pedido #{order_id}")
    assert said.text == (
        f"No pudimos reembolsar 37,00\u00a0US$ del pedido #{order_id} automáticamente. La tienda "
        "ya está avisada y lo resolverá contigo."
    )
    assert await books(h, order_id) == ("cancelled", 0, True, [(3700, "failed")])


BEA = ADMIN_ID + 1


@pytest.mark.parametrize("admins_left", [frozenset({BEA}), frozenset()], ids=["bea", "nobody"])
async def test_an_admin_removed_while_her_refund_was_pending_leaves_the_outcome_to_the_others(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    admins_left: frozenset[int],
) -> None:
    """Ada refunds $10.00 with Stripe down, then ADMIN_IDS loses her (Bea in her place, or
    nobody) and the bot restarts. The job makes the refund: Bea hears how it ended, Ada does
    not; with no admin left, the outcome is in the log rather than told to nobody."""
    assert h.shop is not None and h.settings is not None
    admin, sam, bea = h.user(ADMIN_ID, "Ada"), h.user(SHOPPER_ID, "Sam"), h.user(BEA, "Bea")
    order_id, charge = await sams_paid_order(h, sam, stripe_account)
    async with stripe_at(h, UNREACHABLE_STRIPE):
        assert "could not be made yet" in await ada_refunds(admin, order_id, "10.00")
    h.settings = replace(h.settings, admin_ids=admins_left)
    await h.restart()
    assert h.shop is not None
    caplog.set_level(logging.INFO, logger="bot.shop")

    assert await resume_pending_refunds(h.shop, now=first_retry()) == [order_id]

    await sam.wait_for(f"We refunded $10.00 of order #{order_id}")
    assert await stripe_account.refunds_of(charge) == [1000]
    done = f"↩️ Order #{order_id}: the refund of $10.00 that could not be made at first is done"
    assert not [m for m in admin.messages if done in (m.text or "")]
    if admins_left:
        await bea.wait_for(done)
        assert "no admin got this alert" not in caplog.text
    else:
        assert f"no admin got this alert (ADMIN_IDS: none): {done}" in caplog.text
        assert [r.levelno for r in caplog.records if "no admin got" in r.message] == [logging.INFO]
