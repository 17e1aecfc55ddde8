"""Invite a friend: a shopper's personal link, the friends who came through it, and the gift
card she gets when a friend's first order is delivered.

Her link is `https://t.me/<bot>?start=ref_<code>`, the code made the first time she asks
(/invite) and kept on her row. A friend is attributed only when the link brings a Telegram
user the shop has never seen (her customer row is made by that very visit): an old shopper
following a link, her own link, an unknown code, or an inviter on the shop's team, blocked
or gone (she deleted her data: her code went with it) attribute nobody.

The reward is claimed by one conditional UPDATE on the friend's referral in the transaction
that delivers her order (`reward_delivered`), so it is given once however often, or however
concurrently, an order of hers is marked delivered; a gift card worth REFERRAL_REWARD in the
shop's currency is issued in the same transaction, and audited as `referral.reward`.

A full refund of the order that earned it takes the reward back (`void_reward`, in the
refund's transaction): an unspent card is voided (`referral.reward.void`) and its inviter
told; one she has spent some of is kept, the audit saying so (`referral.reward.kept`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from bot import permissions
from bot.config import Settings
from bot.i18n import N_
from bot.services.downloads import new_gift_code
from bot.store.models import Customer, GiftCard, Order, utcnow
from bot.store.repositories.referrals import ReferralCounts
from bot.store.uow import UnitOfWork

START_PREFIX = "ref_"
CODE_LENGTH = 8
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
CODE_TRIES = 5  # new codes tried before giving up (40 random bits: a clash is rare already)

INVITE_BUTTON = N_("🎁 Invite a friend")
SHARE_TEXT = N_("Have a look at this shop: here is my invitation link.")


class Arrival(StrEnum):
    """What an invitation link did for the one who followed it."""

    ATTRIBUTED = "attributed"  # a new shopper: her inviter is rewarded for her first order
    OWN_LINK = "own"  # she opened her own link
    KNOWN = "known"  # she had written to the shop before: welcome back, nobody attributed
    UNKNOWN = "unknown"  # no such code (mistyped, or its owner deleted her data)
    IGNORED = "ignored"  # the inviter is on the team or blocked: a plain welcome
    OFF = "off"  # invitations are not open (REFERRAL_REWARD empty)


@dataclass(frozen=True, slots=True)
class Invitation:
    """/invite: her link, and what it did so far (`cards`: the reward cards' codes)."""

    link: str
    joined: int
    rewarded: int
    reward: int
    currency: str
    cards: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reward:
    """A reward just given, to tell the inviter once it is committed."""

    inviter_telegram_id: int
    friend_name: str
    card_code: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class ReferralTotals:
    """/referrals: friends who joined, those whose first order earned a reward, and the
    rewards' worth by currency (one, unless CURRENCY changed)."""

    joined: int
    rewarded: int
    worth: dict[str, int]


def is_open(settings: Settings) -> bool:
    return settings.referral_reward > 0


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={START_PREFIX}{code}"


def share_link(link: str, text: str) -> str:
    """Telegram's share page: she picks a chat, and the link goes there with `text`."""
    return "https://t.me/share/url?" + urlencode({"url": link, "text": text})


async def code_of(uow: UnitOfWork, customer_id: int) -> str:
    """Her invitation code, made now if she has none (a clash with another's: tried again)."""
    for _ in range(CODE_TRIES):
        code = await uow.referrals.code_of(customer_id)
        if code:
            return code
        code = new_code()
        if await uow.referrals.inviter_by_code(code) is None:
            await uow.referrals.give_code(customer_id, code)
    raise RuntimeError(f"no free invitation code for customer {customer_id}")


async def invitation(uow: UnitOfWork, settings: Settings, customer_id: int, bot: str) -> Invitation:
    """/invite: her link (`bot`: the bot's username), friends joined and rewards earned."""
    code = await code_of(uow, customer_id)
    counts: ReferralCounts = await uow.referrals.counts_of(customer_id)
    cards = tuple(card.code for card in await uow.referrals.reward_cards_of(customer_id))
    return Invitation(
        invite_link(bot, code),
        counts.joined,
        counts.rewarded,
        settings.referral_reward,
        settings.currency,
        cards,
    )


def _may_invite(settings: Settings, inviter: Customer) -> bool:
    """The team's links, and those of a shopper the shop blocked, attribute nobody."""
    return permissions.role_of(settings, inviter.telegram_id) is None and inviter.blocked_at is None


async def arrive(
    uow: UnitOfWork, settings: Settings, customer_id: int, code: str, *, new: bool
) -> tuple[Arrival, Customer | None]:
    """/start ref_<code> for the customer `customer_id` (`new`: her row was made by this
    visit): whether she is now her inviter's friend, or why not; and the inviter if known."""
    if not is_open(settings):
        return Arrival.OFF, None
    inviter = await uow.referrals.inviter_by_code(code.strip().upper()) if code else None
    if inviter is None:
        return Arrival.UNKNOWN, None
    if inviter.id == customer_id:
        return Arrival.OWN_LINK, inviter
    if not new:
        return Arrival.KNOWN, inviter
    if not _may_invite(settings, inviter):
        return Arrival.IGNORED, None
    await uow.referrals.add(inviter.id, customer_id)
    return Arrival.ATTRIBUTED, inviter


async def reward_delivered(
    uow: UnitOfWork, settings: Settings, order: Order, now: datetime | None = None
) -> Reward | None:
    """The order was just delivered in this transaction: if it is the first of an invited
    friend's to be, her inviter gets a gift card worth REFERRAL_REWARD (claimed once by
    `ReferralRepository.claim_reward`); None if nothing was given. An inviter blocked or
    gone since gets nothing (the referral stays unrewarded)."""
    if not is_open(settings):
        return None
    referral = await uow.referrals.of_friend(order.customer_id)
    if referral is None or referral.rewarded_at is not None:
        return None
    inviter = await uow.customers.get_by_id(referral.inviter_id)
    if inviter is None or inviter.forgotten_at is not None or not _may_invite(settings, inviter):
        return None
    code, amount, currency = new_gift_code(), settings.referral_reward, settings.currency
    if not await uow.referrals.claim_reward(order.customer_id, code, now or utcnow()):
        return None  # another delivery of hers got there first
    await uow.gift_cards.add(
        GiftCard(code=code, currency=currency, initial_amount=amount, balance=amount)
    )
    friend = await uow.customers.get_by_id(order.customer_id)
    details = {
        "friend": friend.telegram_id if friend else None,
        "order": order.id,
        "reward": amount,
        "currency": currency,
    }
    await uow.audit.record(None, "referral.reward", f"customer:{inviter.telegram_id}", details)
    name = friend.first_name if friend is not None else ""
    return Reward(inviter.telegram_id, name, code, amount, currency)


@dataclass(frozen=True, slots=True)
class RewardVoided:
    """A reward card just voided (its friend's order refunded in full), to tell the inviter
    once the refund is committed."""

    inviter_telegram_id: int
    friend_name: str
    card_code: str
    amount: int
    currency: str


async def void_reward(
    uow: UnitOfWork, order: Order, now: datetime | None = None
) -> RewardVoided | None:
    """The order was just refunded in full in this transaction: if it is the order that
    earned its inviter's reward (the `referral.reward` entry names it), the reward card is
    voided when unspent (one conditional UPDATE, `referral.reward.void`), or kept when she
    spent some of it already, which the audit notes (`referral.reward.kept`: that money paid
    for another order). None unless a card was voided now (a second refund finds it void)."""
    referral = await uow.referrals.of_friend(order.customer_id)
    if referral is None or referral.reward_card is None:
        return None
    inviter = await uow.customers.get_by_id(referral.inviter_id)
    card = await uow.gift_cards.by_code(referral.reward_card)
    if inviter is None or card is None or card.voided_at is not None:
        return None
    target = f"customer:{inviter.telegram_id}"
    earned = await uow.audit.details_of("referral.reward", target)
    if not any(entry.get("order") == order.id for entry in earned):
        return None  # another order of hers earned it (or none did): the reward stands
    friend = await uow.customers.get_by_id(order.customer_id)
    details = {
        "friend": friend.telegram_id if friend else None,
        "order": order.id,
        "reward": card.initial_amount,
        "currency": card.currency,
    }
    if not await uow.gift_cards.void_unspent_code(card.code, now or utcnow()):
        await uow.session.refresh(card)  # as the UPDATE found it: spent, or voided meanwhile
        if card.voided_at is not None:
            return None
        spent = {"spent": card.initial_amount - card.balance}
        await uow.audit.record(None, "referral.reward.kept", target, details | spent)
        return None
    await uow.audit.record(None, "referral.reward.void", target, details)
    name = friend.first_name if friend is not None else ""
    return RewardVoided(inviter.telegram_id, name, card.code, card.initial_amount, card.currency)


async def totals(uow: UnitOfWork) -> ReferralTotals:
    counts, worth = await uow.referrals.totals()
    return ReferralTotals(counts.joined, counts.rewarded, worth)
