"""Cart reminders: a cart left alone for CART_REMINDER_HOURS gets one friendly reminder with
a Checkout button; the shopper can turn them off on the reminder or in /settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.services.promos import parse_new
from bot.standin.harness import ShopHarness
from bot.store.models import utcnow
from bot.usecases import reminders
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.shopper import add_to_cart

REMINDER = "Still thinking it over? Your cart is waiting for you"


def later(hours: float = 25) -> datetime:
    return utcnow() + timedelta(hours=hours)


async def remind(h: ShopHarness, now: datetime) -> int:
    """One run of the reminder job at `now`, as each worker runs it every few minutes."""
    assert h.shop is not None
    return await reminders.send_due(h.shop, now=now)


async def test_a_cart_left_alone_is_reminded_of_once_and_checkout_is_one_tap(
    tmp_path: Path,
) -> None:
    """Alice's two mugs wait a day: one reminder, its Checkout one tap from the summary. With
    a code on her cart, the next one says what the code takes off, and its Checkout what she
    will pay for the goods."""
    async with ShopHarness(tmp_path, payment_provider_token="TEST:provider") as h:
        alice = h.user(1001, "Alice")
        await add_to_cart(alice, "KIT-MUG-CER")
        await add_to_cart(alice, "KIT-MUG-CER")
        assert await remind(h, later(23)) == 0  # not a day yet

        assert await remind(h, later(25)) == 1
        reminder = await alice.wait_for(REMINDER)
        assert alice.render(reminder) == (
            "🛒 Still thinking it over? Your cart is waiting for you:\n"
            "• 2 × Stoneware Mug 350ml\nTotal: $32.00\n\n"
            "Check out whenever you're ready.\n"
            "[✅ Checkout · $32.00] [🛒 Open cart]\n[🔕 No more reminders]"
        )
        assert await remind(h, later(49)) == 0  # one per cart change, however long it waits

        await alice.press("Checkout", message=reminder)
        await alice.wait_for("Order summary", include_existing=True)

        async with h.store.uow() as uow:
            await uow.promos.add(parse_new(["TENOFF", "10%"], "USD").to_model())
        await alice.send("/start promo_TENOFF")  # a newsletter's link: the code rides along
        await alice.wait_for("Code TENOFF is saved")
        await add_to_cart(alice, "KIT-FRP-600")  # a new change: due again a day after it
        assert await remind(h, later(1)) == 0
        assert await remind(h, later(25)) == 1
        again = await alice.wait_for(REMINDER)
        assert "• 1 × French Press 600ml" in (again.text or "")
        assert "Total: $61.00\nDiscount (TENOFF): −$6.10\n" in alice.render(again)
        assert "[✅ Checkout · $54.90]" in alice.render(again)  # what the summary will ask


async def test_no_more_reminders_on_the_reminder_and_in_settings(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await add_to_cart(alice, "KIT-MUG-CER")
        assert await remind(h, later()) == 1
        reminder = await alice.wait_for(REMINDER)

        toast = await alice.press("No more reminders", message=reminder)
        assert toast.text == "Cart reminders are off. You can turn them back on here in /settings."
        settings = await alice.wait_for("Settings", include_existing=True)
        assert "[🔔 Turn cart reminders on]" in alice.render(settings)
        await add_to_cart(alice, "KIT-MUG-CER")
        assert await remind(h, later()) == 0

        await alice.send("/settings")
        await alice.wait_for("Cart reminders are off")
        await alice.press("Turn cart reminders on")
        await alice.wait_for("Cart reminders are on", include_existing=True)
        assert await remind(h, later()) == 1


async def test_a_shopper_who_blocked_the_bot_is_marked_and_not_tried_again(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        await add_to_cart(alice, "KIT-MUG-CER")
        alice.block()
        assert await remind(h, later()) == 0
        async with h.store.uow() as uow:
            customer = await uow.customers.get_by_telegram_id(1001)
        assert customer is not None and customer.blocked_bot
        alice.unblock()
        await add_to_cart(alice, "KIT-MUG-CER")  # writing again: not blocked any more
        assert await remind(h, later()) == 1
        refused = [c for c in h.standin.calls_to("sendMessage") if c.error_code == 403]
        assert len(refused) == 1


async def test_no_reminders_when_cart_reminder_hours_is_zero(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, cart_reminder_hours=0) as h:
        alice = h.user(1001, "Alice")
        await add_to_cart(alice, "KIT-MUG-CER")
        assert await remind(h, later(24 * 30)) == 0
        await alice.send("/settings")
        settings = await alice.wait_for("This shop sends no cart reminders")
        assert "Turn cart reminders" not in alice.render(settings)


async def test_every_worker_runs_the_jobs_that_send_reminders_notices_and_answers(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path) as h:
        jobs = {job.name for job in h.app.job_queue.jobs()}
        assert {
            "remind-carts",
            "tell-back-in-stock",
            "tell-price-drops",
            "tell-sales-reopened",
            "tell-returns",  # a return's decision whose message a crash left unsent
            "relay-stalled-support-messages",
        } <= jobs


async def test_a_reminder_shows_only_what_can_be_bought_now_at_todays_prices(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    await add_to_cart(alice, "KIT-MUG-CER")
    await add_to_cart(alice, "KIT-MUG-CER")
    await add_to_cart(alice, "KIT-FRP-600")
    ada = harness.user(ADMIN_ID, "Ada")
    await ada.send("/hide KIT-FRP-600")
    await ada.wait_for("is hidden from shoppers")
    await ada.send("/price KIT-MUG-CER 20.00")
    await ada.wait_for("KIT-MUG-CER now costs $20.00")
    await ada.send("/stock KIT-MUG-CER 1")
    await ada.wait_for("→ 1")

    assert await remind(harness, later()) == 1
    reminder = await alice.wait_for(REMINDER)
    assert alice.render(reminder) == (
        "🛒 Still thinking it over? Your cart is waiting for you:\n"
        "• 1 × Stoneware Mug 350ml\nTotal: $20.00\n\n"
        "Check out whenever you're ready.\n"
        "[✅ Checkout · $20.00] [🛒 Open cart]\n[🔕 No more reminders]"
    )
    await alice.press("Checkout", message=reminder)
    changed = await alice.wait_for("Some things changed", include_existing=True)
    assert "Total: $20.00" in (changed.text or "")  # the total the reminder showed


async def test_a_cart_with_nothing_left_to_buy_gets_no_reminder_ever(
    harness: ShopHarness,
) -> None:
    bob = harness.user(1002, "Bob")
    carol = harness.user(1003, "Carol")
    await add_to_cart(bob, "HOM-CSH-LIN")
    await add_to_cart(carol, "STA-PEN-FTN")
    ada = harness.user(ADMIN_ID, "Ada")
    await ada.send("/stock HOM-CSH-LIN 0")
    await ada.wait_for("→ 0")
    await ada.send("/hide STA-PEN-FTN")
    await ada.wait_for("is hidden from shoppers")

    assert await remind(harness, later()) == 0
    assert await remind(harness, later(49)) == 0  # this change counts as reminded of: not again
    assert not [m for m in bob.messages + carol.messages if REMINDER in (m.text or "")]
