"""Gift cards: the codes a "giftcode" product issues, worth what their line cost, spent on
the order summary beside a promo code.

A code gets its row (`issue`) in the transaction that stores it on its order line, worth
the line's unit price in the order's currency. On the order summary the shopper types it
where a promo code goes; the card pays what is left after the promo code: all of it, or a
part that leaves at least Telegram's smallest payment to the invoice (`covered`). A card
that pays all of an order makes no invoice: the order is paid by the card
(bot.usecases.payments.take_card_payment).

At checkout `spend` takes the amount from the balance by one conditional UPDATE in the
order's transaction; a released hold, a full refund or an admin (↩️ Refund's 🎁 Back to the
gift card, `give_back_asked`) gives back what is left of it, once (`give_back`), and a
full refund of the order that bought a card voids it (`void_issued`), refused if the card
was spent since; a partial one takes what it gives back of a card's price off the cards
that still hold it (`take_refunded`: all of it off the card line a refund by SKU names, else
what is left after the order's other goods; a card spent between its read and its take
sends it to read them again), and keeps what it took on the refund. Messages
show a code masked (`masked`): only its first and last group, so a screenshot of a chat gives
nobody the card.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import i18n
from bot.clipping import echo
from bot.i18n import N_, worded
from bot.money import telegram_minimum
from bot.services.errors import (
    CardPartBack,
    CardRefundSpent,
    GiftCardRefused,
    GiftCardSpent,
    GiftCardVoided,
)
from bot.store.models import GiftCard, Order, utcnow
from bot.store.uow import UnitOfWork

_TYPED = re.compile(r"^[A-Z0-9]{12}$")
PAID_HOLDS = ("sold", "returned")  # Order.hold_status of an order that was paid

NO_SUCH_CARD = N_("There is no gift card {code}. Check the spelling?")
CARD_VOID = N_("The gift card {code} was cancelled with the order that bought it.")
CARD_FOREIGN = N_("The gift card {code} is in {card_currency}, and this shop takes {currency}.")
CARD_EMPTY = N_("The gift card {code} has been used up.")
CARD_TOO_SMALL = N_(
    "The gift card {code} has {balance}, less than your total of {total}, and Telegram needs "
    "at least {least} paid by invoice, so the card cannot pay part of this order."
)
# Why a card's part of an order did not go back (an admin must make it good another way)
CARD_PART_VOIDED = N_(
    "its gift card part {amount} could not go back: the gift card {code} was cancelled since, "
    "with the order that bought it. Make it good to the shopper another way"
)
CARD_PART_REFUSED = N_(
    "its gift card part {amount} could not go back: the gift card {code} would hold more than "
    "it was issued with. Make it good to the shopper another way"
)
TAKEN_OFF = N_("{amount} of it taken off the gift card {code} the order bought")  # history
CARD_JUST_SPENT = N_(
    "The gift card {code} was just spent on another order: {balance} is left on it. "
    "Please check out again."
)


@dataclass(frozen=True, slots=True)
class GiftCardQuote:
    """What the card pays on this order (`amount`) and what stays on it (`left`)."""

    code: str
    amount: int
    left: int
    currency: str

    @property
    def shown(self) -> str:
        return masked(self.code)


@dataclass(frozen=True, slots=True)
class GiftCardBalance:
    """/giftcard: what is left of what the card was worth."""

    code: str
    balance: int
    initial: int
    currency: str
    void: bool
    bought: bool = True  # an order line bought it (else an invitation's reward earned it)

    @property
    def shown(self) -> str:
        return masked(self.code)


def card_code(text: str) -> str | None:
    """`text` as a card's code ("abcd efgh ijkl" → "ABCD-EFGH-IJKL"): case, spaces and
    dashes forgiven; None if it cannot be one."""
    bare = re.sub(r"[\s-]+", "", text).upper()
    if not _TYPED.match(bare):
        return None
    return "-".join(bare[i : i + 4] for i in range(0, 12, 4))


def masked(code: str) -> str:
    """ "ABCD-…-IJKL": how every message names a card once it was typed."""
    return f"{code[:4]}-…-{code[-4:]}" if len(code) == 14 else echo(code)


async def issue(
    uow: UnitOfWork, codes: Sequence[str], currency: str, face_value: int, line_id: int
) -> None:
    """The cards an order line's codes stand for, worth its unit price (once per code)."""
    for code in codes:
        if await uow.gift_cards.by_code(code) is None:
            await uow.gift_cards.add(
                GiftCard(
                    code=code,
                    currency=currency,
                    initial_amount=face_value,
                    balance=face_value,
                    order_line_id=line_id,
                )
            )


async def is_card(uow: UnitOfWork, text: str) -> bool:
    """Is `text` (typed where a promo code goes) one of the shop's gift cards?"""
    code = card_code(text)
    return code is not None and await uow.gift_cards.by_code(code) is not None


async def _card(uow: UnitOfWork, text: str) -> GiftCard:
    code = card_code(text)
    card = await uow.gift_cards.by_code(code) if code else None
    if card is None:
        raise GiftCardRefused.saying(NO_SUCH_CARD, code=masked(code) if code else echo(text))
    return card


def is_cancelled(card: GiftCard) -> bool:
    """Worth nothing: voided (its order refunded in full), or all of its price refunded."""
    return card.voided_at is not None or card.initial_amount <= 0


async def balance(uow: UnitOfWork, text: str) -> GiftCardBalance:
    """/giftcard CODE: the card's balance (never whose it is); GiftCardRefused if none."""
    card = await _card(uow, text)
    void = is_cancelled(card)
    bought = card.order_line_id is not None
    return GiftCardBalance(
        card.code, card.balance, card.initial_amount, card.currency, void, bought
    )


async def quote(
    uow: UnitOfWork, text: str, currency: str, to_pay: int, *, ships: bool = False
) -> GiftCardQuote:
    """What the card pays of `to_pay` (the goods after any promo code), or GiftCardRefused
    saying why it cannot: unknown, void, another currency, used up, or an order so small
    that Telegram's smallest payment is all there is to pay. An order that `ships` always
    keeps an invoice: its payment form asks for the address and the shipping."""
    card = await _card(uow, text)
    code = masked(card.code)
    if is_cancelled(card):
        raise GiftCardRefused.saying(CARD_VOID, code=code)
    if card.currency != currency:
        raise GiftCardRefused.saying(
            CARD_FOREIGN, code=code, card_currency=card.currency, currency=currency
        )
    if card.balance <= 0:
        raise GiftCardRefused.saying(CARD_EMPTY, code=code)
    amount = covered(card.balance, to_pay, currency, ships=ships)
    if amount <= 0:
        raise GiftCardRefused.saying(
            CARD_TOO_SMALL,
            code=code,
            balance=i18n.amount(card.balance, currency),
            total=i18n.amount(to_pay, currency),
            least=i18n.amount(telegram_minimum(currency), currency),
        )
    return GiftCardQuote(card.code, amount, card.balance - amount, currency)


def covered(balance: int, to_pay: int, currency: str, *, ships: bool = False) -> int:
    """What a card with `balance` pays of `to_pay`: all of it if it can and nothing is to
    be shipped (no invoice then: the order is paid by the card alone), else as much as
    leaves an invoice Telegram takes (its smallest payment or more) for the rest."""
    if balance >= to_pay and not ships:
        return to_pay
    return min(balance, to_pay - telegram_minimum(currency))


async def spend(uow: UnitOfWork, card: GiftCardQuote) -> None:
    """Take the quoted amount off the card, atomically, or GiftCardRefused (spent meanwhile
    by another checkout); the caller's unit of work rolls back on the error."""
    if await uow.gift_cards.take(card.code, card.amount):
        return
    found = await uow.gift_cards.by_code(card.code)
    left = found.balance if found is not None and found.voided_at is None else 0
    raise GiftCardRefused.saying(
        CARD_JUST_SPENT, code=card.shown, balance=i18n.amount(left, card.currency)
    )


def part_left(order: Order) -> int:
    """What of the card's part of the order is not back on the card yet."""
    if not order.gift_card_code:
        return 0
    return max(order.gift_card_amount - order.gift_card_returned, 0)


def part_to_give_back(order: Order) -> int:
    """What an admin may put back on the card (↩️ Refund's 🎁 Back to the gift card): the
    part not back yet of an order that was paid (an unpaid one's goes back with its hold)."""
    return part_left(order) if order.hold_status in PAID_HOLDS else 0


@dataclass(frozen=True, slots=True)
class CardBack:
    """What `give_back` did: `amount` went back on the card; or the part left could not go
    back (`not_back`: why, worded, as the order's review flag and the admins' alert say it)."""

    amount: int = 0
    not_back: str | None = None


async def _put_back(uow: UnitOfWork, order: Order) -> int | None:
    """What of the card's part went back now (0: nothing was left, or another path or press
    got there first), claimed on the order by a compare-and-set (`gift_card_returned`); None
    if the card took none of it (voided since): the claim is undone, so the order records
    only what really went back."""
    left, was = part_left(order), order.gift_card_returned
    if left <= 0 or not await uow.orders.claim_card_back(order):
        return 0
    assert order.gift_card_code is not None
    if await uow.gift_cards.give_back(order.gift_card_code, left):
        return left
    await uow.orders.unclaim_card_back(order, was)
    return None


async def give_back(uow: UnitOfWork, order: Order) -> CardBack:
    """The order no longer needs the card's part (its hold went, all of it was refunded, or
    it was cancelled): what is left of it goes back on the card, once however many paths
    ask. A card voided since takes nothing: the part stays recorded as not back, and an
    admin must look (the order is flagged for review, its history and the audit log say
    so, in the caller's transaction; the caller alerts the admins with `not_back`)."""
    left = part_left(order)
    given = await _put_back(uow, order)
    if given is not None:
        return CardBack(given)
    assert order.gift_card_code is not None
    code, currency = masked(order.gift_card_code), order.currency
    card = await uow.gift_cards.by_code(order.gift_card_code)
    why = CARD_PART_VOIDED if card is not None and card.voided_at is not None else CARD_PART_REFUSED
    reason = worded(why, amount=i18n.amount(left, currency), code=code)
    uow.orders.flag_for_review(order, reason)
    await uow.orders.record_event(order, actor="system", note=reason)
    details = {"actor": "system", "card_not_back": left, "currency": currency, "gift_card": code}
    await uow.audit.record(None, "order.giftcard.not_back", f"order:{order.id}", details)
    return CardBack(0, reason)


async def give_back_asked(uow: UnitOfWork, order: Order) -> int:
    """An admin's 🎁 Back to the gift card: what went back; CardPartBack if nothing is left
    to give (pressed twice), GiftCardVoided if the card was voided since. The caller's unit
    of work rolls back on either."""
    given = await _put_back(uow, order) if part_to_give_back(order) > 0 else 0
    if given:
        return given
    card = await uow.gift_cards.by_code(order.gift_card_code) if order.gift_card_code else None
    if given is None and card is not None and card.voided_at is not None:
        raise GiftCardVoided(order.id, masked(card.code))
    raise CardPartBack(order.id)


async def take_again(uow: UnitOfWork, order: Order) -> bool:
    """A payment arrived after the order's hold went (and its card's part with it): take
    the part again; False if the card no longer has it (an admin must look: the order then
    records nothing paid by the card, so a refund gives nothing back to it)."""
    if not order.gift_card_code or not order.gift_card_amount:
        return True
    taken = await uow.gift_cards.take(order.gift_card_code, order.gift_card_amount)
    if not taken:
        order.gift_card_amount = 0
    order.gift_card_returned = 0  # the card holds the part again, or it paid nothing
    return taken


def _issuing_lines(order: Order) -> list[int]:
    return [line.id for line in order.lines if line.gift_codes]


async def check_refundable(uow: UnitOfWork, order: Order) -> None:
    """GiftCardSpent if a card this order bought was spent: its refund cannot be whole."""
    for card in await uow.gift_cards.of_lines(_issuing_lines(order)):
        if card.voided_at is None and card.balance < card.initial_amount:
            spent = card.initial_amount - card.balance
            raise GiftCardSpent(
                order.id, masked(card.code), spent, card.initial_amount, card.currency
            )


async def void_issued(uow: UnitOfWork, order: Order, now: datetime | None = None) -> None:
    """The order is being refunded in full: the cards it bought are worth nothing from now,
    all of them at once, or GiftCardSpent (one was spent meanwhile) and the caller rolls
    back. `restore_issued` undoes it if the refund fails."""
    lines = _issuing_lines(order)
    if not lines:
        return
    await check_refundable(uow, order)
    live = [c for c in await uow.gift_cards.of_lines(lines) if c.voided_at is None]
    if await uow.gift_cards.void_unspent(lines, now or utcnow()) != len(live):
        await check_refundable(uow, order)  # read again: names the card spent meanwhile


async def restore_issued(uow: UnitOfWork, order_id: int) -> None:
    """The full refund that voided the order's cards failed: they are worth their face again."""
    order = await uow.orders.get(order_id, full=False)
    if order is not None:
        await uow.gift_cards.unvoid(_issuing_lines(order))


@dataclass(frozen=True, slots=True)
class CardTaken:
    """What a refund did to a gift card its order bought, for the shopper's message: `taken`
    came off it and it holds `balance` now; `cancelled`: it is worth nothing any more (the
    order was refunded in full, or all of the card's price was)."""

    code: str  # masked
    taken: int
    balance: int
    currency: str
    cancelled: bool = False


def _card_part(order: Order, cards: Sequence[GiftCard], amount: int) -> int:
    """What of a refund of `amount` that names no card is the cards' price: it comes out of
    everything else the order paid for first (its other goods, its shipping), then off the
    cards, never beyond what is left of what they cost. What refunds took off the cards so far
    is what their worth went down by (each was issued worth its line's unit price)."""
    cost = sum(line.net_total for line in order.lines if line.gift_codes)
    faces = {line.id: line.unit_price for line in order.lines}
    taken = sum(
        faces.get(card.order_line_id or 0, card.initial_amount) - card.initial_amount
        for card in cards
        if card.voided_at is None
    )
    others_left = order.total + order.gift_card_amount - cost - (order.refunded_amount - taken)
    return min(max(amount - max(others_left, 0), 0), max(cost - taken, 0))


async def _refund_shares(
    uow: UnitOfWork, order: Order, amount: int, lines: Mapping[str, int] | None
) -> list[tuple[GiftCard, int]]:
    """What a partial refund of `amount` takes off each card the order bought. A refund by a
    card line's SKU (`lines` names it) is all that line's cards'; any other refund takes
    `_card_part`. It comes off the cards that still hold it, the unspent ones first, then the
    fullest, so a card spent since blocks nothing another card covers; CardRefundSpent when
    those cards together hold less."""
    issuing = _issuing_lines(order)
    named = [line_id for line_id in issuing if str(line_id) in (lines or {})]
    cards = await uow.gift_cards.of_lines(issuing)
    part = amount if named else _card_part(order, cards, amount)
    pool = [c for c in cards if c.order_line_id in (named or issuing) and not is_cancelled(c)]
    if part <= 0 or not pool:  # nothing of it is a card's, or no card is worth anything
        return []
    shares, left = [], part
    for card in sorted(pool, key=lambda c: (c.balance < c.initial_amount, -c.balance, c.id)):
        if share := min(card.balance, left):
            shares.append((card, share))
            left -= share
    if left > 0:
        codes = [masked(card.code) for card in pool]
        held = sum(card.balance for card in pool)
        raise CardRefundSpent(order.id, amount, part, codes, held, order.currency)
    return shares


async def check_refund_takes(
    uow: UnitOfWork, order: Order, amount: int, lines: Mapping[str, int] | None = None
) -> None:
    """CardRefundSpent if a partial refund of `amount` (of `lines`, a "SKU quantity" one's)
    would take more off the cards the order bought than they hold (spent since: that money
    paid for another order)."""
    await _refund_shares(uow, order, amount, lines)


TAKE_TRIES = 3  # reads of the cards a refund makes before a card spent each time refuses it


async def take_refunded(
    uow: UnitOfWork, order: Order, amount: int, lines: Mapping[str, int] | None = None
) -> dict[str, int] | None:
    """A partial refund of `amount` is claimed: what of it paid for cards the order bought
    comes off them (balance and worth alike), or CardRefundSpent and the caller rolls back.
    What it took off each card (`Refund.gift_card_shares`), None if nothing: kept on the
    refund, so `restore_refunded` puts exactly that back if the refund fails.

    A card spent between the read and the take (another order's checkout, on PostgreSQL)
    sends it back to read them again, what this try took put back: it comes off the cards
    that hold it then, refused only when they together hold too little (or after
    TAKE_TRIES reads that each found a card spent under them)."""
    for _ in range(TAKE_TRIES - 1):
        shares = await _refund_shares(uow, order, amount, lines)
        with contextlib.suppress(CardRefundSpent):  # a card spent since the read: read again
            return await _take_shares(uow, order, amount, shares)
    return await _take_shares(uow, order, amount, await _refund_shares(uow, order, amount, lines))


async def _take_shares(
    uow: UnitOfWork, order: Order, amount: int, shares: Sequence[tuple[GiftCard, int]]
) -> dict[str, int] | None:
    """Take each share off its card (what `take_refunded` keeps), or CardRefundSpent naming
    the first card found holding less than its share (spent since it was read), what it
    took off the cards before that put back."""
    for done, (card, share) in enumerate(shares):
        if not await uow.gift_cards.take_refunded(card.id, share):
            await restore_refunded(uow, {str(c.id): s for c, s in shares[:done]})
            found = await uow.gift_cards.by_code(card.code)
            held = found.balance if found is not None else 0
            raise CardRefundSpent(
                order.id, amount, share, [masked(card.code)], held, order.currency
            )
    return {str(card.id): share for card, share in shares} or None


async def note_refunded(
    uow: UnitOfWork, order: Order, shares: Mapping[str, int] | None, actor: str
) -> tuple[CardTaken, ...]:
    """The partial refund that took `shares` off the order's cards went through: the order's
    history says what it took off each ("$11.00 of it taken off the gift card K7QF-…-AAAA"),
    and what each holds now, for the shopper's message."""
    shares, taken = shares or {}, []
    for card in await uow.gift_cards.by_ids([int(card_id) for card_id in shares]):
        share = shares[str(card.id)]
        amount = i18n.amount(share, order.currency)
        note = worded(TAKEN_OFF, amount=amount, code=masked(card.code))
        await uow.orders.record_event(order, actor=actor, note=note)
        cancelled = is_cancelled(card)
        taken.append(CardTaken(masked(card.code), share, card.balance, card.currency, cancelled))
    return tuple(taken)


async def cancelled_with(uow: UnitOfWork, order: Order) -> tuple[CardTaken, ...]:
    """The order was refunded in full: the cards it bought that were still worth something
    are cancelled with it (`void_issued`), for the shopper's message."""
    return tuple(
        CardTaken(masked(card.code), card.initial_amount, 0, card.currency, cancelled=True)
        for card in await uow.gift_cards.of_lines(_issuing_lines(order))
        if card.voided_at is not None and card.initial_amount > 0
    )


async def restore_refunded(uow: UnitOfWork, shares: Mapping[str, int] | None) -> None:
    """The partial refund that took `shares` off the order's cards failed: each card is
    worth its share again."""
    for card_id, share in (shares or {}).items():
        await uow.gift_cards.put_back_refunded(int(card_id), share)
