"""Carts and their lines; one cart per customer, kept in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.store.db import Writer, insert_or_ignore, rowcount
from bot.store.models import Cart, CartLine, Customer, Order, utcnow

# Built once: these run on nearly every update, and building a statement costs more than
# running it (see README "Benchmarks").
_CART_WITH_LINES = (
    select(Cart)
    .where(Cart.customer_id == bindparam("customer_id"))
    .options(joinedload(Cart.lines).joinedload(CartLine.product))
    .execution_options(populate_existing=True)
)
_COUNTS = (
    select(
        func.coalesce(
            func.sum(
                case((CartLine.product_id == bindparam("product_id"), CartLine.quantity), else_=0)
            ),
            0,
        ),
        func.coalesce(func.sum(CartLine.quantity), 0),
    )
    .join(Cart, Cart.id == CartLine.cart_id)
    .where(Cart.customer_id == bindparam("customer_id"))
)


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

    async def counts(self, customer_id: int, product_id: int) -> tuple[int, int]:
        """Units of `product_id` in the customer's cart, and units of everything."""
        found = await self.session.execute(
            _COUNTS, {"customer_id": customer_id, "product_id": product_id}
        )
        row = found.one()
        return int(row[0]), int(row[1])

    async def set_line(
        self,
        customer_id: int,
        product_id: int,
        was: int,
        now: int,
        *,
        quoted_price: int | None = None,
    ) -> bool:
        """Move a line from `was` units to `now` (0: no line) if it still holds `was`: a
        compare-and-set, so a change computed from an older read is refused (False). The line
        is quoted at `quoted_price` (the price the shopper was shown) when one is given.
        The cart counts as changed now (its reminder, if any, is for this change)."""
        if not await self._set_line(customer_id, product_id, was, now, quoted_price):
            return False
        return await self._changed(customer_id)

    async def _set_line(
        self, customer_id: int, product_id: int, was: int, now: int, quoted_price: int | None
    ) -> bool:
        line = (CartLine.cart_id == _cart_of(customer_id)) & (CartLine.product_id == product_id)
        if was == 0:
            await self._write(
                insert_or_ignore(self.session, Cart).values(
                    customer_id=customer_id, updated_at=utcnow()
                ),
                rows=None,
            )
            return await self._write(
                insert_or_ignore(self.session, CartLine).from_select(
                    ["cart_id", "product_id", "quantity", "quoted_price", "added_at"],
                    select(
                        Cart.id,
                        literal(product_id),
                        literal(now),
                        literal(quoted_price, _PRICE),
                        literal(utcnow(), _STAMP),
                    ).where(Cart.customer_id == customer_id),
                )
            )
        if now == 0:
            return await self._write(delete(CartLine).where(line, CartLine.quantity == was))
        quote = {} if quoted_price is None else {"quoted_price": quoted_price}
        return await self._write(
            update(CartLine)
            .where(line, CartLine.quantity == was)
            .values(quantity=now, **quote)
            .execution_options(synchronize_session=False)
        )

    async def empty(self, customer_id: int) -> None:
        """Remove every line of the customer's cart."""
        await self._write(
            delete(CartLine).where(CartLine.cart_id == _cart_of(customer_id)), rows=None
        )
        await self._changed(customer_id)

    async def _changed(self, customer_id: int) -> bool:
        """The shopper changed the cart just now."""
        return await self._write(
            update(Cart)
            .where(Cart.customer_id == customer_id)
            .values(changed_at=utcnow())
            .execution_options(synchronize_session=False),
            rows=None,
        )

    # -- cart reminders: one per change of a cart left alone (bot.usecases.reminders) --

    async def due_for_reminder(self, cutoff: datetime, limit: int = 100) -> Sequence[int]:
        """Carts to remind of: items in them, last changed by the shopper before `cutoff`,
        not reminded of since that change, whose shopper takes reminders, has not blocked
        the bot, is not paying an invoice and has not paid since the change. Oldest first."""
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
            .options(joinedload(Cart.lines).joinedload(CartLine.product))
        )
        return found.unique().first()

    async def set_quantity(
        self, cart: Cart, product_id: int, quantity: int, *, quoted_price: int | None = None
    ) -> None:
        """Set a line's quantity (and, if given, the price quoted for it); zero removes it."""
        line = next((ln for ln in cart.lines if ln.product_id == product_id), None)
        if quantity <= 0:
            if line is not None:
                cart.lines.remove(line)
        elif line is None:
            cart.lines.append(
                CartLine(
                    cart_id=cart.id,
                    product_id=product_id,
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
_STAMP = CartLine.__table__.c.added_at.type
_PRICE = CartLine.__table__.c.quoted_price.type


def _cart_of(customer_id: int) -> Any:
    return select(Cart.id).where(Cart.customer_id == customer_id).scalar_subquery()
