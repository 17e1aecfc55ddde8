"""Check the cart against the shop as it is now, just before the shopper pays.

Between adding to the cart and checking out, prices may change, stock may run low, a product
may be hidden. `review_cart` puts the cart right (lowers or removes lines) and reports each
change so the shopper confirms the new order before paying.

Prices are compared with the prices the shopper was quoted (shown when they added the line),
which the conversation keeps per chat: cart lines themselves do not store a price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.services.cart import CartView, EmptyCart, view_cart
from bot.store.uow import UnitOfWork


class ChangeKind(StrEnum):
    PRICE = "price"  # the price is not what the shopper was quoted
    STOCK = "stock"  # fewer available than in the cart: quantity lowered
    SOLD_OUT = "sold_out"  # nothing available: line removed
    GONE = "gone"  # product hidden from the shop: line removed


@dataclass(frozen=True, slots=True)
class LineChange:
    kind: ChangeKind
    title: str
    currency: str
    before: int  # price (PRICE) or quantity (STOCK, SOLD_OUT, GONE)
    after: int


@dataclass(frozen=True, slots=True)
class CheckoutReview:
    """The cart after verification, what changed, and the prices now quoted."""

    cart: CartView
    changes: tuple[LineChange, ...]
    quotes: dict[int, int] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """Nothing changed and something to pay for."""
        return not self.changes and not self.cart.is_empty


async def review_cart(
    uow: UnitOfWork, customer_id: int, quoted: Mapping[int, int], currency: str
) -> CheckoutReview:
    """Re-verify every line; adjust the cart to what can be sold, and say what changed.

    A line without a quote counts as quoted at today's price. Raises EmptyCart if there is
    nothing to check out.
    """
    before = await view_cart(uow, customer_id, currency)
    if before.is_empty:
        raise EmptyCart()
    cart = await uow.carts.get_for_customer(customer_id)
    changes: list[LineChange] = []
    for line in before.lines:
        if not line.is_active:
            changes.append(LineChange(ChangeKind.GONE, line.title, line.currency, line.quantity, 0))
            await uow.carts.set_quantity(cart, line.product_id, 0)
            continue
        if line.available <= 0:
            changes.append(
                LineChange(ChangeKind.SOLD_OUT, line.title, line.currency, line.quantity, 0)
            )
            await uow.carts.set_quantity(cart, line.product_id, 0)
            continue
        if line.quantity > line.available:
            changes.append(
                LineChange(
                    ChangeKind.STOCK, line.title, line.currency, line.quantity, line.available
                )
            )
            await uow.carts.set_quantity(cart, line.product_id, line.available)
        quote = quoted.get(line.product_id, line.unit_price)
        if quote != line.unit_price:
            changes.append(
                LineChange(ChangeKind.PRICE, line.title, line.currency, quote, line.unit_price)
            )
    after = await view_cart(uow, customer_id, currency)
    quotes = {line.product_id: line.unit_price for line in after.lines}
    return CheckoutReview(after, tuple(changes), quotes)
