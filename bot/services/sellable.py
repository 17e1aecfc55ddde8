"""What is sold on a line: a product, or one of its variants. The one place that answers a
line's SKU, label, price, stock and photo, so carts, orders, invoices and receipts agree.

A product without options is sold as itself (variant id 0); a product with options is sold
only as its variants, each with its own SKU and stock, and its own price and photo when it
has them (else the product's). A variant is named "Organic Tee - M / Oat".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.pricing import Tiers, stored_tiers
from bot.store.models import Product, ProductVariant, translated_variant_titles, variant_title

if TYPE_CHECKING:
    from bot.store.repositories.catalog import ProductRepository


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
    product_sku: str  # the product's own SKU (the same as `sku` without a variant)
    translations: dict[str, Any] | None = None  # the title in other languages (not a variant's)
    compare_at: int | None = None  # the regular price while on sale (bot.pricing)
    # At most this many of the product, all its variants together, in one order (None: no
    # limit); the product's own title names it ("at most 2 × Organic Tee").
    max_per_order: int | None = None
    product_title: str = ""
    product_translations: dict[str, Any] | None = None
    tax_rate_bp: int | None = None  # the product's own VAT rate (None: the shop's; bot.tax)
    untaxed: bool = False  # a gift card: a voucher, taxed when spent
    tiers: Tiers = ()  # the product's quantity tiers, its variants counting together


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
            product.sku,
            product.translations,
            product.compare_at_price,
            product.max_per_order,
            product.title,
            product.translations,
            product.tax_rate_bp,
            product.is_gift_card,
            tiers_of(product),
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
        product.sku,
        translated_variant_titles(product.title, product.translations, variant.label),
        variant_compare_at(product, variant),
        product.max_per_order,
        product.title,
        product.translations,
        product.tax_rate_bp,
        product.is_gift_card,
        tiers_of(product),
    )


def tiers_of(product: Product) -> Tiers:
    """The quantity tiers a product sells at: its own, none for a gift card (each card is
    worth the unit price its line paid, so a tier would issue cards worth less)."""
    return () if product.is_gift_card else stored_tiers(product.tiers)


def variant_compare_at(product: Product, variant: ProductVariant) -> int | None:
    """A variant's regular price: its own beside a price of its own, else the product's
    (whose price it sells at)."""
    return product.compare_at_price if variant.price is None else variant.compare_at_price


@dataclass(frozen=True, slots=True)
class StockLine:
    """A unit's stock as admins see it (low-stock alerts, the report): a product without
    variants, or one variant ("Organic Tee - M / Oat")."""

    sku: str
    title: str
    stock: int
    reserved: int
    translations: dict[str, Any] | None = None  # the title in other languages

    @property
    def available(self) -> int:
        return self.stock - self.reserved


def stock_line(product: Product, variant: ProductVariant | None = None) -> StockLine:
    if variant is None:
        return StockLine(
            product.sku, product.title, product.stock, product.reserved, product.translations
        )
    title = variant_title(product.title, variant.label)
    translations = translated_variant_titles(product.title, product.translations, variant.label)
    return StockLine(variant.sku, title, variant.stock, variant.reserved, translations)


async def lowest_stock(
    products: ProductRepository, threshold: int, most: int
) -> tuple[list[StockLine], int]:
    """The shop's `most` units on sale with the fewest available (at most `threshold`),
    fewest first, and how many such units there are in all: a big shop may have thousands,
    more than a message holds."""
    lines = [stock_line(p) for p in await products.low_stock(threshold, limit=most)]
    lines += [
        stock_line(v.product, v) for v in await products.low_stock_variants(threshold, limit=most)
    ]
    lines.sort(key=lambda line: (line.available, line.sku))
    return lines[:most], await products.count_low_stock(threshold)


async def low_stock_lines(
    products: ProductRepository,
    threshold: int,
    product_ids: Iterable[int],
    variant_ids: Iterable[int] = (),
) -> list[StockLine]:
    """Units on sale with at most `threshold` available, by SKU: of the products named (a
    product sold as variants stands for all its variants) and of the variants named."""
    named, wanted = set(product_ids), set(variant_ids)
    owners = set(named)
    for variant_id in wanted:
        variant = await products.get_variant(variant_id)
        if variant is not None:
            owners.add(variant.product_id)
    found = await products.get_many(sorted(owners))
    on_sale = [p for p in found.values() if p.is_active]
    variants = await products.variants_of_many([p.id for p in on_sale if p.has_variants])
    lines = []
    for product in on_sale:
        if not product.has_variants:
            lines.append(stock_line(product))
        else:
            lines += [
                stock_line(product, v)
                for v in variants.get(product.id, [])
                if product.id in named or v.id in wanted
            ]
    return sorted((line for line in lines if line.available <= threshold), key=lambda x: x.sku)
