"""The admin's promo codes (/promo): list, create in one line, end. Every change is one unit
of work with its audit entry (who, what, when)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from bot import i18n
from bot.clipping import echo
from bot.services import promos
from bot.services.promos import PromoInputError, nothing_created, parse_new, shop_problems
from bot.shop import Shop
from bot.store.models import PromoCode, utcnow


@dataclass(frozen=True)
class PromoRow:
    """One code as the admin's list shows it."""

    promo_id: int
    code: str
    label: str
    uses: int
    max_uses: int | None
    per_customer: int | None
    min_order: int
    currency: str
    starts_at: datetime | None
    ends_at: datetime | None
    state: str
    zone: tzinfo = UTC  # the shop's clock (SHOP_TIMEZONE), which the moments are shown on

    @classmethod
    def of(cls, promo: PromoCode, now: datetime) -> PromoRow:
        """`now` on the shop's clock (Settings.now()): the row's moments are on it too."""
        zone = now.tzinfo
        return cls(
            promo.id,
            promo.code,
            promos.describe(promo),
            promo.uses,
            promo.max_uses,
            promo.per_customer,
            promo.min_order,
            promo.currency,
            promo.starts_at.astimezone(zone) if promo.starts_at else None,
            promo.ends_at.astimezone(zone) if promo.ends_at else None,
            promos.state_of(promo, now),
            zone or UTC,
        )


async def list_codes(shop: Shop, now: datetime | None = None) -> list[PromoRow]:
    async with shop.store.reading() as uow:
        now = now or shop.settings.now()
        return [PromoRow.of(p, now) for p in await uow.promos.list_all()]


async def create(shop: Shop, admin_id: int, args: Sequence[str]) -> PromoRow:
    """/promo new CODE 10% [options]; PromoInputError naming every problem, or a taken code."""
    draft = parse_new(args, shop.settings.currency, shop.settings.zone)
    async with shop.store.uow() as uow:
        problems = await shop_problems(uow, draft, utcnow())
        if problems:
            raise nothing_created(problems)
        if await uow.promos.by_code(draft.code) is not None:
            raise PromoInputError(
                i18n.current()._(
                    "The code {code} exists already. End it with /promo off {code} "
                    "or choose another code.",
                    code=draft.code,
                )
            )
        promo = await uow.promos.add(draft.to_model())
        row = PromoRow.of(promo, shop.settings.now())
        details = {
            "label": row.label,
            "min": draft.min_order,
            "uses": draft.max_uses,
            "per": draft.per_customer,
            "from": draft.starts_at.isoformat() if draft.starts_at else None,
            "until": draft.ends_at.isoformat() if draft.ends_at else None,
        }
        await uow.audit.record(admin_id, "promo.create", draft.code, details)
    return row


async def end(shop: Shop, admin_id: int, code: str | None = None, promo_id: int = 0) -> str:
    """End a code (by its text or its id): shoppers can no longer use it; holds already
    taken stay. The code's name; PromoInputError if there is no such active code."""
    async with shop.store.uow() as uow:
        promo = await uow.promos.by_code(code) if code else await uow.promos.get(promo_id)
        if promo is None:
            shown = echo((code or "").upper())
            raise PromoInputError(
                i18n.current()._("There is no code {code}. See /promo.", code=shown)
            )
        if not await uow.promos.set_active(promo.code, False):
            raise PromoInputError(
                i18n.current()._("The code {code} has already ended.", code=promo.code)
            )
        await uow.audit.record(admin_id, "promo.end", promo.code, {"uses": promo.uses})
        return promo.code
