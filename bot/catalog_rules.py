"""What a product's price, stock and texts may be: one rule each, for /price, /stock,
/addproduct, /edit, catalog imports and seeding alike. A refusal carries its words as a
catalog msgid, so each entry point says it in the admin's language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.i18n import N_
from bot.money import exponent, telegram_maximum, to_decimal_string

MAX_STOCK = 1_000_000  # units on hand; the stock column is a 32-bit integer on PostgreSQL
# Whole units of the shop's currency ($1,000,000.00, ⭐ 1,000,000): one unit at this price
# fits a Telegram invoice's amount (a 32-bit integer of minor units) and, times the most a
# cart line holds, the price columns on both databases.
MAX_PRICE_UNITS = 1_000_000
# The most a per-order limit may be ("at most 2 per order"): 1 to this, or no limit at all.
MAX_PER_ORDER = 1_000
MAX_TITLE = 128
MAX_DESCRIPTION = 800  # leaves room in a 1024-character photo caption for price and stock
MAX_CATEGORY = 64
MAX_REFERENCE = 512  # a photo or download: an https URL, a path beside the catalog or a file_id
MAX_OPTION_TEXT = 32  # an option's name or value ("Size", "M"), shown on a button
# The longest text of each field; a column of bot.store.models is at least as wide.
TEXT_LIMITS = {
    "title": MAX_TITLE,
    "description": MAX_DESCRIPTION,
    "category": MAX_CATEGORY,
    "photo": MAX_REFERENCE,
    "download": MAX_REFERENCE,
    "option": MAX_OPTION_TEXT,
}
# Control characters: a NUL cannot be stored in PostgreSQL text, the rest garble a chat. A
# description may have line breaks and tabs; every other field is one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class OutOfRange(ValueError):
    """A value a rule refuses; `template` (a catalog msgid) filled from `params` says why."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template.format(**params))
        self.template = template
        self.params = params


def sku_key(sku: str) -> str:
    """An SKU as it compares: without case (admins type kit-mug-cer for KIT-MUG-CER, and a
    file's row in any case is the same product). Stored SKUs keep the case they were given."""
    return sku.strip().upper()


def category_key(name: str) -> str:
    """A category's name as it compares: its title or slug, any case, spaces around it
    dropped ("/sale  kitchen 20%", "cat=Kitchen", a code stored with " kitchen "). The one
    rule of /sale, /promo new ... cat= and a code's scope at checkout."""
    return name.strip().casefold()


def names_category(name: str, title: str, slug: str) -> bool:
    """Whether `name` names the category with this title and slug (`category_key`)."""
    return category_key(name) in (category_key(title), category_key(slug))


class CaseTwins(OutOfRange):
    """An SKU typed in a spelling none of several stored SKUs has, which differ only in case
    (case twins, stored before SKUs compared without case): which one is meant is unknown."""

    def __init__(self, typed: str, twins: Sequence[str]) -> None:
        super().__init__(
            N_(
                "{sku} could be any of {skus}: their SKUs differ only in case. Send it spelt "
                "exactly as one of them."
            ),
            sku=typed,
            skus=", ".join(sorted(twins)),
        )
        self.twins = tuple(sorted(twins))


def named_sku(typed: str, stored: Sequence[str]) -> str | None:
    """Which of `stored` (the shop's SKUs with `typed`'s `sku_key`) an admin or a file
    means by `typed`: the one spelt exactly so, else the only one; None if there is none.
    CaseTwins if several differ only in case and none is spelt as typed: never a guess."""
    typed = typed.strip()
    if typed in stored:
        return typed
    if len(set(stored)) > 1:
        raise CaseTwins(typed, list(dict.fromkeys(stored)))
    return stored[0] if stored else None


def max_price(currency: str) -> int:
    """The highest price in minor units of `currency`: at most what one invoice in it may
    be (bot.money.telegram_maximum, for every currency), since a product priced above it
    could never be paid, and at most MAX_PRICE_UNITS whole units."""
    return min(MAX_PRICE_UNITS * 10 ** exponent(currency), telegram_maximum(currency))


def check_price(amount: int, currency: str) -> int:
    """`amount` (minor units) if a shopper could pay it: more than 0, at most `max_price`
    (refused when it is set, by every way a price is set, not only on the total at Pay)."""
    if amount <= 0:
        raise OutOfRange(N_("A price must be more than 0."))
    most = max_price(currency)
    if amount > most:
        telegrams = most == telegram_maximum(currency)
        raise OutOfRange(
            N_(
                "A price can be at most {most} {currency}, the most Telegram takes in one "
                "payment; {price} is more."
            )
            if telegrams
            else N_("A price can be at most {most} {currency}; {price} is more."),
            most=to_decimal_string(most, currency),
            currency=currency,
            price=to_decimal_string(amount, currency),
        )
    return amount


def check_compare_at(amount: int, price: int, currency: str) -> int:
    """A regular price (`compare_at`, minor units), struck through beside `price` while the
    product is on sale: a price `check_price` allows, and more than `price` (else it is no
    sale at all)."""
    check_price(amount, currency)
    if amount <= price:
        raise OutOfRange(
            N_(
                "{compare_at} is not more than the price, {price}: a sale price is below "
                "the regular one."
            ),
            compare_at=to_decimal_string(amount, currency),
            price=to_decimal_string(price, currency),
        )
    return amount


def is_count(text: str) -> bool:
    """`text` is a whole number in the digits 0-9: what a stock is written in. Python's
    isdecimal takes any script's digits too (Arabic-Indic ١٢ is 12 to int())."""
    return text.isascii() and text.isdecimal()


def check_stock(digits: str) -> int:
    """A stock (or a change of it) written as ASCII digits (`is_count`), at most MAX_STOCK.
    Read from text so that a number of thousands of digits is refused, not converted."""
    if len(digits.lstrip("0")) > len(str(MAX_STOCK)) or int(digits) > MAX_STOCK:
        raise OutOfRange(N_("{count} is more than {most}."), count=digits, most=MAX_STOCK)
    return int(digits)


def check_max_per_order(text: str) -> int | None:
    """A per-order limit written as ASCII digits, 1 to MAX_PER_ORDER; None for an empty text
    (no limit). Read from text, as a stock is, so a number of thousands of digits is refused."""
    cleaned = text.strip()
    if not cleaned:
        return None
    too_long = len(cleaned.lstrip("0")) > len(str(MAX_PER_ORDER))
    if not is_count(cleaned) or too_long or not 1 <= int(cleaned) <= MAX_PER_ORDER:
        raise OutOfRange(
            N_("must be a whole number from 1 to {most} (empty: no limit), got {value}"),
            most=MAX_PER_ORDER,
            value=cleaned,
        )
    return int(cleaned)


def check_stock_after(before: int, change: int) -> int:
    """The stock `change` leaves, if at most MAX_STOCK."""
    after = before + change
    if after > MAX_STOCK:
        raise OutOfRange(
            N_("{before} + {change} would be {after}, more than {most}."),
            before=before,
            change=change,
            after=after,
            most=MAX_STOCK,
        )
    return after


def check_text(field: str, text: str) -> str:
    """`text` without the spaces around it, if it fits `field` (a key of TEXT_LIMITS; a
    title, description or category in any language): what its column stores and a product
    card, its photo caption or an option button can show, with no control characters."""
    value = text.strip()
    if control := (_CONTROL_IN_PROSE if field == "description" else _CONTROL).search(value):
        raise OutOfRange(
            N_("Control characters such as {char} are not allowed."),
            char=f"U+{ord(control.group()):04X}",
        )
    most = TEXT_LIMITS[field]
    if len(value) > most:
        raise OutOfRange(
            N_("{count} characters; at most {most} are allowed."), count=len(value), most=most
        )
    return value
