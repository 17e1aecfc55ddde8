"""What the chat should show next, as plain data: the journey decides, bot/views renders.

Every screen may carry a `notice`: one short sentence about what just happened ("Added to
cart", "Only 2 left"). Views show it at the top of the message and as the button's toast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.services.cart import CartView
from bot.services.catalog import CategoryItem, ProductCard, ProductPage
from bot.services.checkout import CheckoutReview
from bot.services.order_history import OrderView


@dataclass(frozen=True, kw_only=True)
class Screen:
    notice: str | None = None


@dataclass(frozen=True, kw_only=True)
class MenuScreen(Screen):
    first_name: str = ""
    welcome: bool = False


@dataclass(frozen=True, kw_only=True)
class HelpScreen(Screen):
    pass


@dataclass(frozen=True, kw_only=True)
class SearchHintScreen(Screen):
    """What to type to search (also the answer to a bare /search)."""


@dataclass(frozen=True, kw_only=True)
class NotUnderstoodScreen(Screen):
    """Plain text that is neither a phrase we know nor words of a product."""

    text: str


@dataclass(frozen=True, kw_only=True)
class CategoriesScreen(Screen):
    categories: tuple[CategoryItem, ...]


@dataclass(frozen=True, kw_only=True)
class ListScreen(Screen):
    """A page of products: a category (`listing["kind"] == "c"`) or a search ("s")."""

    page: ProductPage
    listing: dict[str, Any]

    @property
    def is_search(self) -> bool:
        return self.listing.get("kind") == "s"


@dataclass(frozen=True, kw_only=True)
class ProductScreen(Screen):
    card: ProductCard
    quantity: int
    in_cart: int
    cart_items: int
    low_stock_threshold: int
    same_media: bool = False  # the photo on screen is already this product's


@dataclass(frozen=True, kw_only=True)
class CartScreen(Screen):
    cart: CartView


@dataclass(frozen=True, kw_only=True)
class CheckoutScreen(Screen):
    """The verified order summary (with a Pay button), or the changes to confirm."""

    review: CheckoutReview
    proceed: bool = False  # the summary was verified again just now: hand over to payment


@dataclass(frozen=True, kw_only=True)
class PaymentWaitingScreen(Screen):
    """An invoice is open in the chat."""


@dataclass(frozen=True, kw_only=True)
class OrdersScreen(Screen):
    orders: tuple[OrderView, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class OrderScreen(Screen):
    order: OrderView
