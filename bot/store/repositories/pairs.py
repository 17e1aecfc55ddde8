"""Products bought together: the counts the card's "Often bought with this" reads.

A product card is viewed far more often than an order is paid, so the counting is done when
an order's status moves (OrderRepository.transition, in its transaction): counting order
lines at every view would grow with the shop's orders. Reading a product's top few is then
one walk of ix_product_pairs_top from its start (migration 0038).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.store.models import IN_STOCK, OrderLine, Product, ProductPair
from bot.store.prepared import prepared
from bot.store.repositories.catalog import LISTED_COLUMNS, ListedProduct


def _also_bought(leaving_out: Collection[int] = ()) -> Select[Any]:
    """The pairs' top few on sale and in stock, or a set (its own stock is 0: whether its
    parts make one is asked after, bot.services.catalog.also_bought, leaving out those not)."""
    stmt = (
        select(*LISTED_COLUMNS)
        .select_from(ProductPair)
        .join(Product, Product.id == ProductPair.other_id)
        .where(
            ProductPair.product_id == bindparam("product_id"),
            Product.is_active.is_(True),
            or_(IN_STOCK, Product.bundle.is_not(None)),
        )
        .order_by(ProductPair.orders.desc(), ProductPair.other_id)
        .limit(bindparam("shown"))
    )
    return stmt.where(ProductPair.other_id.not_in(sorted(leaving_out))) if leaving_out else stmt


# Every card in the chat reads it: built once, prepared.
_ALSO_BOUGHT = prepared(_also_bought())


class ProductPairRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def also_bought(
        self, product_id: int, shown: int, *, leaving_out: Collection[int] = ()
    ) -> list[ListedProduct]:
        """Up to `shown` other products on sale and in stock (or sets) that paid orders held
        most often with this one, the most first, ties by id; `leaving_out`: sets found not
        made now (the prepared statement without any)."""
        stmt = _also_bought(leaving_out) if leaving_out else _ALSO_BOUGHT
        rows = await self.session.execute(stmt, {"product_id": product_id, "shown": shown})
        return [ListedProduct(*row) for row in rows]

    async def count_order(self, order_id: int, change: int) -> None:
        """The order became paid (`change` 1) or stopped being so (-1): each two distinct
        products of its lines count it once more (or less), both ways round. A pair left at
        no order loses its row, so the table holds only what some paid order holds."""
        if change > 0:
            await self._add(order_id)
        elif change < 0:
            await self._take(order_id)

    async def _add(self, order_id: int) -> None:
        first, second = aliased(OrderLine), aliased(OrderLine)
        pairs = (
            select(first.product_id, second.product_id, literal(1))
            .distinct()  # a product in two sizes is one product of the order
            .select_from(first)
            .join(
                second,
                and_(second.order_id == first.order_id, second.product_id != first.product_id),
            )
            .where(first.order_id == order_id)
            # One order of rows for every writer, so two orders paid at once on PostgreSQL
            # take the pairs' row locks in the same order and never deadlock.
            .order_by(first.product_id, second.product_id)
        )
        postgresql = self.session.get_bind().dialect.name == "postgresql"
        insert = (postgresql_insert if postgresql else sqlite_insert)(ProductPair)
        statement = insert.from_select(["product_id", "other_id", "orders"], pairs)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[ProductPair.product_id, ProductPair.other_id],
                set_={"orders": ProductPair.orders + statement.excluded.orders},
            )
        )

    async def _take(self, order_id: int) -> None:
        products = select(OrderLine.product_id).where(OrderLine.order_id == order_id)
        of_order = and_(
            ProductPair.product_id.in_(products),
            ProductPair.other_id.in_(products),
        )
        await self.session.execute(
            update(ProductPair)
            .where(of_order)
            .values(orders=ProductPair.orders - 1)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            delete(ProductPair)
            .where(of_order, ProductPair.orders <= 0)
            .execution_options(synchronize_session=False)
        )
