"""A partial refund of an order that bought gift cards (SQLite and PostgreSQL): an amount
comes out of the order's other goods first, then off the cards, a refund by a card's SKU all
off that card; a card is then worth that much less, and the shopper's message says what it
holds now. It comes off the cards that still hold it (an unspent one before a spent one), is
refused, before any money moves, only when they no longer hold it together (also when a card
is spent between the refund's read and its take: PostgreSQL), and is made whole again if the
provider refuses the refund."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.i18n import translator
from bot.services import gift_cards
from bot.services.errors import CardRefundSpent, RefundFailed
from bot.shop import Shop
from bot.store.repositories.gift_cards import GiftCardRepository
from bot.usecases import admin_orders
from bot.usecases.orders import OrderChange, refund_order
from tests.payments.conftest import (
    StripeTestAccount,
    add_product,
    fill_cart,
    pay,
    place_order,
)

ALICE = 1001
ADMIN = "admin:9001"
CARD, SECOND, THIRD = "K7QF-2MXR-9TBA", "K7QF-2MXR-BBBB", "K7QF-2MXR-CCCC"


async def _bought_a_card(
    shop: Shop, account: StripeTestAccount | None = None, codes: tuple[str, ...] = (CARD,)
) -> int:
    """Alice buys a $16 mug and a $50 gift card (one for each of `codes`) and pays; the
    cards' codes are issued as their delivery does: the order's id."""
    mug = await add_product(shop, "MUG", price=1600)
    card = await add_product(shop, "GIFT", price=5000, digital=True)
    await fill_cart(shop, ALICE, {mug: 1, card: len(codes)})
    placed = await place_order(shop, telegram_id=ALICE)
    total = 1600 + 5000 * len(codes)
    charge = await account.charge(total) if account else "ch_offline"
    assert (await pay(shop, placed, provider_charge=charge)).kind == "paid"
    async with shop.store.uow() as uow:
        order = await uow.orders.get(placed.order.order_id)
        assert order is not None and order.total == total
        line = next(line for line in order.lines if line.sku == "GIFT")
        line.gift_codes = list(codes)
        await gift_cards.issue(uow, codes, "USD", line.unit_price, line.id)
    return placed.order.order_id


async def _card(shop: Shop, code: str = CARD) -> tuple[int, int]:
    """(what is left on the card, what it is worth)."""
    async with shop.store.reading() as uow:
        card = await uow.gift_cards.by_code(code)
    assert card is not None and card.voided_at is None
    return card.balance, card.initial_amount


def _told(change: OrderChange, language: str = "en") -> list[str]:
    """The lines of the shopper's message about the refund that say what it did to her cards."""
    said = change.message_for_shopper(translator(language))
    return [line for line in said.splitlines() if line.startswith("🎁")]


async def test_a_partial_refund_that_reaches_the_cards_price_takes_it_off_the_card(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """The chipped mug's $16.00 goes back and the card stays whole; Bob spends $30.00 of the
    card; then $30.00 more of Alice's order would take $30.00 off the card, which holds
    $20.00: refused before Ada confirms and at the refund, nothing moved; $15.00 takes $15.00
    off it."""
    shop = stripe_shop
    order_id = await _bought_a_card(shop, stripe_account)

    await refund_order(shop, order_id, amount=1600, actor=ADMIN, reason="chipped")
    assert await _card(shop) == (5000, 5000)  # the mug is paid back first

    async with shop.store.uow() as uow:
        assert await uow.gift_cards.take(CARD, 3000)  # Bob's order
    refusal = (
        f"Order #{order_id} cannot be refunded $30.00: all of it would come off its gift card "
        "K7QF-…-9TBA, which holds only $20.00 now. The rest paid for another order."
    )
    with pytest.raises(CardRefundSpent) as asked:
        await admin_orders.check_refund(shop, order_id, 3000)  # before Ada confirms
    assert str(asked.value) == refusal
    with pytest.raises(CardRefundSpent) as refused:
        await refund_order(shop, order_id, amount=3000, actor=ADMIN)
    assert str(refused.value) == refusal
    assert await _card(shop) == (2000, 5000)

    part = await refund_order(shop, order_id, amount=1500, actor=ADMIN)
    assert part.refund is not None and part.refund.refunded_total == 3100
    assert await _card(shop) == (500, 3500)  # $15.00 of its price went back to Alice


async def test_a_card_taken_down_by_a_refund_the_provider_refuses_is_worth_it_again(
    shop: Shop,
) -> None:
    """The shop has no STRIPE_API_KEY, so the refund fails after it was claimed: the $40.00
    it took off the card (of $56.00: $16.00 for the mug) comes back."""
    order_id = await _bought_a_card(shop)
    with pytest.raises(RefundFailed):
        await refund_order(shop, order_id, amount=5600, actor=ADMIN)
    assert await _card(shop) == (5000, 5000)
    async with shop.store.reading() as uow:
        order = await uow.orders.get(order_id)
        assert order is not None and order.refunded_amount == 0


async def test_a_refund_by_the_cards_sku_takes_it_all_off_the_card_not_off_the_mug(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Ada types "GIFT 1" on Alice's mug and two cards: its $50.00 comes off a card, not
    $16.00 off the mug first (which left the card at $16.00), so that card is cancelled and
    Alice's message says so; the mug's $16.00 then leaves the other card as it is, and the
    rest of the order refunded cancels it too."""
    shop = stripe_shop
    order_id = await _bought_a_card(shop, stripe_account, codes=(CARD, SECOND))
    amount, lines = await admin_orders.line_refund_amount(shop, order_id, "GIFT", 1)
    assert amount == 5000
    await admin_orders.check_refund(shop, order_id, amount, lines)
    change = await refund_order(shop, order_id, amount=amount, actor=ADMIN, lines=lines)
    assert await _card(shop) == (0, 0)
    assert _told(change) == [
        "🎁 The gift card K7QF-…-9TBA you bought with this order is cancelled: its price was "
        "refunded."
    ]
    assert _told(change, "ru") == [
        "🎁 Подарочная карта K7QF-…-9TBA, купленная в этом заказе, аннулирована: её цена "
        "возвращена."
    ]

    mug = await refund_order(shop, order_id, amount=1600, actor=ADMIN)
    assert await _card(shop, SECOND) == (5000, 5000)
    assert _told(mug) == []
    rest = await refund_order(shop, order_id, actor=ADMIN)
    assert rest.refund is not None and rest.refund.refunded_total == 11600
    assert _told(rest) == [
        "🎁 The gift card K7QF-…-BBBB you bought with this order is cancelled: its price was "
        "refunded."
    ]


async def test_a_refund_comes_off_the_card_she_did_not_spend_and_is_refused_only_past_all(
    stripe_shop: Shop, stripe_account: StripeTestAccount
) -> None:
    """Alice bought two $50 cards with her mug and spent $30.00 of the first. $40.00 back
    takes the mug's $16.00 and $24.00 off the unspent second card, not the spent first one;
    $50.00 more is more than the two hold together ($46.00): refused, naming both; $46.00
    empties both, and her message says what each holds now."""
    shop = stripe_shop
    order_id = await _bought_a_card(shop, stripe_account, codes=(CARD, SECOND))
    async with shop.store.uow() as uow:
        assert await uow.gift_cards.take(CARD, 3000)  # Bob's order

    part = await refund_order(shop, order_id, amount=4000, actor=ADMIN)
    assert await _card(shop, SECOND) == (2600, 2600)
    assert await _card(shop, CARD) == (2000, 5000)
    assert _told(part) == [
        "🎁 $24.00 of it came off the gift card K7QF-…-BBBB you bought with this order: it now "
        "holds $26.00."
    ]
    assert _told(part, "es") == [
        "🎁 Se descontaron 24,00\xa0US$ de la tarjeta regalo K7QF-…-BBBB que compraste con "
        "este pedido: ahora tiene 26,00\xa0US$."
    ]

    with pytest.raises(CardRefundSpent) as refused:
        await admin_orders.check_refund(shop, order_id, 5000)
    assert str(refused.value) == (
        f"Order #{order_id} cannot be refunded $50.00: $50.00 of it is what its gift cards "
        "K7QF-…-9TBA, K7QF-…-BBBB cost, and together they hold only $46.00 now. The rest paid "
        "for other orders."
    )

    rest = await refund_order(shop, order_id, amount=4600, actor=ADMIN)
    assert await _card(shop, SECOND) == (0, 0)
    assert await _card(shop, CARD) == (0, 3000)
    assert _told(rest) == [
        "🎁 $20.00 of it came off the gift card K7QF-…-9TBA you bought with this order: it now "
        "holds $0.00.",
        "🎁 The gift card K7QF-…-BBBB you bought with this order is cancelled: its price was "
        "refunded.",
    ]


ON_POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)  # SQLite's writers queue


async def _refund_while_bob_spends(
    shop: Shop, order_id: int, amount: int, spends: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> OrderChange:
    """Ada refunds `amount` of Alice's order, and between her refund's first read of the
    cards and its taking off them, Bob's order spends `spends` of them."""
    meeting = asyncio.Barrier(2)  # Ada's refund and Bob's checkout
    reading = GiftCardRepository.of_lines
    first_read = True

    async def read_then_let_bob_spend(repo: GiftCardRepository, line_ids: Any) -> Any:
        nonlocal first_read
        cards = await reading(repo, line_ids)
        if first_read:
            first_read = False
            await meeting.wait()  # the refund has read the cards
            await meeting.wait()  # Bob's order has spent them
        return cards

    async def bob_spends() -> None:
        await meeting.wait()
        async with shop.store.uow() as uow:
            for code, spent in spends.items():
                assert await uow.gift_cards.take(code, spent)
        await meeting.wait()

    monkeypatch.setattr(GiftCardRepository, "of_lines", read_then_let_bob_spend)
    refunding = refund_order(shop, order_id, amount=amount, actor=ADMIN)
    change, _ = await asyncio.gather(refunding, bob_spends())
    return change


@pytest.mark.parametrize("migrated_database_url", [ON_POSTGRES], indirect=True)
async def test_a_card_spent_while_the_refund_reads_them_sends_it_to_the_other_card(
    stripe_shop: Shop, stripe_account: StripeTestAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice bought two $50 cards with her mug. Ada refunds $40.00: her refund reads both
    cards whole and would take $24.00 off the first, and in that instant Bob spends $30.00 of
    it on his own order. The refund reads the cards again and takes the $24.00 off the second;
    it is not refused, since the two still hold $70.00 together."""
    shop = stripe_shop
    order_id = await _bought_a_card(shop, stripe_account, codes=(CARD, SECOND))
    part = await _refund_while_bob_spends(shop, order_id, 4000, {CARD: 3000}, monkeypatch)
    assert part.refund is not None and part.refund.refunded_total == 4000
    assert await _card(shop, CARD) == (2000, 5000)
    assert await _card(shop, SECOND) == (2600, 2600)


@pytest.mark.parametrize("migrated_database_url", [ON_POSTGRES], indirect=True)
async def test_cards_spent_below_the_refunds_share_while_it_reads_them_refuse_it_naming_both(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In that instant Bob spends all of the first card and $40.00 of the second: together
    they hold $10.00, less than the $24.00 the refund would take off them, so it is refused,
    naming both and what they hold now, and nothing moved."""
    order_id = await _bought_a_card(shop, codes=(CARD, SECOND))
    with pytest.raises(CardRefundSpent) as refused:
        await _refund_while_bob_spends(
            shop, order_id, 4000, {CARD: 5000, SECOND: 4000}, monkeypatch
        )
    assert str(refused.value) == (
        f"Order #{order_id} cannot be refunded $40.00: $24.00 of it is what its gift cards "
        "K7QF-…-9TBA, K7QF-…-BBBB cost, and together they hold only $10.00 now. The rest paid "
        "for other orders."
    )
    assert await _card(shop, CARD) == (0, 5000)
    assert await _card(shop, SECOND) == (1000, 5000)


@pytest.mark.parametrize("migrated_database_url", [ON_POSTGRES], indirect=True)
async def test_a_refund_that_found_its_second_card_spent_puts_the_first_back_and_reads_again(
    stripe_shop: Shop, stripe_account: StripeTestAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice bought three $50 cards with her mug. Ada refunds $76.00: her refund reads the
    cards whole and takes $50.00 off the first, then finds that Bob spent $45.00 of the
    second in the meantime, so it cannot take $10.00 off it. The first card's $50.00 goes
    back on it, the cards are read again, and the $60.00 comes off the unspent ones once:
    all of the first, $10.00 of the third."""
    shop = stripe_shop
    codes = (CARD, SECOND, THIRD)
    order_id = await _bought_a_card(shop, stripe_account, codes=codes)
    part = await _refund_while_bob_spends(shop, order_id, 7600, {SECOND: 4500}, monkeypatch)
    assert part.refund is not None and part.refund.refunded_total == 7600
    async with shop.store.reading() as uow:
        first = await uow.gift_cards.by_code(CARD)
    assert first is not None and (first.balance, first.initial_amount) == (0, 0)
    assert await _card(shop, SECOND) == (500, 5000)
    assert await _card(shop, THIRD) == (4000, 4000)
    assert _told(part) == [
        "🎁 The gift card K7QF-…-9TBA you bought with this order is cancelled: its price was "
        "refunded.",
        "🎁 $10.00 of it came off the gift card K7QF-…-CCCC you bought with this order: it now "
        "holds $40.00.",
    ]
