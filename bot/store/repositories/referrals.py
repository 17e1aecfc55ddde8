"""Invitations: a shopper's invitation code and the friends who came through it. A friend is
attributed once (a unique row per friend) and her inviter rewarded once (one conditional
UPDATE claims the reward), however many times either is tried."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import rowcount
from bot.store.models import Customer, GiftCard, Referral


class ReferralCounts(NamedTuple):
    """Friends who joined, and how many of them earned the inviter a reward."""

    joined: int
    rewarded: int


class ReferralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def inviter_by_code(self, code: str) -> Customer | None:
        return await self.session.scalar(select(Customer).where(Customer.invite_code == code))

    async def give_code(self, customer_id: int, code: str) -> bool:
        """Store `code` as her invitation code unless she has one: whether this did."""
        done = await self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id, Customer.invite_code.is_(None))
            .values(invite_code=code)
            .execution_options(synchronize_session=False)
        )
        return rowcount(done) == 1

    async def code_of(self, customer_id: int) -> str | None:
        return await self.session.scalar(
            select(Customer.invite_code).where(Customer.id == customer_id)
        )

    async def add(self, inviter_id: int, friend_id: int) -> None:
        self.session.add(Referral(inviter_id=inviter_id, friend_id=friend_id))
        await self.session.flush()

    async def of_friend(self, friend_id: int) -> Referral | None:
        return await self.session.scalar(
            select(Referral)
            .where(Referral.friend_id == friend_id)
            .execution_options(populate_existing=True)
        )

    async def inviter_of(self, friend_id: int) -> Customer | None:
        """Who invited her (/customer), if anyone did."""
        return await self.session.scalar(
            select(Customer)
            .join(Referral, Referral.inviter_id == Customer.id)
            .where(Referral.friend_id == friend_id)
        )

    async def counts_of(self, inviter_id: int) -> ReferralCounts:
        row = (
            await self.session.execute(
                select(func.count(), func.count(Referral.rewarded_at)).where(
                    Referral.inviter_id == inviter_id
                )
            )
        ).one()
        return ReferralCounts(int(row[0]), int(row[1]))

    async def reward_cards_of(self, inviter_id: int) -> list[GiftCard]:
        """The gift cards her friends earned her, the newest first."""
        stmt = (
            select(GiftCard)
            .join(Referral, Referral.reward_card == GiftCard.code)
            .where(Referral.inviter_id == inviter_id)
            .order_by(Referral.rewarded_at.desc(), Referral.id.desc())
        )
        return list((await self.session.scalars(stmt)).all())

    async def claim_reward(self, friend_id: int, card_code: str, now: datetime) -> bool:
        """Mark the friend's referral rewarded with `card_code`, unless it is already: one
        conditional UPDATE, so of two deliveries at once exactly one gets True (on
        PostgreSQL the second waits for the first's transaction and then finds it set)."""
        done = await self.session.execute(
            update(Referral)
            .where(Referral.friend_id == friend_id, Referral.rewarded_at.is_(None))
            .values(rewarded_at=now, reward_card=card_code)
            .execution_options(synchronize_session=False)
        )
        return rowcount(done) == 1

    async def totals(self) -> tuple[ReferralCounts, dict[str, int]]:
        """All invitations: friends joined and rewarded, and the rewards' worth by currency."""
        row = (
            await self.session.execute(select(func.count(), func.count(Referral.rewarded_at)))
        ).one()
        worth = await self.session.execute(
            select(GiftCard.currency, func.sum(GiftCard.initial_amount))
            .join(Referral, Referral.reward_card == GiftCard.code)
            .group_by(GiftCard.currency)
            .order_by(GiftCard.currency)
        )
        return ReferralCounts(int(row[0]), int(row[1])), {c: int(s or 0) for c, s in worth}
