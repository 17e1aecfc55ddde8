"""Admin changes to the catalog: prices, stock, visibility, new and edited products, files.

Every function takes the caller's unit of work, validates before it writes, records who did
what in the audit log and raises AdminInputError (a message the admin can act on) otherwise.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any, TypeVar

from bot import bundle_rules, i18n
from bot.bundle_rules import BundleError
from bot.catalog_rules import (
    MAX_PER_ORDER,
    MAX_TITLE,
    CaseTwins,
    OutOfRange,
    check_compare_at,
    check_max_per_order,
    check_price,
    check_stock,
    check_stock_after,
    check_text,
    is_count,
)
from bot.clipping import echo
from bot.i18n import N_, Translator
from bot.money import MoneyError, parse_amount, to_decimal_string
from bot.pricing import (
    TIERS_REFUSED,
    Tiers,
    TiersError,
    on_sale,
    parse_tiers,
    sale_after_new_price,
    stored_tiers,
    stored_tiers_text,
)
from bot.services import bundles
from bot.services.bundles import PartLine
from bot.services.catalog import keyset_page_number
from bot.services.sellable import unit_of
from bot.store.catalog_file import (
    MAX_PHOTOS,
    CatalogCsv,
    CatalogError,
    CatalogFile,
    ImportPlan,
    ImportReport,
    RowError,
    check_files,
    parse_upload,
    photo_list,
    plan_beside_writes,
    slugify,
    upsert_rows,
)
from bot.store.models import Product, ProductVariant, variant_title
from bot.store.uow import Store, UnitOfWork
from bot.tax import TaxRateError, file_rate, parse_rate

SHOP_RATE_WORDS = ("default", "-")  # /tax SKU default: the shop's TAX_RATE again

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the most a bot may download from Telegram (getFile)
MAX_SEND_BYTES = 50 * 1024 * 1024  # the most a bot may upload (sendDocument)
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024  # a catalog in a .zip, unpacked: no zip bomb
SPOOL_IN_MEMORY = 1024 * 1024  # an export's temporary file stays in memory up to this, then disk
COPY_CHUNK = 1024 * 1024  # bytes copied at a time between temporary files
CATALOG_EXTENSIONS = (".csv", ".json", ".zip")
SKIP_WORDS = {"skip", "/skip", "-"}
Found = TypeVar("Found")


def wrong(message: str, **params: Any) -> AdminInputError:
    """An AdminInputError saying `message` (a catalog msgid) in the admin's language."""
    return AdminInputError(i18n.current()._(message, **params))


def _field_name(name: str) -> str:
    field = PRODUCT_FIELDS.get(name)
    return i18n.current()._(field.label).lower() if field else name


class AdminInputError(ValueError):
    """The admin sent something we cannot use; the message says what to send instead."""


@dataclass(frozen=True)
class ProductFacts:
    """A product as the admin's screens show it (plain data, no ORM object)."""

    id: int
    sku: str
    title: str
    description: str
    price: int
    currency: str
    stock: int
    reserved: int
    is_active: bool
    has_photo: bool
    variants: int = 0  # how many; the stock is then theirs, summed
    further_photos: tuple[str, ...] = ()  # the gallery's after the photo, as the catalog names them
    compare_at: int | None = None  # the regular price while on sale
    variants_on_sale: int = 0  # of `variants`, those whose price (own or the product's) is
    max_per_order: int | None = None  # at most this many in one order (None: no limit)
    tiers: Tiers = ()  # its quantity tiers (bot.pricing), all its variants together
    set_of: int = 0  # a set's units of parts in all ("set of 3": a kettle and 2 mugs); 0: no set

    @classmethod
    def of(cls, product: Product, variants: Sequence[ProductVariant] = ()) -> ProductFacts:
        """`variants`: the product's, when it is sold as variants (and they were read)."""
        units = [unit_of(product, v) for v in variants]
        return cls(
            product.id,
            product.sku,
            product.title,
            product.description,
            product.price,
            product.currency,
            sum(v.stock for v in variants) if variants else product.stock,
            sum(v.reserved for v in variants) if variants else product.reserved,
            product.is_active,
            bool(product.photo or product.photo_file_id),
            len(variants),
            tuple(photo_list(product)),
            product.compare_at_price,
            sum(on_sale(unit.price, unit.compare_at) for unit in units),
            product.max_per_order,
            stored_tiers(product.tiers),
            sum(part.quantity for part in bundle_rules.parts_of(product)),
        )

    @property
    def photos(self) -> int:
        """How many photos its card pages through (0: none)."""
        return 1 + len(self.further_photos) if self.has_photo else 0


class UnknownSku(AdminInputError):
    def __init__(self, sku: str) -> None:
        super().__init__(
            i18n.current()._(
                "There is no product with SKU {sku}. Send /export to see every SKU.",
                sku=repr(echo(sku)),
            )
        )
        self.sku = sku


# ----------------------------------------------------------------------------- parsing input


def refused(exc: OutOfRange) -> AdminInputError:
    """A rule's refusal (bot.catalog_rules) in the admin's language."""
    return wrong(exc.template, **exc.params)


@dataclass(frozen=True)
class AmountWords:
    """What an amount parser says when the text is no positive amount (catalog msgids)."""

    negative: str
    not_an_amount: str
    not_positive: str


PRICE_WORDS = AmountWords(
    N_("A price cannot be negative ({text}). Send e.g. 12.50"),
    N_("{problem}. Send the price like {example}."),
    N_("A price must be more than 0."),
)
REFUND_WORDS = AmountWords(
    N_("A refund amount cannot be negative ({text}). Send e.g. {example}"),
    N_("{problem}. Send the refund amount like {example}."),
    N_("A refund amount must be more than 0. Send e.g. {example}."),
)


def parse_price(text: str, currency: str) -> int:
    """A price in minor units, from "12.50", that a shopper could pay (`check_price`);
    refuses signs, words and extra decimals."""
    try:
        return check_price(parse_positive_amount(text, currency, PRICE_WORDS), currency)
    except OutOfRange as exc:
        raise refused(exc) from None


def parse_positive_amount(text: str, currency: str, words: AmountWords) -> int:
    """A positive amount in minor units, from "12.50"; refuses signs, words and extra
    decimals, in `words` (what is asked for: PRICE_WORDS, REFUND_WORDS)."""
    cleaned = text.strip().lstrip("$€£¥").strip()
    example = _example(currency)
    if cleaned.startswith("-"):
        raise wrong(words.negative, text=repr(text.strip()), example=example)
    try:
        amount = parse_amount(cleaned, currency)
    except MoneyError as exc:
        raise wrong(
            words.not_an_amount, problem=exc.said(i18n.current()), example=example
        ) from None
    if amount <= 0:
        raise wrong(words.not_positive, example=example)
    return amount


def parse_quantity(text: str) -> int:
    """A whole number of units, 0 to MAX_STOCK."""
    cleaned = text.strip()
    if cleaned.startswith("-") and is_count(cleaned[1:]):
        raise wrong("Stock cannot be negative ({text}). Send a number like 12.", text=cleaned)
    if not is_count(cleaned):
        raise wrong("{text} is not a whole number. Send a number like 12.", text=repr(cleaned))
    try:
        return check_stock(cleaned)
    except OutOfRange as exc:
        raise refused(exc) from None


@dataclass(frozen=True)
class StockChange:
    """`/stock SKU 10` sets stock (`delta` False); `+3` / `-3` adjusts it (`delta` True)."""

    amount: int
    delta: bool

    @classmethod
    def parse(cls, text: str) -> StockChange:
        """A change of more than MAX_STOCK either way can never leave a stock in range."""
        cleaned = text.strip()
        if cleaned[:1] in "+-" and is_count(cleaned[1:]):
            try:
                amount = check_stock(cleaned[1:])
            except OutOfRange as exc:
                raise refused(exc) from None
            return cls(-amount if cleaned[0] == "-" else amount, delta=True)
        if is_count(cleaned):
            return cls(parse_quantity(cleaned), delta=False)
        raise wrong(
            "{text} is not a quantity. Send /stock SKU 12 to set, +5 or -2 to adjust.",
            text=repr(cleaned),
        )


def parse_text_field(name: str, text: str) -> str:
    """A title, description or category as `check_text` takes it (as a catalog file's)."""
    if not text.strip():
        raise wrong("The {field} cannot be empty. Send some text.", field=_field_name(name))
    try:
        return check_text(name, text)
    except OutOfRange as exc:
        raise refused(exc) from None


def parse_description(text: str) -> str:
    if text.strip().lower() in SKIP_WORDS:
        return ""
    return parse_text_field("description", text)


def _example(currency: str) -> str:
    return to_decimal_string(1250, currency) if currency != "XTR" else "50"


# ----------------------------------------------------------------------------- product fields

FieldParser = Callable[[str, str], Any]


@dataclass(frozen=True)
class ProductField:
    """One field the /addproduct and /edit flows ask for."""

    name: str
    label: str  # msgids: the views say them in the admin's language
    prompt: str  # "{most}": the longest title
    parse: FieldParser  # (text, currency) -> stored value; raises AdminInputError
    adding_prompt: str = ""  # /addproduct's question, where it is not /edit's

    def asked(self, tr: Translator, *, adding: bool = False) -> str:
        prompt = self.adding_prompt if adding and self.adding_prompt else self.prompt
        return tr._(prompt, most=MAX_TITLE, limit=MAX_PER_ORDER)

    @property
    def wants_photo(self) -> bool:
        return self.name in ("photo", ADD_PHOTO, DROP_PHOTO)


def _photo_from_text(text: str, currency: str) -> str:
    if text.strip().lower() in SKIP_WORDS:
        return ""
    raise wrong("I need a photo here: send the product photo as a picture, or /skip.")


def _compare_at_from_text(text: str, currency: str) -> int | None:
    """/edit's Was price: a price, or "-" (SKIP_WORDS) to end the sale."""
    if text.strip().lower() in SKIP_WORDS:
        return None
    return parse_price(text, currency)


def parse_max_per_order(text: str, currency: str = "") -> int | None:
    """/edit's Limit per order: a whole number from 1 to MAX_PER_ORDER, or "-" (SKIP_WORDS)
    for no limit; the catalog file's rule (`check_max_per_order`)."""
    cleaned = text.strip()
    if cleaned.lower() in SKIP_WORDS:
        return None
    try:
        limit = check_max_per_order(cleaned) if cleaned else 0
    except OutOfRange:
        limit = 0
    if not limit:
        raise wrong(
            "{text} is not a limit per order: send a whole number from 1 to {most} "
            "(e.g. 2), or - for no limit.",
            text=repr(cleaned),
            most=MAX_PER_ORDER,
        )
    return limit


def _further_photo_from_text(text: str, currency: str) -> str:
    raise wrong("I need a photo here: send it as a picture.")


# The gallery's photos after the product's own, from /edit: ➕ Add photo asks for one and adds
# it after the others; 🗑 Remove photo N (its own buttons) previews that one, then removes it.
ADD_PHOTO = "add_photo"
DROP_PHOTO = "drop_photo"


PRODUCT_FIELDS: dict[str, ProductField] = {
    f.name: f
    for f in (
        ProductField(
            "title",
            N_("Title"),
            N_("Send the product title (up to {most} characters)."),
            lambda text, _: parse_text_field("title", text),
        ),
        ProductField(
            "description",
            N_("Description"),
            N_("Send the description (or /skip for none)."),
            lambda text, _: parse_description(text),
        ),
        ProductField(
            "category",
            N_("Category"),
            N_("Pick a category below, or send the name of a new one."),
            lambda text, _: parse_text_field("category", text),
        ),
        ProductField(
            "price",
            N_("Price"),
            N_("Send the price, e.g. 12.50."),
            lambda text, currency: parse_price(text, currency),
        ),
        ProductField(
            "compare_at",
            N_("Was price"),
            N_(
                "Send the regular price it is on sale from, shown struck through before its "
                "price (e.g. 20.00), or - to end the sale."
            ),
            _compare_at_from_text,
        ),
        ProductField(
            "max_per_order",
            N_("Limit per order"),
            N_(
                "Send the most one order may have of it, all its variants together "
                "(e.g. 2), or - for no limit."
            ),
            parse_max_per_order,
            N_("Limit per order? Send a number from 1 to {limit}, or tap No limit."),
        ),
        ProductField(
            "stock",
            N_("Stock"),
            N_("Send how many units are in stock, e.g. 20."),
            lambda text, _: parse_quantity(text),
        ),
        ProductField(
            "photo",
            N_("Photo"),
            N_("Send the product photo (as a picture), or /skip for none."),
            _photo_from_text,
        ),
        ProductField(
            ADD_PHOTO,
            N_("➕ Add photo"),
            N_("Send a photo to show after the product's other photos (as a picture)."),
            _further_photo_from_text,
        ),
        ProductField(DROP_PHOTO, N_("🗑 Remove photo"), "", _further_photo_from_text),
    )
}
ADD_STEPS: tuple[str, ...] = (
    "title",
    "description",
    "category",
    "price",
    "stock",
    "max_per_order",
    "photo",
)
# Steps a flow begun before they were asked may lack (None: as if skipped).
LATER_STEPS = frozenset({"max_per_order"})


def describe_value(field: str, value: Any, currency: str) -> str:
    """A field's value as the admin reads it in a preview."""
    tr = i18n.current()
    if field == "price":
        return tr.money(int(value), currency)
    if field == "compare_at":
        return tr.money(int(value), currency) if value is not None else tr._("not on sale")
    if field == "max_per_order":
        return limit_words(value)
    if field == "photo":
        return tr._("a photo") if value else tr._("no photo")
    if field == "description" and not value:
        return tr._("(none)")
    return str(value)


def limit_words(limit: int | None) -> str:
    """A per-order limit as the admin reads it: "2 per order", or "no limit"."""
    tr = i18n.current()
    return tr._("{count} per order", count=limit) if limit is not None else tr._("no limit")


# ----------------------------------------------------------------------------- reading


async def product_by_sku(uow: UnitOfWork, sku: str) -> Product:
    """The product an admin names: SKUs are stored as given and typed in any case (an SKU
    that could name case twins is refused, naming them)."""
    product = await _find(uow.products.find_by_sku, sku)
    if product is None:
        variant = await _find(uow.products.find_variant_by_sku, sku)
        if variant is not None:
            owner = await uow.products.get(variant.product_id)
            assert owner is not None
            raise wrong(
                "{variant} is a variant of {sku} ({title}): this command works on {sku}; "
                "/stock {variant} changes the variant's stock.",
                variant=variant.sku,
                sku=owner.sku,
                title=i18n.current().name(owner.title, owner.translations),
            )
        raise UnknownSku(sku.strip())
    return product


async def _find(finder: Callable[[str], Awaitable[Found]], sku: str) -> Found:
    """A product or variant by an SKU as typed; case twins it could name are refused."""
    try:
        return await finder(sku)
    except CaseTwins as exc:
        raise refused(exc) from None


class SoldAsVariants(AdminInputError):
    """The product's stock was asked for, but it is sold as variants, each with its own."""


async def sold_as_variants(uow: UnitOfWork, product: Product) -> SoldAsVariants:
    """The refusal of a product-level stock change, naming the variants' SKUs and stock."""
    tr = i18n.current()
    variants = await uow.products.variants_of(product.id)
    if not variants:
        return SoldAsVariants(
            tr._("{sku} is sold as variants and has none yet: import them first.", sku=product.sku)
        )
    return SoldAsVariants(
        tr._(
            "{sku} is sold as variants, each with its own stock: {listed}. "
            "Send /stock with a variant's SKU, e.g. /stock {example} 10.",
            sku=product.sku,
            listed=", ".join(
                f"{v.sku} ({tr.label(v.label, product.translations)}: {v.stock})" for v in variants
            ),
            example=variants[0].sku,
        )
    )


def editable_fields(product: Product) -> list[ProductField]:
    """The fields /edit offers: a product sold as variants has no stock of its own; a photo
    is added to a gallery that has its first and room for more (a photo is removed by its
    own button, not picked as a field)."""
    facts = ProductFacts.of(product)
    unoffered = {DROP_PHOTO}
    if product.has_variants:
        unoffered.add("stock")
    if not 0 < facts.photos < MAX_PHOTOS:
        unoffered.add(ADD_PHOTO)
    return [f for f in PRODUCT_FIELDS.values() if f.name not in unoffered]


async def check_editable(uow: UnitOfWork, product: Product, field: str) -> None:
    """AdminInputError (SoldAsVariants for its stock) unless /edit may change this field."""
    if field not in PRODUCT_FIELDS:
        raise wrong("{field} is not a field I can edit.", field=repr(field))
    if field == "stock" and product.has_variants:
        raise await sold_as_variants(uow, product)


async def own_prices(uow: UnitOfWork, product: Product) -> list[tuple[str, int]]:
    """The variants priced on their own (SKU, price): the product's price is the others'."""
    if not product.has_variants:
        return []
    variants = await uow.products.variants_of(product.id)
    return [(v.sku, v.price) for v in variants if v.price is not None]


@dataclass(frozen=True)
class ProductList:
    """One page of every product, hidden ones too, in SKU order."""

    products: list[ProductFacts]
    page: int  # from 0; the admin reads "page 3/7"
    pages: int
    total: int
    has_previous: bool
    has_next: bool
    restarted: bool = False  # the page asked for is gone (a stale or forged button): page 1


async def products_page(
    uow: UnitOfWork, size: int, *, page: int = 0, after_id: int = 0, before_id: int = 0
) -> ProductList:
    """The first page, or the page right after the product `after_id` (the last of the
    page before) or right before `before_id` (the first of the page after): a keyset page,
    as fast at the 100,000th product as at the first. Its number (`page`, from the button)
    only labels it, moved into range at either end (products added or hidden meanwhile
    move pages, never lose them). A page asked for without a product that exists (a
    button from before keyset pages, or forged) is the first page, `restarted`."""
    total = await uow.products.count_all()
    pages = max(1, math.ceil(total / size))
    anchor = after_id or before_id
    sku = await uow.products.sku_of(anchor) if anchor else None
    restarted = (page > 0 or anchor > 0) and sku is None
    if sku is not None and before_id:
        found, has_previous = await uow.products.page_by_sku(before=sku, limit=size)
        has_next = True
        if not has_previous and len(found) < size:  # fewer before it now: fill the first page
            found, has_next = await uow.products.page_by_sku(limit=size)
    else:
        found, has_next = await uow.products.page_by_sku(after=sku, limit=size)
        has_previous = sku is not None
        if not found and sku is not None:  # nothing after it any more: the first page
            return await products_page(uow, size)
    page = keyset_page_number(page, pages, has_previous=has_previous, has_next=has_next)
    products = [ProductFacts.of(p, p.variants if p.has_variants else ()) for p in found]
    return ProductList(products, page, pages, total, has_previous, has_next, restarted)


async def category_titles(uow: UnitOfWork) -> list[tuple[int, str]]:
    return [(c.id, c.title) for c in await uow.categories.list_all()]


async def category_title(uow: UnitOfWork, category_id: int) -> str:
    category = await uow.categories.get(category_id)
    if category is None:
        raise wrong("That category no longer exists. Send a category name instead.")
    return category.title


# ----------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class PriceSet:
    """/price's outcome: the product, and the regular price its sale had if the new price
    ended it (None: it was not on sale, or still is)."""

    product: ProductFacts
    sale_ended: int | None = None


async def set_price(uow: UnitOfWork, sku: str, price: int, *, actor: int) -> PriceSet:
    product = await product_by_sku(uow, sku)
    before = product.price
    ended = reprice(product, price)
    await uow.session.flush()
    await uow.audit.record(
        actor,
        "product.price",
        product.sku,
        {"from": before, "to": price, "currency": product.currency}
        | ({"compare_at_ended": ended} if ended is not None else {}),
    )
    return PriceSet(ProductFacts.of(product), ended)


@dataclass(frozen=True)
class TaxRateSet:
    """/tax's outcome: the product, and its own VAT rate now (None: the shop's TAX_RATE)."""

    product: ProductFacts
    rate: int | None


def parse_tax_rate(text: str) -> int | None:
    """A product's own VAT rate in basis points, from "5" or "7.7"; None for "default" (the
    shop's TAX_RATE again); AdminInputError for anything else."""
    if text.strip().lower() in SHOP_RATE_WORDS:
        return None
    try:
        return parse_rate(text)
    except TaxRateError as exc:
        raise wrong(exc.template, **exc.params) from None


async def set_tax_rate(uow: UnitOfWork, sku: str, rate: int | None, *, actor: int) -> TaxRateSet:
    """The product's own VAT rate (its variants take it): what orders placed from now on are
    taxed at; orders placed before keep what they stored."""
    product = await product_by_sku(uow, sku)
    before = product.tax_rate_bp
    product.tax_rate_bp = rate
    await uow.session.flush()
    details = {"rate_was": file_rate(before) or "-", "rate": file_rate(rate) or "-"}
    await uow.audit.record(actor, "product.tax", product.sku, details)
    return TaxRateSet(ProductFacts.of(product), rate)


@dataclass(frozen=True)
class TiersSet:
    """/tiers' outcome: the product and its quantity tiers now (() for none); `changed`:
    they were set or taken off (False: only shown)."""

    product: ProductFacts
    tiers: Tiers
    changed: bool = True


TIERS_OFF_WORDS = ("off", "none", "-")  # /tiers SKU off: no tiers any more


def parse_tiers_words(words: Sequence[str]) -> Tiers | None:
    """/tiers' words after the SKU: None for none (show them), () for "off", the tiers
    for "3:10% 6:15%" or "3:10,6:15" (bot.pricing.parse_tiers); AdminInputError otherwise."""
    text = " ".join(words).strip()
    if not text:
        return None
    if text.lower() in TIERS_OFF_WORDS:
        return ()
    try:
        tiers = parse_tiers(text)
    except TiersError as exc:
        raise wrong(exc.template, **exc.params) from None
    if not tiers:
        raise wrong(TIERS_REFUSED)
    return tiers


async def show_tiers(uow: UnitOfWork, sku: str) -> TiersSet:
    """/tiers SKU: the product's tiers as they are."""
    product = await product_by_sku(uow, sku)
    facts = ProductFacts.of(product)
    return TiersSet(facts, facts.tiers, changed=False)


async def set_tiers(uow: UnitOfWork, sku: str, tiers: Tiers, *, actor: int) -> TiersSet:
    """The product's quantity tiers (() takes them off): what carts price its lines at from
    now on (orders placed before keep their prices). Audited as product.tiers."""
    product = await product_by_sku(uow, sku)
    if tiers and product.is_gift_card:
        raise wrong(
            "{sku} sells gift cards, each worth the price paid for it: it takes no quantity tiers.",
            sku=product.sku,
        )
    before = product.tiers or ""
    product.tiers = stored_tiers_text(tiers) or None
    await uow.session.flush()
    details = {"tiers_was": before or "-", "tiers": product.tiers or "-"}
    await uow.audit.record(actor, "product.tiers", product.sku, details)
    return TiersSet(ProductFacts.of(product), tiers)


@dataclass(frozen=True)
class BundleSet:
    """/bundle's outcome: the product and the parts of the set it is now (() for none);
    `changed`: they were set or taken off (False: only shown)."""

    product: ProductFacts
    parts: tuple[PartLine, ...]
    changed: bool = True


def parse_bundle_words(words: Sequence[str]) -> list[tuple[str, int]] | None:
    """/bundle's words after the SKU: None for none (show the parts), [] for "off", the
    parts for "KIT-KTL-GOO:1 KIT-MUG-CER:2" (bot.services.bundle_rules.parse_parts)."""
    text = " ".join(words).strip()
    if not text:
        return None
    if text.lower() in TIERS_OFF_WORDS:
        return []
    try:
        named = bundle_rules.parse_parts(text)
    except BundleError as exc:
        raise wrong(exc.template, **exc.params) from None
    if not named:
        raise wrong(bundle_rules.PARTS_REFUSED)
    return named


async def show_bundle(uow: UnitOfWork, sku: str) -> BundleSet:
    """/bundle SKU: the set's parts as they are (() for a product sold as itself)."""
    product = await product_by_sku(uow, sku)
    inside = await bundles.contents(uow, product)
    return BundleSet(ProductFacts.of(product), inside.parts if inside else (), changed=False)


async def set_bundle(
    uow: UnitOfWork, sku: str, named: Sequence[tuple[str, int]], *, actor: int
) -> BundleSet:
    """Make the product a set of `named` parts ([] : sold as itself again). Refused while
    unpaid invoices hold it (their release gives back what they held) or while it has stock
    of its own (a set's stock is its parts'). Audited as product.bundle."""
    product = await product_by_sku(uow, sku)
    parts = [await product_by_sku(uow, part_sku) for part_sku, _ in named]
    try:
        bundle_rules.check_parts(product, parts, await bundles.sets(uow) if parts else ())
    except BundleError as exc:
        raise wrong(exc.template, **exc.params) from None
    if (held := await bundles.held_units(uow, product.id)) > 0:
        raise wrong(
            "Unpaid invoices hold {count} of {sku}: change its parts once they are paid or "
            "released.",
            count=held,
            sku=product.sku,
        )
    if parts and product.stock > 0:
        raise wrong(
            "{sku} has {count} in stock of its own, but a set's stock is its parts': "
            "/stock {sku} 0 first.",
            sku=product.sku,
            count=product.stock,
        )
    before = await _parts_text(uow, product)
    product.bundle = bundle_rules.stored(
        [
            bundle_rules.Part(part.id, quantity)
            for part, (_, quantity) in zip(parts, named, strict=True)
        ]
    )
    await uow.session.flush()
    after = await _parts_text(uow, product)
    details = {"bundle_was": before or "-", "bundle": after or "-"}
    await uow.audit.record(actor, "product.bundle", product.sku, details)
    inside = await bundles.contents(uow, product)
    return BundleSet(ProductFacts.of(product), inside.parts if inside else ())


async def _parts_text(uow: UnitOfWork, product: Product) -> str:
    """The product's parts as written ("KIT-KTL-GOO:1 KIT-MUG-CER:2"; "" for none)."""
    inside = await bundles.contents(uow, product)
    return bundle_rules.parts_text([(p.sku, p.quantity) for p in inside.parts] if inside else [])


def sale_ended_by(product: Product, price: int) -> int | None:
    """The regular price whose sale `price` would end (not below it), else None."""
    kept = sale_after_new_price(price, product.compare_at_price)
    return product.compare_at_price if kept is None else None


def reprice(product: Product, price: int) -> int | None:
    """Give `product` a new price, ending its sale if the price is not below the regular
    one (/price and /edit alike); the regular price of the sale it ended, if it did."""
    ended = sale_ended_by(product, price)
    product.price = price
    if ended is not None:
        product.compare_at_price = None
    return ended


def check_sale(product: Product, compare_at: int | None) -> None:
    """AdminInputError unless `compare_at` may be the product's regular price: above its
    price, as a catalog file's must be (None ends the sale)."""
    if compare_at is None:
        return
    try:
        check_compare_at(compare_at, product.price, product.currency)
    except OutOfRange as exc:
        raise refused(exc) from None


@dataclass(frozen=True)
class StockResult:
    product_id: int
    sku: str
    title: str
    before: int
    after: int
    reserved: int
    variant_id: int = 0  # the variant whose stock changed (its sku and title); 0: the product

    @property
    def available(self) -> int:
        return self.after - self.reserved

    @property
    def decreased(self) -> bool:
        return self.after < self.before

    @property
    def lowered(self) -> list[int]:
        """The product, if its own stock went down (for the low-stock alert)."""
        return [self.product_id] if self.decreased and not self.variant_id else []

    @property
    def lowered_variants(self) -> list[int]:
        """The variant, if its stock went down (for the low-stock alert)."""
        return [self.variant_id] if self.decreased and self.variant_id else []


async def change_stock(
    uow: UnitOfWork, sku: str, change: StockChange, *, actor: int
) -> StockResult:
    """Set or adjust on-hand stock atomically; never below what unpaid invoices hold. A
    variant's SKU changes that variant's stock; a product sold as variants has none of its
    own, so its SKU is answered with its variants' SKUs."""
    variant = await _find(uow.products.find_variant_by_sku, sku)
    if variant is not None:
        return await _change_variant_stock(uow, variant, change, actor=actor)
    product = await product_by_sku(uow, sku)
    if product.has_variants:
        raise await sold_as_variants(uow, product)
    if product.bundle:
        raise wrong(
            "{sku} is a set: its stock is its parts'. /bundle {sku} lists them.", sku=product.sku
        )
    before = product.stock
    done = await _move_stock(uow, product.id, change)
    fresh = await uow.products.get(product.id)
    assert fresh is not None
    await _record_stock(uow, fresh, before, change, done, actor=actor, action="product.stock")
    return StockResult(fresh.id, fresh.sku, fresh.title, before, fresh.stock, fresh.reserved)


async def _move_stock(
    uow: UnitOfWork, product_id: int, change: StockChange, variant_id: int = 0
) -> bool:
    """Add to the stock (`change.delta`) or set it: one conditional UPDATE either way."""
    if change.delta:
        return await uow.products.adjust_stock(product_id, change.amount, variant_id)
    return await uow.products.set_stock(product_id, change.amount, variant_id)


async def _record_stock(
    uow: UnitOfWork,
    fresh: Product | ProductVariant,
    before: int,
    change: StockChange,
    done: bool,
    *,
    actor: int,
    action: str,
) -> None:
    """Refuse a change that the cap or held units forbid (with what stands now), else
    audit it."""
    if not done:
        if change.delta:
            try:
                check_stock_after(fresh.stock, change.amount)
            except OutOfRange as exc:
                raise refused(exc) from None
        raise _held(fresh.sku, before, change, fresh.stock, fresh.reserved)
    await uow.audit.record(
        actor, action, fresh.sku, {"from": before, "to": fresh.stock, "reserved": fresh.reserved}
    )


async def _change_variant_stock(
    uow: UnitOfWork, variant: ProductVariant, change: StockChange, *, actor: int
) -> StockResult:
    before, product_id = variant.stock, variant.product_id
    done = await _move_stock(uow, product_id, change, variant.id)
    fresh = await uow.products.get_variant(variant.id)
    product = await uow.products.get(product_id)
    assert fresh is not None and product is not None
    await _record_stock(uow, fresh, before, change, done, actor=actor, action="variant.stock")
    title = variant_title(product.title, fresh.label)
    return StockResult(
        product_id, fresh.sku, title, before, fresh.stock, fresh.reserved, variant_id=fresh.id
    )


def _held(sku: str, before: int, change: StockChange, stock: int, reserved: int) -> AdminInputError:
    wanted = before + change.amount if change.delta else change.amount
    return AdminInputError(
        i18n.current().ngettext(
            "{sku} cannot go to {wanted}: {count} unit is held by unpaid invoices and stock "
            "is {stock}. Send a number of at least {count}.",
            "{sku} cannot go to {wanted}: {count} units are held by unpaid invoices and stock "
            "is {stock}. Send a number of at least {count}.",
            reserved,
            sku=sku,
            wanted=wanted,
            count=reserved,
            stock=stock,
        )
    )


async def set_visibility(uow: UnitOfWork, sku: str, active: bool, *, actor: int) -> Product:
    product = await product_by_sku(uow, sku)
    changed = product.is_active != active
    product.is_active = active
    await uow.session.flush()
    if changed:
        await uow.audit.record(actor, "product.show" if active else "product.hide", product.sku)
    return product


async def _category_id(uow: UnitOfWork, title: str) -> int:
    return (await uow.categories.get_or_create(slugify(title), title)).id


async def unique_sku(uow: UnitOfWork, title: str) -> str:
    """An SKU made from the title's words (e.g. "STONEWARE-MUG-350ML"), unique in the shop."""
    words = re.findall(r"[A-Za-z0-9]+", title.upper())
    base = "-".join(words)[:40].strip("-") or "ITEM"
    sku, n = base, 2
    while await _taken(uow, sku):
        sku, n = f"{base}-{n}", n + 1
    return sku


async def _taken(uow: UnitOfWork, sku: str) -> bool:
    """Whether `sku` names a product or variant in any case (case twins count as taken)."""
    try:
        return (
            await uow.products.find_by_sku(sku) is not None
            or await uow.products.find_variant_by_sku(sku) is not None
        )
    except CaseTwins:
        return True


async def create_product(
    uow: UnitOfWork, values: dict[str, Any], *, currency: str, actor: int
) -> Product:
    """Create the product the /addproduct flow collected."""
    values = dict.fromkeys(LATER_STEPS) | values
    missing = [name for name in ADD_STEPS if name not in values]
    if missing:
        raise wrong(
            "The product lacks {fields}; start again with /addproduct.", fields=", ".join(missing)
        )
    photo = str(values["photo"] or "")
    product = await uow.products.add(
        Product(
            sku=await unique_sku(uow, str(values["title"])),
            title=str(values["title"]),
            description=str(values["description"]),
            category_id=await _category_id(uow, str(values["category"])),
            price=int(values["price"]),
            currency=currency,
            stock=int(values["stock"]),
            max_per_order=values["max_per_order"],
            photo=photo,
            photo_file_id=photo or None,
        )
    )
    await uow.audit.record(
        actor,
        "product.create",
        product.sku,
        {k: v for k in ADD_STEPS if k != "photo" and ((v := values[k]) is not None)}
        | {"photo": bool(photo)},
    )
    return product


async def edit_product(
    uow: UnitOfWork, sku: str, field: str, value: Any, *, actor: int
) -> tuple[Product, StockResult | None]:
    """Apply one /edit change; stock goes through the atomic stock rule."""
    await check_editable(uow, await product_by_sku(uow, sku), field)
    if field == "stock":
        result = await change_stock(uow, sku, StockChange(int(value), delta=False), actor=actor)
        product = await product_by_sku(uow, result.sku)
        return product, result
    product = await product_by_sku(uow, sku)
    before: Any
    if field == "category":
        before = product.category_id
        product.category_id = await _category_id(uow, str(value))
    elif field == "photo":
        before = product.photo
        product.photo = str(value or "")
        product.photo_file_id = str(value) if value else None
    elif field in (ADD_PHOTO, DROP_PHOTO):
        before = len(product.photos or ())
        product.photos = _gallery_changed(product, field, str(value))
    elif field == "price":
        before = product.price
        if (ended := reprice(product, int(value))) is not None:
            await uow.audit.record(
                actor, "product.edit.compare_at", product.sku, {"from": ended, "to": None}
            )
    elif field == "compare_at":
        check_sale(product, value)
        before = product.compare_at_price
        product.compare_at_price = value
    else:
        before = getattr(product, field)
        setattr(product, field, value)
    await uow.session.flush()
    after = (
        product.category_id
        if field == "category"
        else len(product.photos or ())
        if field in (ADD_PHOTO, DROP_PHOTO)
        else product.compare_at_price
        if field == "compare_at"
        else getattr(product, field)
    )
    await uow.audit.record(
        actor, f"product.edit.{field}", product.sku, {"from": before, "to": after}
    )
    return product, None


def _gallery_changed(product: Product, field: str, photo: str) -> list[dict[str, Any]] | None:
    """The product's further photos with `photo` (a file_id the admin sent) added after them,
    or (DROP_PHOTO) without it; one no longer there is gone already."""
    photos = list(product.photos or ())
    if field == DROP_PHOTO:
        return [entry for entry in photos if entry["photo"] != photo] or None
    if not (product.photo or product.photo_file_id):
        raise wrong("Set the product's photo first: its other photos follow it.")
    if len(photos) + 1 >= MAX_PHOTOS:
        raise wrong("A product has at most {most} photos; remove one first.", most=MAX_PHOTOS)
    return [*photos, {"photo": photo, "file_id": photo}]


# ----------------------------------------------------------------------------- catalog files


def check_upload(file_name: str | None, size: int | None) -> str:
    """The upload's kind ("csv" or "json"), or AdminInputError saying what to send instead."""
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix not in CATALOG_EXTENSIONS:
        raise wrong(
            "I can import only .csv or .json catalog files (or one of them in a .zip), and "
            "{file} is none of these. Send the catalog as CSV (get a template with /export) "
            "or JSON.",
            file=repr(file_name) if file_name else i18n.current()._("that file"),
        )
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise wrong(
            "That file is {size} MB; Telegram lets a bot download at most {limit} MB. Split "
            "the catalog into smaller files, or load it with python -m bot seed --file.",
            size=f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f}",  # up: never "20.0" for 20.0001
            limit=MAX_UPLOAD_BYTES // (1024 * 1024),
        )
    return suffix[1:]


def unzip_catalog(file_name: str, data: bytes) -> tuple[str, bytes]:
    """The one .csv or .json catalog in a .zip (what /export sends past 50 MB) and its
    name, unpacked up to MAX_UNZIPPED_BYTES; AdminInputError for any other archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found = [
                member
                for member in archive.infolist()
                if PurePath(member.filename).suffix.lower() in (".csv", ".json")
                and not member.is_dir()
            ]
            if len(found) != 1:
                if not found:
                    raise wrong("{file} holds no .csv or .json catalog.", file=file_name)
                raise wrong(
                    "{file} holds {count} catalogs; put one .csv or .json file in it.",
                    file=file_name,
                    count=len(found),
                )
            (member,) = found
            if member.file_size > MAX_UNZIPPED_BYTES:
                raise wrong(
                    "{file} unpacks to more than {limit} MB; split the catalog.",
                    file=member.filename,
                    limit=MAX_UNZIPPED_BYTES // (1024 * 1024),
                )
            with archive.open(member) as unpacked:
                content = unpacked.read(MAX_UNZIPPED_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError):
        raise wrong("{file} is not a zip archive I can open.", file=file_name) from None
    if len(content) > MAX_UNZIPPED_BYTES:  # the archive understated it
        raise wrong(
            "{file} unpacks to more than {limit} MB; split the catalog.",
            file=member.filename,
            limit=MAX_UNZIPPED_BYTES // (1024 * 1024),
        )
    return PurePath(member.filename).name, content


def spooled_file() -> IO[bytes]:
    """A temporary file for an export: in memory while small, on disk past SPOOL_IN_MEMORY.
    The caller closes it (after sending it)."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)


CATALOG_TOO_BIG = N_(
    "The catalog is {size} MB even zipped, more than the {limit} MB Telegram lets a bot send, "
    "so I cannot export it in the chat."
)


def zip_export(
    file_name: str, data: IO[bytes], *, too_big: str = CATALOG_TOO_BIG
) -> tuple[str, IO[bytes]]:
    """An export past the 50 MB a bot may send, as a .zip holding it (CSV packs some 5-10
    times), in a temporary file of its own (`data`, read from its start, is closed);
    AdminInputError saying `too_big` (a msgid taking {size} and {limit}) if even that is
    too big to send. Blocking file work: run on a thread."""
    zipped = spooled_file()
    try:
        with data:
            member = zipfile.ZipInfo(file_name, time.localtime()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.file_size = data.seek(0, io.SEEK_END)  # zipfile picks ZIP64 by it
            data.seek(0)
            with zipfile.ZipFile(zipped, "w") as archive, archive.open(member, "w") as packed:
                shutil.copyfileobj(data, packed, COPY_CHUNK)
        size = zipped.tell()
        if size > MAX_SEND_BYTES:
            raise wrong(
                too_big,
                size=math.ceil(size / (1024 * 1024)),
                limit=MAX_SEND_BYTES // (1024 * 1024),
            )
    except BaseException:
        zipped.close()
        raise
    zipped.seek(0)
    return str(PurePath(file_name).with_suffix(".zip")), zipped


def too_big_to_download() -> AdminInputError:
    """A file Telegram refused to hand over (getFile's "file is too big")."""
    return wrong(
        "That file is bigger than the {limit} MB Telegram lets a bot download. Send it as a "
        ".zip, split the catalog into smaller files, or load it with python -m bot seed --file.",
        limit=MAX_UPLOAD_BYTES // (1024 * 1024),
    )


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    updated_product_ids: list[int]


def read_catalog_file(
    file_name: str, data: bytes, files_dir: Path, *, currency: str
) -> CatalogFile:
    """Every row of an uploaded catalog file, each checked: CatalogError (every bad row with
    its line) or AdminInputError otherwise. Every row must be in `currency`, the shop's.
    Download and photo files are looked up in `files_dir` (the catalog file's folder, as for
    seeding). Plain work on the file, no database: a big file can be read on a worker thread
    before any unit of work begins."""
    kind = check_upload(file_name, len(data))
    if kind == "zip":
        file_name, data = unzip_catalog(file_name, data)
        kind = PurePath(file_name).suffix.lower()[1:]
    upload = parse_upload(data, kind, file_name, currency=currency)
    check_files(upload.rows, files_dir, file_name)
    return upload


async def plan_rows(store: Store, upload: CatalogFile) -> ImportPlan | None:
    """Compare checked rows (`read_catalog_file`) with the shop in a snapshot before
    `import_rows`' writing unit, where that unit would hold every write up: see
    `plan_beside_writes` (a seed's the same way) and `ImportPlan`."""
    return await plan_beside_writes(store, upload.rows)


async def import_rows(
    uow: UnitOfWork,
    file_name: str,
    upload: CatalogFile,
    *,
    actor: int,
    plan: ImportPlan | None = None,
) -> ImportOutcome:
    """Upsert checked rows (`read_catalog_file`) in this one unit of work, all or nothing;
    rows `plan` compared already, and whose products are as they were, are not read again."""
    report = await upsert_rows(uow, upload.rows, plan)
    report.ignored_columns = upload.ignored
    await uow.audit.record(
        actor,
        "catalog.import",
        file_name,
        {"created": report.created, "updated": report.updated, "unchanged": len(report.unchanged)},
    )
    return ImportOutcome(report, report.updated_ids)


def describe_catalog_errors(error: CatalogError, limit: int = 40) -> list[str]:
    """Every bad row as one line for the admin ("line 3 (MUG-1), price: ...")."""
    lines = [_row_error_line(e) for e in error.errors[:limit]]
    if len(error.errors) > limit:
        more = len(error.errors) - limit
        lines.append(
            i18n.current().ngettext("… and {count} more", "… and {count} more", more, count=more)
        )
    return lines


def _row_error_line(error: RowError) -> str:
    tr = i18n.current()
    if error.line == 0 and error.field == "file":
        message = tr._(error.template, **dict(error.params)) if error.template else error.message
        return tr._("the file: {problem}", problem=message)
    return error.said(tr)


EXPORT_CHUNK = 250


async def catalog_chunks(
    uow: UnitOfWork, *, chunk: int = EXPORT_CHUNK
) -> AsyncIterator[Sequence[Product]]:
    """The whole catalog in SKU order, `chunk` products at a time (each after the last one's
    SKU): memory holds one chunk of products, and making each chunk's objects keeps the event
    loop a few milliseconds, not seconds (at 100,000 products, read at once, 8.4-10.9 s and
    +260 MB). Read in a snapshot (`Store.snapshot`), the chunks are one moment's catalog."""
    last = None
    while products := await uow.products.after_sku(last, limit=chunk):
        yield products
        last = products[-1].sku


async def export_catalog(
    uow: UnitOfWork, out: IO[bytes], *, chunk: int = EXPORT_CHUNK, taxed: bool = False
) -> int:
    """Write the whole catalog into `out` as a CSV file an import accepts (UTF-8), and say
    how many products it holds. Only a chunk of products and the text buffer's few KB are
    in memory at once: `out` may be a temporary file as big as the catalog. `taxed`: with
    the products' own VAT rates (the shop has TAX_RATE)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    sets = await bundles.sets(uow)  # few: their parts' SKUs, for the bundle column
    ids = sorted({part.product_id for p in sets for part in bundle_rules.parts_of(p)})
    found = await uow.products.get_many(ids) if ids else {}
    part_skus = {pid: p.sku for pid, p in found.items()} if sets else None
    csv_file = CatalogCsv(text, taxed=taxed, part_skus=part_skus)
    async for products in catalog_chunks(uow, chunk=chunk):
        csv_file.add(products)
    text.flush()
    text.detach()  # `out` stays open, for the caller
    return csv_file.products
