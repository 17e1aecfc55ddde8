"""Promo codes and their redemptions. A code's `uses` moves only by conditional UPDATEs, so
however many checkouts race for its last use, exactly `max_uses` get it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalog_rules import category_key, sku_key
from bot.store.db import rowcount
from bot.store.models import (
    Category,
    Order,
    Product,
    ProductVariant,
    PromoCode,
    PromoRedemption,
)

LIVE = ("held", "used")  # redemptions that count as a use


@dataclass(frozen=True)
class CodeFigures:
    """What a code gave on paid orders: for /stats."""

    code: str
    orders: int
    discount: int


class PromoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, promo: PromoCode) -> PromoCode:
        self.session.add(promo)
        await self.session.flush()
        return promo

    async def get(self, promo_id: int) -> PromoCode | None:
        return await self.session.get(PromoCode, promo_id)

    async def by_code(self, code: str) -> PromoCode | None:
        return await self.session.scalar(select(PromoCode).where(PromoCode.code == code.upper()))

    async def unknown_categories(self, categories: Sequence[str]) -> list[str]:
        """The categories of a code's scope that match nothing in the shop
        (`catalog_rules.category_key`: by title or slug, any case, trimmed)."""
        if not categories:
            return []
        known = {
            category_key(name)
            for title, slug in await self.session.execute(select(Category.title, Category.slug))
            for name in (title, slug)
        }
        return [c for c in categories if category_key(c) not in known]

    async def skus_alike(self, skus: Sequence[str]) -> dict[str, list[str]]:
        """The shop's product and variant SKUs that `sku_key` makes one of `skus`, by that
        key: what `named_sku` chooses among (read from the upper(sku) indexes)."""
        keys = sorted({sku_key(s) for s in skus})
        if not keys:
            return {}
        stored = await self.session.scalars(
            select(Product.sku)
            .where(func.upper(Product.sku).in_(keys))
            .union_all(select(ProductVariant.sku).where(func.upper(ProductVariant.sku).in_(keys)))
        )
        alike: dict[str, list[str]] = {}
        for sku in stored:
            alike.setdefault(sku_key(sku), []).append(sku)
        return alike

    async def list_all(self) -> Sequence[PromoCode]:
        stmt = select(PromoCode).order_by(PromoCode.is_active.desc(), PromoCode.code)
        return (await self.session.scalars(stmt)).all()

    async def categories_of(self, product_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Each product's category as (title, slug), for a code's scope."""
        if not product_ids:
            return {}
        stmt = (
            select(Product.id, Category.title, Category.slug)
            .join(Category, Category.id == Product.category_id)
            .where(Product.id.in_(product_ids))
        )
        return {int(pid): (str(t), str(s)) for pid, t, s in (await self.session.execute(stmt))}

    async def customer_uses(self, promo_id: int, customer_id: int, *, held: bool = True) -> int:
        """This customer's uses of the code: paid, and (`held`) held by open invoices."""
        stmt = select(func.count(PromoRedemption.id)).where(
            PromoRedemption.promo_id == promo_id,
            PromoRedemption.customer_id == customer_id,
            PromoRedemption.status.in_(LIVE if held else ("used",)),
        )
        return int(await self.session.scalar(stmt) or 0)

    async def take_use(self, promo_id: int) -> bool:
        """One more use, if the code is active and not used up: one conditional UPDATE.

        On PostgreSQL the UPDATE also locks the code's row until the transaction ends, so
        the per-customer count read after it sees every other redemption of the code."""
        result = await self.session.execute(
            update(PromoCode)
            .where(
                PromoCode.id == promo_id,
                PromoCode.is_active.is_(True),
                (PromoCode.max_uses.is_(None)) | (PromoCode.uses < PromoCode.max_uses),
            )
            .values(uses=PromoCode.uses + 1)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def force_use(self, promo_id: int) -> None:
        """Count a use for a payment that arrived after its hold (and use) was released: it
        was charged the discounted price. Never past `max_uses` (the CHECK): at the limit,
        the late payment's use is the one not counted."""
        below = PromoCode.max_uses.is_(None) | (PromoCode.uses < PromoCode.max_uses)
        await self.session.execute(
            update(PromoCode)
            .where(PromoCode.id == promo_id)
            .values(uses=case((below, PromoCode.uses + 1), else_=PromoCode.uses))
            .execution_options(synchronize_session=False)
        )

    async def redeem(self, promo_id: int, order_id: int, customer_id: int, discount: int) -> None:
        self.session.add(
            PromoRedemption(
                promo_id=promo_id,
                order_id=order_id,
                customer_id=customer_id,
                status="held",
                discount=discount,
            )
        )
        await self.session.flush()

    async def settle(self, order_id: int, status: str, *, from_status: str = "held") -> int | None:
        """Move the order's redemption (held -> used / released, released -> used); the code's
        id if it moved, None if there was none or someone else moved it first."""
        result = await self.session.execute(
            update(PromoRedemption)
            .where(PromoRedemption.order_id == order_id, PromoRedemption.status == from_status)
            .values(status=status)
            .returning(PromoRedemption.promo_id)
            .execution_options(synchronize_session=False)
        )
        found = result.scalar_one_or_none()
        return int(found) if found is not None else None

    async def give_back_use(self, promo_id: int) -> None:
        await self.session.execute(
            update(PromoCode)
            .where(PromoCode.id == promo_id, PromoCode.uses > 0)
            .values(uses=PromoCode.uses - 1)
            .execution_options(synchronize_session=False)
        )

    async def set_active(self, code: str, active: bool) -> bool:
        result = await self.session.execute(
            update(PromoCode)
            .where(PromoCode.code == code.upper(), PromoCode.is_active.is_(not active))
            .values(is_active=active)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def top_codes(
        self, *, since: datetime, currency: str, not_sold: Sequence[str], limit: int = 5
    ) -> list[CodeFigures]:
        """Codes by the discount they gave on orders paid since `since`, largest first."""
        stmt = (
            select(Order.promo_code, func.count(Order.id), func.sum(Order.discount_total))
            .where(
                Order.promo_code.is_not(None),
                Order.paid_at.is_not(None),
                Order.paid_at >= since,
                Order.currency == currency,
                Order.status.not_in(not_sold),
            )
            .group_by(Order.promo_code)
            .order_by(func.sum(Order.discount_total).desc(), Order.promo_code)
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        return [CodeFigures(str(code), int(n), int(total or 0)) for code, n, total in rows]
