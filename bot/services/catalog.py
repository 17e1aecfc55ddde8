"""What a shopper can see of the catalog: categories, pages of products, search, one product.

Everything returned is plain data (no ORM objects), ready for the views.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from bot.catalog_rules import CaseTwins
from bot.clipping import echo
from bot.pricing import Tiers, cost_of_adding
from bot.services import bundles
from bot.services.bundles import Contents
from bot.services.cart import Held, OwnHolds, own_holds_of
from bot.services.errors import CategoryNotFound, ProductUnavailable, VariantUnavailable
from bot.services.photos import GalleryPhoto, further_photos
from bot.services.sellable import tiers_of, unit_of, variant_compare_at
from bot.store import search_index
from bot.store.models import Product, ProductVariant
from bot.store.repositories.catalog import CATEGORY_ORDERS as CATEGORY_ORDERS
from bot.store.repositories.catalog import ListedProduct
from bot.store.uow import UnitOfWork

PAGE_SIZE = 8  # products per page: a screenful of buttons on a phone
# Category buttons per page, for shoppers and for /addproduct: Telegram refuses a keyboard of
# more than 100 buttons, and a shop may have hundreds of categories.
CATEGORY_PAGE = 20
SEARCH_LIMIT = 48  # results kept for one search (6 pages)
SHARE_LIMIT = 200  # matches kept for one inline query (four answers of 50)
FEATURED_COUNT = 10  # in-stock products offered for an empty inline query
ALSO_BOUGHT_SHOWN = 3  # "Often bought with this" under a card, in the chat and on the page

# Words that carry no meaning in "I want a mug for tea": they never have to match.
_STOPWORDS_TEXT = (
    "a an and any are do for have i in is it me my of on or please show some the to want "
    "with you your need looking find buy what where how can get there this that"
    # Russian and Spanish ("хочу купить кружку для чая", "busco una taza para té")
    " и в во на для с со мне я хочу купить нужен нужна нужно найти покажите есть ищу"
    " el la los las un una unos unas de del y o para con por quiero busco comprar necesito"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True, slots=True)
class CategoryItem:
    id: int
    title: str
    product_count: int
    translations: dict[str, Any] | None = None  # {"ru": "Кухня"}: see Translator.name


@dataclass(frozen=True, slots=True)
class ProductItem:
    """A product as a line of a list."""

    id: int
    sku: str
    title: str
    price: int
    currency: str
    available: int
    translations: dict[str, Any] | None = None
    compare_at: int | None = None  # the regular price while on sale (bot.pricing)


@dataclass(frozen=True, slots=True)
class ProductPage:
    """One page of a list; `page` is 0-based and already clamped to the pages that exist."""

    title: str
    items: tuple[ProductItem, ...]
    page: int
    pages: int
    total: int
    translations: dict[str, Any] | None = None  # the category's title in other languages

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


@dataclass(frozen=True, slots=True)
class OptionChoice:
    """One value of an option on the product card, and the variant pressing it shows: the
    one that keeps the other values chosen, else the first with this value."""

    value: str
    variant_id: int
    chosen: bool
    sold_out: bool


@dataclass(frozen=True, slots=True)
class VariantItem:
    """One variant of a product, as the storefront page lists them."""

    id: int
    sku: str
    label: str  # "M / Oat"
    price: int
    available: int
    own_photo: bool
    compare_at: int | None = None  # its regular price while on sale


@dataclass(frozen=True, slots=True)
class OptionRow:
    name: str
    choices: tuple[OptionChoice, ...]


@dataclass(frozen=True, slots=True)
class ProductCard:
    """Everything the product view shows. For a product sold as variants, the SKU, price,
    stock and photo are the chosen variant's (`variant_id`, `variant_label` "M / Oat")."""

    id: int
    sku: str
    title: str
    description: str
    price: int
    currency: str
    available: int
    photo: str
    photo_file_id: str | None
    is_digital: bool
    variant_id: int = 0
    variant_label: str = ""
    options: tuple[OptionRow, ...] = ()
    variant_photo: bool = False  # the photo is the variant's own, not the product's
    variants: tuple[VariantItem, ...] = ()  # all of them, in catalog order
    translations: dict[str, Any] | None = None  # {"ru": {"title": ..., "description": ...}}
    rating_count: int = 0  # shoppers who gave it stars (bot.services.ratings)
    rating_total: int = 0  # the sum of their stars
    review_count: int = 0  # their reviews the card lists (bot.services.reviews)
    # The product's further photos, after `photo` (a variant's own photo takes the first
    # place; these stay the product's): the card pages through them, ◀ 1/3 ▶.
    further_photos: tuple[GalleryPhoto, ...] = ()
    # The regular price while on sale, struck through beside `price` (the chosen variant's).
    compare_at: int | None = None
    # At most this many of it (all its variants together) in one order; None: no limit.
    max_per_order: int | None = None
    # When the sale of its category ends by itself (None: no end date, or no such sale).
    sale_ends_at: datetime | None = None
    tiers: Tiers = ()  # its quantity tiers ("Buy 3+: −10%"), all its variants together
    bundle: Contents | None = None  # a set's parts and what it saves (bot.services.bundles)

    @property
    def photo_count(self) -> int:
        """How many photos the card pages through (0: none)."""
        return 1 + len(self.further_photos) if self.photo or self.photo_file_id else 0

    def cost_of_adding(self, variant_id: int, quantity: int, in_cart: Mapping[int, int]) -> int:
        """What her cart's total grows by when `quantity` of the variant (0: the product)
        go in beside `in_cart`, her units of the product by variant id (0: the product
        itself): a quantity tier re-prices the units she holds too (bot.pricing). The card's
        Add button names it, in the chat and on the page."""
        prices = {variant.id: variant.price for variant in self.variants} or {0: self.price}
        held = [(prices[vid], units) for vid, units in in_cart.items() if units and vid in prices]
        return cost_of_adding(held, prices.get(variant_id, self.price), quantity, self.tiers)


T = TypeVar("T")


def page_of(items: Sequence[T], page: int, size: int = CATEGORY_PAGE) -> tuple[list[T], int, int]:
    """The `page`th slice of `size` items (a page past either end is the nearest one), the
    page it is, and how many pages there are (at least one)."""
    pages = max(1, math.ceil(len(items) / size))
    page = min(max(page, 0), pages - 1)
    return list(items[page * size : (page + 1) * size]), page, pages


def keyset_page_number(page: int, pages: int, *, has_previous: bool, has_next: bool) -> int:
    """The number a keyset page is labelled with: the one its button carried, set right at
    either end (the first has nothing before it, the last nothing after it) and kept
    between them otherwise, since rows added or taken away meanwhile move pages."""
    if not has_previous:
        return 0
    if not has_next:
        return pages - 1
    return max(1, min(page, pages - 2))


async def list_categories(uow: UnitOfWork, *, in_stock: bool = False) -> list[CategoryItem]:
    """Categories that have something to show, in the shop's order; with `in_stock` (the
    shopper's "In stock only") counting, and having, only what can be bought now."""
    sets = await bundles.sets_in_stock(uow) if in_stock else []
    rows = await uow.categories.list_with_active_products(in_stock=in_stock, sets=sets)
    return [
        CategoryItem(category.id, category.title, count, category.translations)
        for category, count in rows
    ]


async def _with_variant_stock(
    uow: UnitOfWork, products: Iterable[Product | ListedProduct]
) -> dict[int, int]:
    """What each product sold as variants has available across them, and each set what its
    parts make (no query when the list has neither): a list shows a product's stock as the
    sum of its variants', a set's as its parts' (bot.services.bundles)."""
    listed = list(products)
    with_variants = [p.id for p in listed if p.has_variants]
    stock = await uow.products.variant_stock(with_variants) if with_variants else {}
    return stock | await bundles.availability(uow, listed)


async def category_page(
    uow: UnitOfWork, category_id: int, page: int, order: str = "name", in_stock: bool = False
) -> ProductPage:
    """One page of a category in `order` (one of CATEGORY_ORDERS), with `in_stock` only what
    can be bought now; page numbers and the total count what is listed. A category with
    nothing on sale is not found; one whose products are all sold out shows, with
    `in_stock`, an empty page (the shopper can turn the filter off)."""
    if order not in CATEGORY_ORDERS:
        raise ValueError(f"unknown order {order!r}")
    category = await uow.categories.get(category_id)
    if category is None or await uow.products.count_in_category(category_id) == 0:
        raise CategoryNotFound(category_id)
    sets = await bundles.sets_in_stock(uow) if in_stock else []  # their own stock is 0
    total = await uow.products.count_in_category(category_id, in_stock=in_stock, sets=sets)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    products = await uow.products.list_in_category(
        category_id,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE,
        order=order,
        in_stock=in_stock,
        sets=sets,
    )
    stock = await _with_variant_stock(uow, products)
    return ProductPage(
        category.title, _items(products, stock), page, pages, total, category.translations
    )


async def search(uow: UnitOfWork, query: str, page: int = 0) -> ProductPage:
    """Products matching the words of `query`, best first, one page of them.

    Each query word must match a word of the title or description: exactly, as its start
    ("mug" finds "mugs"), or within a typo ("kettel" finds "kettle"). Products matching every
    word come first; when none does, those matching most words are shown. The database's
    text index does the work (bot.store.search_index), so a search reads one page of
    products whatever the catalog's size, and writes nothing.
    """
    words = query_words(query)
    found = await uow.products.search_ids(words, limit=SEARCH_LIMIT) if words else []
    total = len(found)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chosen = await items_of(uow, found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE])
    return ProductPage(f"“{echo(query)}”", chosen, page, pages, total)


@dataclass(frozen=True, slots=True)
class SharePage:
    """One answer to an inline query; `next_offset` is where the next answer starts (None: no
    more)."""

    cards: tuple[ProductCard, ...]
    next_offset: int | None


async def shareable(uow: UnitOfWork, query: str, offset: int, page_size: int) -> SharePage:
    """Products a shopper can post into any chat (inline mode): the search's matches, best
    first, or a few in-stock products when the query has no words. Reads only: inline queries
    come from anyone, including people who never opened the shop.
    """
    words = query_words(query)
    listed = SHARE_LIMIT if words else FEATURED_COUNT
    start = max(offset, 0)
    end = min(start + page_size, listed)
    if start >= end:
        return SharePage((), None)
    # One more than the page is read, to know whether another page follows.
    if words:
        found = await uow.products.search(words, limit=end - start + 1, offset=start)
    else:
        sets = await bundles.sets_in_stock(uow)  # their own stock is 0
        found = list(await uow.products.list_in_stock(end + 1, sets=sets))[start:]
    page = found[: end - start]
    more = end < listed and len(found) > len(page)
    stock = await _with_variant_stock(uow, page)
    cards = tuple(_card(p, available=stock.get(p.id)) for p in page)
    return SharePage(cards, end if more else None)


async def product_card(uow: UnitOfWork, product_id: int, variant_id: int = 0) -> ProductCard:
    """The product's card; for a product sold as variants, with `variant_id` chosen (0: the
    first in stock, else the first). VariantUnavailable if `variant_id` is not one of its
    variants (a stale or forged button)."""
    product = await uow.products.get(product_id)
    if product is None or not product.is_active:
        raise ProductUnavailable(product_id)
    return await _card_of(uow, product, variant_id)


async def product_card_by_sku(uow: UnitOfWork, sku: str) -> ProductCard:
    """For deep links: SKUs are matched without case; a variant's SKU opens its product with
    that variant chosen. A link that could name several products whose SKUs differ only in
    case opens none of them: no guess."""
    try:
        product = await uow.products.find_by_sku(sku)
        variant = None if product else await uow.products.find_variant_by_sku(sku)
    except CaseTwins:
        raise ProductUnavailable(sku) from None
    if product is not None:
        if not product.is_active:
            raise ProductUnavailable(sku)
        return await _card_of(uow, product)
    if variant is not None:
        return await product_card(uow, variant.product_id, variant.id)
    raise ProductUnavailable(sku)


async def _card_of(uow: UnitOfWork, product: Product, variant_id: int = 0) -> ProductCard:
    """The card of a product on sale (its variants read only if it has them)."""
    if not product.has_variants:
        if variant_id:
            raise VariantUnavailable(product.id, variant_id)
        if product.bundle:
            made = await bundles.availability(uow, [product])
            inside = await bundles.contents(uow, product)
            return replace(_card(product, available=made.get(product.id)), bundle=inside)
        return _card(product)
    variants = await uow.products.variants_of(product.id)
    chosen = _choose(variants, variant_id)
    if chosen is None:
        raise VariantUnavailable(product.id, variant_id)
    return _variant_card(product, variants, chosen)


def _choose(variants: list[ProductVariant], variant_id: int) -> ProductVariant | None:
    if variant_id:
        return next((v for v in variants if v.id == variant_id), None)
    return next((v for v in variants if v.available > 0), variants[0] if variants else None)


def _variant_card(
    product: Product, variants: list[ProductVariant], chosen: ProductVariant
) -> ProductCard:
    """The card with `chosen` on show, and a row of choices per option."""
    rows = []
    for option in product.options or ():
        name = option["name"]
        choices = []
        for value in option["values"]:
            wanted = {**chosen.values, name: value}
            having = [v for v in variants if v.values.get(name) == value]
            target = next((v for v in having if v.values == wanted), None) or next(
                (v for v in having if v.available > 0), having[0] if having else None
            )
            if target is not None:
                chosen_here = chosen.values.get(name) == value
                choices.append(OptionChoice(value, target.id, chosen_here, target.available <= 0))
        rows.append(OptionRow(name, tuple(choices)))
    unit = unit_of(product, chosen)
    return ProductCard(
        id=product.id,
        sku=unit.sku,
        title=product.title,
        description=product.description,
        price=unit.price,
        compare_at=unit.compare_at,
        currency=unit.currency,
        available=unit.available,
        photo=unit.photo,
        photo_file_id=chosen.photo_file_id if chosen.photo else product.photo_file_id,
        is_digital=product.is_digital,
        variant_id=chosen.id,
        variant_label=chosen.label,
        translations=product.translations,
        rating_count=product.rating_count,
        rating_total=product.rating_total,
        review_count=product.review_count,
        further_photos=further_photos(product),
        max_per_order=product.max_per_order,
        sale_ends_at=product.sale_ends_at,
        tiers=tiers_of(product),
        options=tuple(rows),
        variant_photo=bool(chosen.photo),
        variants=tuple(
            VariantItem(
                v.id,
                v.sku,
                v.label,
                product.price if v.price is None else v.price,
                v.available,
                bool(v.photo),
                variant_compare_at(product, v),
            )
            for v in variants
        ),
    )


async def as_hers(
    uow: UnitOfWork, customer_id: int, card: ProductCard
) -> tuple[ProductCard, dict[int, Held]]:
    """The card as the shopper may buy it: what her own open invoice holds of it counted as
    hers (`counting_holds`), and those holds by variant id (0: the product itself). Always
    read: how many more she can add (bot.services.cart.can_add) depends on them even when
    nothing looks short, e.g. a held product she has since taken out of her cart."""
    holds = await own_holds_of(uow, customer_id, card.id)
    held = {variant: h for (_, variant), h in holds.items()}
    return counting_holds(card, holds), held


def counting_holds(card: ProductCard, holds: OwnHolds) -> ProductCard:
    """The card with the units the shopper's own open invoice holds (bot.services.cart.Held)
    counted as available to her: on the card, on each variant, and on the option choices."""
    more = {variant: held.quantity for (pid, variant), held in holds.items() if pid == card.id}
    if not more:
        return card
    variants = tuple(replace(v, available=v.available + more.get(v.id, 0)) for v in card.variants)
    left = {v.id: v.available for v in variants}
    options = tuple(
        replace(
            row,
            choices=tuple(replace(c, sold_out=left.get(c.variant_id, 0) <= 0) for c in row.choices),
        )
        for row in card.options
    )
    available = card.available + more.get(card.variant_id, 0)
    return replace(card, available=available, variants=variants, options=options)


# ---------------------------------------------------------------- search internals


def query_words(text: str) -> list[str]:
    """The meaningful words of a query, lower-cased, stopwords dropped."""
    return [w for w in search_index.words(text) if w not in STOPWORDS]


async def has_every_word(uow: UnitOfWork, product_id: int, words: Sequence[str]) -> bool:
    """Whether each of `words` matches a word of the product (its title, description,
    options, translations) as the search matches them: exactly, as a start, or in a typo."""
    (product,) = await uow.products.get_ordered([product_id]) or (None,)
    if product is None:
        return False
    text = " ".join(
        (product.title, product.description, product.option_words, product.translated_text)
    )
    own = set(search_index.words(text))
    return all(any(search_index.term_score(word, term) for term in own) for word in words)


async def also_bought(uow: UnitOfWork, product_id: int) -> tuple[ProductItem, ...]:
    """ "Often bought with this": the other products on sale and in stock that paid orders
    (paid, shipped, delivered) held most often with this one, the most first, ties by id;
    at most ALSO_BOUGHT_SHOWN. Read from the kept counts (bot.store.repositories.pairs),
    never by counting order lines."""
    unmade: set[int] = set()  # sets whose parts make none now (their own stock is 0)
    while True:
        listed = await uow.pairs.also_bought(product_id, ALSO_BOUGHT_SHOWN, leaving_out=unmade)
        stock = await _with_variant_stock(uow, listed)  # no query without sets or variants
        short = {p.id for p in listed if p.bundle and stock.get(p.id, 0) <= 0}
        if not short:  # a shop without sets asks once, as before
            return _items(listed, stock)
        unmade |= short


async def items_of(uow: UnitOfWork, product_ids: Sequence[int]) -> tuple[ProductItem, ...]:
    """These products as lines of a list, in this order (variants' stock summed)."""
    listed = await uow.products.listed(product_ids)
    return _items(listed, await _with_variant_stock(uow, listed))


def _items(products: Iterable[ListedProduct], stock: dict[int, int]) -> tuple[ProductItem, ...]:
    return tuple(
        ProductItem(
            p.id,
            p.sku,
            p.title,
            p.price,
            p.currency,
            stock.get(p.id, p.available),
            p.translations,
            p.compare_at_price,
        )
        for p in products
    )


def _card(p: Product, available: int | None = None) -> ProductCard:
    return ProductCard(
        id=p.id,
        sku=p.sku,
        title=p.title,
        description=p.description,
        price=p.price,
        compare_at=p.compare_at_price,
        currency=p.currency,
        available=p.available if available is None else available,
        photo=p.photo,
        photo_file_id=p.photo_file_id,
        is_digital=p.is_digital,
        translations=p.translations,
        rating_count=p.rating_count,
        rating_total=p.rating_total,
        review_count=p.review_count,
        further_photos=further_photos(p),
        max_per_order=p.max_per_order,
        sale_ends_at=p.sale_ends_at,
        tiers=tiers_of(p),
    )
