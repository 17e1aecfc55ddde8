"""Carts and their lines; one cart per customer, kept in the database."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.store.models import Cart, CartLine


class CartRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_for_customer(self, customer_id: int) -> Cart:
        """The customer's cart with its lines and their products loaded (created if missing)."""
        stmt = (
            select(Cart)
            .where(Cart.customer_id == customer_id)
            .options(selectinload(Cart.lines).selectinload(CartLine.product))
            .execution_options(populate_existing=True)
        )
        cart = await self.session.scalar(stmt)
        if cart is None:
            self.session.add(Cart(customer_id=customer_id))
            await self.session.flush()
            cart = await self.session.scalar(stmt)
            assert cart is not None
        return cart

    async def set_quantity(self, cart: Cart, product_id: int, quantity: int) -> None:
        """Set a line's quantity; zero or less removes the line."""
        line = next((ln for ln in cart.lines if ln.product_id == product_id), None)
        if quantity <= 0:
            if line is not None:
                cart.lines.remove(line)
        elif line is None:
            cart.lines.append(CartLine(cart_id=cart.id, product_id=product_id, quantity=quantity))
        else:
            line.quantity = quantity
        await self.session.flush()

    async def clear(self, cart: Cart) -> None:
        await self.session.execute(delete(CartLine).where(CartLine.cart_id == cart.id))
        await self.session.flush()
        self.session.expire(cart, ["lines"])
