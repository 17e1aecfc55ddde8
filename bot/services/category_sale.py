"""/sale: a whole category on sale at a percent off, and its sale ended, each in one unit of
work. A sale is what `bot.pricing` says it is (a regular price, `compare_at`, above the
price); a category's sale puts on sale what is not on sale yet and leaves what is as it is.

The admin confirms a preview; the button carries the category, the percent and a
fingerprint of the prices the preview was made from, so a second press (the prices have
moved) or a preview older than a change of the category changes nothing.

A sale may end by itself (`until=2026-12-31`: at the end of that day on the shop's clock,
by `promos.day_bound`, the rule of /promo and /export). Each sale started here has its row
(`category_sales`), written with its prices and deleted with their end, by hand or by the
job (`end_as_planned`), whose DELETE of the row is its claim: one worker ends each sale."""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot import i18n
from bot.i18n import N_
from bot.pricing import SALE_PERCENTS, discounted, on_sale
from bot.services.admin_catalog import AdminInputError, wrong
from bot.services.promos import PromoInputError, day_bound
from bot.store.models import Category, CategorySale, Product, ProductVariant
from bot.store.uow import UnitOfWork

SALE_USAGE = N_(
    "Send /sale CATEGORY 20% to put a category on sale (add until=2026-12-31 to end it by "
    "itself after that day), or /sale end CATEGORY to end it."
)
SALE_UNTIL_USAGE = N_(
    "To change when a running sale ends, send /sale CATEGORY until=2026-12-31 (or until=- "
    "for no end date)."
)
END = "end"
UNTIL = "until="
NO_END = "-"  # until=-: the running sale loses its end date
# What a percent looks like, or a try at one ("20", "20%", "20.5%"): anything else before
# until= is the name of a category whose running sale's end date changes.
_PERCENT_LIKE = re.compile(r"[\d.,%+-]*\d[\d.,%+-]*")
IN_THE_PAST = N_("until= is in the past: the sale would end as soon as it starts.")


@dataclass(frozen=True)
class SaleRequest:
    """What `/sale ...` asks for: a category by name, a percent off (0: end its sale), and
    when the sale ends by itself (None: when an admin ends it)."""

    category: str
    percent: int = 0
    ends_at: datetime | None = None

    @property
    def ending(self) -> bool:
        return self.percent == 0


@dataclass(frozen=True)
class EndDateRequest:
    """`/sale Kitchen until=2026-12-31`: the running sale of a category ends then instead
    (`ends_at` None, from `until=-`: when an admin ends it), its prices left as they are."""

    category: str
    ends_at: datetime | None


def parse_request(
    args: Sequence[str], zone: tzinfo = UTC, now: datetime | None = None
) -> SaleRequest | EndDateRequest:
    """`Mugs 20%`, `Home Decor 15`, `Mugs 20% until=2026-12-31` (the whole day on the shop's
    clock, `zone`), `end Mugs`, or `Mugs until=2026-12-31` / `Mugs until=-` (the running
    sale's end date changed, or removed); AdminInputError naming what is accepted, or saying
    that the day is past (at `now`)."""
    args = list(args)
    ends_at = None
    no_end = False  # until=-: only a running sale's end date can be removed
    if args and args[-1].casefold().startswith(UNTIL):
        text = args.pop()[len(UNTIL) :].strip()
        no_end = text == NO_END
        if not no_end:
            try:
                ends_at = day_bound("until", text, zone)
            except PromoInputError as exc:
                raise AdminInputError(f"until=: {exc}\n{wrong(SALE_USAGE).args[0]}") from None
        if args and args[0].casefold() == END:
            raise wrong(SALE_USAGE)
        if now is not None:
            not_past(ends_at, now)
        if args and not _PERCENT_LIKE.fullmatch(args[-1]):
            return EndDateRequest(" ".join(args), ends_at)
    if len(args) >= 2 and args[0].casefold() == END:
        return SaleRequest(" ".join(args[1:]))
    if len(args) < 2:
        raise wrong(SALE_USAGE)
    text = args[-1].removesuffix("%")
    percent = int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else 0
    if percent not in SALE_PERCENTS:
        raise wrong(
            "{percent} is not a percent I can take off: send a whole number from 1 to 90, "
            "e.g. /sale Mugs 20%.",
            percent=repr(args[-1]),
        )
    if no_end:
        raise wrong(
            "until=- removes the end date of a running sale: to start one that runs until "
            "/sale end, leave until= out, e.g. /sale Mugs 20%."
        )
    return SaleRequest(" ".join(args[:-1]), percent, ends_at)


def not_past(ends_at: datetime | None, now: datetime) -> None:
    """AdminInputError for a sale that would end before it starts (as /promo refuses a code
    that would never work)."""
    if ends_at is not None and ends_at <= now:
        raise wrong(IN_THE_PAST)


@dataclass(frozen=True)
class PriceChange:
    """One price the sale changes: a product's, or a variant's own (`label`: "L / Charcoal")."""

    title: str
    translations: dict[str, Any] | None
    label: str
    currency: str
    price: int  # before
    new_price: int
    compare_at: int | None  # after


@dataclass(frozen=True)
class SalePlan:
    """What a /sale does (or did) to one category: the preview and the answer alike."""

    category_id: int
    category: str
    category_translations: dict[str, str] | None
    percent: int  # 0: the sale ends
    fingerprint: int
    changes: list[PriceChange] = field(default_factory=list)
    products: int = 0  # products whose own price changes
    variants: int = 0  # variants with a price of their own that change
    already: int = 0  # already on sale (start) and left as they are
    too_cheap: int = 0  # so cheap that the percent would not lower their price: left
    ends_at: datetime | None = None  # when it ends by itself (None: by hand)

    @property
    def ending(self) -> bool:
        return self.percent == 0


def _name(title: str, translations: dict[str, str] | None) -> str:
    """The category's name in the admin's language (its title where not translated)."""
    return i18n.current().name(title, translations)


async def _category(uow: UnitOfWork, name: str) -> Category:
    category = await uow.categories.named(name)
    if category is None:
        raise AdminInputError(
            wrong("There is no category {name}.", name=repr(name)).args[0]
            + "\n"
            + wrong(SALE_USAGE).args[0]
        )
    return category


def _fingerprint(products: Sequence[Product]) -> int:
    """The prices a preview was made from, in one number: any change to them changes it."""
    parts = []
    for product in products:
        parts.append(f"p{product.id}:{product.price}:{product.compare_at_price}")
        parts += [
            f"v{v.id}:{v.price}:{v.compare_at_price}"
            for v in product.variants
            if v.price is not None
        ]
    return zlib.crc32(";".join(parts).encode())


def _priced(product: Product) -> list[tuple[Product | ProductVariant, str]]:
    """The prices a sale may change: the product's own (its variants without a price of
    their own sell at it) and each variant's own price."""
    own = [(v, v.label) for v in product.variants if v.price is not None]
    return [(product, ""), *own]


async def plan(
    uow: UnitOfWork,
    request: SaleRequest,
    *,
    lock: bool = False,
    apply: bool = False,
    running: bool | None = None,
) -> SalePlan:
    """What the sale of `request` does to its category; with `apply`, done (in this unit
    of work: all of it or nothing). AdminInputError for an unknown or empty category, or
    one with nothing to change ("already on sale", "not on sale").

    The end of a sale /sale started (`running`: it has its row; None: look) gives back
    what it covers (`Product.in_category_sale`: what was in the category when it began);
    a product that joined since with a sale of its own keeps it, as its card (no end
    line) told. A category with no such row has every price on sale in it ended. A
    running sale with nothing of it left on sale (its prices put back by /price, or only
    what joined since on sale) has an end that changes no price, so it does not stay
    listed as running for ever."""
    category = await _category(uow, request.category)
    products = await uow.products.priced_in_category(
        category.id, active_only=not request.ending, lock=lock or apply
    )
    if request.ending:
        if running is None:
            running = await uow.category_sales.of(category.id) is not None
        if running:
            products = [p for p in products if p.in_category_sale]
    if not products:
        raise wrong(
            "{name} has no products shoppers can see.\n{usage}",
            name=_name(category.title, category.translations),
            usage=wrong(SALE_USAGE).args[0],
        )
    found = SalePlan(
        category.id,
        category.title,
        category.translations,
        request.percent,
        _fingerprint(products),
        ends_at=request.ends_at,
    )
    changes: list[PriceChange] = []
    counts = Counter[str]()
    for product in products:
        for item, label in _priced(product):
            price = item.price
            assert price is not None
            if request.ending:
                if not on_sale(price, item.compare_at_price):
                    continue
                new_price, compare_at = item.compare_at_price or price, None
            elif on_sale(price, item.compare_at_price):
                counts["already"] += 1
                continue
            else:
                new_price, compare_at = discounted(price, request.percent), price
                if new_price >= price:  # 1 cent at 20%: no sale below it
                    counts["too_cheap"] += 1
                    continue
            changes.append(
                PriceChange(
                    product.title,
                    product.translations,
                    label,
                    product.currency,
                    price,
                    new_price,
                    compare_at,
                )
            )
            counts["variants" if label else "products"] += 1
            if apply:
                item.price, item.compare_at_price = new_price, compare_at
    result = dataclasses.replace(
        found,
        changes=changes,
        products=counts["products"],
        variants=counts["variants"],
        already=counts["already"],
        too_cheap=counts["too_cheap"],
    )
    if not changes and not (request.ending and running):
        raise _nothing_to_do(result)
    return result  # a running sale with nothing left to give back still ends: its row goes


class NothingToChange(AdminInputError):
    """The category is all on sale already (start), or none of it is (end)."""


def _nothing_to_do(found: SalePlan) -> NothingToChange:
    name = _name(found.category, found.category_translations)
    if found.ending:
        return NothingToChange(wrong("{name} is not on sale.", name=name).args[0])
    if found.already:
        said = wrong("{name} is already on sale.", name=name).args[0]
        if found.ends_at is not None:  # what she may have meant: the sale's end date
            said += "\n" + wrong(SALE_UNTIL_USAGE).args[0]
        return NothingToChange(said)
    return NothingToChange(
        wrong(
            "No price in {name} is high enough to take {percent}% off.",
            name=name,
            percent=found.percent,
        ).args[0]
    )


class StalePreview(AdminInputError):
    """The category's prices changed since the preview the button belongs to."""


async def apply(
    uow: UnitOfWork,
    category_id: int,
    percent: int,
    fingerprint: int,
    *,
    actor: int,
    ends_at: datetime | None = None,
    now: datetime,
) -> SalePlan:
    """The previewed sale (or its end), if the category's prices are still those previewed;
    its row in `category_sales` written (or deleted) with them; audited (`sale.start` /
    `sale.end`). NothingToChange once done (a second press), StalePreview if something
    else changed them since, AdminInputError for an end date passed since the preview."""
    category = await uow.categories.get(category_id)
    if category is None:
        raise StalePreview(wrong("That category no longer exists.").args[0])
    if percent and percent not in SALE_PERCENTS:  # no preview offers it: forged
        raise StalePreview(wrong(SALE_USAGE).args[0])
    request = SaleRequest(category.title, percent, None if not percent else ends_at)
    not_past(request.ends_at, now)  # a preview of yesterday, pressed after midnight
    # The sale's row first, then its prices (undone with them if refused below): the order
    # the job that ends sales takes them in, so neither ever waits for the other's lock
    # while holding what the other waits for (PostgreSQL).
    running = None
    if request.ending:
        running = await uow.category_sales.ended(category.id)
    else:
        await uow.category_sales.started(category.id, percent, request.ends_at, actor, now)
    preview = await plan(uow, request, lock=True, running=running)  # NothingToChange: again
    if preview.fingerprint != fingerprint:
        again = (
            f"/sale end {category.title}"
            if request.ending
            else f"/sale {category.title} {percent}%"
        )
        raise StalePreview(
            wrong(
                "{name} has changed since this preview: send {command} for a new one.",
                name=_name(category.title, category.translations),
                command=again,
            ).args[0]
        )
    done = await plan(uow, request, apply=True, running=running)
    if request.ending:
        await uow.category_sales.undated(category.id)
    await uow.session.flush()
    await _audit(uow, actor, done)
    return done


async def _audit(uow: UnitOfWork, actor: int | None, done: SalePlan) -> None:
    """`sale.start` / `sale.end` with the category, percent, end and counts (actor None:
    the shop itself, ending a sale as planned)."""
    details: dict[str, Any] = {"category": done.category, "products": done.products}
    if not done.ending:
        details["percent"] = done.percent
    details |= {k: v for k in ("variants", "already", "too_cheap") if (v := getattr(done, k))}
    if done.ends_at is not None:
        details["ends_at"] = done.ends_at.astimezone(UTC).isoformat()
    await uow.audit.record(
        actor, "sale.end" if done.ending else "sale.start", done.category, details
    )


async def end_as_planned(uow: UnitOfWork, category_id: int, now: datetime) -> SalePlan | None:
    """End the category's sale whose end date has passed, as `/sale end` would (every price
    of it back from its regular one), audited as the shop's; None if another worker or run
    took it first, or an admin ended it by hand (its row is gone). A category whose prices
    all went back meanwhile (/price, /edit) has its sale ended with nothing to change."""
    if not await uow.category_sales.take_due(category_id, now):
        return None
    category = await uow.categories.get(category_id)
    if category is None:  # its row goes with it (ON DELETE CASCADE): not reached
        return None
    empty = SalePlan(category.id, category.title, category.translations, 0, 0)
    try:
        done = await plan(uow, SaleRequest(category.title), apply=True, running=True)
    except AdminInputError:  # nothing on sale any more, or no product left
        done = empty
    await uow.category_sales.undated(category.id)
    await uow.session.flush()
    await _audit(uow, None, done)
    return done


@dataclass(frozen=True)
class EndDatePlan:
    """A running sale's end date changed (or to be): the preview and the answer alike."""

    category_id: int
    category: str
    category_translations: dict[str, str] | None
    percent: int
    ends_at: datetime | None  # the new end (None: when an admin ends it)
    was: datetime | None  # the end it had
    fingerprint: int


def _sale_fingerprint(running: CategorySale) -> int:
    """The running sale a preview was made from, in one number: a sale ended, started again
    or given another end since changes it."""
    return zlib.crc32(f"{running.percent}:{running.ends_at}:{running.started_at}".encode())


async def _end_date_plan(
    uow: UnitOfWork, category: Category, ends_at: datetime | None, *, lock: bool = False
) -> EndDatePlan:
    """The change of the category's running sale to end at `ends_at`; AdminInputError if
    /sale started none, NothingToChange if it ends then already."""
    name = _name(category.title, category.translations)
    running = await uow.category_sales.of(category.id, lock=lock)
    if running is None:
        raise AdminInputError(
            wrong("{name} has no sale running that /sale started.", name=name).args[0]
            + "\n"
            + wrong(SALE_USAGE).args[0]
        )
    found = EndDatePlan(
        category.id,
        category.title,
        category.translations,
        running.percent,
        ends_at,
        running.ends_at,
        _sale_fingerprint(running),
    )
    if running.ends_at == ends_at:
        raise NothingToChange(
            wrong("The sale of {name} already ends on that day.", name=name).args[0]
            if ends_at is not None
            else wrong("The sale of {name} has no end date already.", name=name).args[0]
        )
    return found


async def plan_end_date(uow: UnitOfWork, request: EndDateRequest) -> EndDatePlan:
    """What `/sale Kitchen until=...` would change, changing nothing."""
    return await _end_date_plan(uow, await _category(uow, request.category), request.ends_at)


async def change_end_date(
    uow: UnitOfWork,
    category_id: int,
    fingerprint: int,
    ends_at: datetime | None,
    *,
    actor: int,
    now: datetime,
) -> EndDatePlan:
    """The previewed end date of the category's running sale, if it is still the sale
    previewed (`fingerprint`); its prices untouched; audited (`sale.until`). The sale's row
    is locked first, so the job ending sales waits and then finds the new end (or this
    waits and finds the sale gone). NothingToChange once done (a second press),
    StalePreview if the sale ended or changed since, AdminInputError for a day passed."""
    not_past(ends_at, now)
    category = await uow.categories.get(category_id)
    if category is None:
        raise StalePreview(wrong("That category no longer exists.").args[0])
    done = await _end_date_plan(uow, category, ends_at, lock=True)
    if done.fingerprint != fingerprint:
        raise StalePreview(
            wrong(
                "The sale of {name} has changed since this preview: send /sale to see it now.",
                name=_name(category.title, category.translations),
            ).args[0]
        )
    await uow.category_sales.ends(category.id, ends_at)
    details: dict[str, Any] = {"category": done.category, "percent": done.percent}
    details["ends_at"] = ends_at.astimezone(UTC).isoformat() if ends_at else None
    details["was"] = done.was.astimezone(UTC).isoformat() if done.was else None
    await uow.audit.record(actor, "sale.until", done.category, details)
    return done
