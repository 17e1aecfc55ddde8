"""/sale: a category put on sale, or its sale ended, after a preview; the sales running; and
the job that ends the sales whose end date has passed. Each function is one unit of work
(the job: one per category); the rules and the audit are the service's
(bot.services.category_sale). Shoppers who saved a product it makes cheaper hear of it from
the price-drop job (bot.usecases.price_drops), paced like every bulk send, as after a /price.

The job runs on every worker (bot.handlers.admin.category_sale): the worker whose DELETE
takes a sale's `category_sales` row ends it, in the transaction that puts its prices back,
so every other run finds nothing, also after a restart. The admins hear of it after the
commit: a crash between the two loses the alert rather than sending it twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

from bot.services import category_sale as sale
from bot.services.admin_catalog import wrong
from bot.services.category_sale import EndDatePlan, SalePlan
from bot.shop import Shop
from bot.store.models import utcnow
from bot.store.repositories.category_sales import RunningSale
from bot.texts import category_sale as texts

log = logging.getLogger(__name__)


async def preview(
    shop: Shop, args: Sequence[str], *, now: datetime | None = None
) -> SalePlan | EndDatePlan:
    """What `/sale ...` would do (a sale started or ended, or a running sale's end date
    changed), changing nothing; AdminInputError for what it cannot do (an until= day not
    on the shop's calendar, or already past)."""
    request = sale.parse_request(args, shop.settings.zone, now or utcnow())
    async with shop.store.reading() as uow:
        if isinstance(request, sale.EndDateRequest):
            return await sale.plan_end_date(uow, request)
        return await sale.plan(uow, request)


def _moment(ends: int) -> datetime | None:
    """A button's end (Unix seconds; 0: none); StalePreview for one no preview makes."""
    try:
        return datetime.fromtimestamp(ends, UTC) if ends else None
    except (ValueError, OverflowError, OSError):  # forged
        raise sale.StalePreview(wrong(sale.SALE_USAGE).args[0]) from None


async def confirm(
    shop: Shop, admin_id: int, category_id: int, percent: int, fingerprint: int, ends: int = 0
) -> SalePlan:
    """The previewed sale, or its end (percent 0), in one transaction; `ends`: when it ends
    by itself, in Unix seconds (0: never)."""
    ends_at = _moment(ends)
    async with shop.store.uow() as uow:
        return await sale.apply(
            uow, category_id, percent, fingerprint, actor=admin_id, ends_at=ends_at, now=utcnow()
        )


async def confirm_end_date(
    shop: Shop, admin_id: int, category_id: int, fingerprint: int, ends: int
) -> EndDatePlan:
    """The previewed end date of a running sale (`ends` in Unix seconds; 0: none), in one
    transaction."""
    ends_at = _moment(ends)
    async with shop.store.uow() as uow:
        return await sale.change_end_date(
            uow, category_id, fingerprint, ends_at, actor=admin_id, now=utcnow()
        )


async def running(shop: Shop) -> list[RunningSale]:
    """The categories on sale by /sale, for /sale alone."""
    async with shop.store.reading() as uow:
        return await uow.category_sales.running()


async def end_due(shop: Shop, *, now: datetime | None = None) -> int:
    """Job: end every sale whose end date has passed and that no worker took yet, telling the
    admins of each; how many this run ended."""
    now = now or utcnow()
    async with shop.store.reading() as uow:  # the usual answer: none due
        due = await uow.category_sales.due(now)
    ended = 0
    for category_id in due:
        async with shop.store.uow() as uow:
            done = await sale.end_as_planned(uow, category_id, now)
        if done is None:  # another worker, or an admin by hand, a moment ago
            continue
        ended += 1
        log.info("sale of %s ended as planned: %s products back", done.category, done.products)
        await shop.alert_admins(partial(texts.ended_as_planned, plan=done))
    return ended
