"""Promo codes: the rules a code must pass on a cart, the discount it gives, and its uses.

A code is checked when the shopper attaches it, on the order summary and once more when the
order is placed; only then is a use taken, by one conditional UPDATE (`take_use`) in the
order's unit of work, and a redemption row records it (held while the invoice is open, then
used, or released with the hold). So a code with three uses left gives three discounts
however many shoppers race for it, and an unpaid invoice gives its use back.

The discount is split over the lines it applies to by largest remainder (`split_exactly`):
the shares add up to the discount to the minor unit, so each line can be refunded at what
it really cost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import cast

from bot import i18n
from bot.catalog_rules import CaseTwins, category_key, named_sku, sku_key
from bot.clipping import echo
from bot.i18n import LONG_DAY, N_
from bot.money import MoneyError, parse_amount, telegram_minimum
from bot.services.cart import CartView
from bot.services.errors import BelowPaymentMinimum, PromoRefused
from bot.store.models import PromoCode
from bot.store.uow import UnitOfWork

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
CODE_RULE = N_("2-32 letters, digits, - or _")
UNTIL_BEFORE_FROM = N_("until= must be on or after from=.")


class PromoInputError(ValueError):
    """An admin's /promo that cannot be used; the message says what to send instead."""


@dataclass(frozen=True, slots=True)
class PricedLine:
    """What a rule needs of a cart or order line."""

    product_id: int
    sku: str
    line_total: int
    product_sku: str = ""  # a variant's product's SKU (a code for the product covers it)


@dataclass(frozen=True, slots=True)
class PromoQuote:
    """A code that applies to this cart, and what it takes off (`shares`: per line, in the
    order of the lines given, adding up to `discount`)."""

    promo_id: int
    code: str
    label: str  # "10% off", "$5.00 off Mugs"
    discount: int
    shares: tuple[int, ...]


def priced(cart: CartView) -> list[PricedLine]:
    return [
        PricedLine(line.product_id, line.sku, line.line_total, line.product_sku)
        for line in cart.lines
    ]


def normal_code(text: str) -> str:
    return text.strip().upper()


def split_exactly(amount: int, weights: Sequence[int]) -> list[int]:
    """`amount` split in proportion to `weights`, in whole minor units adding up to it:
    each share rounded down, then the units left over go to the largest remainders (the
    earlier line on a tie). Lines of weight 0 get nothing."""
    total = sum(weights)
    if amount <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in remainders[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def describe(promo: PromoCode) -> str:
    """ "10% off", "$5.00 off Mugs", as the shopper and the admin read it (in the language of
    the update being handled)."""
    tr = i18n.current()
    off = (
        tr._("{percent}% off", percent=promo.value)
        if promo.kind == "percent"
        else tr._("{amount} off", amount=tr.money(promo.value, promo.currency))
    )
    scope = [*(promo.categories or []), *(promo.skus or [])]
    return f"{off} {', '.join(scope)}" if scope else off


def day_start(day: date, zone: tzinfo) -> datetime:
    """The shop's midnight that starts `day` (`zone`: SHOP_TIMEZONE): the one place a promo
    code's from=/until= day becomes a moment, so its days are the shop's days, as /stats'."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def parse_day(text: str) -> date | None:
    """A day written 2026-12-31 (from=/until= of /promo, /report's day); None if it is not
    one."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return None


def day_bound(key: str, text: str, zone: tzinfo) -> datetime:
    """`from=` / `until=` as the moment it stands for on the shop's clock (`zone`:
    SHOP_TIMEZONE): from= the midnight that starts its day, until= the one that ends it (the
    whole day). The one rule for /promo new and /export orders; PromoInputError if `text` is
    not a day."""
    try:
        day = parse_day(text)
        if day is None:
            raise ValueError(text)
        if key == "until":
            day += timedelta(days=1)  # until: the whole day, to the next midnight
        return day_start(day, zone)
    except (ValueError, OverflowError):
        raise PromoInputError(
            i18n.current()._("“{text}” is not a date like 2026-12-31.", text=echo(text))
        ) from None


def state_of(promo: PromoCode, now: datetime) -> str:
    """active / ended / scheduled / expired / used up, for the admin's list (msgids: the view
    says them in the admin's language)."""
    if not promo.is_active:
        return N_("ended")
    if promo.starts_at and now < promo.starts_at:
        return N_("scheduled")
    if promo.ends_at and now >= promo.ends_at:
        return N_("expired")
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        return N_("used up")
    return N_("active")


async def find(uow: UnitOfWork, text: str, now: datetime) -> PromoCode:
    """The code the shopper typed, if it can be used at all today (the cart aside). `now`
    on the shop's clock (Settings.now()): the days a refusal names are the shop's."""
    tr = i18n.current()
    code = normal_code(text)
    promo = await uow.promos.by_code(code) if CODE_RE.match(code) else None
    shown = echo(code)
    if promo is None:
        raise PromoRefused(
            shown, tr._("There is no promo code “{code}”. Check the spelling?", code=shown)
        )
    if not promo.is_active:
        raise PromoRefused(code, tr._("The code {code} has ended.", code=code))
    zone = now.tzinfo or UTC
    if promo.starts_at and now < promo.starts_at:
        day = tr.date(promo.starts_at, zone, LONG_DAY)
        raise PromoRefused(
            code, tr._("The code {code} can be used from {day}.", code=code, day=day)
        )
    if promo.ends_at and now >= promo.ends_at:
        day = tr.date(promo.ends_at - timedelta(seconds=1), zone, LONG_DAY)
        raise PromoRefused(code, tr._("The code {code} expired on {day}.", code=code, day=day))
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise PromoRefused(code, tr._("The code {code} has been used up, sorry.", code=code))
    return promo


async def check_customer(
    uow: UnitOfWork, promo: PromoCode, customer_id: int, *, held: bool = False
) -> None:
    """PromoRefused if the customer has had the code as often as it allows. Paid uses count;
    a use held by the customer's open invoice counts only when `held` (placing the order,
    after that invoice was released): a new checkout replaces that invoice anyway."""
    if promo.per_customer is None:
        return
    if await uow.promos.customer_uses(promo.id, customer_id, held=held) >= promo.per_customer:
        raise PromoRefused(
            promo.code,
            i18n.current().ngettext(
                "You have already used the code {code} (once per customer).",
                "You have already used the code {code} ({count} times per customer).",
                promo.per_customer,
                code=promo.code,
                count=promo.per_customer,
            ),
        )


async def quote(
    uow: UnitOfWork,
    text: str,
    customer_id: int,
    lines: Sequence[PricedLine],
    currency: str,
    now: datetime,
) -> PromoQuote:
    """What the code takes off these lines, or PromoRefused saying why it cannot."""
    promo = await find(uow, text, now)
    await check_customer(uow, promo, customer_id)
    code = promo.code
    tr = i18n.current()
    if promo.currency != currency:
        raise PromoRefused(
            code, tr._("The code {code} is not for this shop's currency.", code=code)
        )
    items = sum(line.line_total for line in lines)
    if items < promo.min_order:
        raise PromoRefused(
            code,
            tr._(
                "The code {code} needs an order of at least {least} (yours is {yours}).",
                code=code,
                least=tr.money(promo.min_order, currency),
                yours=tr.money(items, currency),
            ),
        )
    eligible = await _eligible(uow, promo, lines)
    weights = [line.line_total if ok else 0 for line, ok in zip(lines, eligible, strict=True)]
    base = sum(weights)
    if base <= 0:
        raise PromoRefused(
            code,
            tr._(
                "The code {code} is for {scope} only, not in your cart.",
                code=code,
                scope=_scope(promo),
            ),
        )
    discount = base * promo.value // 100 if promo.kind == "percent" else min(promo.value, base)
    if discount <= 0:  # a percentage of so little rounds down to nothing: no use applying it
        raise PromoRefused(
            code,
            tr._(
                "The code {code} ({label}) would take nothing off {amount}, so it is not "
                "applied. It helps on a bigger order.",
                code=code,
                label=describe(promo),
                amount=tr.money(base, currency),
            ),
        )
    minimum = telegram_minimum(currency)
    if discount and items >= minimum and items - discount < minimum:
        raise PromoRefused(
            code,
            tr._(
                "With the code {code} your total would be {total}, less than the smallest "
                "payment Telegram accepts ({least}). Add something to your cart to use it.",
                code=code,
                total=tr.money(items - discount, currency),
                least=tr.money(minimum, currency),
            ),
        )
    return PromoQuote(
        promo.id, code, describe(promo), discount, tuple(split_exactly(discount, weights))
    )


def _scope(promo: PromoCode) -> str:
    return ", ".join([*(promo.categories or []), *(promo.skus or [])])


async def named_skus(uow: UnitOfWork, typed: Sequence[str]) -> dict[str, str | CaseTwins | None]:
    """The SKU of the shop each SKU of a code's scope names, by the rule of every admin's
    command (`named_sku`: spelt exactly, else the only one in another case); None if none,
    CaseTwins if it could be several."""
    alike = await uow.promos.skus_alike(typed)
    named: dict[str, str | CaseTwins | None] = {}
    for sku in typed:
        try:
            named[sku] = named_sku(sku, alike.get(sku_key(sku), []))
        except CaseTwins as twins:
            named[sku] = twins
    return named


async def _eligible(uow: UnitOfWork, promo: PromoCode, lines: Sequence[PricedLine]) -> list[bool]:
    if not promo.categories and not promo.skus:
        return [True] * len(lines)
    named = (await named_skus(uow, promo.skus)).values() if promo.skus else ()
    skus = {sku for sku in named if isinstance(sku, str)}  # twins: neither, never a guess
    wanted = {category_key(c) for c in promo.categories or []}
    categories = (
        await uow.promos.categories_of([line.product_id for line in lines]) if wanted else {}
    )
    return [
        line.sku in skus
        or line.product_sku in skus
        or any(category_key(name) in wanted for name in categories.get(line.product_id, ()))
        for line in lines
    ]


def check_minimum(total: int, currency: str) -> None:
    """BelowPaymentMinimum if Telegram would refuse an invoice of `total`."""
    minimum = telegram_minimum(currency)
    if total < minimum:
        raise BelowPaymentMinimum(total, minimum, currency)


async def hold_use(uow: UnitOfWork, promo: PromoQuote, customer_id: int, order_id: int) -> None:
    """Take one use of the code for this order, atomically, or PromoRefused (used up, or
    used up by this customer). The caller's unit of work rolls back on the error."""
    if not await uow.promos.take_use(promo.promo_id):
        raise PromoRefused(
            promo.code,
            i18n.current()._("The code {code} has just been used up, sorry.", code=promo.code),
        )
    found = await uow.promos.by_code(promo.code)  # after take_use: its row is ours until commit
    assert found is not None
    await check_customer(uow, found, customer_id, held=True)
    await uow.promos.redeem(promo.promo_id, order_id, customer_id, promo.discount)


async def release_use(uow: UnitOfWork, order_id: int) -> None:
    """The order's hold went: its use of a code goes back (once, however often asked)."""
    promo_id = await uow.promos.settle(order_id, "released")
    if promo_id is not None:
        await uow.promos.give_back_use(promo_id)


async def use_for_payment(uow: UnitOfWork, order_id: int, *, hold_was_released: bool) -> None:
    """The order is paid: its use counts for good (taken again if its hold had gone)."""
    if not hold_was_released:
        await uow.promos.settle(order_id, "used")
    elif (
        promo_id := await uow.promos.settle(order_id, "used", from_status="released")
    ) is not None:
        await uow.promos.force_use(promo_id)


# ---------------------------------------------------------------- the admin's /promo


@dataclass(frozen=True)
class PromoDraft:
    code: str
    kind: str
    value: int
    currency: str
    min_order: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    per_customer: int | None = None
    categories: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()

    def to_model(self) -> PromoCode:
        return PromoCode(
            code=self.code,
            kind=self.kind,
            value=self.value,
            currency=self.currency,
            min_order=self.min_order,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            max_uses=self.max_uses,
            per_customer=self.per_customer,
            uses=0,
            categories=list(self.categories) or None,
            skus=list(self.skus) or None,
            is_active=True,
        )


PROMO_USAGE = N_(
    "Send /promo new CODE 10% or /promo new CODE 5.00, then any of: min=20.00 "
    "from=2026-12-01 until=2026-12-31 uses=100 per=1 cat=Mugs sku=MUG-1,MUG-2"
)


def parse_new(args: Sequence[str], currency: str, zone: tzinfo = UTC) -> PromoDraft:
    """`CODE 10%` or `CODE 5.00` and key=value options, every problem named at once; from=
    and until= are whole days on the shop's clock (`zone`: SHOP_TIMEZONE)."""
    tr = i18n.current()  # the admin's
    if len(args) < 2:
        raise PromoInputError(tr._(PROMO_USAGE))
    problems: list[str] = []
    code = normal_code(args[0])
    if not CODE_RE.match(code):
        problems.append(
            tr._("“{text}” is not a code: use {rule}.", text=echo(args[0]), rule=tr._(CODE_RULE))
        )
    kind, value = "amount", 0
    raw = args[1].strip()
    try:
        if raw.endswith("%"):
            kind, value = "percent", int(raw[:-1]) if raw[:-1].isdigit() else -1
            if not 1 <= value <= 100:
                problems.append(
                    tr._("“{text}”: a percentage is a whole number from 1% to 100%.", text=raw)
                )
        else:
            value = parse_amount(raw, currency)
            if value <= 0:
                problems.append(tr._("The amount off must be more than zero."))
    except MoneyError as exc:
        problems.append(tr._("{problem} (or a percentage such as 10%).", problem=exc.said(tr)))
    options: dict[str, object] = {}
    for arg in args[2:]:
        key, sep, val = arg.partition("=")
        key = key.strip().lower()
        if not sep or not val.strip():
            problems.append(
                tr._("“{text}”: write options as key=value, e.g. min=20.00.", text=echo(arg))
            )
        elif key in options:
            problems.append(tr._("{key}= is given twice.", key=key))
        else:
            try:
                options[key] = _option(key, val.strip(), currency, zone)
            except MoneyError as exc:
                problems.append(f"{key}=: {exc.said(tr)}")
            except PromoInputError as exc:
                problems.append(f"{key}=: {exc}")
    starts = options.get("from")
    ends = options.get("until")
    if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
        problems.append(tr._(UNTIL_BEFORE_FROM))
    if problems:
        raise nothing_created(problems)
    return PromoDraft(
        code=code,
        kind=kind,
        value=value,
        currency=currency,
        min_order=cast(int, options.get("min", 0)),
        starts_at=starts if isinstance(starts, datetime) else None,
        ends_at=ends if isinstance(ends, datetime) else None,
        max_uses=cast(int | None, options.get("uses")),
        per_customer=cast(int | None, options.get("per")),
        categories=tuple(cast(list[str], options.get("cat", []))),
        skus=tuple(cast(list[str], options.get("sku", []))),
    )


def nothing_created(problems: Sequence[str]) -> PromoInputError:
    """The admin's refusal of a /promo new line: every problem, one per line."""
    nothing = i18n.current()._("Nothing was created:")
    return PromoInputError("\n".join([nothing, *(f"• {p}" for p in problems)]))


async def shop_problems(uow: UnitOfWork, draft: PromoDraft, now: datetime) -> list[str]:
    """What the line alone cannot show: a code that would end before it is made, and a
    scope naming no category or product of this shop (a typo in cat= or sku= would make a
    code that applies to nothing, and shoppers would be told it does not fit their cart)."""
    tr = i18n.current()
    problems = []
    if draft.ends_at is not None and draft.ends_at <= now:
        problems.append(tr._("until= is in the past: the code would never work."))
    if missing_categories := await uow.promos.unknown_categories(draft.categories):
        problems.append(
            tr._("cat=: no category {names}.", names=", ".join(missing_categories)[:200])
        )
    named = await named_skus(uow, draft.skus) if draft.skus else {}
    if missing_skus := [sku for sku, found in named.items() if found is None]:
        problems.append(tr._("sku=: no product {names}.", names=", ".join(missing_skus)[:200]))
    for twins in (found for found in named.values() if isinstance(found, CaseTwins)):
        problems.append("sku=: " + tr._(twins.template, **twins.params))
    return problems


def _option(key: str, value: str, currency: str, zone: tzinfo) -> object:
    if key == "min":
        return parse_amount(value, currency)
    if key in ("from", "until"):
        return day_bound(key, value, zone)
    if key in ("uses", "per"):
        if not value.isdigit() or int(value) <= 0 or int(value) > 1_000_000:
            raise PromoInputError(
                i18n.current()._("“{text}” is not a whole number from 1.", text=echo(value))
            )
        return int(value)
    if key in ("cat", "sku"):
        names = [part.strip() for part in value.split(",") if part.strip()]
        if not names or any(len(n) > 64 for n in names):
            raise PromoInputError(
                i18n.current()._("list names of at most 64 characters, separated by commas.")
            )
        return names  # SKUs as typed: `named_skus` reads them as the admin's commands do
    raise PromoInputError(
        i18n.current()._("unknown option; use min, from, until, uses, per, cat or sku.")
    )
