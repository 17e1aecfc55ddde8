"""The shopper's cart: add, change and remove lines within what is actually available.

Available means stock minus what unpaid invoices hold (Product.available). Every refusal is a
domain error the handlers turn into a clear message; nothing here knows about Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.services.catalog import ProductUnavailable
from bot.store.models import Cart, Product
from bot.store.uow import UnitOfWork


class CartError(Exception):
    """A cart change that cannot be made."""


class OutOfStock(CartError):
    def __init__(self, title: str) -> None:
        super().__init__(f"{title} is out of stock")
        self.title = title


class NotEnoughStock(CartError):
    """More than available was asked for; `in_cart` is what the cart already holds."""

    def __init__(self, title: str, available: int, in_cart: int) -> None:
        super().__init__(f"only {available} of {title} available ({in_cart} in the cart)")
        self.title = title
        self.available = available
        self.in_cart = in_cart


class EmptyCart(CartError):
    def __init__(self) -> None:
        super().__init__("the cart is empty")


class NotInCart(CartError):
    def __init__(self) -> None:
        super().__init__("that product is not in the cart")


@dataclass(frozen=True, slots=True)
class CartLineView:
    product_id: int
    sku: str
    title: str
    unit_price: int
    currency: str
    quantity: int
    available: int
    is_active: bool
    is_digital: bool = False

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class CartView:
    lines: tuple[CartLineView, ...]
    currency: str

    @property
    def total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def needs_shipping(self) -> bool:
        """Anything physical in it: the payment form will ask for an address."""
        return any(not line.is_digital for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def quantity_of(self, product_id: int) -> int:
        return next((ln.quantity for ln in self.lines if ln.product_id == product_id), 0)

    def line(self, product_id: int) -> CartLineView | None:
        return next((ln for ln in self.lines if ln.product_id == product_id), None)

    def with_quantity(self, product_id: int, quantity: int) -> CartView:
        """This cart with one of its lines at `quantity` (0 drops the line)."""
        lines = tuple(
            replace(ln, quantity=quantity) if ln.product_id == product_id else ln
            for ln in self.lines
            if ln.product_id != product_id or quantity > 0
        )
        return CartView(lines, self.currency)


class CartChanged(CartError):
    """The cart changed between reading it and writing the change (another device, say)."""

    def __init__(self) -> None:
        super().__init__("the cart changed meanwhile")


@dataclass(frozen=True, slots=True)
class CartChange:
    """What a change did: the product's title and price now, its new quantity, and how many
    items the cart holds now; `cart` is the whole cart after it, when the change read it."""

    product_id: int
    title: str
    unit_price: int
    quantity: int
    cart_items: int
    cart: CartView | None = None


async def view_cart(uow: UnitOfWork, customer_id: int, currency: str) -> CartView:
    """The cart with current prices; `currency` is the shop's, used when the cart is empty."""
    cart = await uow.carts.find_for_customer(customer_id)
    return _view(cart, currency) if cart is not None else CartView((), currency)


async def counts(uow: UnitOfWork, customer_id: int, product_id: int) -> tuple[int, int]:
    """How many of `product_id` the cart holds, and how many items in all (one query)."""
    return await uow.carts.counts(customer_id, product_id)


# Changes read what they need, decide, and write one compare-and-set on the line
# (CartRepository.set_line): a change decided on an older read is refused, never applied.


async def add_to_cart(
    uow: UnitOfWork, customer_id: int, product_id: int, quantity: int = 1
) -> CartChange:
    """Add `quantity` units (on top of what the cart holds), refused beyond availability."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    product = await _sellable(uow, product_id)
    in_cart, items = await uow.carts.counts(customer_id, product_id)
    if product.available <= 0:
        raise OutOfStock(product.title)
    if in_cart + quantity > product.available:
        raise NotEnoughStock(product.title, product.available, in_cart)
    if not await uow.carts.set_line(customer_id, product_id, in_cart, in_cart + quantity):
        raise CartChanged()
    return CartChange(
        product_id, product.title, product.price, in_cart + quantity, items + quantity
    )


async def set_quantity(
    uow: UnitOfWork, customer_id: int, product_id: int, quantity: int
) -> CartChange:
    """Set a line to `quantity`; zero removes it. Lowering is always allowed."""
    cart = await view_cart(uow, customer_id, "")
    return await _set_line(uow, customer_id, cart, product_id, quantity)


async def change_quantity(
    uow: UnitOfWork, customer_id: int, product_id: int, delta: int
) -> CartChange:
    """+1 / -1 from the cart view; going below one removes the line."""
    cart = await view_cart(uow, customer_id, "")
    return await _set_line(uow, customer_id, cart, product_id, cart.quantity_of(product_id) + delta)


async def remove_line(uow: UnitOfWork, customer_id: int, product_id: int) -> CartChange:
    return await set_quantity(uow, customer_id, product_id, 0)


async def clear_cart(uow: UnitOfWork, customer_id: int) -> None:
    await uow.carts.empty(customer_id)


async def _set_line(
    uow: UnitOfWork, customer_id: int, cart: CartView, product_id: int, quantity: int
) -> CartChange:
    line = cart.line(product_id)
    in_cart = line.quantity if line is not None else 0
    if quantity <= 0:
        if line is None:
            raise NotInCart()
        quantity, title, price = 0, line.title, line.unit_price
    else:
        product = await _sellable(uow, product_id)
        if quantity > in_cart:
            if product.available <= 0:
                raise OutOfStock(product.title)
            if quantity > product.available:
                raise NotEnoughStock(product.title, product.available, in_cart)
        title, price = product.title, product.price
    if not await uow.carts.set_line(customer_id, product_id, in_cart, quantity):
        raise CartChanged()
    items = cart.item_count - in_cart + quantity
    after = cart.with_quantity(product_id, quantity) if line is not None else None
    return CartChange(product_id, title, price, quantity, items, after)


async def _sellable(uow: UnitOfWork, product_id: int) -> Product:
    product = await uow.products.get(product_id)
    if product is None or not product.is_active:
        raise ProductUnavailable(product_id)
    return product


def _view(cart: Cart, currency: str) -> CartView:
    lines = tuple(
        CartLineView(
            product_id=ln.product_id,
            sku=ln.product.sku,
            title=ln.product.title,
            unit_price=ln.product.price,
            currency=ln.product.currency,
            quantity=ln.quantity,
            available=ln.product.available,
            is_active=ln.product.is_active,
            is_digital=ln.product.is_digital,
        )
        for ln in cart.lines
    )
    return CartView(lines, lines[0].currency if lines else currency)
