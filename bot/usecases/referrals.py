"""Invite a friend, the parts that reach beyond one visit: telling an inviter her reward
(after the delivery that earned it is committed), or that it was cancelled (after the full
refund of that order is), and the admins' /referrals figures."""

from __future__ import annotations

import logging

from bot import notices
from bot.notifier import Notice, Sent
from bot.services import referrals
from bot.services.referrals import ReferralTotals, Reward, RewardVoided
from bot.shop import Shop

log = logging.getLogger(__name__)


async def tell_inviter(shop: Shop, reward: Reward | None) -> Sent | None:
    """The inviter hears of her gift card in her language, after the delivery's commit, so
    nothing is told that was rolled back. A send that fails loses nothing: the card is
    hers already, and /invite lists it."""
    if reward is None:
        return None
    tr = await shop.words_of(reward.inviter_telegram_id)
    text = notices.referral_reward(
        tr, reward.friend_name, reward.card_code, reward.amount, reward.currency
    )
    return await _tell(shop, reward.inviter_telegram_id, text, "her reward")


async def tell_inviter_void(shop: Shop, voided: RewardVoided | None) -> Sent | None:
    """The inviter hears, in her language and after the refund's commit, that the reward
    card her friend's order earned is cancelled with that order's full refund."""
    if voided is None:
        return None
    tr = await shop.words_of(voided.inviter_telegram_id)
    text = notices.referral_reward_void(
        tr, voided.friend_name, voided.card_code, voided.amount, voided.currency
    )
    return await _tell(shop, voided.inviter_telegram_id, text, "her reward's void")


async def _tell(shop: Shop, inviter_telegram_id: int, text: str, what: str) -> Sent:
    """One message to the inviter; a send that fails is logged, not retried (/invite and
    /giftcard show where her card stands)."""
    sent = (await shop.notifier.send(inviter_telegram_id, Notice(text))).outcome
    if sent is not Sent.SENT:
        log.info("inviter %s not told of %s: %s", inviter_telegram_id, what, sent)
    return sent


async def totals(shop: Shop) -> ReferralTotals:
    async with shop.store.reading() as uow:
        return await referrals.totals(uow)
