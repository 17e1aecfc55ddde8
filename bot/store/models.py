"""Typed SQLAlchemy models: the shop's tables. Amounts are integer minor units with a currency."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    and_,
    cast,
    exists,
    false,
    func,
    inspect,
    literal_column,
    or_,
    text,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.i18n import VALUE_SEPARATOR, translated_label

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
GIFT_CODE = "giftcode"  # `download` of a gift card: a fresh code per unit instead of a file

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON}


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # How many of its products shoppers can see: kept by triggers on products (migration
    # 0008), so listing categories does not count a big catalog each time.
    active_products: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Its title in other languages, from the catalog file: {"ru": "Кухня"} (migration 0012).
    translations: Mapped[dict[str, str] | None] = mapped_column(JSON, default=None)

    products: Mapped[list[Product]] = relationship(back_populates="category", lazy="raise")


class Product(Base):
    """A sellable item. `stock` is on hand; `reserved` is held by unpaid invoices."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("stock >= reserved", name="stock_covers_reserved"),
        # A sale's regular price is above the price (bot.pricing; migration 0034).
        CheckConstraint(
            "compare_at_price IS NULL OR compare_at_price > price", name="compare_at_above_price"
        ),
        # No limit, or 1 to bot.catalog_rules.MAX_PER_ORDER per order (migration 0047).
        CheckConstraint(
            "max_per_order IS NULL OR (max_per_order >= 1 AND max_per_order <= 1000)",
            name="max_per_order_in_range",
        ),
        # A category's visible products in title order: counted and paged from the index.
        Index("ix_products_category_browse", "category_id", "is_active", "title", "id"),
        # The same by price (within a currency) and by age: the other orders a shopper picks.
        Index("ix_products_category_price", "category_id", "is_active", "currency", "price", "id"),
        Index("ix_products_category_newest", "category_id", "is_active", "created_at", "id"),
        # ... and best rated first (read backwards), the fifth order (migration 0027).
        Index(
            "ix_products_category_rating",
            "category_id",
            "is_active",
            "rating_rank",
            "rating_count",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    price: Mapped[int] = mapped_column(BigInteger)
    # The regular price while it is on sale, above `price` and struck through beside it
    # (bot.pricing); None: not on sale (migration 0031). Nothing charges it.
    compare_at_price: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # At most this many units of the product (all its variants together) in one cart and one
    # order ("Limit: 2 per order"); None: no limit (migration 0037). Kept by
    # bot.services.cart.limit_room; 1 to bot.catalog_rules.MAX_PER_ORDER.
    max_per_order: Mapped[int | None] = mapped_column(Integer, default=None)
    # The VAT rate its price includes when not the shop's TAX_RATE (a book at 5%), in basis
    # points (500); None: the shop's rate (migration 0061). Its variants take it (bot.tax).
    tax_rate_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    # Its volume discounts, "3:10,6:15" (from 3 units 10% off, from 6 units 15%), all its
    # variants counting together; None: none (migration 0069). Written by
    # bot.pricing.parse_tiers only, priced by bot.pricing.tiered.
    tiers: Mapped[str | None] = mapped_column(String(40), default=None)
    # A set sold as one product (a bundle): its parts, [{"product_id": 5, "quantity": 2}],
    # whose stock is its stock (its own stock and holds stay 0); None: sold as itself
    # (migration 0072). Written and expanded by bot.services.bundles only.
    bundle: Mapped[list[dict[str, int]] | None] = mapped_column(
        JSON(none_as_null=True), default=None
    )
    currency: Mapped[str] = mapped_column(String(3))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    photo: Mapped[str] = mapped_column(String(512), default="")
    photo_file_id: Mapped[str | None] = mapped_column(String(256), default=None)
    # The gallery's further photos after `photo`, each with the file_id Telegram gave it once
    # sent: [{"photo": "photos/mug-side.png", "file_id": None}, ...]; None: `photo` alone
    # (migration 0026). On the product's row, so a card reads them with it.
    photos: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    # Digital goods: what the shopper gets after paying (a path relative to the catalog file,
    # an https URL, a Telegram file_id, or "giftcode"), and its file_id once uploaded.
    download: Mapped[str | None] = mapped_column(String(512), default=None)
    download_file_id: Mapped[str | None] = mapped_column(String(256), default=None)
    is_digital: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Variants: the options a shopper picks ([{"name": "Size", "values": ["S", "M"]}, ...]),
    # None for a product sold as one unit. A product with options is sold only as its
    # variants (ProductVariant); its own stock and reserved stay 0.
    options: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON(none_as_null=True), default=None
    )
    # The variants' option values as words, so search finds "tee charcoal" (migration 0011).
    option_words: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Title, description and option names and values in other languages, from the catalog
    # file: {"ru": {"title": ..., "description": ..., "options": {"Colour": {"name": "Цвет",
    # "values": {"Oat": "Овсяный"}}}}} (migration 0012); their words, for search.
    translations: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON, default=None)
    translated_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Shoppers' stars (ProductRating), summed here as they are given, so a card reads its
    # average with the product (migration 0022).
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Where "★ Rating" lists it: its average pulled towards 3 stars by two imagined ratings,
    # x 100 (one 5-star rating is no match for fifty at 4.8), 0 while unrated (migration
    # 0027; bot.store.repositories.ratings.rank moves it with every rating).
    rating_rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Shoppers' written reviews that the card lists (a review an admin hid is not counted),
    # kept as they are written and hidden, so a card shows "💬 Reviews (3)" with no extra
    # query (migration 0030; bot.store.repositories.reviews).
    review_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When the running /sale of category `category_sale_of` ends (None: no end date), written
    # with that sale's start, new end date and end (bot.store.repositories.category_sales),
    # so the card says "Sale ends Dec 31" from the product's row alone (migration 0046).
    category_sale_ends_at: Mapped[datetime | None] = mapped_column(default=None)
    category_sale_of: Mapped[int | None] = mapped_column(Integer, default=None)

    category: Mapped[Category] = relationship(back_populates="products", lazy="raise")
    variants: Mapped[list[ProductVariant]] = relationship(
        back_populates="product", lazy="raise", order_by="ProductVariant.position"
    )

    @hybrid_property
    def available(self) -> int:
        """Units that can still be bought (in SQL too: a list reads it as a column)."""
        return self.stock - self.reserved

    @property
    def has_variants(self) -> bool:
        return bool(self.options)

    @property
    def is_gift_card(self) -> bool:
        """It sells gift cards (a fresh code per unit): vouchers, taxed when they are spent."""
        return self.download == GIFT_CODE

    @property
    def in_category_sale(self) -> bool:
        """The running /sale of its category covers it: it was in the category when that
        sale began (or began again). That sale's end gives its price back, and its card says
        when; one moved in since is not covered (a sale of its own stays), one moved out
        neither (it keeps its sale price)."""
        return self.category_sale_of is not None and self.category_sale_of == self.category_id

    @property
    def sale_ends_at(self) -> datetime | None:
        """When the sale of its category ends by itself, if that sale covers it (else that
        sale does not end it: nothing is said)."""
        return self.category_sale_ends_at if self.in_category_sale else None


class ProductVariant(Base):
    """One combination of a product's options that is sold (Size M / Colour Oat), with its
    own SKU, stock and holds, and optionally its own price and photo (else the product's).
    SKUs are unique across products and variants (checked where they are written)."""

    __tablename__ = "product_variants"
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("stock >= reserved", name="stock_covers_reserved"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        # Beside a price of its own, its regular price is above it (migration 0034).
        CheckConstraint(
            "compare_at_price IS NULL OR price IS NULL OR compare_at_price > price",
            name="compare_at_above_price",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    # Option name -> value, in the product's option order: {"Size": "M", "Colour": "Oat"}.
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    price: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # Its own regular price while on sale, beside a price of its own (else the product's).
    compare_at_price: Mapped[int | None] = mapped_column(BigInteger, default=None)
    photo: Mapped[str | None] = mapped_column(String(512), default=None)
    photo_file_id: Mapped[str | None] = mapped_column(String(256), default=None)

    product: Mapped[Product] = relationship(back_populates="variants", lazy="raise")

    @property
    def available(self) -> int:
        return self.stock - self.reserved

    @property
    def label(self) -> str:
        """ "M / Oat": the values in option order."""
        return variant_label(self.values)


# What "in stock" means for a list, said once. A product sold as one unit is in stock while
# part of its stock is not held by an unpaid invoice; one sold as variants (its own stock and
# holds stay 0, and it has options) while one of its variants is. MAYBE_IN_STOCK and
# MAYBE_SOLD_OUT are what migration 0023's indexes hold: a query naming one word for word
# (SQLite needs that) pages or counts from them and reads no row but a variant's, for the few
# products sold as variants.
MAYBE_IN_STOCK = and_(
    Product.is_active.is_(True), or_(Product.stock > Product.reserved, Product.options.is_not(None))
)
MAYBE_SOLD_OUT = and_(Product.is_active.is_(True), Product.stock <= Product.reserved)
IN_STOCK = or_(
    Product.stock > Product.reserved,
    exists().where(
        ProductVariant.product_id == Product.id, ProductVariant.stock > ProductVariant.reserved
    ),
)
# An SKU typed in another case than stored (bot.catalog_rules.named_sku) is looked up by
# upper(sku), as ProductRepository.find_by_sku compares it: from these, not a scan (0024).
Index("ix_products_sku_upper", func.upper(Product.sku))
# Ending a /sale finds the products that carry its end (migration 0052): few rows, so partial.
Index(
    "ix_products_category_sale_of",
    Product.category_sale_of,
    sqlite_where=Product.category_sale_of.is_not(None),
    postgresql_where=Product.category_sale_of.is_not(None),
)
# The sets (bundles): "In stock only" and back-in-stock read them on each page and pass
# (bot.services.bundles.sets); few rows, so partial, and read from it, not a scan (0073).
Index(
    "ix_products_sets",
    Product.id,
    sqlite_where=Product.bundle.is_not(None),
    postgresql_where=Product.bundle.is_not(None),
)
Index("ix_product_variants_sku_upper", func.upper(ProductVariant.sku))
# /stats' best- and worst-rated products on sale with at least RATED_ENOUGH ratings are read
# from the two ends of this index (0029), not by ranking every product. A partial index serves
# a query whose WHERE holds its terms, so the threshold is written inline, as here.
RATED_ENOUGH = 3
AVERAGE_STARS = cast(Product.rating_total, Float).op("/", return_type=Float)(Product.rating_count)
RATED_ON_SALE = and_(
    Product.is_active.is_(True), Product.rating_count >= literal_column(str(RATED_ENOUGH))
)
Index(
    "ix_products_rated",
    AVERAGE_STARS,
    Product.rating_count,
    sqlite_where=RATED_ON_SALE,
    postgresql_where=RATED_ON_SALE,
)


def variant_label(values: dict[str, Any] | None) -> str:
    """A variant's option values in order: "M / Oat"."""
    return VALUE_SEPARATOR.join(str(v) for v in (values or {}).values())


VARIANT_SEPARATOR = " - "


def variant_title(title: str, label: str) -> str:
    """A variant named with its product: "Organic Tee - M / Oat"."""
    return f"{title}{VARIANT_SEPARATOR}{label}" if label else title


def split_variant_title(title: str) -> tuple[str, str]:
    """A variant's title as its product's name and its values: ("Organic Tee", "M / Oat")."""
    name, separator, label = title.rpartition(VARIANT_SEPARATOR)
    return (name, label) if separator else (title, "")


def translated_variant_titles(
    title: str, translations: dict[str, Any] | None, label: str
) -> dict[str, dict[str, str]] | None:
    """A variant's title per language: its product's translated title (else `title`) with
    the variant's values in that language ("Футболка - M / Овсяный"); None where the product
    has neither a translated title nor translated options."""
    titles = {}
    for language, fields in (translations or {}).items():
        if not isinstance(fields, dict) or not (fields.get("title") or fields.get("options")):
            continue
        shown = variant_title(
            fields.get("title") or title, translated_label(label, translations, language)
        )
        titles[language] = {"title": shown}
    return titles or None


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    language_code: Mapped[str | None] = mapped_column(String(16), default=None)
    # The language chosen with /language (None: language_code, else DEFAULT_LANGUAGE).
    language: Mapped[str | None] = mapped_column(String(8), default=None)
    blocked_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    # One friendly reminder about a cart left untouched (bot.usecases.reminders); /settings.
    cart_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # A message when a product she saved gets cheaper (bot.usecases.price_drops); /settings.
    price_drop_alerts: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # An admin's morning report of yesterday's figures (bot.usecases.daily_report); /settings.
    morning_report: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When she deleted her data (/privacy, bot.usecases.privacy); the row stays, anonymised,
    # so her orders keep a customer for the shop's accounts (migration 0041).
    forgotten_at: Mapped[datetime | None] = mapped_column(default=None)
    # The shop blocked her (/block, bot.usecases.blocking): when, why, by whom (an admin's
    # Telegram id), and when she was last told so (at most once an hour); migration 0066.
    # Read with the row every visit already reads, so the check costs no statement.
    blocked_at: Mapped[datetime | None] = mapped_column(default=None)
    blocked_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    blocked_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    blocked_told_at: Mapped[datetime | None] = mapped_column(default=None)
    # Her invitation code (/invite: t.me/<bot>?start=ref_<code>), made the first time she
    # asks and cleared when she deletes her data, so an old link attributes nobody to her.
    invite_code: Mapped[str | None] = mapped_column(
        String(8), default=None, unique=True, index=True
    )


# /blocked reads its page from the blocked alone, newest first.
Index(
    "ix_customers_blocked_at",
    Customer.blocked_at,
    Customer.id,
    sqlite_where=Customer.blocked_at.is_not(None),
    postgresql_where=Customer.blocked_at.is_not(None),
)

# /customer @alice finds her whatever the case typed (Telegram's usernames are ASCII).
Index("ix_customers_username_lower", func.lower(Customer.username))


class Cart(Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the shopper last changed a line (None: before reminders existed), and which of
    # those changes the cart was last reminded of: one reminder per change
    # (bot.usecases.reminders).
    changed_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    reminded_for: Mapped[datetime | None] = mapped_column(default=None)
    # What checkout takes along: a promo code the shopper attached (checked again at
    # checkout, bot.services.promos) and a note for the shop (bot.services.notes).
    promo_code: Mapped[str | None] = mapped_column(String(32), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # A gift card the shopper attached (bot.services.gift_cards), spent at checkout.
    gift_card_code: Mapped[str | None] = mapped_column(String(14))
    # The delivery time she chose on the summary ("2026-12-07 10:00-12:00"), taken by
    # place_order (bot.services.delivery_slots); None: none chosen (or no slots).
    delivery_slot: Mapped[str | None] = mapped_column(String(32), default=None)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", lazy="raise", cascade="all, delete-orphan", order_by="CartLine.id"
    )


class CartLine(Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint(
            "cart_id", "product_id", "variant_id", name="uq_cart_lines_cart_product_variant"
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # The ProductVariant bought, 0 for a product without variants (0, not NULL, so the line
    # stays unique per cart, product and variant).
    variant_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quantity: Mapped[int] = mapped_column(Integer)
    # The price the shopper was shown for this line; checkout asks again if it has changed.
    quoted_price: Mapped[int | None] = mapped_column(BigInteger, default=None)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines", lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")
    variant: Mapped[ProductVariant | None] = relationship(
        lazy="raise",
        primaryjoin="foreign(CartLine.variant_id) == ProductVariant.id",
        viewonly=True,
    )


class Order(Base):
    """An order; prices are copied at order time, `status` follows the order lifecycle table."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("refunded_amount >= 0", name="refunded_not_negative"),
        CheckConstraint("refunded_amount <= total", name="refunded_within_total"),
        Index("ix_orders_status_created", "status", "created_at"),
        # A customer's orders, newest first (/orders, and the admin's /customer and its pages).
        Index("ix_orders_customer_newest", "customer_id", "id"),
        # Every order of some days, oldest first (/export orders from= until=): a keyset
        # walk that seeks its first day (0063), not the ids from the shop's first order.
        Index("ix_orders_created", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(32), default="awaiting_payment")
    currency: Mapped[str] = mapped_column(String(3))
    items_total: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_total: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_total: Mapped[int] = mapped_column(BigInteger, default=0)
    # The promo code the discount came from; the tip the shopper added in the payment form
    # (part of `total`, so it is refundable with the rest); the shopper's note for the shop.
    promo_code: Mapped[str | None] = mapped_column(String(32), default=None)
    tip_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # The gift card that paid part of the goods and how much it paid (taken from its balance
    # when the order was placed, given back with the hold, by a full refund or an admin). `total` is
    # what the invoice charges: the goods less the discount and this amount.
    gift_card_code: Mapped[str | None] = mapped_column(String(14), default=None)
    gift_card_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # What of it went back on the card (a released hold, a full refund, an admin's 🎁 Back to
    # the gift card): moved once, by a compare-and-set (OrderRepository.claim_card_back).
    gift_card_returned: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The VAT its prices include (bot.tax), computed once: its lines' when it is placed, its
    # shipping's when the payment says what shipping cost. `tax_label` ("VAT") as the shop
    # called it then, None for an order without tax (placed before 0061, without TAX_RATE,
    # or in Stars); `tax_rate_bp` the shop's rate then, its shipping's; `tax_total` its
    # lines' tax and `shipping_tax` together. Nothing here changes what she pays.
    tax_label: Mapped[str | None] = mapped_column(String(16), default=None)
    tax_rate_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    shipping_tax: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    needs_shipping: Mapped[bool] = mapped_column(Boolean, default=True)
    shipping_option: Mapped[str | None] = mapped_column(String(32), default=None)
    # The place of a pickup option ("pickup:1"), in words, as PICKUP_POINTS named it when she
    # paid: the order still names it after the setting changes. None: delivered to her.
    pickup_place: Mapped[str | None] = mapped_column(Text, default=None)
    # When it is to arrive (bot.services.delivery_slots): the shop's day and window, its seat
    # in delivery_slots taken by place_order; `delivery_slot_released` once the seat went
    # back (expired, cancelled, refunded), so it goes back once.
    delivery_day: Mapped[date | None] = mapped_column(Date, default=None)
    delivery_window: Mapped[str | None] = mapped_column(String(11), default=None)
    delivery_slot_released: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    tracking_number: Mapped[str | None] = mapped_column(String(128), default=None)
    # Stock hold: "held" while the invoice is open, then "sold" or "released".
    hold_status: Mapped[str] = mapped_column(String(16), default="none")
    hold_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_reason: Mapped[str | None] = mapped_column(Text, default=None)
    invoice_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(default=None)

    customer: Mapped[Customer] = relationship(lazy="raise")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="raise", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="order", lazy="raise", order_by="Payment.id"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderEvent.id"
    )


# The reports read paid orders by when they were paid (/stats' periods, the morning report's
# day, top promo codes, the audience "bought lately"): only paid orders, so partial (0054).
Index(
    "ix_orders_paid_at",
    Order.paid_at,
    sqlite_where=Order.paid_at.is_not(None),
    postgresql_where=Order.paid_at.is_not(None),
)
# The currencies orders were ever paid in (/stats' "Not counted above"), one seek each: the
# first, then each next one (OrderRepository.currencies_paid_in), not every paid order (0059).
Index(
    "ix_orders_paid_currency",
    Order.currency,
    sqlite_where=Order.paid_at.is_not(None),
    postgresql_where=Order.paid_at.is_not(None),
)


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    # The variant sold (its stock was held and sold), 0 for a product without variants;
    # `sku` and `title` are then the variant's ("Organic Tee - M / Oat").
    variant_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(160))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[int] = mapped_column(Integer)
    # This line's share of the order's discount (largest remainder, bot.services.promos):
    # the shares add up to the discount exactly, so a line is refunded at what it cost.
    discount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The VAT rate of the line in basis points (None: not taxed: no tax on the order, or a
    # gift card bought) and the tax its `net_total` includes (migration 0061, bot.tax).
    tax_rate_bp: Mapped[int | None] = mapped_column(Integer, default=None)
    tax: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Gift cards: one code per unit, made when the line is first delivered.
    gift_codes: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # A set's parts when the order was placed, as products.bundle keeps them (migration
    # 0073): its release, sale and restock move these even after /bundle changed the set.
    # NULL: a line sold as itself.
    bundle: Mapped[list[dict[str, int]] | None] = mapped_column(JSON, default=None)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")
    # Read for its names in other languages (Product.translations) where orders are shown.
    product: Mapped[Product] = relationship(lazy="raise", viewonly=True)

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def translations(self) -> dict[str, Any] | None:
        """The line's title in other languages, if the product was loaded with the line: the
        product's translated title, with the variant as the line names it ("Футболка - M / Oat")."""
        if "product" in inspect(self).unloaded:
            return None
        prefix = self.product.title + VARIANT_SEPARATOR
        if not self.title.startswith(prefix):
            return self.product.translations  # no variant
        label = self.title[len(prefix) :]
        return translated_variant_titles(self.product.title, self.product.translations, label)

    @property
    def net_total(self) -> int:
        """What the line cost after its share of the discount."""
        return self.line_total - self.discount


class OrderEvent(Base):
    """One timestamped step of an order's lifecycle (who moved it, from where, to where)."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32), default=None)
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events", lazy="raise")


class OrderNote(Base):
    """An admin's note on an order ("customer called, wants gift wrap"): read by the admins on
    the order's screen, never shown to the shopper."""

    __tablename__ = "order_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    admin_telegram_id: Mapped[int] = mapped_column(BigInteger)
    # "staff:9002" as named when written (bot.permissions); NULL before 0043: an admin
    author: Mapped[str | None] = mapped_column(String(64), default=None)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


DECLINE_UNTOLD = text("status = 'declined' AND decline_told_at IS NULL")
APPROVE_UNTOLD = text("status = 'approved' AND approve_told_at IS NULL")


class ReturnRequest(Base):
    """A shopper's request to return lines of a delivered order, for an admin to approve
    (the lines are refunded) or decline. At most one request of an order is open at once (a
    partial unique index), so a second one cannot race the first in."""

    __tablename__ = "return_requests"
    __table_args__ = (
        Index(
            "uq_return_requests_one_open",
            "order_id",
            unique=True,
            sqlite_where=text("status = 'requested'"),
            postgresql_where=text("status = 'requested'"),
        ),
        Index(  # the declines whose message a crash left unsent: the job reads only these
            "ix_return_requests_decline_untold",
            "id",
            sqlite_where=DECLINE_UNTOLD,
            postgresql_where=DECLINE_UNTOLD,
        ),
        Index(  # the approvals not told yet (their refund under way, or a crash after it)
            "ix_return_requests_approve_untold",
            "id",
            sqlite_where=APPROVE_UNTOLD,
            postgresql_where=APPROVE_UNTOLD,
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    customer_telegram_id: Mapped[int] = mapped_column(BigInteger)
    # [{"order_line_id": 5, "sku": "KIT-MUG-350", "quantity": 2}]: whole lines, as asked
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(16))  # damaged, wrong_item, fit, changed_mind, other
    status: Mapped[str] = mapped_column(String(16), default="requested")  # approved, declined
    amount: Mapped[int] = mapped_column(BigInteger)  # what the lines cost, after the discount
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(64), default=None)  # "admin:9001"
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decline_reason: Mapped[str | None] = mapped_column(Text, default=None)
    # when an approval put its lines back in stock (None: never), set once (migration 0044)
    restocked_at: Mapped[datetime | None] = mapped_column(default=None)
    # the refund its approval set aside in the decision's transaction (migration 0053),
    # found by it as it ends (index: migration 0062)
    refund_id: Mapped[int | None] = mapped_column(default=None, index=True)
    # when her message about a decline was taken for sending, once (migration 0058): NULL on
    # a declined request while it is owed (the bot died after the decision), for the job
    decline_told_at: Mapped[datetime | None] = mapped_column(default=None)
    # the same for her message about an approval (migration 0062): owed once its refund is
    # recorded, so NULL on an approved request with a succeeded refund means the bot died
    # between the refund and her message, for the same job
    approve_told_at: Mapped[datetime | None] = mapped_column(default=None)


class Payment(Base):
    """A successful Telegram payment; unique by Telegram's charge id so a replay counts once."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    provider: Mapped[str] = mapped_column(String(16))  # "stripe" or "stars"
    telegram_payment_charge_id: Mapped[str] = mapped_column(String(255), unique=True)
    provider_payment_charge_id: Mapped[str | None] = mapped_column(String(255), default=None)
    payer_telegram_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    shipping_option: Mapped[str | None] = mapped_column(String(32), default=None)
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # Provider-side check: pending, verified, mismatch, unknown_charge, skipped.
    verification_status: Mapped[str] = mapped_column(String(16), default="pending")
    verification_attempts: Mapped[int] = mapped_column(Integer, default=0)
    verification_note: Mapped[str | None] = mapped_column(Text, default=None)
    verified_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="payments", lazy="raise")


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), default=None)
    status: Mapped[str] = mapped_column(String(16), default="succeeded")
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    requested_by: Mapped[str] = mapped_column(String(64), default="system")
    # When it was claimed, or last tried: the pending-refunds job goes by it.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Tries the provider could not be reached for (a second payment's refund is tried again).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The units of order lines it gave back, {"<order line id>": units}: an admin's "SKU
    # quantity" refund's (migration 0055); None for an amount, everything, or a return's
    # refund (its request names its lines).
    lines: Mapped[dict[str, int] | None] = mapped_column(JSON(none_as_null=True), default=None)
    # What a partial refund took off the gift cards its order bought, {"<gift card id>":
    # amount} (migration 0057), so its history, the shopper's message and a refused refund's
    # undoing name exactly those; None when it took nothing off a card (and before 0057).
    gift_card_shares: Mapped[dict[str, int] | None] = mapped_column(
        JSON(none_as_null=True), default=None
    )
    # The VAT it gives back (bot.services.refunds.refund_tax): the refunded lines' stored
    # tax, all that is left of the order's for a whole refund; 0 for an order without tax
    # (and before migration 0061).
    tax: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ChatState(Base):
    """Where a chat stands in the conversation machine, so a restart resumes there."""

    __tablename__ = "chat_states"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    state: Mapped[str] = mapped_column(String(32), default="idle")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped by every write: a chat read without a lock is saved only if nobody wrote it since.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """Who changed what and when, for admin actions."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128), default=None)
    details: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# "Delete my data" finds the rows of her blocks (their reasons go) without reading the log.
Index(
    "ix_audit_log_blocks",
    AuditEntry.target,
    sqlite_where=AuditEntry.action == "customer.block",
    postgresql_where=AuditEntry.action == "customer.block",
)


class Broadcast(Base):
    """One /broadcast, so every worker knows whether one is being sent and can stop it.

    `status` goes sending -> done, or sending -> stopping (a Stop, from any worker) -> stopped.
    The sending worker writes its counts and `updated_at` about once a second and stops when
    it finds its row no longer sending (bot.usecases.broadcast). A row whose `updated_at` has
    not moved for a while lost its worker to a crash: another worker takes it over. At most one
    row is sending at once (a partial unique index), even when two Sends race.

    A broadcast planned for later is `scheduled` with its `text` and `send_at`; the job on
    every worker claims it (scheduled -> sending, one conditional UPDATE) once it is due, or
    it is `cancelled`. `audience` is whom it is for (bot.services.broadcast_plan), kept with
    the row so whoever sends it sends it to the same people.

    Its audience is fixed as it starts sending: the customers it is for are listed
    (`BroadcastRecipient`, `listed`), and it goes down that list in customer id order,
    recording with its counts once a batch the last id it finished (`reached_id`): a worker
    that takes over a dead sender's row (`attempt` + 1, one conditional UPDATE) goes on after
    it, down the same list. `skipped` counts those listed who deleted their data before their
    turn (those who blocked the bot count as `blocked`).
    """

    __tablename__ = "broadcasts"
    __table_args__ = (
        Index(
            "uq_broadcasts_one_sending",
            "status",
            unique=True,
            sqlite_where=text("status = 'sending'"),
            postgresql_where=text("status = 'sending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    started_by: Mapped[int] = mapped_column(BigInteger)  # the admin's Telegram id
    chat_id: Mapped[int] = mapped_column(BigInteger)  # where its progress and report show
    total: Mapped[int] = mapped_column(Integer)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    blocked: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="sending")
    audience: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    text: Mapped[str | None] = mapped_column(Text, default=None)  # kept for a resume too
    reached_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attempt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Its recipients are listed (False: not yet, or it started before migration 0060).
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    send_at: Mapped[datetime | None] = mapped_column(default=None)  # when it is to go out
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class BroadcastRecipient(Base):
    """A customer a broadcast is for, listed as it starts sending, so whoever sends it (its
    first worker, or one going on after a crash) sends to the same people. Whether she still
    wants it (blocked the bot, deleted her data) is read as her turn comes. A broadcast's list
    is deleted as it ends.

    No foreign keys: a list of 100,000 goes in with one INSERT ... SELECT, and neither a
    broadcast nor a customer row is ever deleted. No rowid on SQLite: the key is the row.
    """

    __tablename__ = "broadcast_recipients"
    __table_args__ = ({"sqlite_with_rowid": False},)

    broadcast_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class InboxEntry(Base):
    """An update from Telegram, stored before Telegram is told it arrived (bot.inbox).

    `lease_until` is how long the worker that took it may take; an entry still "handling"
    after that was dropped by a crash and is taken again. `applied_at` is set in the same
    transaction as the first change the update made, so handling it again repeats no change.
    """

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_status_lease", "status", "lease_until"),
        Index("ix_inbox_chat_id", "chat_id"),  # her updates, forgotten with her data
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="handling")  # handling/done/failed
    claim: Mapped[str] = mapped_column(String(32))  # who handles it now (one token per take)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    lease_until: Mapped[datetime] = mapped_column()
    applied_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class SupportThread(Base):
    """A conversation between a shopper and the shop's admins (/support), kept until closed.

    `sending_claim`/`sending_until`: the worker sending the thread's waiting messages now, so
    they go out one at a time in the order they were written (bot.usecases.support).
    """

    __tablename__ = "support_threads"
    __table_args__ = (Index("ix_support_threads_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / closed
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    sending_claim: Mapped[str | None] = mapped_column(String(32), default=None)
    sending_until: Mapped[datetime | None] = mapped_column(default=None)

    customer: Mapped[Customer] = relationship(lazy="raise")


class SupportMessage(Base):
    """One message of a thread, in the order written: the shopper's question, an admin's
    answer, or the shop closing it. `delivery` is waiting until it went out (or could not)."""

    __tablename__ = "support_messages"
    __table_args__ = (Index("ix_support_messages_delivery", "delivery", "thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("support_threads.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # question / answer / closed
    author_telegram_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    photo_file_id: Mapped[str | None] = mapped_column(String(256), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # sent / blocked / failed, or withheld: a question of one the shop blocked before it went out
    delivery: Mapped[str] = mapped_column(String(16), default="waiting")
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class SupportRelay(Base):
    """A question as an admin received it: replying to this message answers its thread."""

    __tablename__ = "support_relays"

    admin_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("support_threads.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RestockSubscription(Base):
    """A shopper waiting for a sold-out product (Notify me); dropped once they are told.

    `claim`/`claimed_until`: the worker telling them now (bot.usecases.restock).
    """

    __tablename__ = "restock_subscriptions"
    __table_args__ = (
        UniqueConstraint(
            "customer_id", "product_id", "variant_id", name="uq_restock_subscriptions_variant"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    variant_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0: none
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim: Mapped[str | None] = mapped_column(String(32), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)


class Favourite(Base):
    """A product the shopper saved (♡ on its card) to find again under /saved; one row per
    shopper and product, whichever option she was looking at."""

    __tablename__ = "favourites"
    __table_args__ = (
        # The price-drop job reads, product by product, the saved rows priced above it now.
        Index("ix_favourites_price_drops", "product_id", "notified_price"),
    )

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id"), primary_key=True, autoincrement=False
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The price she last saw it at (when saving) or was told of (bot.usecases.price_drops),
    # in minor units of `notified_currency`; it only moves down. `price_was`: the price
    # before the last drop told of.
    notified_price: Mapped[int | None] = mapped_column(BigInteger, default=None)
    notified_currency: Mapped[str | None] = mapped_column(String(3), default=None)
    price_was: Mapped[int | None] = mapped_column(BigInteger, default=None)


class ProductRating(Base):
    """A shopper's stars (1-5) for a product she bought; one per shopper and product, which
    she may change. Product.rating_count/rating_total follow every change. With them, her
    few words (`review`, migration 0030), which an admin may hide from the card."""

    __tablename__ = "product_ratings"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_one_to_five"),
        # A product's reviews newest first, a page at a time, from the index.
        Index("ix_product_ratings_reviews", "product_id", "review_hidden", "reviewed_at"),
    )

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id"), primary_key=True, autoincrement=False
    )
    stars: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    review: Mapped[str | None] = mapped_column(Text, default=None)  # None: no words
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)  # written or changed
    review_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ProductPair(Base):
    """How many paid orders held both products: the card's "Often bought with this" reads a
    product's top few from here instead of counting order lines. Kept by
    OrderRepository.transition as orders become paid (+1 for each pair of distinct products,
    both ways) and stop being so (cancelled or refunded in full: -1), in the same
    transaction; a pair no paid order holds any more has no row (migration 0038)."""

    __tablename__ = "product_pairs"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id"), primary_key=True, autoincrement=False
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("products.id"), primary_key=True, autoincrement=False
    )
    orders: Mapped[int] = mapped_column(Integer, default=0)


# A product's most bought-with first, ties by id: the card reads its top 3 from the index's
# start, whatever the number of pairs (ProductPairRepository.also_bought).
Index(
    "ix_product_pairs_top", ProductPair.product_id, ProductPair.orders.desc(), ProductPair.other_id
)


class SalesPause(Base):
    """Sales paused by an admin (/pause: holidays, stocktaking): while the one row (id 1) is
    there, and its `ends_at` has not come, checkout and payment are refused with its note;
    /resume deletes it. `until` is the pause's last day on the shop's clock (what shoppers
    read), `ends_at` the midnight that ends it (what the check compares: no job ends it)."""

    __tablename__ = "sales_pause"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    note: Mapped[str | None] = mapped_column(String(200), default=None)
    paused_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    paused_at: Mapped[datetime] = mapped_column(default=utcnow)
    until: Mapped[date | None] = mapped_column(Date, default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)

    def in_force(self, now: datetime) -> bool:
        """Not over by itself at `now` (a pause without an end lasts until /resume)."""
        return self.ends_at is None or now < self.ends_at


class CategorySale(Base):
    """A category put on sale by /sale, and when its sale ends by itself (`ends_at`, the
    midnight that ends its until= day on the shop's clock; None: when an admin ends it).
    Written with the sale's prices, deleted with their end: the job that ends sales deletes
    the row first, so of all workers exactly one ends each (bot.usecases.category_sale)."""

    __tablename__ = "category_sales"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    percent: Mapped[int] = mapped_column(Integer)
    ends_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    started_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliverySlot(Base):
    """One delivery window of one day (DELIVERY_SLOTS), created the first time it is booked
    or closed: `taken` orders hold a seat in it (raised only by a conditional UPDATE below
    DELIVERY_SLOT_CAPACITY), and /slots close stops it being offered."""

    __tablename__ = "delivery_slots"
    __table_args__ = (UniqueConstraint("day", "window", name="uq_delivery_slots_day_window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    window: Mapped[str] = mapped_column(String(11))
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ReopenWaiter(Base):
    """A shopper who met the paused checkout: told once when sales open again."""

    __tablename__ = "reopen_waiters"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id"), primary_key=True, autoincrement=False
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyReport(Base):
    """A day the admins' morning report was sent for (the shop's day): inserted before it goes
    out, so of all workers exactly one sends it (bot.usecases.daily_report)."""

    __tablename__ = "daily_reports"

    report_date: Mapped[date] = mapped_column(Date, primary_key=True, autoincrement=False)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromoCode(Base):
    """A discount code (/promo). `uses` counts redemptions held or used, moved only by
    conditional UPDATEs (bot.store.repositories.promos), so it never passes `max_uses`."""

    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("uses >= 0", name="uses_not_negative"),
        CheckConstraint("max_uses IS NULL OR uses <= max_uses", name="uses_within_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # upper case
    kind: Mapped[str] = mapped_column(String(8))  # "percent" (value 1-100) or "amount"
    value: Mapped[int] = mapped_column(BigInteger)  # percent, or minor units of `currency`
    currency: Mapped[str] = mapped_column(String(3))
    min_order: Mapped[int] = mapped_column(BigInteger, default=0)
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    max_uses: Mapped[int | None] = mapped_column(Integer, default=None)
    per_customer: Mapped[int | None] = mapped_column(Integer, default=None)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    # Scope: category titles and/or SKUs the discount applies to (none: the whole cart).
    categories: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    skus: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromoRedemption(Base):
    """One order's use of a code: `held` while its invoice is open, then `used` or
    `released` (the hold went, and with it the use). One per order."""

    __tablename__ = "promo_redemptions"
    __table_args__ = (Index("ix_promo_redemptions_promo_customer", "promo_id", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promo_id: Mapped[int] = mapped_column(ForeignKey("promo_codes.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(16), default="held")
    discount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GiftCard(Base):
    """A gift card code the shop issued (one per unit of a "giftcode" line): worth its
    line's unit price in the order's currency. `balance` moves only by conditional UPDATEs
    (bot.store.repositories.gift_cards), so it never goes below zero however many checkouts
    spend the code at once. `voided_at`: its order was refunded, the rest is worth nothing."""

    __tablename__ = "gift_cards"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint("balance <= initial_amount", name="balance_within_initial"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(14), unique=True)  # "K7QF-2MXR-9TBA"
    currency: Mapped[str] = mapped_column(String(3))
    initial_amount: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int] = mapped_column(BigInteger)
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("order_lines.id"), default=None, index=True
    )
    voided_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(Base):
    """A friend who came through a shopper's invitation link (/start ref_<code>) as a new
    shopper: attributed once (`friend_id` is unique). `rewarded_at` and `reward_card` (the
    gift card's code) are set by one conditional UPDATE in the transaction that delivers
    her first order, so the inviter gets one card however often the order is marked
    delivered (bot.services.referrals)."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    inviter_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rewarded_at: Mapped[datetime | None] = mapped_column(default=None)
    reward_card: Mapped[str | None] = mapped_column(String(14), default=None)


class FaqEntry(Base):
    """A question shoppers often ask, with the shop's answer (/faq): written in the shop's
    DEFAULT_LANGUAGE, with versions in its other languages in `translations`
    ({"ru": {"question": "...", "answer": "..."}}). Listed by `position`, then id."""

    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(String(200))  # bot.services.faq.QUESTION_MAX
    answer: Mapped[str] = mapped_column(Text)
    translations: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InvoiceCounter(Base):
    """The one row invoice numbers are taken from (`id` 1, made by migration 0067): `last`
    goes up by one in the transaction that issues an invoice, under that row's lock, so two
    workers never take the same number and a rolled-back issue takes none."""

    __tablename__ = "invoice_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger, default=0)


class Invoice(Base):
    """A paid order's invoice (bot.services.invoices): its number, given once, and the
    seller as she was when it was issued, so a later change of INVOICE_* settings does not
    rewrite an invoice already sent. The buyer, the lines and the money are the order's."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)  # the counter's number
    number: Mapped[str] = mapped_column(String(40), unique=True)  # "INV-2026-000042"
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    seller: Mapped[str] = mapped_column(String(120))  # INVOICE_SELLER then
    seller_address: Mapped[str] = mapped_column(Text, default="")  # its lines, "\n" between
    seller_tax_id: Mapped[str] = mapped_column(String(32), default="")
