"""Invitations on a real database: Bob came through Ann's link; two of his orders are marked
delivered at the same moment (two admins, or an admin and the chat's digital delivery), and
Ann still gets exactly one gift card. On PostgreSQL both transactions read "not rewarded yet"
before either claims, so only the conditional UPDATE keeps the second from giving another."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from bot.config import Settings
from bot.services import referrals
from bot.services.referrals import Arrival, Reward
from bot.store.models import AuditEntry, GiftCard, Order, Referral
from bot.store.uow import Store

SETTINGS = Settings(bot_token="1:x", referral_reward=500, currency="EUR")
ANN, BOB = 1001, 1002


async def bob_invited_by_ann(store: Store) -> tuple[int, int]:
    """Ann asked for her link and Bob, new, opened it: their customer ids."""
    async with store.uow() as uow:
        ann = await uow.customers.get_or_create(ANN, first_name="Ann")
        code = await referrals.code_of(uow, ann.id)
    async with store.uow() as uow:
        bob = await uow.customers.get_or_create(BOB, first_name="Bob")
        arrival, _ = await referrals.arrive(uow, SETTINGS, bob.id, code, new=True)
    assert arrival is Arrival.ATTRIBUTED
    return ann.id, bob.id


async def test_two_deliveries_at_once_give_ann_one_gift_card(store: Store) -> None:
    _, bob = await bob_invited_by_ann(store)
    both_read = asyncio.Barrier(2)
    postgres = store.engine.dialect.name == "postgresql"

    async def deliver(order_id: int) -> Reward | None:
        async with store.uow() as uow:
            claim = uow.referrals.claim_reward

            async def after_both_read(*args: Any) -> bool:
                await both_read.wait()  # each has read Bob's referral as not rewarded yet
                return await claim(*args)

            if postgres:  # SQLite runs one writing transaction at a time: no overlap to make
                uow.referrals.claim_reward = after_both_read  # type: ignore[method-assign]
            return await referrals.reward_delivered(
                uow, SETTINGS, Order(id=order_id, customer_id=bob)
            )

    given = await asyncio.gather(deliver(1), deliver(2))
    (reward,) = [r for r in given if r is not None]
    assert reward.inviter_telegram_id == ANN and reward.friend_name == "Bob"
    async with store.reading() as uow:
        cards = (await uow.session.scalars(select(GiftCard))).all()
        assert [(c.code, c.initial_amount, c.balance, c.currency) for c in cards] == [
            (reward.card_code, 500, 500, "EUR")
        ]
        (referral,) = (await uow.session.scalars(select(Referral))).all()
        assert referral.reward_card == reward.card_code and referral.rewarded_at is not None
        audited = await uow.session.scalars(
            select(AuditEntry.target).where(AuditEntry.action == "referral.reward")
        )
        assert audited.all() == [f"customer:{ANN}"]


async def test_a_friend_is_attributed_once_and_an_inviter_blocked_since_gets_nothing(
    store: Store,
) -> None:
    ann, bob = await bob_invited_by_ann(store)
    async with store.uow() as uow:
        code = await referrals.code_of(uow, ann)
        assert await referrals.code_of(uow, ann) == code  # made once
        arrival, _ = await referrals.arrive(uow, SETTINGS, bob, code, new=False)
        assert arrival is Arrival.KNOWN
        blocked = await uow.customers.get_by_id(ann)
        assert blocked is not None
        await uow.customers.block(ann, 9001, "spam", blocked.created_at)
    async with store.uow() as uow:
        assert await referrals.reward_delivered(uow, SETTINGS, Order(id=1, customer_id=bob)) is None
        counts = await uow.referrals.counts_of(ann)
    assert (counts.joined, counts.rewarded) == (1, 0)


async def _bob_earned_ann_a_card(store: Store) -> str:
    """Bob came through Ann's link and his order #1 was delivered: her reward card's code."""
    _, bob = await bob_invited_by_ann(store)
    async with store.uow() as uow:
        reward = await referrals.reward_delivered(uow, SETTINGS, Order(id=1, customer_id=bob))
    assert reward is not None
    return reward.card_code


async def _card(store: Store, code: str) -> tuple[int, bool]:
    async with store.reading() as uow:
        card = await uow.gift_cards.by_code(code)
        assert card is not None
        return card.balance, card.voided_at is not None


async def _audited(store: Store, action: str) -> list[dict[str, Any] | None]:
    async with store.reading() as uow:
        found = await uow.session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == action)
        )
        return list(found.all())


async def test_bobs_first_order_refunded_in_full_cancels_anns_unspent_reward(
    store: Store,
) -> None:
    code = await _bob_earned_ann_a_card(store)
    async with store.uow() as uow:
        bob = await uow.customers.get_by_telegram_id(BOB)
        assert bob is not None
        # His other order refunded: it did not earn the reward, which stands.
        assert await referrals.void_reward(uow, Order(id=2, customer_id=bob.id)) is None
    assert await _card(store, code) == (500, False)

    async with store.uow() as uow:
        voided = await referrals.void_reward(uow, Order(id=1, customer_id=bob.id))
    assert voided == referrals.RewardVoided(ANN, "Bob", code, 500, "EUR")
    assert await _card(store, code) == (0, True)
    assert await _audited(store, "referral.reward.void") == [
        {"friend": BOB, "order": 1, "reward": 500, "currency": "EUR"}
    ]
    async with store.uow() as uow:  # refunded again (a retry): nothing more happens
        assert await referrals.void_reward(uow, Order(id=1, customer_id=bob.id)) is None
    assert len(await _audited(store, "referral.reward.void")) == 1


async def test_a_reward_ann_spent_some_of_is_kept_and_the_audit_says_so(store: Store) -> None:
    code = await _bob_earned_ann_a_card(store)
    async with store.uow() as uow:
        assert await uow.gift_cards.take(code, 200)  # €2.00 of it paid for an order of hers
        bob = await uow.customers.get_by_telegram_id(BOB)
        assert bob is not None
        assert await referrals.void_reward(uow, Order(id=1, customer_id=bob.id)) is None
    assert await _card(store, code) == (300, False)
    assert await _audited(store, "referral.reward.void") == []
    assert await _audited(store, "referral.reward.kept") == [
        {"friend": BOB, "order": 1, "reward": 500, "currency": "EUR", "spent": 200}
    ]
