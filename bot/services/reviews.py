"""A few words with the stars: a shopper who rated a product she paid for may say what she
thinks of it (plain text, REVIEW_MIN to REVIEW_MAX characters, kept by the note's rule), change
or delete it; its card lists the reviews, newest first, REVIEWS_PER_PAGE a page. An admin may
hide one (her stars still count) and show it again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.i18n import N_
from bot.services import ratings
from bot.services.catalog import ProductCard, keyset_page_number
from bot.services.errors import NotRateable, ProductUnavailable, ReviewRefused
from bot.services.notes import plain_words
from bot.store.ids import is_row_id
from bot.store.repositories.reviews import OwnWords, Review
from bot.store.uow import UnitOfWork

REVIEW_MIN = 3
REVIEW_MAX = 500
REVIEWS_PER_PAGE = 5


@dataclass(frozen=True, slots=True)
class Reviewable:
    """A product of her paid order that she rated, and her words for it so far."""

    item: ratings.Rateable
    own: OwnWords


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A page of a product's listed reviews, newest first (`page` 0: the newest), and
    whether there are newer and older ones beyond it. `restarted`: the page asked for is
    gone (a stale or forged button), so this is the newest."""

    product_id: int
    title: str
    translations: dict[str, Any] | None
    count: int  # all its listed reviews
    page: int
    reviews: tuple[Review, ...]
    has_newer: bool = False
    has_older: bool = False
    restarted: bool = False

    @property
    def pages(self) -> int:
        return pages_of(self.count)


def pages_of(count: int) -> int:
    """Pages of REVIEWS_PER_PAGE that `count` reviews fill (one, empty, for none)."""
    return max(1, -(-count // REVIEWS_PER_PAGE))


def clean_review(text: str) -> str:
    """Her words as they are kept, or ReviewRefused saying what to send instead."""
    words = plain_words(text)
    if len(words) < REVIEW_MIN:
        raise ReviewRefused.saying(
            N_("That is too short: please write at least {least} characters, or send /cancel."),
            least=REVIEW_MIN,
        )
    if len(words) > REVIEW_MAX:
        raise ReviewRefused.saying(
            N_("That is {count} characters long; please keep it to {most}, or send /cancel."),
            count=len(words),
            most=REVIEW_MAX,
        )
    return words


async def reviewable(
    uow: UnitOfWork, customer_id: int, order_id: int, product_id: int
) -> Reviewable:
    """What she may write about: a product she may rate (the rating's own refusals,
    OrderNotFound and NotRateable) and has rated, since her words go with her stars."""
    item = await ratings.rateable(uow, customer_id, order_id, product_id)
    own = await uow.reviews.words_of(customer_id, product_id)
    if item.stars is None or own is None:
        raise NotRateable(order_id)
    return Reviewable(item, own)


@dataclass(frozen=True, slots=True)
class Written:
    """Her words just kept, as the admins hear of them: `new` the first she wrote about the
    product, else a change."""

    review: Review
    new: bool


async def write(uow: UnitOfWork, customer_id: int, mine: Reviewable, words: str) -> Written:
    """Her `words` (checked by `clean_review`) kept with her stars, replacing any she had
    (`mine`, as `reviewable` read it). NotRateable if they changed meanwhile."""
    await _change(uow, customer_id, mine, words)
    review = await uow.reviews.review(customer_id, mine.item.product_id)
    assert review is not None  # just written, in this transaction
    return Written(review, new=mine.own.words is None)


async def delete(uow: UnitOfWork, customer_id: int, mine: Reviewable) -> None:
    """Her words taken away (her stars stay); NotRateable if she had none (a second press)."""
    if mine.own.words is None:
        raise NotRateable(mine.item.order_id)
    await _change(uow, customer_id, mine, None)


async def _change(uow: UnitOfWork, customer_id: int, mine: Reviewable, words: str | None) -> None:
    if not await uow.reviews.write(customer_id, mine.item.product_id, words, mine.own):
        raise NotRateable(mine.item.order_id)


async def hide(
    uow: UnitOfWork, customer_id: int, product_id: int, hidden: bool
) -> tuple[Review | None, bool]:
    """An admin hides a review from the card (or shows it again): the review as it is now
    (None: she has no words there any more), and whether this press moved it (False: it
    was so already)."""
    moved = await uow.reviews.hide(customer_id, product_id, hidden)
    return await uow.reviews.review(customer_id, product_id), moved


async def newest(uow: UnitOfWork, card: ProductCard) -> tuple[Review, ...]:
    """The newest reviews its card lists, for the storefront's product page (nothing read
    for a product without any: the card counts them)."""
    if not card.review_count:
        return ()
    return tuple(await uow.reviews.listed(card.id, REVIEWS_PER_PAGE))


async def page_of(
    uow: UnitOfWork, product_id: int, page: int = 0, *, after_id: int = 0, before_id: int = 0
) -> ReviewPage:
    """The newest page of the product's listed reviews, or the page right after the review
    by `after_id` (the last of the page before, ▶ Older) or right before the one by
    `before_id` (the first of the page after, ◀ Newer): a keyset page, as quick at the
    10,000th page as at the first. Its number (`page`, from the button) only labels it, kept
    in range at either end (reviews written meanwhile move pages, never lose them). A page
    asked for by a review the card no longer lists (taken away, hidden, or forged) is the
    newest page, `restarted` (an id no row can have names none, unasked). ProductUnavailable
    for a product not on sale."""
    product = await uow.products.get(product_id)
    if product is None or not product.is_active:
        raise ProductUnavailable(product_id)
    anchor = after_id or before_id
    written = await uow.reviews.written_at(product_id, anchor) if is_row_id(anchor) else None
    key = None if written is None else (written, anchor)
    restarted = (page > 0 or anchor > 0) and key is None
    size = REVIEWS_PER_PAGE
    if key is not None and before_id:
        found = await uow.reviews.listed(product_id, size + 1, before=key)
        has_newer, found = len(found) > size, found[-size:]
        has_older = True
        if not has_newer and len(found) < size:  # fewer newer now: fill the first page
            found = await uow.reviews.listed(product_id, size + 1)
            has_older, found = len(found) > size, found[:size]
    else:
        found = await uow.reviews.listed(product_id, size + 1, after=key)
        has_older, found = len(found) > size, found[:size]
        has_newer = key is not None
        if not found and key is not None:  # nothing older any more: the newest page
            return replace(await page_of(uow, product_id), restarted=True)
    pages = pages_of(product.review_count)
    page = keyset_page_number(page, pages, has_previous=has_newer, has_next=has_older)
    return ReviewPage(
        product_id,
        product.title,
        product.translations,
        product.review_count,
        page,
        tuple(found),
        has_newer=has_newer,
        has_older=has_older,
        restarted=restarted,
    )
