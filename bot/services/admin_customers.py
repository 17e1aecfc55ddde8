"""What an admin reads about one customer (/customer): who she is, her cart, what she spent
and her newest orders. Read only: a lookup writes nothing, not even an audit row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.clipping import echo
from bot.services.admin_orders import OrderRow, order_row
from bot.services.cart import view_cart
from bot.services.errors import BadCustomerLookup, CustomerNotFound, OrderNotFound
from bot.store.ids import is_row_id
from bot.store.models import Customer
from bot.store.uow import UnitOfWork

NEWEST = 5  # orders shown as buttons on her screen; the rest are a page away
MAX_TELEGRAM_ID = 2**63 - 1  # a BIGINT: a bigger number is nobody, never asked of the db

_TELEGRAM_ID = re.compile(r"[0-9]{1,19}")
_ORDER = re.compile(r"#([0-9]{1,12})")
_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{0,31})")  # Telegram's: ASCII, 5-32 today


@dataclass(frozen=True)
class CustomerLookup:
    """Whom the admin asked for: exactly one of a Telegram id, a username, an order id."""

    telegram_id: int = 0
    username: str = ""
    order_id: int = 0


@dataclass(frozen=True)
class CustomerCard:
    customer_id: int
    telegram_id: int
    first_name: str
    username: str | None
    language: str | None  # chosen with /language
    language_code: str | None  # Telegram's
    first_seen: datetime
    last_seen: datetime
    blocked_bot: bool
    cart_reminders: bool
    cart_lines: int
    cart_total: int
    cart_currency: str
    order_count: int
    spent: dict[str, int]  # paid minus refunded, per currency, in minor units
    newest: list[OrderRow]
    same_username: int = 0  # others whose stored username is hers too (stale); she is newest
    forgotten_at: datetime | None = None  # she deleted her data (/privacy)
    blocked_at: datetime | None = None  # the shop blocked her (/block)
    blocked_reason: str | None = None
    blocked_by: int | None = None
    invited_by: str | None = None  # who invited her (/invite): "Ann (@ann, 1001)"
    invited: int = 0  # friends who came through her invitation link
    invites_rewarded: int = 0  # of them, those whose first order earned her a gift card


def named(customer: Customer) -> str:
    """Her, as the admin's answers name her: "Mallory (@mallory, 4242)"."""
    handle = f"@{customer.username}, " if customer.username else ""
    return f"{echo(customer.first_name or '—')} ({handle}{customer.telegram_id})"


def parse_lookup(text: str) -> CustomerLookup:
    """`1001`, `@alice` / `alice` (any case) or `#7`; BadCustomerLookup otherwise."""
    text = text.strip()
    if not text:
        raise BadCustomerLookup()
    if _TELEGRAM_ID.fullmatch(text):
        return CustomerLookup(telegram_id=int(text))
    if found := _ORDER.fullmatch(text):
        return CustomerLookup(order_id=int(found[1]))
    if found := _USERNAME.fullmatch(text):
        return CustomerLookup(username=found[1])
    raise BadCustomerLookup(repr(echo(text)))


async def look_up(uow: UnitOfWork, lookup: CustomerLookup, currency: str) -> CustomerCard:
    """Her card; CustomerNotFound (or OrderNotFound for `#7`) if nobody is."""
    customer, others = await find(uow, lookup)
    return await card(uow, customer, currency, same_username=others)


async def find(uow: UnitOfWork, lookup: CustomerLookup) -> tuple[Customer, int]:
    """The customer the admin asked for, and how many others had her username before;
    CustomerNotFound (or OrderNotFound for `#7`) if nobody is (/customer, /block)."""
    others = 0
    if lookup.order_id:
        customer_id = (
            await uow.orders.customer_of(lookup.order_id) if is_row_id(lookup.order_id) else None
        )
        if customer_id is None:
            raise OrderNotFound(lookup.order_id)
        customer = await uow.customers.get_by_id(customer_id)
    elif lookup.username:
        named = await uow.customers.with_username(lookup.username)
        customer, others = (named[0], len(named) - 1) if named else (None, 0)
        if customer is None:
            raise CustomerNotFound(f"@{lookup.username}")
    else:
        known = lookup.telegram_id <= MAX_TELEGRAM_ID
        customer = await uow.customers.get_by_telegram_id(lookup.telegram_id) if known else None
        if customer is None:
            raise CustomerNotFound(str(lookup.telegram_id))
    assert customer is not None  # an order's customer is always there (a foreign key)
    return customer, others


async def card_of(uow: UnitOfWork, customer_id: int, currency: str) -> CustomerCard:
    """Her card by the shop's own id (a button's); CustomerNotFound if none."""
    customer = await uow.customers.get_by_id(customer_id) if is_row_id(customer_id) else None
    if customer is None:
        raise CustomerNotFound(f"#{customer_id}")
    return await card(uow, customer, currency)


async def card(
    uow: UnitOfWork, customer: Customer, currency: str, *, same_username: int = 0
) -> CustomerCard:
    """`currency`: the shop's, for an empty cart."""
    cart = await view_cart(uow, customer.id, currency)
    newest = await uow.orders.list_recent(customer_id=customer.id, limit=NEWEST)
    under_way = await uow.refunds.under_way_of([o.id for o in newest])
    inviter = await uow.referrals.inviter_of(customer.id)
    invited = await uow.referrals.counts_of(customer.id)
    return CustomerCard(
        customer_id=customer.id,
        telegram_id=customer.telegram_id,
        first_name=customer.first_name,
        username=customer.username,
        language=customer.language,
        language_code=customer.language_code,
        first_seen=customer.created_at,
        last_seen=customer.last_seen_at,
        blocked_bot=customer.blocked_bot,
        cart_reminders=customer.cart_reminders,
        cart_lines=len(cart.lines),
        cart_total=cart.total,
        cart_currency=cart.currency,
        order_count=await uow.orders.count(customer_id=customer.id),
        spent=await uow.orders.spent_by(customer.id),
        newest=[order_row(o, under_way.get(o.id, 0)) for o in newest],
        same_username=same_username,
        forgotten_at=customer.forgotten_at,
        blocked_at=customer.blocked_at,
        blocked_reason=customer.blocked_reason,
        blocked_by=customer.blocked_by,
        invited_by=named(inviter) if inviter is not None else None,
        invited=invited.joined,
        invites_rewarded=invited.rewarded,
    )
