"""Customers: the Telegram users who talk to the shop."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.store.db import Writer
from bot.store.models import Cart, CartLine, ChatState, Customer, Order, utcnow
from bot.store.prepared import prepared

SEEN_RESOLUTION = timedelta(hours=1)
"""`last_seen_at` is kept to this precision, so an ordinary update writes nothing."""
FORGOTTEN_NAME = "deleted"
"""A customer's name once she deleted her data (/privacy), until she writes again."""


FRESH_SETTINGS: dict[str, bool] = {
    "cart_reminders": True,
    "price_drop_alerts": True,
    "morning_report": True,
}
"""The notice settings a new customer has, and one who deleted her data gets again."""

# A broadcast's segments of customers (bot.services.broadcast_plan names them to the admin).
EVERYONE = "all"
BOUGHT_LATELY = "buyers"  # paid for an order within BOUGHT_WITHIN
NEVER_BOUGHT = "new"  # never paid for an order
IN_CART = "cart"  # has something in her cart
SEGMENTS = (EVERYONE, BOUGHT_LATELY, NEVER_BOUGHT, IN_CART)
BOUGHT_WITHIN = timedelta(days=90)


def still_forgotten(customer: Customer | Known) -> bool:
    """Her data was deleted and she has not written since (a visit takes her name in again)."""
    return customer.forgotten_at is not None and customer.first_name == FORGOTTEN_NAME


def not_forgotten() -> ColumnElement[bool]:
    """`still_forgotten` in SQL, negated: customers who kept their data or wrote since."""
    return or_(Customer.forgotten_at.is_(None), Customer.first_name != FORGOTTEN_NAME)


def notice_settings(customer: Customer) -> dict[str, bool]:
    """Her notice settings as they read now: a new customer's for one writing again after
    deleting her data, even before the visit that brings her back writes them (a reading
    visit writes at its end)."""
    if still_forgotten(customer):
        return dict(FRESH_SETTINGS)
    return {name: bool(getattr(customer, name)) for name in FRESH_SETTINGS}


class Known(NamedTuple):
    """What a visit needs of a customer it knows: a plain row, since building the ORM
    object (and the chat's) cost two thirds of the read that starts every visit (profiled:
    160 -> 58 µs for a visit's unit of work with it on this machine)."""

    id: int
    first_name: str
    username: str | None
    language_code: str | None
    language: str | None
    blocked_bot: bool
    last_seen_at: datetime
    forgotten_at: datetime | None
    blocked_at: datetime | None  # the shop blocked her (/block): the visit is refused
    blocked_told_at: datetime | None  # when she was last told so


class SavedChat(NamedTuple):
    """A chat's saved state, as the conversation engine reads it."""

    state: str
    data: dict[str, Any]
    version: int


_customer, _chat = Customer.__table__.c, ChatState.__table__.c
_WITH_CHAT = prepared(  # it starts every visit
    select(*(_customer[name] for name in Known._fields), _chat.state, _chat.data, _chat.version)
    .select_from(
        Customer.__table__.outerjoin(ChatState.__table__, _chat.chat_id == bindparam("chat_id"))
    )
    .where(_customer.telegram_id == bindparam("telegram_id"))
)
_CHAT = prepared(
    select(_chat.state, _chat.data, _chat.version).where(_chat.chat_id == bindparam("chat_id"))
)


def audience_ids(
    segment: str = EVERYONE,
    *,
    speaking: Iterable[tuple[str | None, str | None]] | None = None,
    now: datetime | None = None,
    reachable: bool = False,
    after: int = 0,
    joined_by: datetime | None = None,
) -> Select[int]:
    """The ids of a broadcast's audience, to list in SQL (none comes through Python): the
    customers of `segment`, or of those whose (/language choice, Telegram language) is one of
    `speaking` (the groups of `count_by_language` that read a language, so the rule for it
    stays in bot.i18n.choose); those who blocked the bot too unless `reachable`. The rest of
    one started before broadcasts were listed (migration 0060): after customer id `after`,
    customers by `joined_by`, its start."""
    clauses = [Customer.id > after, *_of_segment(segment, now or utcnow())]
    if reachable:
        clauses.append(Customer.blocked_bot.is_(False))
    if joined_by is not None:
        clauses.append(Customer.created_at <= joined_by)
    if speaking is not None:
        pairs = [
            and_(_is(Customer.language, chosen), _is(Customer.language_code, telegram))
            for chosen, telegram in speaking
        ]
        clauses.append(or_(false(), *pairs))
    return select(Customer.id).where(*clauses)


class CustomerRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def get_by_id(self, customer_id: int) -> Customer | None:
        return await self.session.get(Customer, customer_id)

    async def get_by_telegram_id(self, telegram_id: int) -> Customer | None:
        return await self.session.scalar(
            select(Customer).where(Customer.telegram_id == telegram_id)
        )

    async def with_username(self, username: str) -> Sequence[Customer]:
        """The customers whose stored username is `username` in any case, the most recently
        seen first. Telegram gives a username to one user at a time, but a stored one may be
        stale: she gave it up and someone else took it (ix_customers_username_lower)."""
        stmt = (
            select(Customer)
            .where(func.lower(Customer.username) == username.lower())
            .order_by(Customer.last_seen_at.desc(), Customer.id.desc())
        )
        return (await self.session.scalars(stmt)).all()

    async def get_or_create(
        self,
        telegram_id: int,
        *,
        first_name: str = "",
        username: str | None = None,
        language_code: str | None = None,
    ) -> Customer:
        """The customer for this Telegram user, created on first contact and refreshed after."""
        customer = await self.get_by_telegram_id(telegram_id)
        if customer is None:
            customer = Customer(
                telegram_id=telegram_id,
                first_name=first_name,
                username=username,
                language_code=language_code,
            )
            self.session.add(customer)
            await self.session.flush()
            return customer
        refresh(customer, first_name=first_name, username=username, language_code=language_code)
        return customer

    async def with_chat(
        self, telegram_id: int, chat_id: int
    ) -> tuple[Known | None, SavedChat | None]:
        """The customer and their chat's saved state, in one query (the start of every visit)."""
        found = await self.session.execute(
            _WITH_CHAT, {"telegram_id": telegram_id, "chat_id": chat_id}
        )
        row = found.first()
        if row is None:
            chat = (await self.session.execute(_CHAT, {"chat_id": chat_id})).first()
            return None, None if chat is None else SavedChat(*chat)
        known, saved = Known(*row[: len(Known._fields)]), row[len(Known._fields) :]
        return known, None if saved[0] is None else SavedChat(*saved)

    async def hold(self, customer_id: int) -> None:
        """Hold the customer until the transaction ends: another transaction holding them
        waits, and then reads what this one committed (on SQLite every writing transaction
        holds the one writer already). NO KEY UPDATE: rows that merely refer to the customer
        (an order, a cart) can still be written meanwhile."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                select(Customer.id)
                .where(Customer.id == customer_id)
                .with_for_update(key_share=True)
            )

    async def take_in(self, customer_id: int, changes: dict[str, object]) -> None:
        """Write what Telegram says about the customer now (`changes_for`); kept with a
        reading visit's other writes."""
        await self._write(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(**changes)
            .execution_options(synchronize_session=False),
            rows=None,
        )

    async def mark_blocked(self, telegram_id: int, blocked: bool = True) -> None:
        await self.session.execute(
            update(Customer).where(Customer.telegram_id == telegram_id).values(blocked_bot=blocked)
        )

    async def block(self, customer_id: int, by: int, reason: str | None, now: datetime) -> bool:
        """Block her unless she is blocked already (one conditional UPDATE: of two admins
        blocking her at once, one does it); whether this did."""
        done = await self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id, Customer.blocked_at.is_(None))
            .values(blocked_at=now, blocked_reason=reason, blocked_by=by, blocked_told_at=None)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))

    async def unblock(self, customer_id: int) -> bool:
        """Lift her block unless there is none; whether this did."""
        done = await self.session.execute(
            update(Customer)
            .where(Customer.id == customer_id, Customer.blocked_at.is_not(None))
            .values(blocked_at=None, blocked_reason=None, blocked_by=None, blocked_told_at=None)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))

    async def claim_block_notice(self, customer_id: int, now: datetime, every: timedelta) -> bool:
        """Whether she is to be told she is blocked now: at most once per `every`, whichever
        worker asks (one conditional UPDATE: the one whose UPDATE changed the row tells)."""
        done = await self.session.execute(
            update(Customer)
            .where(
                Customer.id == customer_id,
                Customer.blocked_at.is_not(None),
                or_(Customer.blocked_told_at.is_(None), Customer.blocked_told_at <= now - every),
            )
            .values(blocked_told_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(done, "rowcount", 0))

    async def blocked_page(self, offset: int, limit: int) -> Sequence[Customer]:
        """The blocked, newest block first (ix_customers_blocked_at)."""
        stmt = (
            select(Customer)
            .where(Customer.blocked_at.is_not(None))
            .order_by(Customer.blocked_at.desc(), Customer.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def count_blocked_by_shop(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(Customer).where(Customer.blocked_at.is_not(None))
            )
            or 0
        )

    async def is_blocked(self, telegram_id: int) -> bool:
        """Whether the shop blocked this Telegram user (an inline query, which has no visit)."""
        found = await self.session.scalar(
            select(Customer.blocked_at).where(Customer.telegram_id == telegram_id)
        )
        return found is not None

    async def set_language(self, customer_id: int, language: str | None) -> None:
        """The shopper's choice of language (/language); None: follow Telegram's."""
        await self._write(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(language=language)
            .execution_options(synchronize_session=False),
            rows=None,
        )

    async def set_cart_reminders(self, customer_id: int, on: bool) -> None:
        """The shopper's choice about cart reminders (/settings, or the reminder's button)."""
        await self._set_choice(customer_id, cart_reminders=on)

    async def set_price_drop_alerts(self, customer_id: int, on: bool) -> None:
        """The shopper's choice about price-drop alerts for what she saved (/settings)."""
        await self._set_choice(customer_id, price_drop_alerts=on)

    async def set_morning_report(self, customer_id: int, on: bool) -> None:
        """An admin's choice about the morning report of yesterday's figures (/settings)."""
        await self._set_choice(customer_id, morning_report=on)

    async def without_morning_report(self, telegram_ids: Iterable[int]) -> set[int]:
        """Those of `telegram_ids` who turned the morning report off (one read for all)."""
        rows = await self.session.scalars(
            select(Customer.telegram_id).where(
                Customer.telegram_id.in_(list(telegram_ids)), Customer.morning_report.is_(False)
            )
        )
        return set(rows)

    async def _set_choice(self, customer_id: int, **choice: bool) -> None:
        await self._write(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(**choice)
            .execution_options(synchronize_session=False),
            rows=None,
        )

    async def count_blocked(self, segment: str = EVERYONE, *, now: datetime | None = None) -> int:
        """How many customers of `segment` are known to have blocked the bot (a broadcast
        skips them)."""
        stmt = (
            select(func.count())
            .select_from(Customer)
            .where(Customer.blocked_bot.is_(True), *_of_segment(segment, now or utcnow()))
        )
        return int(await self.session.scalar(stmt) or 0)

    async def count_reachable(self, segment: str = EVERYONE, *, now: datetime | None = None) -> int:
        """How many customers of `segment` a broadcast would reach now."""
        stmt = (
            select(func.count())
            .select_from(Customer)
            .where(Customer.blocked_bot.is_(False), *_of_segment(segment, now or utcnow()))
        )
        return int(await self.session.scalar(stmt) or 0)

    async def count_by_language(
        self, *, blocked: bool | None = False
    ) -> list[tuple[str | None, str | None, int]]:
        """How many customers a broadcast may reach (or, `blocked`, knows blocked the bot;
        None: both) by (/language choice, Telegram language): a few hundred groups at most,
        summed by the reader's language with bot.i18n.choose, the one rule for it."""
        clauses = _of_segment(EVERYONE, utcnow())
        if blocked is not None:
            clauses.append(Customer.blocked_bot.is_(blocked))
        stmt = (
            select(Customer.language, Customer.language_code, func.count())
            .where(*clauses)
            .group_by(Customer.language, Customer.language_code)
        )
        return [(row[0], row[1], int(row[2])) for row in (await self.session.execute(stmt)).all()]


def _is(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _of_segment(segment: str, now: datetime) -> list[ColumnElement[bool]]:
    """The customers of a broadcast's `segment` (one who deleted her data and has not written
    since is in none)."""
    clauses = [not_forgotten()]
    paid = select(Order.customer_id).where(Order.paid_at.is_not(None))
    if segment == BOUGHT_LATELY:
        recent = paid.where(Order.paid_at >= now - BOUGHT_WITHIN)
        clauses.append(Customer.id.in_(recent))
    elif segment == NEVER_BOUGHT:
        clauses.append(Customer.id.not_in(paid))
    elif segment == IN_CART:
        carts = select(Cart.customer_id).join(CartLine, CartLine.cart_id == Cart.id)
        clauses.append(Customer.id.in_(carts))
    elif segment != EVERYONE:
        raise ValueError(f"no such segment: {segment!r}")
    return clauses


def refresh(
    customer: Customer,
    *,
    first_name: str = "",
    username: str | None = None,
    language_code: str | None = None,
) -> bool:
    """Take in what Telegram says about the customer now; True if anything is to be written."""
    changes = changes_for(
        customer, first_name=first_name, username=username, language_code=language_code
    )
    for name, value in changes.items():
        setattr(customer, name, value)
    return bool(changes)


def changes_for(
    customer: Customer | Known,
    *,
    first_name: str = "",
    username: str | None = None,
    language_code: str | None = None,
) -> dict[str, object]:
    """What Telegram says about the customer now that we do not have (none: no write).

    They wrote to us, so they have not blocked the bot; `last_seen_at` moves by the hour.
    One who deleted her data and writes again starts afresh: first seen now, the settings
    a new customer has (her old orders stay hers, by id, for the shop's accounts).
    """
    changes: dict[str, object] = {}
    if still_forgotten(customer):
        changes |= {"created_at": utcnow(), **FRESH_SETTINGS}
    if first_name and first_name != customer.first_name:
        changes["first_name"] = first_name
    if username and username != customer.username:
        changes["username"] = username
    if language_code and language_code != customer.language_code:
        changes["language_code"] = language_code
    if customer.blocked_bot:
        changes["blocked_bot"] = False
    now = utcnow()
    if now - customer.last_seen_at >= SEEN_RESOLUTION:
        changes["last_seen_at"] = now
    return changes
