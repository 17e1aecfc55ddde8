"""Carts and their lines; one cart per customer, kept in the database."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.store.db import Writer, rowcount
from bot.store.models import Cart, CartLine, Customer, Favourite, Order, OrderLine, utcnow
from bot.store.prepared import prepared

# Built once: these run on nearly every update, and building a statement costs more than
# running it (see README "Benchmarks").
_CART_WITH_LINES = (
    select(Cart)
    .where(Cart.customer_id == bindparam("customer_id"))
    .options(
        joinedload(Cart.lines).joinedload(CartLine.product),
        joinedload(Cart.lines).joinedload(CartLine.variant),
    )
    .execution_options(populate_existing=True)
)
_IN_CART = func.coalesce(
    func.sum(
        case(
            (
                (CartLine.product_id == bindparam("product_id"))
                & (CartLine.variant_id == bindparam("variant_id")),
                CartLine.quantity,
            ),
            else_=0,
        )
    ),
    0,
)
_ITEMS = func.coalesce(func.sum(CartLine.quantity), 0)
# Units of the product in any of its variants: what its per-order limit counts.
_OF_PRODUCT = func.coalesce(
    func.sum(case((CartLine.product_id == bindparam("product_id"), CartLine.quantity), else_=0)),
    0,
)
_PRODUCT_UNITS = prepared(
    select(_OF_PRODUCT)
    .join(Cart, Cart.id == CartLine.cart_id)
    .where(Cart.customer_id == bindparam("customer_id"))
)
_COUNTS = prepared(
    select(_IN_CART, _ITEMS)
    .join(Cart, Cart.id == CartLine.cart_id)
    .where(Cart.customer_id == bindparam("customer_id"))
)
# The same, and whether an order of hers holds stock of the product (any variant): only then
# is what it holds worth a read of its own (bot.services.catalog.as_hers).
_HOLDING = (
    select(OrderLine.id)
    .join(Order, Order.id == OrderLine.order_id)
    .where(
        Order.customer_id == bindparam("customer_id"),
        Order.hold_status == "held",
        OrderLine.product_id == bindparam("product_id"),
    )
    .exists()
)
# ... and whether she saved the product (♡ on its card).
_SAVED = (
    select(Favourite.product_id)
    .where(
        Favourite.customer_id == bindparam("customer_id"),
        Favourite.product_id == bindparam("product_id"),
    )
    .exists()
)
_CARD_COUNTS = prepared(
    select(_IN_CART, _ITEMS, _HOLDING, _SAVED, _OF_PRODUCT)
    .join(Cart, Cart.id == CartLine.cart_id)
    .where(Cart.customer_id == bindparam("customer_id"))
)


class CardCounts(NamedTuple):
    """What a product's card shows of the shopper's own (CartRepository.card_counts)."""

    in_cart: int  # units of the product (that variant) in her cart
    cart_items: int  # units of everything in her cart
    holding: bool  # an order of hers holds stock of the product (any variant)
    saved: bool  # she saved the product (♡)
    of_product: int = 0  # units of the product in any of its variants (its per-order limit)


class CartRepository:
    def __init__(self, session: AsyncSession, write: Writer) -> None:
        self.session = session
        self._write = write

    async def get_for_customer(self, customer_id: int) -> Cart:
        """The customer's cart with its lines and their products loaded (created if missing)."""
        cart = await self.find_for_customer(customer_id)
        if cart is None:
            self.session.add(Cart(customer_id=customer_id))
            await self.session.flush()
            cart = await self.find_for_customer(customer_id)
            assert cart is not None
        return cart

    async def find_for_customer(self, customer_id: int) -> Cart | None:
        """The customer's cart with its lines and their products, in one query; None if the
        customer never had one."""
        found = await self.session.scalars(_CART_WITH_LINES, {"customer_id": customer_id})
        return found.unique().first()

    async def counts(
        self, customer_id: int, product_id: int, variant_id: int = 0
    ) -> tuple[int, int]:
        """Units of `product_id` (that variant of it) in the customer's cart, and units of
        everything."""
        found = await self.session.execute(
            _COUNTS,
            {"customer_id": customer_id, "product_id": product_id, "variant_id": variant_id},
        )
        row = found.one()
        return int(row[0]), int(row[1])

    async def card_counts(
        self, customer_id: int, product_id: int, variant_id: int = 0
    ) -> CardCounts:
        """`counts`, whether an order of the customer's holds stock of `product_id`, and
        whether she saved it: what a product's card needs of her, in one query."""
        found = await self.session.execute(
            _CARD_COUNTS,
            {"customer_id": customer_id, "product_id": product_id, "variant_id": variant_id},
        )
        row = found.one()
        return CardCounts(int(row[0]), int(row[1]), bool(row[2]), bool(row[3]), int(row[4]))

    async def product_units(self, customer_id: int, product_id: int) -> int:
        """Units of `product_id` in the customer's cart, all its variants together: what its
        per-order limit counts (bot.services.cart.limit_room)."""
        found = await self.session.scalar(
            _PRODUCT_UNITS, {"customer_id": customer_id, "product_id": product_id}
        )
        return int(found or 0)

    async def set_line(
        self,
        customer_id: int,
        product_id: int,
        was: int,
        now: int,
        *,
        quoted_price: int | None = None,
        variant: int = 0,
    ) -> bool:
        """Move a line from `was` units to `now` (0: no line) if it still holds `was`: a
        compare-and-set, so a change computed from an older read is refused (False). The line
        is quoted at `quoted_price` (the price the shopper was shown) when one is given.
        The cart counts as changed now (its reminder, if any, is for this change)."""
        moves = _line_moves(self.session.get_bind().dialect.name)
        params = {"of": customer_id, "item": product_id, "kind": variant, "was": was, "now": now}
        if was == 0:
            stamp = {"added": utcnow(), "quote": quoted_price}
            await self._write(moves.new_cart, rows=None, params={**params, "touched": utcnow()})
            moved = await self._write(moves.new_line, params={**params, **stamp})
        elif now == 0:
            moved = await self._write(moves.drop_line, params=params)
        elif quoted_price is None:
            moved = await self._write(moves.set_quantity, params=params)
        else:
            moved = await self._write(moves.set_quoted, params={**params, "quote": quoted_price})
        return moved and await self._changed(customer_id)

    async def empty(self, customer_id: int) -> None:
        """Remove every line of the customer's cart."""
        await self._write(
            delete(CartLine).where(CartLine.cart_id == _cart_of(customer_id)), rows=None
        )
        await self._changed(customer_id)

    async def _changed(self, customer_id: int) -> bool:
        """The shopper changed the cart just now."""
        moves = _line_moves(self.session.get_bind().dialect.name)
        return await self._write(
            moves.touch_cart, rows=None, params={"of": customer_id, "touched": utcnow()}
        )

    # -- cart reminders: one per change of a cart left alone (bot.usecases.reminders) --

    async def due_for_reminder(self, cutoff: datetime, limit: int = 100) -> Sequence[int]:
        """Carts to remind of: items in them, last changed by the shopper before `cutoff`,
        not reminded of since that change, whose shopper takes reminders, has not blocked
        the bot, is not paying an invoice and has not paid since the change. Oldest first.
        Whether anything in them can still be bought is the cart service's rule
        (CartView.buyable), applied to each cart claimed."""
        paid_or_paying = exists(
            select(Order.id).where(
                Order.customer_id == Cart.customer_id,
                or_(Order.paid_at >= Cart.changed_at, Order.hold_status == "held"),
            )
        )
        found = await self.session.scalars(
            select(Cart.id)
            .join(Customer, Customer.id == Cart.customer_id)
            .where(
                _REMINDABLE,
                Cart.changed_at <= cutoff,
                exists(select(CartLine.id).where(CartLine.cart_id == Cart.id)),
                Customer.cart_reminders.is_(True),
                Customer.blocked_bot.is_(False),
                Customer.blocked_at.is_(None),  # the shop blocked her (/block): not told
                ~paid_or_paying,
            )
            .order_by(Cart.changed_at)
            .limit(limit)
        )
        return found.all()

    async def claim_reminder(self, cart_id: int, cutoff: datetime) -> bool:
        """Mark the cart's last change reminded of, once: of two workers, one wins (the other
        finds it reminded, or changed since it looked)."""
        result = await self.session.execute(
            update(Cart)
            .where(Cart.id == cart_id, _REMINDABLE, Cart.changed_at <= cutoff)
            .values(reminded_for=Cart.changed_at)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def get(self, cart_id: int) -> Cart | None:
        """A cart with its lines and their products, by its own id."""
        found = await self.session.scalars(
            select(Cart)
            .where(Cart.id == cart_id)
            .options(
                joinedload(Cart.lines).joinedload(CartLine.product),
                joinedload(Cart.lines).joinedload(CartLine.variant),
            )
        )
        return found.unique().first()

    async def set_quantity(
        self,
        cart: Cart,
        product_id: int,
        quantity: int,
        *,
        quoted_price: int | None = None,
        variant_id: int = 0,
    ) -> None:
        """Set a line's quantity (and, if given, the price quoted for it); zero removes it."""
        key = (product_id, variant_id)
        line = next((ln for ln in cart.lines if (ln.product_id, ln.variant_id) == key), None)
        if quantity <= 0:
            if line is not None:
                cart.lines.remove(line)
        elif line is None:
            cart.lines.append(
                CartLine(
                    cart_id=cart.id,
                    product_id=product_id,
                    variant_id=variant_id,
                    quantity=quantity,
                    quoted_price=quoted_price,
                )
            )
        else:
            line.quantity = quantity
            if quoted_price is not None:
                line.quoted_price = quoted_price
        await self.session.flush()

    async def clear(self, cart: Cart) -> None:
        await self.session.execute(delete(CartLine).where(CartLine.cart_id == cart.id))
        await self.session.flush()
        self.session.expire(cart, ["lines"])


_REMINDABLE = Cart.changed_at.is_not(None) & or_(
    Cart.reminded_for.is_(None), Cart.reminded_for < Cart.changed_at
)


def _cart_of(customer_id: Any) -> Any:
    return select(Cart.id).where(Cart.customer_id == customer_id).scalar_subquery()


@dataclass(frozen=True)
class _LineMoves:
    """The compare-and-set statements of `set_line`, built once per database dialect."""

    new_cart: Any
    new_line: Any
    drop_line: Any
    set_quantity: Any
    set_quoted: Any
    touch_cart: Any


def _table(model: Any) -> Table:
    """The model's table: Core statements with parameters run as one statement, where the
    ORM would take a dict of parameters for a bulk insert."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


@functools.cache
def _line_moves(dialect: str) -> _LineMoves:
    bind = bindparam
    line = (
        (CartLine.cart_id == _cart_of(bind("of")))
        & (CartLine.product_id == bind("item"))
        & (CartLine.variant_id == bind("kind"))
    )
    was = CartLine.quantity == bind("was")
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert  # Core: one row
    columns = CartLine.__table__.c
    # Every value is a parameter (no column default computed at each run): each is prepared.
    return _LineMoves(
        new_cart=prepared(
            insert(_table(Cart))
            .values(customer_id=bind("of"), updated_at=bind("touched"), changed_at=bind("touched"))
            .on_conflict_do_nothing()
        ),
        new_line=prepared(
            insert(_table(CartLine))
            .from_select(
                ["cart_id", "product_id", "variant_id", "quantity", "quoted_price", "added_at"],
                select(
                    Cart.id,
                    bind("item", type_=columns.product_id.type),
                    bind("kind", type_=columns.variant_id.type),
                    bind("now", type_=columns.quantity.type),
                    bind("quote", type_=columns.quoted_price.type),
                    bind("added", type_=columns.added_at.type),
                ).where(Cart.customer_id == bind("of")),
            )
            .on_conflict_do_nothing()
        ),
        drop_line=prepared(delete(CartLine).where(line, was)),
        set_quantity=prepared(
            update(CartLine)
            .where(line, was)
            .values(quantity=bind("now"))
            .execution_options(synchronize_session=False)
        ),
        set_quoted=prepared(
            update(CartLine)
            .where(line, was)
            .values(quantity=bind("now"), quoted_price=bind("quote"))
            .execution_options(synchronize_session=False)
        ),
        touch_cart=prepared(
            update(_table(Cart))
            .where(Cart.customer_id == bind("of"))
            .values(changed_at=bind("touched"), updated_at=bind("touched"))
        ),
    )
