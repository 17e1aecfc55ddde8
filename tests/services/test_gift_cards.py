"""Gift cards on a real database (SQLite and PostgreSQL): what a card pays on an order, the
clear answers when it cannot, the balance taken with the order's hold and given back with
it, and two checkouts racing for one card."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.i18n import translator
from bot.services import cart, checkout, gift_cards
from bot.services.errors import GiftCardRefused, OrderError
from bot.store.models import AuditEntry, GiftCard
from bot.store.uow import Store
from tests.services.conftest import Shopfront

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
SETTINGS = Settings(bot_token="1:test", payment_provider_token="TEST")
CARD = "K7QF-2MXR-9TBA"
NOTEBOOK = "STA-NTB-A5D"  # $18.00 in the seed catalog


async def _card(store: Store, amount: int, currency: str = "USD", code: str = CARD) -> None:
    async with store.uow() as uow:
        await uow.gift_cards.add(
            GiftCard(code=code, currency=currency, initial_amount=amount, balance=amount)
        )


async def _balance(store: Store, code: str = CARD) -> int:
    async with store.uow() as uow:
        card = await uow.gift_cards.by_code(code)
        assert card is not None
        return card.balance


async def _cart_with_card(shopfront: Shopfront, customer_id: int, typed: str = CARD) -> None:
    """A notebook in the customer's cart, and the card typed on her order summary."""
    async with shopfront.store.uow() as uow:
        notebook = await uow.products.get_by_sku(NOTEBOOK)
        assert notebook is not None
        await cart.add_to_cart(uow, customer_id, notebook.id, 1)
        (await uow.carts.get_for_customer(customer_id)).gift_card_code = typed


async def _refusal(store: Store, typed: str, to_pay: int, currency: str = "USD") -> str:
    with pytest.raises(GiftCardRefused) as refused:
        async with store.uow() as uow:
            await gift_cards.quote(uow, typed, currency, to_pay)
    return str(refused.value)


async def test_a_card_typed_any_way_pays_what_it_can_and_leaves_an_invoice_telegram_takes(
    shopfront: Shopfront,
) -> None:
    store = shopfront.store
    await _card(store, 1000)
    async with store.uow() as uow:
        part = await gift_cards.quote(uow, " k7qf 2mxr-9tba ", "USD", 1800)
        whole = await gift_cards.quote(uow, "K7QF2MXR9TBA", "USD", 750)
        most = await gift_cards.quote(uow, CARD, "USD", 1050)
        shipped = await gift_cards.quote(uow, CARD, "USD", 750, ships=True)
    assert (part.code, part.amount, part.left, part.shown) == (CARD, 1000, 0, "K7QF-…-9TBA")
    assert (whole.amount, whole.left) == (750, 250)  # all of it: no invoice at all
    assert (most.amount, most.left) == (950, 50)  # $10.50: $1.00 (Telegram's least) left to pay
    assert shipped.amount == 650  # goods to ship keep an invoice: it asks for the address


async def test_codes_that_cannot_pay_are_answered_clearly(shopfront: Shopfront) -> None:
    store = shopfront.store
    await _card(store, 1000)
    await _card(store, 100, "XTR", code="STAR-STAR-STAR")
    await _card(store, 50, code="LOWW-LOWW-LOWW")
    assert await _refusal(store, "AAAA-BBBB-CCCC", 1800) == (
        "There is no gift card AAAA-…-CCCC. Check the spelling?"
    )
    assert await _refusal(store, "star star star", 1800) == (
        "The gift card STAR-…-STAR is in XTR, and this shop takes USD."
    )
    assert await _refusal(store, "LOWW-LOWW-LOWW", 100) == (
        "The gift card LOWW-…-LOWW has $0.50, less than your total of $1.00, and Telegram "
        "needs at least $1.00 paid by invoice, so the card cannot pay part of this order."
    )
    async with store.uow() as uow:
        assert await uow.gift_cards.take(CARD, 1000)
    assert await _refusal(store, CARD, 1800) == "The gift card K7QF-…-9TBA has been used up."


async def test_the_balance_is_taken_with_the_order_and_given_back_with_its_hold(
    shopfront: Shopfront,
) -> None:
    store = shopfront.store
    await _card(store, 1000)
    await _cart_with_card(shopfront, shopfront.customer_id, "k7qf-2mxr-9tba")
    async with store.uow() as uow:
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
    assert (placed.order.gift_card_amount, placed.order.total) == (1000, 800)
    assert await _balance(store) == 0

    async with store.uow() as uow:
        released = await checkout.release_open_holds(uow, shopfront.customer_id, 1001, "gone")
        again = await checkout.release_open_holds(uow, shopfront.customer_id, 1001, "gone")
    assert [hold.order_id for hold in released] == [placed.order.order_id] and again == []
    assert await _balance(store) == 1000  # once, however often asked


async def test_two_checkouts_racing_for_one_card_never_spend_more_than_it_holds(
    shopfront: Shopfront,
) -> None:
    """Two shoppers who share a code check out at the same moment: one gets the card's $10,
    the other a clear answer, and the balance never goes below zero."""
    store = shopfront.store
    await _card(store, 1000)
    async with store.uow() as uow:
        bob = await uow.customers.get_or_create(1002, first_name="Bob")
    customers = (shopfront.customer_id, bob.id)
    for customer_id in customers:
        await _cart_with_card(shopfront, customer_id)

    async def check_out(customer_id: int) -> int | str:
        try:
            async with store.uow() as uow:
                placed = await checkout.place_order(uow, customer_id, 0, SETTINGS, NOW)
        except GiftCardRefused as refused:
            return str(refused)
        return placed.order.gift_card_amount

    results = await asyncio.gather(*(check_out(c) for c in customers))
    spent, refused = sorted(results, key=str)
    assert spent == 1000
    # Found used up at its review (SQLite's writers take turns), or spent under it (PostgreSQL).
    assert refused in (
        "The gift card K7QF-…-9TBA has been used up.",
        "The gift card K7QF-…-9TBA was just spent on another order: $0.00 is left on it. "
        "Please check out again.",
    )
    assert await _balance(store) == 0
    async with store.uow() as uow:
        notebook = await uow.products.get_by_sku(NOTEBOOK)
        assert notebook is not None and notebook.reserved == 1  # the refused held nothing


async def _paid_with_card(shopfront: Shopfront) -> int:
    """Alice's notebook ($18.00), $10.00 of it paid by the card and the rest paid: its id."""
    await _card(shopfront.store, 1000)
    await _cart_with_card(shopfront, shopfront.customer_id)
    async with shopfront.store.uow() as uow:
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
        assert await uow.orders.claim_hold(placed.order.order_id, "sold")  # as a payment does
    return placed.order.order_id


async def _give_back_asked(store: Store, order_id: int) -> int | str:
    try:
        async with store.uow() as uow:
            order = await uow.orders.get(order_id)
            assert order is not None
            return await gift_cards.give_back_asked(uow, order)
    except OrderError as refused:
        return str(refused)


async def test_two_admins_giving_a_paid_orders_card_part_back_at_once_give_it_back_once(
    shopfront: Shopfront,
) -> None:
    """Two presses of 🎁 Back to the gift card at once: one puts the $10.00 back, the other
    hears there is nothing left; a full refund afterwards gives nothing back a second time."""
    order_id = await _paid_with_card(shopfront)
    assert await _balance(shopfront.store) == 0

    results = await asyncio.gather(*(_give_back_asked(shopfront.store, order_id) for _ in "12"))

    assert sorted(results, key=str) == [
        1000,
        f"Nothing of order #{order_id}'s gift card part is left to give back.",
    ]
    assert await _balance(shopfront.store) == 1000
    async with shopfront.store.uow() as uow:  # what a full refund or a cancel then asks
        order = await uow.orders.get(order_id)
        assert order is not None and order.gift_card_returned == 1000
        assert await gift_cards.give_back(uow, order) == gift_cards.CardBack(0)
    assert await _balance(shopfront.store) == 1000


async def test_a_card_voided_since_gets_nothing_back_and_says_so(shopfront: Shopfront) -> None:
    order_id = await _paid_with_card(shopfront)
    async with shopfront.store.uow() as uow:
        card = await uow.gift_cards.by_code(CARD)
        assert card is not None
        card.voided_at = NOW  # the order that bought it was refunded meanwhile

    assert await _give_back_asked(shopfront.store, order_id) == (
        "The gift card K7QF-…-9TBA was cancelled since, with the order that bought it, so "
        f"nothing of order #{order_id} was put back on it. Refund the shopper another way."
    )
    async with shopfront.store.reading() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.gift_card_returned == 0  # nothing moved


NOT_BACK = (
    "its gift card part $10.00 could not go back: the gift card K7QF-…-9TBA was cancelled "
    "since, with the order that bought it. Make it good to the shopper another way"
)


async def _void(store: Store) -> None:
    async with store.uow() as uow:
        card = await uow.gift_cards.by_code(CARD)
        assert card is not None
        card.voided_at, card.balance = NOW, 0  # the order that bought it was refunded meanwhile


async def _told_admins(store: Store, order_id: int) -> tuple[int, bool, str, list[str], list[str]]:
    """What the order says of its card's part: (what is recorded back, flagged?, the review
    reason, its history's notes, the audit's actions on it), worded in English."""
    english = translator("en")
    async with store.reading() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        audit = await uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == f"order:{order_id}")
        )
        notes = [english.said(e.note) for e in order.events if e.note]
        return (
            order.gift_card_returned,
            order.needs_review,
            english.said(order.review_reason),
            notes,
            list(audit),
        )


async def test_a_hold_let_go_after_its_card_was_voided_records_the_part_as_not_back(
    shopfront: Shopfront,
) -> None:
    """Alice's invoice holds $10.00 of a card that is voided before the hold goes: nothing
    can go back on it, so the order does not say it did; it is flagged for the admins, with
    a line in its history and the audit log, and the release says why for their alert."""
    store = shopfront.store
    await _card(store, 1000)
    await _cart_with_card(shopfront, shopfront.customer_id)
    async with store.uow() as uow:
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
    order_id = placed.order.order_id
    await _void(store)

    async with store.uow() as uow:
        (hold,) = await checkout.release_open_holds(uow, shopfront.customer_id, 1001, "gone")
    assert hold.card_not_back is not None
    assert translator("en").said(hold.card_not_back) == NOT_BACK
    returned, flagged, reason, notes, audit = await _told_admins(store, order_id)
    assert (returned, flagged, reason) == (0, True, NOT_BACK)
    assert NOT_BACK in notes and audit == ["order.giftcard.not_back"]
    assert await _balance(store) == 0  # a voided card stays worth nothing


async def test_a_paid_orders_card_part_voided_since_is_refused_to_the_button_and_kept_unreturned(
    shopfront: Shopfront,
) -> None:
    """The automatic give-back (a full refund, a cancel) and the admin's button meet the same
    voided card: neither records the part as back; only the automatic one flags the order
    (the button's refusal is said to the admin, and its transaction rolls back)."""
    order_id = await _paid_with_card(shopfront)
    await _void(shopfront.store)
    assert str(await _give_back_asked(shopfront.store, order_id)).startswith(
        "The gift card K7QF-…-9TBA was cancelled since"
    )
    async with shopfront.store.uow() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None
        back = await gift_cards.give_back(uow, order)
    assert back.amount == 0 and back.not_back is not None
    assert (await _told_admins(shopfront.store, order_id))[:3] == (0, True, NOT_BACK)
    async with shopfront.store.reading() as uow:  # still not back: the button still says why
        order = await uow.orders.get(order_id)
        assert order is not None and gift_cards.part_to_give_back(order) == 1000
