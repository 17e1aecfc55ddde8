"""/block, /unblock, /blocked and the 🚫 Block button: each block and unblock is one
transaction with its audit row (bot.services.blocking has the rules); and the one answer a
blocked person gets, at most once an hour whichever worker handles her."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import permissions
from bot.gift_card_alerts import alert_holds_not_back
from bot.services import blocking
from bot.services.blocking import NOTICE_EVERY, BlockDone, Blocked
from bot.services.errors import CustomerNotFound
from bot.shop import Shop
from bot.store.ids import is_row_id
from bot.store.models import Customer, utcnow
from bot.store.uow import UnitOfWork

PAGE_SIZE = 10  # blocked customers on one /blocked page


@dataclass(frozen=True)
class BlockedRow:
    telegram_id: int
    who: str
    blocked_at: datetime
    blocked_by: int | None
    reason: str | None


@dataclass(frozen=True)
class BlockedPage:
    rows: list[BlockedRow]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


async def block(shop: Shop, by: int, text: str) -> BlockDone:
    """/block WHOM [reason]: BlockRefused, CustomerNotFound or OrderNotFound if not done."""
    asked = blocking.parse("block", text)
    async with shop.store.uow() as uow:
        customer = await blocking.whom(uow, asked.lookup)
        done = await _block(shop, uow, customer, by, asked.reason)
    await alert_holds_not_back(shop, done.released)
    return done


async def block_customer(shop: Shop, by: int, customer_id: int, reason: str | None) -> BlockDone:
    """The 🚫 Block button's answer (its reason, or Skip), by the shop's id for her."""
    async with shop.store.uow() as uow:
        done = await _block(shop, uow, await _by_id(uow, customer_id), by, reason)
    await alert_holds_not_back(shop, done.released)
    return done


async def _block(
    shop: Shop, uow: UnitOfWork, customer: Customer, by: int, reason: str | None
) -> BlockDone:
    actor = permissions.acting(shop.settings, by)
    return await blocking.block(
        uow, shop.settings, customer, by=by, actor=actor, reason=reason, now=utcnow()
    )


async def unblock(shop: Shop, by: int, text: str) -> BlockDone:
    """/unblock WHOM: NotBlocked, CustomerNotFound or OrderNotFound if not done."""
    asked = blocking.parse("unblock", text)
    async with shop.store.uow() as uow:
        customer = await blocking.whom(uow, asked.lookup)
        return await blocking.unblock(
            uow, customer, by=by, actor=permissions.acting(shop.settings, by)
        )


async def unblock_customer(shop: Shop, by: int, customer_id: int) -> BlockDone:
    async with shop.store.uow() as uow:
        customer = await _by_id(uow, customer_id)
        return await blocking.unblock(
            uow, customer, by=by, actor=permissions.acting(shop.settings, by)
        )


async def blockable(shop: Shop, customer_id: int) -> str:
    """Her name, before the 🚫 Block button asks for a reason: refused at once if she is
    gone, blocked already or on the team (a forged or stale button)."""
    async with shop.store.reading() as uow:
        customer = await _by_id(uow, customer_id)
    who = blocking.named(customer)
    if blocking.on_the_team(shop.settings, customer.telegram_id):
        raise blocking.TeamNotBlockable(who)
    if customer.blocked_at is not None:
        raise blocking.AlreadyBlocked(who, customer.blocked_at)
    return who


async def _by_id(uow: UnitOfWork, customer_id: int) -> Customer:
    customer = await uow.customers.get_by_id(customer_id) if is_row_id(customer_id) else None
    if customer is None:
        raise CustomerNotFound(f"#{customer_id}")
    return customer


async def blocked_page(shop: Shop, page: int) -> BlockedPage:
    """/blocked: the blocked, newest block first, PAGE_SIZE a page (a page past the end
    shows the last)."""
    async with shop.store.reading() as uow:
        total = await uow.customers.count_blocked_by_shop()
        last = max(0, -(-total // PAGE_SIZE) - 1)
        page = min(max(page, 0), last)
        found = await uow.customers.blocked_page(page * PAGE_SIZE, PAGE_SIZE)
    rows = [
        BlockedRow(c.telegram_id, blocking.named(c), c.blocked_at, c.blocked_by, c.blocked_reason)
        for c in found
        if c.blocked_at is not None
    ]
    return BlockedPage(rows, page, total)


async def tell_now(shop: Shop, refused: Blocked) -> bool:
    """Whether her refused message is answered: once an hour at most, across workers (a
    conditional UPDATE of her row; none at all while the row says she was told lately)."""
    if refused.told_lately:
        return False
    async with shop.store.uow() as uow:
        return await uow.customers.claim_block_notice(refused.customer_id, utcnow(), NOTICE_EVERY)


async def is_blocked(shop: Shop, telegram_id: int) -> bool:
    """For an inline query, which has no visit to read her row: one indexed read."""
    async with shop.store.reading() as uow:
        return await uow.customers.is_blocked(telegram_id)
