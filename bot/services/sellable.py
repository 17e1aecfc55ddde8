"""What is sold on a line: a product, or one of its variants. The one place that answers a
line's SKU, label, price, stock and photo, so carts, orders, invoices and receipts agree.

A product without options is sold as itself (variant id 0); a product with options is sold
only as its variants, each with its own SKU and stock, and its own price and photo when it
has them (else the product's). A variant is named "Organic Tee - M / Oat".
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.models import Product, ProductVariant


@dataclass(frozen=True, slots=True)
class Unit:
    product_id: int
    variant_id: int  # 0: the product itself
    sku: str
    title: str  # the product's title, with the variant's values when it is one
    price: int
    currency: str
    available: int
    is_active: bool
    is_digital: bool
    photo: str


def variant_title(title: str, label: str) -> str:
    """ "Organic Tee - M / Oat"."""
    return f"{title} - {label}" if label else title


def unit_of(product: Product, variant: ProductVariant | None = None) -> Unit:
    """The unit sold: `variant` of `product`, or the product itself when None."""
    if variant is None:
        return Unit(
            product.id,
            0,
            product.sku,
            product.title,
            product.price,
            product.currency,
            product.available,
            product.is_active,
            product.is_digital,
            product.photo,
        )
    return Unit(
        product.id,
        variant.id,
        variant.sku,
        variant_title(product.title, variant.label),
        product.price if variant.price is None else variant.price,
        product.currency,
        variant.available,
        product.is_active,
        product.is_digital,
        variant.photo or product.photo,
    )
