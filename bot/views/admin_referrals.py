"""/referrals for an admin: what invitations brought the shop (bot.services.referrals)."""

from __future__ import annotations

from bot import i18n
from bot.services.referrals import ReferralTotals


def referral_totals(totals: ReferralTotals, reward: int, currency: str) -> str:
    """Friends joined and rewarded, what the rewards were worth, and the reward now (or that
    invitations are closed: REFERRAL_REWARD empty)."""
    tr = i18n.current()
    worth = ", ".join(tr.money(amount, cur) for cur, amount in totals.worth.items())
    lines = [
        tr._("🎁 Invitations"),
        tr.ngettext(
            "{count} friend joined through an invitation link",
            "{count} friends joined through an invitation link",
            totals.joined,
            count=totals.joined,
        ),
        tr.ngettext(
            "{count} reward given (a first order delivered)",
            "{count} rewards given (a first order delivered)",
            totals.rewarded,
            count=totals.rewarded,
        ),
        tr._("Gift cards given: {worth}", worth=worth or tr.money(0, currency)),
        tr._("Reward now: {reward}", reward=tr.money(reward, currency))
        if reward
        else tr._("Invitations are off (REFERRAL_REWARD is empty)."),
    ]
    return "\n".join(lines)
