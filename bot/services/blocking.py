"""The shop blocks an abusive user: the rules of /block, /unblock and /blocked, and the
refusal every update of hers meets.

A block lives on her customer row (`blocked_at`, `blocked_reason`, `blocked_by`), which every
visit reads already (bot.conversation.journey), so refusing her costs no statement. Her cart
is kept; her open invoices are cancelled and their stock goes back in the block's own
transaction, where her support questions still waiting to be relayed are withheld (they never
reach the admins); paid orders stay as they are. Admins and staff cannot be blocked: the lists of
the settings name them, not the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.config import Settings
from bot.i18n import N_, worded
from bot.services.admin_customers import CustomerLookup, find, named, parse_lookup
from bot.services.checkout import ReleasedHold, release_open_holds
from bot.services.errors import BadCustomerLookup, ShopError
from bot.store.models import Customer, utcnow
from bot.store.repositories.customers import Known
from bot.store.uow import UnitOfWork

MAX_REASON = 200  # customers.blocked_reason
NOTICE_EVERY = timedelta(hours=1)  # a flood of her messages costs one answer an hour
REFUSAL = N_("🚫 This shop can't take your messages.")
RELEASED_WHY = N_("the shop blocked the shopper")


class Blocked(Exception):
    """The shop blocked the person this update comes from: nothing of it is done. Raised where
    her customer row is read (a visit's start, an answer's language); answered once in
    bot.handlers.errors. `told_lately`: she was told within the hour (no write to ask)."""

    def __init__(
        self, customer_id: int, language: str | None, *, told_lately: bool = False
    ) -> None:
        super().__init__(customer_id)
        self.customer_id = customer_id
        self.language = language  # her /language choice, if any
        self.told_lately = told_lately


def refuse_if_blocked(customer: Customer | Known) -> None:
    """Blocked if the shop blocked her, read from the row the caller has already: no
    statement of its own."""
    if customer.blocked_at is None:
        return
    told = customer.blocked_told_at
    lately = told is not None and utcnow() - told < NOTICE_EVERY
    raise Blocked(customer.id, customer.language, told_lately=lately)


class BlockRefused(ShopError):
    """/block, /unblock or a Block button refused."""


class BlockUsage(BlockRefused, ValueError):
    def __init__(self, command: str) -> None:
        super().__init__()
        if command == "unblock":
            self._words(
                N_(
                    "Whom? Send /unblock 1001 (a Telegram id), /unblock @alice (a username) or "
                    "/unblock #7 (the customer of order 7)."
                )
            )
            return
        self._words(
            N_(
                "Whom? Send /block 1001 (a Telegram id), /block @alice or /block #7 (the "
                "customer of order 7), then a reason if you like: /block @alice spams the chat."
            )
        )


class AlreadyBlocked(BlockRefused):
    def __init__(self, who: str, since: datetime) -> None:
        super().__init__()
        self.since = since
        self._words(N_("{who} is blocked already."), who=who)


class NotBlocked(BlockRefused):
    def __init__(self, who: str) -> None:
        super().__init__()
        self._words(N_("{who} is not blocked."), who=who)


class TeamNotBlockable(BlockRefused):
    def __init__(self, who: str) -> None:
        super().__init__()
        self._words(
            N_("{who} is on the shop's team (admin or staff) and cannot be blocked."), who=who
        )


class BadBlockReason(BlockRefused, ValueError):
    def __init__(self, length: int) -> None:
        super().__init__()
        self._words(
            N_("That reason is {length} characters long; a reason is at most {most}."),
            length=length,
            most=MAX_REASON,
        )


@dataclass(frozen=True)
class BlockAsked:
    """/block or /unblock as typed: whom, and the reason (None: none given)."""

    lookup: CustomerLookup
    reason: str | None = None


@dataclass(frozen=True)
class BlockDone:
    """What a block or an unblock did, to tell the admin."""

    customer_id: int
    telegram_id: int
    who: str  # "Mallory (@mallory, 4242)"
    reason: str | None = None
    released: list[ReleasedHold] = field(default_factory=list)


def parse(command: str, text: str) -> BlockAsked:
    """`@mallory spams the chat` after /block (a reason only for /block)."""
    first, _, rest = text.strip().partition(" ")
    try:
        lookup = parse_lookup(first)
    except BadCustomerLookup:
        raise BlockUsage(command) from None
    return BlockAsked(lookup, check_reason(rest) if command == "block" else None)


def check_reason(text: str | None) -> str | None:
    """The reason as kept: None for none (or Skip), BadBlockReason if too long."""
    reason = " ".join((text or "").split())
    if not reason or reason.lower() in ("/skip", "skip"):
        return None
    if len(reason) > MAX_REASON:
        raise BadBlockReason(len(reason))
    return reason


def on_the_team(settings: Settings, telegram_id: int) -> bool:
    return telegram_id in settings.admin_ids or telegram_id in settings.staff_ids


async def whom(uow: UnitOfWork, lookup: CustomerLookup) -> Customer:
    """The customer /customer would show; CustomerNotFound or OrderNotFound if none."""
    customer, _ = await find(uow, lookup)
    return customer


async def block(
    uow: UnitOfWork,
    settings: Settings,
    customer: Customer,
    *,
    by: int,
    actor: str,
    reason: str | None,
    now: datetime,
) -> BlockDone:
    """Block her, release her open invoices' stock and write the audit row, all in `uow`."""
    who = named(customer)
    if on_the_team(settings, customer.telegram_id):
        raise TeamNotBlockable(who)
    await uow.customers.hold(customer.id)  # a second admin's block waits, then reads ours
    await uow.session.refresh(customer)
    if customer.blocked_at is not None or not await uow.customers.block(
        customer.id, by, reason, now
    ):
        await uow.session.refresh(customer)
        raise AlreadyBlocked(who, customer.blocked_at or now)
    released = await release_open_holds(
        uow, customer.id, customer.telegram_id, worded(RELEASED_WHY), actor
    )
    withheld = await uow.support.withhold_questions(customer.id)  # not relayed after all
    details: dict[str, object] = {"actor": actor, "reason": reason}
    if released:
        details["cancelled_orders"] = [hold.order_id for hold in released]
    if withheld:
        details["withheld_questions"] = withheld
    await uow.audit.record(by, "customer.block", f"customer:{customer.telegram_id}", details)
    return BlockDone(customer.id, customer.telegram_id, who, reason, released)


async def unblock(uow: UnitOfWork, customer: Customer, *, by: int, actor: str) -> BlockDone:
    """Lift her block and write the audit row, in `uow`; NotBlocked if there is none."""
    who = named(customer)
    await uow.customers.hold(customer.id)
    if not await uow.customers.unblock(customer.id):
        raise NotBlocked(who)
    target = f"customer:{customer.telegram_id}"
    await uow.audit.record(by, "customer.unblock", target, {"actor": actor})
    return BlockDone(customer.id, customer.telegram_id, who)
