"""Catalog files (JSON or CSV): parse, validate every row, then upsert by SKU in one transaction."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, TextIO, TypeVar

from sqlalchemy import select

from bot.bundle_rules import (
    PARTS_REFUSED,
    BundleError,
    Part,
    check_parts,
    parse_parts,
    parts_of,
    parts_text,
    stored,
)
from bot.catalog_rules import (
    MAX_OPTION_TEXT,
    MAX_PER_ORDER,
    CaseTwins,
    OutOfRange,
    check_compare_at,
    check_max_per_order,
    check_price,
    check_stock,
    check_text,
    is_count,
    named_sku,
    sku_key,
)
from bot.i18n import LANGUAGES, N_, Translator, option_texts, translator
from bot.money import MoneyError, check_currency, exponent, parse_amount, to_decimal_string
from bot.pricing import (
    TIERS_REFUSED,
    TiersError,
    parse_tiers,
    sale_after_new_price,
    stored_tiers_text,
)
from bot.store.models import GIFT_CODE, Order, OrderLine, Product, ProductVariant
from bot.store.uow import Store, UnitOfWork
from bot.tax import RATE_REFUSED, TaxRateError, file_rate, parse_rate

REQUIRED_FIELDS = ("sku", "title", "description", "category", "price", "currency", "stock", "photo")
OPTIONAL_FIELDS = ("active", "digital", "download", "photos")
# Variants in CSV: the product's row declares `options` ("Size: S|M|L; Colour: Oat|Charcoal"),
# then one row per variant names its product in `variant_of` and its `values`
# ("Size: M; Colour: Oat") with its own sku and stock, and price and photo when its own.
VARIANT_FIELDS = ("options", "variant_of", "values")
# Title, description and category in the shop's other languages: title_ru, description_ru, ...
TRANSLATED_FIELDS = tuple(
    f"{field}_{language}"
    for language in LANGUAGES
    if language != "en"
    for field in ("title", "description", "category")
)
# A product's options in the other languages, written as `options` is and in its order, each
# option with as many values: options_ru "Размер: S|M|L; Цвет: Овсяный|Угольный".
TRANSLATED_OPTIONS = tuple(f"options_{language}" for language in LANGUAGES if language != "en")
# The regular price while on sale, written as `price` is, above it (a product's, or a variant's
# beside its own price); empty: not on sale. Last, so files written before it read the same.
SALE_FIELDS = ("compare_at",)
# At most this many of a product (all its variants together) in one order, 1 to
# MAX_PER_ORDER; empty: no limit. On the product's row; last, after the sale's column.
LIMIT_FIELDS = ("max_per_order",)
# Its quantity tiers, "3:10,6:15" or "3:10% 6:15%" (bot.pricing.parse_tiers, as /tiers checks
# them); empty: none. On the product's row (its variants count together), after the limit.
TIER_FIELDS = ("tiers",)
# The VAT rate its price includes when not the shop's TAX_RATE, a percent ("5", "7.7"); empty:
# the shop's. On the product's row (its variants take it); last, after the limit's column.
TAX_FIELDS = ("tax_rate",)
# A set's parts, "KIT-KTL-GOO:1 KIT-MUG-CER:2" (bot.bundle_rules, as /bundle checks them), the
# parts' SKUs in the shop or in the same file; empty: sold as itself. On the product's row;
# last, and written only by a shop that has sets.
BUNDLE_FIELDS = ("bundle",)
CSV_FIELDS = (
    *REQUIRED_FIELDS,
    *OPTIONAL_FIELDS,
    *VARIANT_FIELDS,
    *TRANSLATED_FIELDS,
    *TRANSLATED_OPTIONS,
    *SALE_FIELDS,
    *LIMIT_FIELDS,
    *TIER_FIELDS,
    *TAX_FIELDS,
    *BUNDLE_FIELDS,
)
# Fields a file may leave out (a column it lacks): a product the shop has keeps its own.
KEPT_UNLESS_GIVEN = frozenset(
    (
        "active",
        "digital",
        "download",
        "options",
        "photos",
        "compare_at",
        "max_per_order",
        "tiers",
        "tax_rate",
        "bundle",
    )
)
_CSV_COLUMNS = frozenset(CSV_FIELDS)
_JSON_FIELDS = frozenset((*CSV_FIELDS, "variants")) - {"variant_of", "values"}
MAX_OPTIONS = 3  # options per product (Size, Colour, ...)
MAX_OPTION_VALUES = 20  # values per option
_OPTION_SEPARATORS = re.compile(r"[;:|]")  # what CSV's `options` and `values` split on
_SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}
_FILE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,255}$")
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
# A product's gallery: `photo` first, then `photos` (a list in JSON; in CSV one cell of them
# joined by PHOTO_SEPARATOR, as option values are). At most MAX_PHOTOS in all: a card pages
# through them (◀ 1/3 ▶), and Telegram sends at most 10 in one album.
PHOTO_SEPARATOR = "|"
MAX_PHOTOS = 10
# A variant has one photo (it takes the place of its product's first on the card); a gallery
# belongs to the product, so a variant's `photos` is refused rather than dropped unseen.
VARIANT_GALLERY = N_(
    "a variant takes one photo, in photo; the further photos go in its product's photos"
)
# A per-order limit counts all of a product's variants together: it is the product's.
VARIANT_LIMIT = N_("a limit per order counts all the variants together: set it on the product")
# A product's variants are taxed at its rate.
VARIANT_TAX = N_("the variants are taxed at their product's rate: set it on the product")
# A gift card is worth the unit price its line paid: a tier would issue cards worth less.
GIFT_CARD_TIERS = N_("gift cards are worth the price paid for them: they take no quantity tiers")
# A product's tiers count all its variants together.
VARIANT_TIERS = N_("quantity tiers count all the variants together: set them on the product")
# A set is a plain product: not a gift card, not sold as variants (bot.bundle_rules).
SET_OF_WHAT = N_("a set is a plain product: not a gift card, nor sold as variants")
SET_STOCK = N_("a set keeps no stock of its own (its stock is its parts'): leave it 0")


@dataclass(frozen=True)
class VariantRow:
    """One variant of a product: its option values (in the product's option order), its own
    SKU and stock, and its own price (minor units) and photo if it has them."""

    sku: str
    values: tuple[tuple[str, str], ...]
    stock: int
    price: int | None = None
    photo: str | None = None
    compare_at: int | None = None  # its own regular price while on sale, beside its own price


@dataclass(frozen=True)
class CatalogRow:
    """One validated product row; `price` is in minor units of `currency`."""

    sku: str
    title: str
    description: str
    category: str
    price: int
    currency: str
    stock: int
    photo: str
    active: bool = True
    digital: bool = False
    download: str | None = None  # digital goods: file path, https URL, file_id or "giftcode"
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("Size", ("S", "M")), ...
    variants: tuple[VariantRow, ...] = ()
    photos: tuple[str, ...] = ()  # the gallery's further photos, after `photo`
    compare_at: int | None = None  # the regular price while on sale (minor units), or None
    max_per_order: int | None = None  # at most this many in one order, or None (no limit)
    tax_rate_bp: int | None = None  # its own VAT rate in basis points, or None (the shop's)
    tiers: str | None = None  # its quantity tiers as products.tiers keeps them, or None
    bundle: tuple[tuple[str, int], ...] = ()  # a set's parts by SKU, as the file names them
    # Other languages: {"ru": {"title": ..., "description": ..., "options": {"Colour": {"name":
    # "Цвет", "values": {"Oat": "Овсяный"}}}}} and the category's {"ru": ...}, as the file
    # gives them: a field it names changes ("": the translation goes), the others are kept as
    # stored. None: the row says nothing of translations.
    translations: dict[str, dict[str, Any]] | None = None
    category_translations: dict[str, str] | None = None
    line: int = dataclasses.field(default=0, compare=False)  # in its file, for what it names
    given: frozenset[str] = dataclasses.field(default=KEPT_UNLESS_GIVEN, compare=False)


@dataclass(frozen=True)
class RowError:
    line: int  # 1-based: the JSON list position or the CSV line number
    sku: str
    field: str
    message: str  # in English
    template: str = ""  # the message as a catalog msgid, filled from `params`, if it is one
    params: tuple[tuple[str, str], ...] = ()
    within: str = ""  # where in the field, named in the file's own words: "TEE-S-OAT: stock"

    @classmethod
    def worded(
        cls, line: int, sku: str, field: str, template: str, /, within: str = "", **params: Any
    ) -> RowError:
        """A problem whose words are a catalog text, so an admin reads them in their language;
        `within`: the part of the field it is in (a variant's SKU, and its own field)."""
        shown = tuple((name, str(value)) for name, value in params.items())
        message = template.format(**params) if params else template
        if within:
            message = f"{within}: {message}"
        return cls(line, sku, field, message, template, shown, within)

    def said(self, tr: Translator) -> str:
        """The problem in `tr`'s language: "line 3 (MUG-1), price: ..."."""
        message = tr._(self.template, **dict(self.params)) if self.template else self.message
        if self.template and self.within:
            message = f"{self.within}: {message}"
        if self.line == 0:
            named = self.sku or tr._("the file")
            return f"{named}, {self.field}: {message}"
        where = tr._("line {line}", line=self.line) + (f" ({self.sku})" if self.sku else "")
        return f"{where}, {self.field}: {message}"

    def __str__(self) -> str:
        return self.said(translator(None))


class CatalogError(Exception):
    """The catalog file is unusable; `errors` names every bad row and field."""

    def __init__(self, errors: list[RowError], source: str = "catalog") -> None:
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{source}: {len(errors)} problem(s)\n{lines}{more}")


@dataclass
class ImportReport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    updated_ids: list[int] = dataclasses.field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()  # the file's columns no catalog has
    # The shop's SKUs that differ only in case (stored before SKUs compared without case):
    # each is reached only by its exact spelling, so the admin is told of them.
    case_twins: list[tuple[str, ...]] = dataclasses.field(default_factory=list)

    def summary(self, tr: Translator | None = None) -> str:
        return (tr or translator(None))._(
            "{created} created, {updated} updated, {unchanged} unchanged",
            created=len(self.created),
            updated=len(self.updated),
            unchanged=len(self.unchanged),
        )


_TOO_DEEP = RowError.worded(0, "", "file", N_("not a catalog: lists or objects nested too deeply"))


def parse_json(
    data: bytes | str, source: str = "catalog.json", *, currency: str | None = None
) -> list[CatalogRow]:
    return validate_rows(_json_items(data, source), source, currency=currency)


def _json_items(data: bytes | str, source: str) -> list[tuple[int, Any]]:
    """The file's products, each with its place in the list (as the errors name it)."""
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        refused = RowError.worded(0, "", "file", N_("not valid JSON: {problem}"), problem=exc)
        raise CatalogError([refused], source) from None
    except RecursionError:  # no catalog nests that deep: refuse it, not crash on it
        raise CatalogError([_TOO_DEEP], source) from None
    if isinstance(raw, dict) and isinstance(raw.get("products"), list):
        raw = raw["products"]
    if not isinstance(raw, list):
        refused = RowError.worded(0, "", "file", N_("expected a list of products"))
        raise CatalogError([refused], source)
    return list(enumerate(raw, start=1))


def parse_csv(
    data: bytes | str, source: str = "catalog.csv", *, currency: str | None = None
) -> list[CatalogRow]:
    return validate_rows(_csv_items(data, source), source, currency=currency)


@dataclass(frozen=True)
class CatalogFile:
    """An uploaded file's checked rows, and the columns (or JSON fields) it has that no
    catalog has: ignored, but named in the report, so a misspelt column is not lost unseen."""

    rows: list[CatalogRow]
    ignored: tuple[str, ...] = ()


def parse_upload(
    data: bytes, kind: str, source: str, *, currency: str | None = None
) -> CatalogFile:
    """A .csv or .json (`kind`) file an admin sent, every row checked (CatalogError)."""
    if kind == "csv":
        items, ignored = _csv_read(data, source)
    else:
        items = _json_items(data, source)
        found = {key for _, item in items if isinstance(item, Mapping) for key in item}
        ignored = tuple(sorted(str(key) for key in found - _JSON_FIELDS))
    return CatalogFile(validate_rows(items, source, currency=currency), ignored)


def _csv_items(data: bytes | str, source: str) -> list[tuple[int, Any]]:
    """The file's products (a variant's rows folded into its product's), each with its line."""
    return _csv_read(data, source)[0]


def _csv_read(data: bytes | str, source: str) -> tuple[list[tuple[int, Any]], tuple[str, ...]]:
    """The file's products, and the columns it has that no catalog has (ignored, but named
    to the admin). A file as a spreadsheet saves it is read too: its separator (`,`, `;`
    or a tab) is taken from the header line, and header names in any case, with spaces
    ("Title RU"), are the columns they spell."""
    text = _csv_text(data, source)
    if not text.strip():
        raise CatalogError([RowError.worded(0, "", "file", N_("it is empty"))], source)
    first_line = text.lstrip().partition("\n")[0]
    delimiter = max(_CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_column_name(h) for h in next(reader, [])]
    except csv.Error as exc:  # e.g. a stray carriage return in the header line
        refused = RowError.worded(1, "", "header", N_("not CSV I can read: {problem}"), problem=exc)
        raise CatalogError([refused], source) from None
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        message = N_("column {name} appears twice")
        raise CatalogError([RowError.worded(1, "", "header", message, name=n) for n in twice])
    missing = [f for f in REQUIRED_FIELDS if f not in header]
    if missing:
        message = N_("header lacks column(s): {columns}")
        refused = RowError.worded(
            reader.line_num, "", "header", message, columns=", ".join(missing)
        )
        raise CatalogError([refused], source)
    try:
        rows = [
            (reader.line_num, dict(zip(header, [*values, *[""] * len(header)], strict=False)))
            for values in reader
            if any(value.strip() for value in values)
        ]
    except csv.Error as exc:
        message = N_("not CSV I can read: {problem}")
        refused = RowError.worded(reader.line_num, "", "file", message, problem=exc)
        raise CatalogError([refused], source) from None
    ignored = tuple(h for h in header if h and h not in _CSV_COLUMNS)
    return _csv_products(rows), ignored


_CSV_DELIMITERS = (",", ";", "\t")  # the first wins a tie: a one-column line is a comma's
_CYRILLIC_RUN = re.compile("[\u0400-\u04ff]{2,}")


def _column_name(text: str) -> str:
    """ "Title RU", " PRICE " or "variant-of" as the column it names (title_ru, price, ...)."""
    return re.sub(r"[\s-]+", "_", text.strip().lstrip("\ufeff").strip().lower())


def _csv_text(data: bytes | str, source: str) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), UTF-16 with its mark (Excel's
    "Unicode text"), or Windows-1251 (Russian Excel's CSV) when that reads as Russian words;
    any other file is refused rather than read as the wrong letters."""
    if isinstance(data, str):
        return data
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")
            foreign = [c for c in text if ord(c) > 127]
            in_words = sum(len(run) for run in _CYRILLIC_RUN.findall(text))
            if in_words >= 0.9 * len(foreign):
                return text
    refused = RowError.worded(0, "", "file", N_('not UTF-8 text: save it as "CSV UTF-8"'))
    raise CatalogError([refused], source) from None


def _csv_products(rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, Any]]:
    """CSV rows as JSON-shaped products: each variant row (`variant_of` set) goes into its
    product's `variants`; `options` and `values` become mappings. Text that does not read
    as options is passed on as it is, for validation to name."""
    products: list[tuple[int, Any]] = []
    by_sku: dict[str, dict[str, Any]] = {}
    variant_rows: list[tuple[int, str, dict[str, Any]]] = []
    for line, row in rows:
        parent = str(row.get("variant_of") or "").strip()
        if parent:
            variant = {
                "sku": row.get("sku"),
                "values": _csv_pairs(row.get("values"), split=False),
                "stock": row.get("stock"),
                **({"compare_at": row["compare_at"]} if "compare_at" in row else {}),
                "price": row.get("price") or None,
                "photo": row.get("photo") or None,
            }
            if photos := _csv_photos(row.get("photos")):
                variant["photos"] = photos  # refused: a variant's gallery is its product's
            if str(row.get("max_per_order") or "").strip():
                variant["max_per_order"] = row["max_per_order"]  # refused: the product's
            if str(row.get("tax_rate") or "").strip():
                variant["tax_rate"] = row["tax_rate"]  # refused: the product's
            if str(row.get("tiers") or "").strip():
                variant["tiers"] = row["tiers"]  # refused: the product's
            if str(row.get("bundle") or "").strip():
                variant["bundle"] = row["bundle"]  # refused: a set is a plain product
            variant_rows.append((line, parent, variant))
            continue
        item: dict[str, Any] = {k: v for k, v in row.items() if k and k not in VARIANT_FIELDS}
        if "photos" in row:
            item["photos"] = _csv_photos(row["photos"])
        if "options" in row:
            item["options"] = None  # the column is there: an empty one means no variants
        for column in TRANSLATED_OPTIONS:
            if str(row.get(column) or "").strip():
                item[column] = _csv_pairs(row[column], split=True)
        if str(row.get("options") or "").strip():
            item["options"] = _csv_pairs(row["options"], split=True)
            item["variants"] = []
            if not str(row.get("stock") or "").strip():
                del item["stock"]  # a product sold as variants has no stock of its own
        products.append((line, item))
        by_sku[str(row.get("sku") or "").strip()] = item
    for line, parent, variant in variant_rows:
        owner = by_sku.get(parent)
        if owner is None or "variants" not in owner:
            products.append((line, {"sku": variant["sku"], "variant_of": parent}))
        else:
            owner["variants"].append(variant)
    return products


def _csv_photos(text: Any) -> list[str]:
    """ "photos/a.png|photos/b.png" as a list (an empty cell: none)."""
    text = str(text or "").strip()
    return [part.strip() for part in text.split(PHOTO_SEPARATOR)] if text else []


def _csv_pairs(text: Any, *, split: bool) -> Any:
    """ "Size: M; Colour: Oat" as {"Size": "M", "Colour": "Oat"} (with `split`, "Size: S|M"
    as {"Size": ["S", "M"]}); text that is not such pairs is returned as it is."""
    if not text or not text.strip():
        return text
    pairs: dict[str, Any] = {}
    for part in text.split(";"):
        name, colon, rest = part.partition(":")
        if not colon:
            return text
        pairs[name.strip()] = [v.strip() for v in rest.split("|")] if split else rest.strip()
    return pairs


def _options_text(options: Iterable[tuple[str, tuple[str, ...]]]) -> str:
    return "; ".join(f"{name}: {'|'.join(values)}" for name, values in options)


def _values_text(values: Iterable[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {value}" for name, value in values)


def load_file(path: Path, *, currency: str | None = None) -> list[CatalogRow]:
    return list(read_file(path, currency=currency))


def read_file(path: Path, *, currency: str | None = None) -> Iterator[CatalogRow]:
    """The file's rows, checked as they are taken (`check_rows`); a file that cannot be read
    or parsed raises at once."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(
            [RowError(0, "", "file", f"cannot read: {exc.strerror}")], str(path)
        ) from None
    items = _csv_items if path.suffix.lower() == ".csv" else _json_items
    return check_rows(items(data, str(path)), str(path), currency=currency)


def validate_rows(
    rows: Iterable[tuple[int, Any]], source: str = "catalog", *, currency: str | None = None
) -> list[CatalogRow]:
    """Check every row and collect every problem before anything is applied."""
    return list(check_rows(rows, source, currency=currency))


def check_rows(
    rows: Iterable[tuple[int, Any]], source: str = "catalog", *, currency: str | None = None
) -> Iterator[CatalogRow]:
    """Each good row as soon as it is checked, while every row so far was good; after a bad
    one, the rest are checked but none given, and the end raises `CatalogError` with every
    problem found. So a caller writing rows as they come (a seed's COPY, which the server
    works on while later rows are checked) has nothing to keep when the end raises: its
    transaction rolls back.

    `currency`: the shop's; a row in another is refused (a cart cannot add euros to
    dollars, nor pay for them)."""
    errors: list[RowError] = []
    found = False
    seen: dict[str, int] = {}
    for line, item in rows:
        row, row_errors = _validate_row(line, item, currency)
        skus = _skus_of(item)
        keys = [sku_key(sku) for sku in skus]
        for n, sku in enumerate(skus):
            first = seen.get(keys[n]) or (line if keys[n] in keys[:n] else None)
            if sku and first is not None and (n or row is not None):
                where = "variants" if n else "sku"
                message = N_("duplicate SKU {sku}, first seen on line {first}")
                row_errors.append(
                    RowError.worded(line, skus[0], where, message, sku=sku, first=first)
                )
        errors.extend(row_errors)
        if row is not None and not row_errors:
            seen.update({key: line for key in keys if key not in seen})
            found = True
            if not errors:
                yield row
    if errors:
        raise CatalogError(errors, source)
    if not found:
        raise CatalogError([RowError.worded(0, "", "file", N_("no products in it"))], source)


def _skus_of(item: Any) -> list[str]:
    """The product's SKU and its variants' (as written), to find one used twice."""
    if not isinstance(item, Mapping):
        return []
    raw = item.get("variants")
    if raw is None:
        return [str(item.get("sku") or "").strip()]
    variants: list[Any] = raw if isinstance(raw, list) else []
    return [str(x.get("sku") or "").strip() for x in [item, *variants] if isinstance(x, Mapping)]


def _validate_row(
    line: int, item: Any, shop_currency: str | None = None
) -> tuple[CatalogRow | None, list[RowError]]:
    if not isinstance(item, Mapping):
        wrong = RowError.worded(line, "", "row", N_("expected an object with product fields"))
        return None, [wrong]
    sku = str(item.get("sku") or "").strip() if _is_text(item.get("sku")) else ""
    errors: list[RowError] = []

    def bad(field: str, message: str, /, within: str = "", **params: Any) -> None:
        errors.append(RowError.worded(line, sku, field, message, within, **params))

    for field in _TEXT_FIELDS:
        value = item.get(field)
        texts = value.values() if field in _TRANSLATED and isinstance(value, Mapping) else [value]
        if not all(_is_text(text) for text in texts):
            bad(field, N_("must be text"))
    if errors:
        return None, errors  # read as text, a list would be stored as "['a', 'b']"
    item, translations = _split_languages(item)
    if item.get("variant_of") is not None:
        bad(
            "variant_of",
            N_("no product {sku} with options before it in the file"),
            sku=item["variant_of"],
        )
        return None, errors
    has_variants = item.get("options") is not None or item.get("variants") is not None
    for field in REQUIRED_FIELDS:
        if field == "stock" and has_variants:
            continue  # kept on each variant
        value = item.get(field)
        blank = isinstance(value, str) and not value.strip() and field != "photo"
        if (value is None or blank) and field != "description":
            bad(field, N_("missing"))
    if sku and not _SKU_RE.match(sku):
        bad("sku", N_("use letters, digits, '-', '_' or '.', at most 64 characters"))
    own = {field: str(item.get(field) or "").strip() for field in (*_TRANSLATED, "photo")}
    for language, fields in {"": own, **(translations or {})}.items():
        for field, text in fields.items():
            try:
                check_text(field, text)
            except OutOfRange as exc:
                bad(f"{field}_{language}" if language else field, exc.template, **exc.params)
    title, description, category, photo = (own[field] for field in (*_TRANSLATED, "photo"))
    currency = ""
    try:
        if item.get("currency") is not None:
            currency = check_currency(str(item["currency"]))
    except MoneyError as exc:
        bad("currency", exc.template, **exc.params)
    if currency and shop_currency and currency != shop_currency:
        bad(
            "currency",
            N_("{currency}, but this shop sells in {shop}"),
            currency=currency,
            shop=shop_currency,
        )
    price = _check_amount(item.get("price"), currency, partial(bad, "price")) or 0
    compare_at = _check_compare_at(
        item.get("compare_at"), price, currency, partial(bad, "compare_at")
    )
    max_per_order = _check_max_per_order(item.get("max_per_order"), partial(bad, "max_per_order"))
    raw_rate = item.get("tax_rate")  # most rows have none: nothing more to do for them
    tax_rate = None if raw_rate is None else _check_tax_rate(raw_rate, partial(bad, "tax_rate"))
    tiers = _check_tiers(item.get("tiers"), partial(bad, "tiers"))
    bundle = _check_bundle(item.get("bundle"), partial(bad, "bundle"))
    stock = 0
    raw_stock = item.get("stock")
    if raw_stock is not None:
        text = str(raw_stock).strip()
        if isinstance(raw_stock, bool) or not is_count(text):
            bad(
                "stock",
                N_("must be a whole number of 0 or more, got {value}"),
                value=repr(raw_stock),
            )
        else:
            try:
                stock = check_stock(text)
            except OutOfRange as exc:
                bad("stock", exc.template, **exc.params)
    flags: dict[str, bool] = {}
    for field, default in (("active", True), ("digital", False)):
        raw = item.get(field, default)
        text = str(raw).strip().lower()
        if isinstance(raw, bool):
            flags[field] = raw
        elif text in _TRUE or text in _FALSE:
            flags[field] = text in _TRUE if text else default
        else:
            bad(field, N_("must be true or false, got {value}"), value=repr(raw))
    # Without a digital column a product the shop has keeps its flag: whether it may have a
    # download is known only beside the stored product (upsert_rows, `_not_digital`).
    digital = flags.get("digital", False) or "digital" not in item
    download = _check_download(item.get("download"), digital, bad)
    if tiers and download == GIFT_CODE:  # each card is worth what its line paid
        bad("tiers", GIFT_CARD_TIERS)
    if bundle and (download == GIFT_CODE or has_variants):
        bad("bundle", SET_OF_WHAT)
    if bundle and stock:
        bad("stock", SET_STOCK)
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    variants: tuple[VariantRow, ...] = ()
    if has_variants:
        if stock:
            bad("stock", N_("a product with variants keeps its stock on each variant"))
        options, variants = _check_variants(item, currency, bad)
    translated_options = _check_translated_options(item, options, bad)
    photos = _check_photos(item.get("photos"), photo, bad)
    if errors:
        return None, errors
    return (
        CatalogRow(
            sku=sku,
            title=title,
            description=description,
            category=category,
            price=price,
            currency=currency,
            stock=stock,
            photo=photo,
            active=flags["active"],
            digital=flags["digital"],
            download=download,
            options=options,
            variants=variants,
            photos=photos,
            compare_at=compare_at,
            max_per_order=max_per_order,
            tax_rate_bp=tax_rate,
            tiers=tiers,
            bundle=bundle,
            translations=_product_texts(translations, translated_options),
            category_translations=_category_texts(translations),
            line=line,
            given=KEPT_UNLESS_GIVEN.intersection(item) | _sale_given(item),
        ),
        [],
    )


def _sale_given(item: Mapping[str, Any]) -> frozenset[str]:
    """{"compare_at"} when a variant names it though its product does not (a JSON file):
    the file says what is on sale, so what it leaves out is not."""
    variants = item.get("variants")
    named = isinstance(variants, list) and any(
        isinstance(v, Mapping) and "compare_at" in v for v in variants
    )
    return frozenset(SALE_FIELDS) if named else frozenset()


_TRANSLATED = ("title", "description", "category")
_TRANSLATED_COLUMNS = frozenset(TRANSLATED_FIELDS)
_TEXT_FIELDS = ("sku", *_TRANSLATED, "currency", "photo", *TRANSLATED_FIELDS)


_DECIMAL_COMMA = re.compile(r"^\s*([0-9]+),([0-9]+)\s*$")


def _amount_text(raw: Any, currency: str) -> str:
    """A price as spreadsheets in much of Europe write it ("5,50") read as "5.50"; a comma
    with more digits after it than the currency has decimals ("1,000" dollars) stays as it
    is, to be refused, never read as a thousand or as one."""
    text = str(raw)
    match = _DECIMAL_COMMA.match(text)
    if match and len(match.group(2)) <= exponent(currency):
        return f"{match.group(1)}.{match.group(2)}"
    return text


def _is_text(value: Any) -> bool:
    """A value a text field may take: text, a number (an SKU of digits) or nothing; a list,
    an object or true/false would be stored as Python spells it."""
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def _product_texts(
    translations: dict[str, dict[str, str]] | None,
    options: dict[str, dict[str, Any] | str] | None = None,
) -> dict[str, dict[str, Any]] | None:
    """A product's own translations as the row gives them, its options' among them (None:
    it says nothing of them)."""
    if translations is None and options is None:
        return None
    found: dict[str, dict[str, Any]] = {
        language: {k: v for k, v in fields.items() if k != "category"}
        for language, fields in (translations or {}).items()
    }
    for language, translated in (options or {}).items():
        found.setdefault(language, {})["options"] = translated
    return {language: fields for language, fields in found.items() if fields}


def _category_texts(translations: dict[str, dict[str, str]] | None) -> dict[str, str] | None:
    if translations is None:
        return None
    return {
        language: fields["category"]
        for language, fields in translations.items()
        if "category" in fields
    }


def _split_languages(
    item: Mapping[str, Any],
) -> tuple[Mapping[str, Any], dict[str, dict[str, str]] | None]:
    """Title, description and category per language, given as {"en": ..., "ru": ...} or as
    title_ru / description_es / category_ru columns: the plain value (English, or the first
    given) stays the product's own, the others become its translations; a column left empty
    (or a language given as the plain value) is "": that translation goes. None: the row has
    no such field at all (an older file), so what is stored is kept."""
    if _TRANSLATED_COLUMNS.isdisjoint(item) and not any(
        isinstance(item.get(field), Mapping) for field in _TRANSLATED
    ):
        return item, None  # most rows of a big file: read as they are, no copy
    plain = dict(item)
    translations: dict[str, dict[str, str]] = {}
    given = any(column in item for column in TRANSLATED_FIELDS)
    for field in _TRANSLATED:
        value = item.get(field)
        if isinstance(value, Mapping):
            given = True
            texts = {str(k).lower(): str(v or "").strip() for k, v in value.items()}
            base = texts.pop("en", None) or next((text for text in texts.values() if text), "")
            plain[field] = base
            for language, text in texts.items():
                translations.setdefault(language, {})[field] = text if text != base else ""
        for language in LANGUAGES:
            column = f"{field}_{language}"
            if column in item and language != "en":
                text = str(item.get(column) or "").strip()
                translations.setdefault(language, {})[field] = text
    return plain, translations if given else None


def _check_variants(
    item: Mapping[str, Any], currency: str, bad: Callable[..., None]
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[VariantRow, ...]]:
    """A product's `options` ({"Size": ["S", "M"], ...}) and `variants` (one per combination
    sold, each naming a value of every option), every problem named."""
    raw_options, raw_variants = item.get("options"), item.get("variants")
    options: list[tuple[str, tuple[str, ...]]] = []
    if not isinstance(raw_options, Mapping) or not raw_options:
        bad("options", N_('declare them as {"Size": ["S", "M", "L"], "Colour": ["Oat"]}'))
    elif len(raw_options) > MAX_OPTIONS:
        bad("options", N_("at most {count} options"), count=MAX_OPTIONS)
    else:
        for name, values in raw_options.items():
            if checked := _check_option("options", name, values, bad):
                options.append(checked)
    if not isinstance(raw_variants, list) or not raw_variants:
        bad("variants", N_("a product with options needs a list of variants (one per combination)"))
        return tuple(options), ()
    declared = dict(options)
    variants: list[VariantRow] = []
    combos: dict[tuple[tuple[str, str], ...], str] = {}
    for n, raw in enumerate(raw_variants, 1):
        variant = _check_variant(n, raw, declared, currency, bad)
        if variant is None:
            continue
        if variant.values in combos:
            label = _values_text(variant.values)
            other = combos[variant.values]
            bad(
                "variants",
                N_("{values} repeats variant {other}"),
                variant.sku,
                values=label,
                other=other,
            )
            continue
        combos[variant.values] = variant.sku
        variants.append(variant)
    return tuple(options), tuple(variants)


def _check_translated_options(
    item: Mapping[str, Any],
    options: tuple[tuple[str, tuple[str, ...]], ...],
    bad: Callable[..., None],
) -> dict[str, dict[str, Any] | str] | None:
    """The row's `options_ru`, `options_es`...: the product's options named in that language,
    in their order, each with as many values, kept by their English names and values
    ({"Colour": {"name": "Цвет", "values": {"Oat": "Овсяный"}}}); "" where a column is left
    empty (that translation goes). None: the row has no such column."""
    found: dict[str, dict[str, Any] | str] = {}
    for column in TRANSLATED_OPTIONS:
        if column not in item:
            continue
        raw, language = item[column], column.rsplit("_", 1)[1]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            found[language] = ""
        elif not options:
            bad(column, N_("the row declares no options to translate"))
        elif not _shaped_like(raw, options):
            bad(
                column,
                N_("name the same options in the same order, each with as many values: {expected}"),
                expected=_options_text(options),
            )
        else:
            translated: dict[str, Any] = {}
            for (name, values), (own_name, own_values) in zip(options, raw.items(), strict=True):
                if checked := _check_option(column, own_name, own_values, bad, values):
                    words = _stored_words(values, checked[1])
                    translated[name] = {"name": checked[0], "values": words}
            found[language] = translated
    return found or None


def _shaped_like(raw: Any, options: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    """Whether `raw` names as many options as `options`, each with as many values."""
    if not isinstance(raw, Mapping):
        return False
    counts = [len(values) if isinstance(values, list) else -1 for values in raw.values()]
    return counts == [len(values) for _, values in options]


def _check_option(
    field: str, name: Any, values: Any, bad: Callable[..., None], english: tuple[str, ...] = ()
) -> tuple[str, tuple[str, ...]] | None:
    """An option as `field` declares it (its name and list of values), or None with its
    problem named: one rule for `options` and its translations. In a translation, a value
    written as its `english` is left untranslated, and may equal another value's
    translation (an export writes it so: "Carbón" for "Charcoal", and "Carbón" itself)."""
    name = str(name).strip()
    texts = [str(v).strip() for v in values] if isinstance(values, list) else []
    if problem := _option_text_problem(name):
        bad(field, problem.template, repr(name), **problem.params)
    elif not texts or len(texts) > MAX_OPTION_VALUES:
        bad(field, N_("give a list of 1 to {most} values"), name, most=MAX_OPTION_VALUES)
    elif wrong := next(((v, p) for v in texts if (p := _option_text_problem(v))), None):
        value, problem = wrong
        bad(field, problem.template, f"{name}: {value!r}", **problem.params)
    elif len(set(translated := _translated_only(texts, english))) != len(translated):
        bad(field, N_("a value is listed twice"), name)
    else:
        return name, tuple(texts)
    return None


def _stored_words(english: tuple[str, ...], texts: tuple[str, ...]) -> dict[str, str]:
    """An option's values in a language by their English, as they are kept: a value left as
    its English that another value's translation also reads is left out (untranslated, as a
    file without it had it), so an export that writes it imports unchanged."""
    return {
        value: text
        for value, text in zip(english, texts, strict=True)
        if text != value or texts.count(text) == 1
    }


def _translated_only(texts: list[str], english: tuple[str, ...]) -> list[str]:
    """The values of an option that are not left as their English (all, without it)."""
    if len(english) != len(texts):
        return texts
    return [text for text, own in zip(texts, english, strict=True) if text != own]


def _option_text_problem(text: str) -> OutOfRange | None:
    """Why `text` cannot be an option's name or value (None: it can): a CSV splits on the
    separators, and the rest is `check_text`'s."""
    if not text or _OPTION_SEPARATORS.search(text):
        return OutOfRange(N_("1-{most} characters, none of ; : |"), most=MAX_OPTION_TEXT)
    try:
        check_text("option", text)
    except OutOfRange as exc:
        return exc
    return None


def _check_variant(
    n: int,
    raw: Any,
    declared: dict[str, tuple[str, ...]],
    currency: str,
    bad: Callable[..., None],
) -> VariantRow | None:
    """The `n`th variant of a product, or None with every problem named (each within the
    variant: its SKU, or #n without one) in the row's own words."""
    if not isinstance(raw, Mapping):
        bad("variants", N_("expected an object with sku, values and stock"), f"#{n}")
        return None
    sku = str(raw.get("sku") or "").strip()
    name = sku or f"#{n}"
    problems = 0

    def fault(message: str, within: str = name, **params: Any) -> None:
        nonlocal problems
        problems += 1
        bad("variants", message, within, **params)

    if not _SKU_RE.match(sku):
        fault(N_("use letters, digits, '-', '_' or '.', at most 64 characters"), f"{name}: sku")
    values = raw.get("values")
    chosen: list[tuple[str, str]] = []
    if not isinstance(values, Mapping):
        fault(N_('name a value of each option, as {"Size": "M"}'), f"{name}: values")
    else:
        unknown = [str(k) for k in values if str(k).strip() not in declared]
        if unknown:
            fault(
                N_("no option {names} (declared: {declared})"),
                names=", ".join(unknown),
                declared=", ".join(declared),
            )
        for option, allowed in declared.items():
            value = str(values.get(option, "")).strip()
            if not value:
                fault(N_("no value for {option}"), option=option)
            elif value not in allowed:
                fault(
                    N_("{option} {value} is not one of {allowed}"),
                    option=option,
                    value=repr(value),
                    allowed=", ".join(allowed),
                )
            else:
                chosen.append((option, value))
    stock_text = str(raw.get("stock", "")).strip()
    stock = 0
    if isinstance(raw.get("stock"), bool) or not is_count(stock_text):
        fault(
            N_("must be a whole number of 0 or more, got {value}"),
            f"{name}: stock",
            value=repr(raw.get("stock")),
        )
    else:
        try:
            stock = check_stock(stock_text)
        except OutOfRange as exc:
            fault(exc.template, f"{name}: stock", **exc.params)
    price = _check_amount(raw.get("price"), currency, _within(fault, f"{name}: price"))
    sale = _within(fault, f"{name}: compare_at")
    if price is None and _given_amount(raw.get("compare_at")):
        sale(N_("a variant on sale of its own needs a price of its own"))
    compare_at = _check_compare_at(raw.get("compare_at"), price or 0, currency, sale)
    photo = str(raw.get("photo") or "").strip() or None
    if not _is_text(raw.get("photo")):
        fault(N_("must be text"), f"{name}: photo")
    elif photo:
        try:
            check_text("photo", photo)
        except OutOfRange as exc:
            fault(exc.template, f"{name}: photo", **exc.params)
    if raw.get("photos"):  # the card pages through its product's gallery, not a variant's
        fault(VARIANT_GALLERY, f"{name}: photos")
    if raw.get("max_per_order") not in (None, ""):  # counted over all the product's variants
        fault(VARIANT_LIMIT, f"{name}: max_per_order")
    if raw.get("tax_rate") not in (None, ""):
        fault(VARIANT_TAX, f"{name}: tax_rate")
    if raw.get("tiers") not in (None, ""):
        fault(VARIANT_TIERS, f"{name}: tiers")
    if raw.get("bundle") not in (None, ""):
        fault(SET_OF_WHAT, f"{name}: bundle")
    if problems:
        return None
    return VariantRow(sku, tuple(chosen), stock, price, photo, compare_at)


def _within(fault: Callable[..., None], within: str) -> Callable[..., None]:
    """`fault` naming where in the variant a problem is (its SKU, and its own field)."""
    return lambda message, **params: fault(message, within, **params)


def _given_amount(raw: Any) -> bool:
    """An amount a file gives: not left out, null or an empty cell."""
    return raw is not None and not (isinstance(raw, str) and not raw.strip())


def _check_amount(raw: Any, currency: str, refuse: Callable[..., None]) -> int | None:
    """A price as a file writes it ("12.50", "5,50"), in minor units a shopper could pay
    (`check_price`), or None when not given or refused (`refuse` told why)."""
    if raw is None or not currency:
        return None
    if isinstance(raw, float | bool):
        refuse(N_('write the price as a decimal string such as "12.50"'))
        return None
    try:
        return check_price(parse_amount(_amount_text(raw, currency), currency), currency)
    except (OutOfRange, MoneyError) as exc:
        refuse(exc.template, **exc.params)
    return None


def _check_compare_at(
    raw: Any, price: int, currency: str, refuse: Callable[..., None]
) -> int | None:
    """The regular price while on sale (`check_compare_at`: above `price`); None when the
    cell is empty or the field left out (not on sale), or refused."""
    if not _given_amount(raw):
        return None
    amount = _check_amount(raw, currency, refuse)
    if amount is None or not price:
        return None
    try:
        return check_compare_at(amount, price, currency)
    except OutOfRange as exc:
        refuse(exc.template, **exc.params)
    return None


ONLY_DIGITAL = N_("only digital products have a download (set digital to true)")


LIMIT_REFUSED = N_("must be a whole number from 1 to {most} (empty: no limit), got {value}")


def _check_max_per_order(raw: Any, refuse: Callable[..., None]) -> int | None:
    """A product's per-order limit (`check_max_per_order`: 1 to MAX_PER_ORDER); None when
    empty or null (no limit). JSON may give it as a number."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        refuse(LIMIT_REFUSED, most=MAX_PER_ORDER, value=repr(raw))
        return None
    try:
        return check_max_per_order(str(raw))
    except OutOfRange as exc:
        refuse(exc.template, **exc.params)
        return None


def _check_tax_rate(raw: Any, refuse: Callable[..., None]) -> int | None:
    """A product's own VAT rate in basis points (`bot.tax.parse_rate`: "5", "7.7"); None when
    empty or null (the shop's TAX_RATE). JSON may give it as a number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        refuse(RATE_REFUSED, value=repr(raw))
        return None
    try:
        return parse_rate(str(raw))
    except TaxRateError as exc:
        refuse(exc.template, **exc.params)
        return None


def _check_tiers(raw: Any, refuse: Callable[..., None]) -> str | None:
    """A product's quantity tiers as products.tiers keeps them ("3:10,6:15"), checked as
    /tiers checks them (`bot.pricing.parse_tiers`); None when empty or null (none)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        refuse(TIERS_REFUSED)
        return None
    try:
        return stored_tiers_text(parse_tiers(raw)) or None
    except TiersError as exc:
        refuse(exc.template, **exc.params)
        return None


def _check_bundle(raw: Any, refuse: Callable[..., None]) -> tuple[tuple[str, int], ...]:
    """A set's parts as written ("KIT-KTL-GOO:1 KIT-MUG-CER:2"), checked as /bundle checks
    them (`bot.bundle_rules.parse_parts`); () when empty or null (no set). Whether the SKUs
    may be parts is known only beside the shop's products (`_set_bundles`)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ()
    if not isinstance(raw, str):
        refuse(PARTS_REFUSED)
        return ()
    try:
        return tuple(parse_parts(raw))
    except BundleError as exc:
        refuse(exc.template, **exc.params)
        return ()


async def _set_bundles(uow: UnitOfWork, rows: Sequence[CatalogRow], report: ImportReport) -> None:
    """Give the rows' products the parts their bundle column names (its SKUs now in the shop,
    this file's new products too), then check every set as /bundle does; CatalogError names
    each row that cannot be one, and the caller's unit of work rolls the whole file back."""
    errors: list[RowError] = []
    changed: list[Product] = []
    for row in rows:
        product = await uow.products.get_by_sku(row.sku)
        assert product is not None  # written just before
        parts: list[Part] = []
        for sku, quantity in row.bundle:
            part = await uow.products.find_by_sku(sku)
            if part is None:
                errors.append(RowError.worded(row.line, row.sku, "bundle", UNKNOWN_PART, sku=sku))
                continue
            parts.append(Part(part.id, quantity))
        after = stored(parts)
        if after != product.bundle:
            if await _held(uow, product.id):
                errors.append(RowError.worded(row.line, row.sku, "bundle", SET_HELD))
            product.bundle = after
            changed.append(product)
            if row.sku in report.unchanged:
                report.unchanged.remove(row.sku)
                report.updated.append(row.sku)
    await uow.session.flush()
    sets = list(await uow.session.scalars(select(Product).where(Product.bundle.is_not(None))))
    lines = {row.sku: row.line for row in rows}
    for product in changed:
        if not product.bundle:
            continue
        found = await uow.products.get_many([p.product_id for p in parts_of(product)])
        try:
            check_parts(product, list(found.values()), sets)
            if product.stock or product.has_variants:
                raise BundleError(SET_STOCK)
        except BundleError as exc:
            errors.append(
                RowError.worded(
                    lines[product.sku], product.sku, "bundle", exc.template, **exc.params
                )
            )
    if errors:
        raise CatalogError(errors)


async def _held(uow: UnitOfWork, product_id: int) -> bool:
    """Unpaid invoices hold some of the product: its parts may not change under them."""
    held = await uow.session.scalar(
        select(OrderLine.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.product_id == product_id, Order.hold_status == "held")
        .limit(1)
    )
    return held is not None


UNKNOWN_PART = N_("no product has SKU {sku} (a part must be in the shop or in this file)")
SET_HELD = N_("unpaid invoices hold this set: change its parts once they are paid or released")


def _not_digital(rows: Iterable[CatalogRow]) -> CatalogError:
    """Rows with a download, and no digital column, for products that are not digital
    (new ones, or stored as not digital)."""
    return CatalogError(
        [
            RowError.worded(row.line, row.sku, "download", ONLY_DIGITAL)
            for row in sorted(rows, key=lambda row: row.line)
        ]
    )


def _check_photos(raw: Any, photo: str, bad: Callable[..., None]) -> tuple[str, ...]:
    """The gallery's further photos: a list of texts, each a photo as `photo` is (a URL, a
    file_id or a file beside the catalog: `check_files`), after a `photo`, at most
    MAX_PHOTOS in all, none holding PHOTO_SEPARATOR (CSV could not write it back)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        bad("photos", N_("must be a list of photos"))
        return ()
    photos = tuple(p.strip() for p in raw)
    if photos and not photo:
        bad("photos", N_("give the first photo in photo, the further ones here"))
    if len(photos) + 1 > MAX_PHOTOS:
        bad(
            "photos",
            N_("{count} photos; at most {most} are allowed"),
            count=len(photos) + 1,
            most=MAX_PHOTOS,
        )
    for number, text in enumerate(photos, 2):
        within = f"#{number}"  # the first is `photo`
        if not text:
            bad("photos", N_("missing"), within)
        elif PHOTO_SEPARATOR in text:
            bad("photos", N_("{char} is not allowed in a photo"), within, char=PHOTO_SEPARATOR)
        else:
            try:
                check_text("photo", text)
            except OutOfRange as exc:
                bad("photos", exc.template, within, **exc.params)
    return photos


def _check_download(raw: Any, digital: bool, bad: Callable[..., None]) -> str | None:
    """A digital product's download: "giftcode", an https URL, a Telegram file_id, or a file
    path relative to the catalog file's folder (which must stay inside it)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        bad(
            "download",
            N_("must be a file path, an https URL or a file_id, got {value}"),
            value=repr(raw),
        )
        return None
    value = raw.strip()
    try:
        check_text("download", value)
    except OutOfRange as exc:
        bad("download", exc.template, **exc.params)
        return None
    if not digital:
        bad("download", ONLY_DIGITAL)
    elif value.startswith("http://"):
        bad("download", N_("use an https:// URL"))
    elif value.startswith("https://") or value == GIFT_CODE or _FILE_ID_RE.match(value):
        return value
    elif value.startswith(("/", "\\")) or ".." in Path(value).parts or "." not in value:
        bad("download", N_("use a path relative to the catalog file, such as downloads/guide.pdf"))
    return value


def is_download_file(download: str | None) -> bool:
    """A `download` naming a file beside the catalog (not a URL, file_id or gift code)."""
    if not download or download == GIFT_CODE or download.startswith("https://"):
        return False
    return _FILE_ID_RE.match(download) is None


def names_a_file(reference: str, suffixes: tuple[str, ...]) -> bool:
    """A photo (or download) naming a file beside the catalog: it has a folder or a file's
    suffix. Anything else but a URL is a Telegram file_id."""
    reference = reference.strip()
    if not reference or reference.startswith(("http://", "https://")):
        return False
    return "/" in reference or "\\" in reference or reference.lower().endswith(suffixes)


def check_files(rows: Iterable[CatalogRow], folder: Path, source: str = "catalog") -> None:
    """Refuse rows whose download or photo file (a variant's too) is not in `folder` (the
    catalog file's folder): the shop would take money for something it cannot deliver, or
    show a product without its photo."""
    root = folder.resolve()

    def present(name: str) -> bool:
        path = (root / name).resolve()
        return path.is_relative_to(root) and path.is_file()

    def missing(line: int, sku: str, field: str, name: str) -> RowError:
        return RowError.worded(
            line, sku, field, N_("no file {file} in {folder}"), file=name, folder=folder
        )

    errors: list[RowError] = []
    for row in rows:
        if row.download and is_download_file(row.download) and not present(row.download):
            errors.append(missing(row.line, row.sku, "download", row.download))
        photos = [
            (row.sku, "photo", row.photo),
            *((row.sku, "photos", photo) for photo in row.photos),
            *((v.sku, "photo", v.photo or "") for v in row.variants),
        ]
        errors.extend(
            missing(row.line, sku, field, photo)
            for sku, field, photo in photos
            if names_a_file(photo, PHOTO_SUFFIXES) and not present(photo.strip())
        )
    if errors:
        raise CatalogError(errors, source)


def slugify(title: str) -> str:
    """A category's key: its words in lower case, in any script, joined by "-" ("Coffee & Tea"
    -> coffee-tea, "Самовары" -> самовары, "茶具" -> 茶具), so categories named in Cyrillic,
    Greek or Chinese are each their own, not one shared key. A title of no letters or
    digits (emoji) gets one from its hash. ASCII titles keep the keys they always had; a
    category stored under an older key is still found by its title (`categories.ensure`)."""
    slug = re.sub(r"[\W_]+", "-", title.strip().lower()).strip("-")[:64].strip("-")
    return slug or "c-" + hashlib.sha1(title.strip().encode()).hexdigest()[:12]


IMPORT_CHUNK = 1000  # rows read or written per statement
T = TypeVar("T")


async def upsert_rows(
    uow: UnitOfWork, rows: Iterable[CatalogRow], plan: ImportPlan | None = None
) -> ImportReport:
    """Create or update products by SKU inside the caller's unit of work.

    Rows may still be being checked as they come (`read_file`, `check_rows`): new products
    go to the database a chunk at a time while later rows are checked (on PostgreSQL one
    COPY, which the server writes meanwhile: a 100,000-product seed about 16 -> 12 s); products
    the shop has are compared with what is stored after, in chunks, and only what changed is
    updated. Anything raised (a bad row anywhere, found at the end) leaves the caller's unit
    of work to roll everything back. With a `plan` (`plan_import`, made before this unit
    began), a row whose product is stored as it was then is not compared again.
    """
    report = ImportReport([], [], [])
    if plan is None:
        product_skus, variant_skus = await uow.products.all_skus()
        fingerprints: dict[str, int] = {}
    else:
        fingerprints = await uow.products.fingerprints()
        product_skus, variant_skus = set(fingerprints), set(await uow.products.variant_skus())
    if plan is not None and plan.skus == (product_skus, variant_skus):
        products, variants = plan.products, plan.variants  # no SKU came or went meanwhile
    else:
        products = _by_key(product_skus)  # a row's SKU in any case is known
        variants = _by_key(variant_skus)
    report.case_twins = _case_twins(products, variants)
    slugs: dict[str, str] = {}  # category titles as they come, few
    category_ids: dict[str, int] = {}  # by slug
    category_translations: dict[str, dict[str, str]] = {}
    known: list[CatalogRow] = []
    bundled: list[CatalogRow] = []  # rows with a bundle column: their sets, once all is in
    with_variants: list[CatalogRow] = []
    not_digital: list[CatalogRow] = []  # a download, no digital column, and not digital
    async with uow.products.new_words_at_once():  # one collector for every batch
        async with uow.products.adding() as feed:
            for chunk in _chunks(rows):
                for title in {row.category for row in chunk} - slugs.keys():
                    slugs[title] = slugify(title)
                if new_categories := {
                    slugs[row.category]: row.category
                    for row in chunk
                    if slugs[row.category] not in category_ids
                }:
                    await feed.end()  # the connection is the COPY's until then
                    category_ids.update(await uow.categories.ensure(new_categories))
                chunk = _as_stored(chunk, products, variants)
                if taken := [row for row in chunk if sku_key(row.sku) in variants]:
                    message = N_("SKU already used by a variant")
                    raise CatalogError(
                        [RowError.worded(r.line, r.sku, "sku", message) for r in taken]
                    )
                created: list[dict[str, Any]] = []
                bundled += [row for row in chunk if "bundle" in row.given]
                for row in chunk:
                    if row.category_translations is not None:
                        category_translations[slugs[row.category]] = row.category_translations
                    if sku_key(row.sku) in products:
                        known.append(row)
                        continue
                    if row.download and not row.digital:
                        not_digital.append(row)
                    values = _product_values(row, category_ids[slugs[row.category]])
                    one_shape = {"translations": None, "translated_text": ""} | values
                    created.append({"sku": row.sku, **one_shape})
                    report.created.append(row.sku)
                    if row.options:
                        with_variants.append(row)
                await feed.send(created)
        await uow.categories.translate(category_translations)
        known_as = _Known(category_ids, slugs, plan, fingerprints)
        await _update_known(uow, known, known_as, report, with_variants, not_digital)
    if not_digital:
        raise _not_digital(not_digital)
    if with_variants:
        await _upsert_variants(uow, with_variants, report)
    if bundled:
        await _set_bundles(uow, bundled, report)
    return report


def _by_key(skus: Iterable[str]) -> dict[str, list[str]]:
    """The shop's SKUs by `sku_key`: more than one under a key are case twins."""
    found: dict[str, list[str]] = {}
    for sku in skus:
        found.setdefault(sku_key(sku), []).append(sku)
    return found


def _case_twins(
    products: dict[str, list[str]], variants: dict[str, list[str]]
) -> list[tuple[str, ...]]:
    """The shop's SKUs that differ only in case (by `_by_key`), each group sorted."""
    keys = {key for known in (products, variants) for key, skus in known.items() if len(skus) > 1}
    keys |= products.keys() & variants.keys()
    return sorted(tuple(sorted(products.get(k, []) + variants.get(k, []))) for k in keys)


def _as_stored(
    rows: list[CatalogRow], products: dict[str, list[str]], variants: dict[str, list[str]]
) -> list[CatalogRow]:
    """The rows with their SKUs, and their variants', spelt as the shop stores them
    (`named_sku`), so a row differing only in case updates the product it names;
    CatalogError for every SKU that could name any of several case twins."""
    errors: list[RowError] = []

    def stored(row: CatalogRow, sku: str, *among: dict[str, list[str]]) -> str:
        try:
            for known in among:
                if (named := named_sku(sku, known.get(sku_key(sku), []))) is not None:
                    return named
        except CaseTwins as exc:
            field, within = ("sku", "") if sku == row.sku else ("variants", sku)
            twins = RowError.worded(
                row.line, row.sku, field, exc.template, within=within, **exc.params
            )
            errors.append(twins)
        return sku

    def renamed(row: CatalogRow) -> CatalogRow:
        sku = stored(row, row.sku, products)
        kinds = tuple(
            dataclasses.replace(v, sku=stored(row, v.sku, variants, products)) for v in row.variants
        )
        if sku == row.sku and kinds == row.variants:
            return row
        return dataclasses.replace(row, sku=sku, variants=kinds)

    as_stored = [renamed(row) for row in rows]
    if errors:
        raise CatalogError(errors)
    return as_stored


@dataclass(frozen=True)
class Compared:
    """What comparing a file's row with its stored product found (`_compare`)."""

    product_id: int
    changes: dict[str, Any]  # the columns that change; none: unchanged
    variants: bool  # variants to write, or to remove
    not_digital: bool  # a download, no digital column, and the product is not digital
    unsaid: bool  # the product has variants and the file no options column: refused


def _compare(row: CatalogRow, current: Any, category_id: int) -> Compared:
    """Compare `row` with its product's stored columns (`current`); CatalogError if it
    would take the stock below what invoices hold."""
    not_digital = bool(row.download and "digital" not in row.given and not current.is_digital)
    if current.options and "options" not in row.given:
        return Compared(current.id, {}, False, not_digital, unsaid=True)
    values = _product_values(row, category_id, current)
    changes = _changes(current, values, row.line)
    return Compared(current.id, changes, bool(row.options or current.options), not_digital, False)


@dataclass(frozen=True)
class ImportPlan:
    """A file's rows compared with the shop before the import's writing unit of work
    (`plan_import`): on SQLite that unit holds the one writer every shopper's write waits
    for, and reading and comparing 90,000 stored products took most of its 2.5 s. Each
    outcome holds while its product's stored row is the one compared: the writing unit
    reads a hash of every row (`ProductRepository.fingerprints`, one plain read) and
    compares again only the rows that changed meanwhile."""

    compared: dict[str, tuple[int, int, Compared]]  # SKU -> (row's hash, category id, outcome)
    skus: tuple[set[str], set[str]] = (set(), set())  # the products' and variants' SKUs then
    products: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # by `sku_key`
    variants: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def outcome(self, sku: str, fingerprint: int | None, category_id: int) -> Compared | None:
        found = self.compared.get(sku)
        if found is None or (found[0], found[1]) != (fingerprint, category_id):
            return None
        return found[2]


async def plan_import(uow: UnitOfWork, rows: Sequence[CatalogRow]) -> ImportPlan:
    """Compare the checked rows of products the shop has with what it stores, in a reading
    unit (best a snapshot: `Store.snapshot`) that waits for no writer and that no writer
    waits for. Rows that cannot be planned (a category or product still to be made, a
    problem) are left to `upsert_rows`, which finds and words them as without a plan."""
    fingerprints = await uow.products.fingerprints()
    variant_skus = set(await uow.products.variant_skus())
    products, variants = _by_key(fingerprints), _by_key(variant_skus)
    category_ids = {c.slug: c.id for c in await uow.categories.list_all()}
    slugs: dict[str, str] = {}
    try:
        stored_rows = _as_stored(list(rows), products, variants)
    except CatalogError:
        return ImportPlan({})
    compared: dict[str, tuple[int, int, Compared]] = {}
    known = [row for row in stored_rows if row.sku in fingerprints]
    for chunk in _chunks(known):
        stored = await uow.products.current_by_sku([row.sku for row in chunk])
        for row in chunk:
            if row.category not in slugs:
                slugs[row.category] = slugify(row.category)
            slug = slugs[row.category]
            if slug not in category_ids or row.sku not in stored:
                continue
            try:
                outcome = _compare(row, stored[row.sku], category_ids[slug])
            except CatalogError:
                continue
            compared[row.sku] = (fingerprints[row.sku], category_ids[slug], outcome)
    return ImportPlan(compared, (set(fingerprints), variant_skus), products, variants)


async def plan_beside_writes(store: Store, rows: Sequence[CatalogRow]) -> ImportPlan | None:
    """`plan_import` in a snapshot where every write waits for one writer (SQLite), before
    the writing unit takes it: that unit then compares again only the products changed
    meanwhile (at 90,000 products shoppers' writes wait 0.6 s instead of 2.3-2.5 s). None on
    PostgreSQL, whose writes do not wait for an import's and where comparing first would
    double it. An admin's import and a seed alike."""
    if not store.one_writer:
        return None
    async with store.snapshot() as uow:
        return await plan_import(uow, rows)


@dataclass(frozen=True)
class _Known:
    """How `_update_known` finds a row's category and its plan."""

    category_ids: dict[str, int]
    slugs: dict[str, str]
    plan: ImportPlan | None
    fingerprints: dict[str, int]

    def category_id(self, row: CatalogRow) -> int:
        return self.category_ids[self.slugs[row.category]]

    def planned(self, row: CatalogRow) -> Compared | None:
        if self.plan is None:
            return None
        fingerprint = self.fingerprints.get(row.sku)
        return self.plan.outcome(row.sku, fingerprint, self.category_id(row))


async def _update_known(
    uow: UnitOfWork,
    rows: list[CatalogRow],
    known: _Known,
    report: ImportReport,
    with_variants: list[CatalogRow],
    not_digital: list[CatalogRow],
) -> None:
    """Compare the rows of products the shop has with what is stored (read by SKU in
    chunks, but for the rows the plan compared already) and update what changed, in
    batches (inside `upsert_rows`'s word collector)."""
    updated: list[dict[str, Any]] = []
    unsaid: list[tuple[CatalogRow, int]] = []  # products with variants, and no options column
    for chunk in _chunks(rows):
        planned = {row.sku: found for row in chunk if (found := known.planned(row)) is not None}
        todo = [row.sku for row in chunk if row.sku not in planned]
        stored = await uow.products.current_by_sku(todo) if todo else {}
        for row in chunk:
            outcome = planned.get(row.sku) or _compare(row, stored[row.sku], known.category_id(row))
            if outcome.not_digital:
                not_digital.append(row)
            if outcome.unsaid:
                unsaid.append((row, outcome.product_id))
                continue
            if outcome.variants:
                with_variants.append(row)
            if outcome.changes:
                updated.append({"id": outcome.product_id, **outcome.changes})
                report.updated.append(row.sku)
                report.updated_ids.append(outcome.product_id)
            else:
                report.unchanged.append(row.sku)
    if unsaid:
        await _refuse_unsaid_variants(uow, unsaid)
    for batch in _chunks(updated):
        await uow.products.update_many(batch)


async def _refuse_unsaid_variants(uow: UnitOfWork, rows: list[tuple[CatalogRow, int]]) -> None:
    """A file without the options column says nothing of variants: it must not wipe them,
    nor turn such a product into one with a stock of its own."""
    variants = await uow.products.variants_of_many([product_id for _, product_id in rows])
    message = N_(
        "the file has no options column, which would remove its variants ({count}): add the "
        "column as /export writes it"
    )
    raise CatalogError(
        [
            RowError.worded(row.line, row.sku, "options", message, count=len(variants[pid]))
            for row, pid in rows
        ]
    )


async def _upsert_variants(uow: UnitOfWork, rows: list[CatalogRow], report: ImportReport) -> None:
    """Create, update or remove the variants of these products (stored already) to match
    the file; a product whose variants changed counts as updated. SKUs stay unique across
    products and variants, and no variant's stock falls below what invoices hold."""
    stored = await uow.products.current_by_sku([row.sku for row in rows])
    ids = {row.sku: stored[row.sku].id for row in rows}
    current = await uow.products.variants_of_many(list(ids.values()))
    products = await uow.products.current_by_sku([v.sku for row in rows for v in row.variants])
    errors: list[RowError] = []

    def bad(row: CatalogRow, within: str, field: str, message: str, **params: Any) -> None:
        """A problem of a variant (`within`: its SKU), named on its product's line as a
        file's others are."""
        errors.append(RowError.worded(row.line, row.sku, field, message, within=within, **params))

    for row in rows:
        for variant in row.variants:
            other = await uow.products.get_variant_by_sku(variant.sku)
            if variant.sku in products:
                bad(row, variant.sku, "variants", N_("SKU already used by a product"))
            elif other is not None and other.product_id != ids[row.sku]:
                message = N_("SKU already used by a variant of another product")
                bad(row, variant.sku, "variants", message)
    changed: set[str] = set()
    for row in rows:
        product_id = ids[row.sku]
        mine = {v.sku: v for v in current[product_id]}
        if not row.options and any(v.reserved for v in mine.values()):
            message = N_("its variants are held by invoices: keep its options")
            errors.append(RowError.worded(row.line, row.sku, "options", message))
        wanted = {v.sku for v in row.variants}
        for gone in (v for sku, v in mine.items() if sku not in wanted):
            if gone.reserved:
                message = N_("left out, but {count} held by invoices")
                bad(row, gone.sku, "variants", message, count=gone.reserved)
            else:
                await uow.session.delete(gone)
                changed.add(row.sku)
        for position, variant in enumerate(row.variants):
            values = {
                "values": dict(variant.values),
                "position": position,
                "stock": variant.stock,
                "price": variant.price,
                "photo": variant.photo,
                "compare_at_price": variant.compare_at,
            }
            existing = mine.get(variant.sku)
            if existing is not None and "compare_at" not in row.given:
                # A file without the column keeps its sale, unless its own price is now not
                # below the regular one (/price's rule; the database refuses such a sale), or
                # it has no price of its own any more: a sale of its own goes with it (it
                # follows the product's), as a file refuses one beside no price.
                values["compare_at_price"] = (
                    None
                    if variant.price is None
                    else sale_after_new_price(variant.price, existing.compare_at_price)
                )
            if existing is None:
                uow.session.add(ProductVariant(product_id=product_id, sku=variant.sku, **values))
                changed.add(row.sku)
                continue
            differs = {k: v for k, v in values.items() if getattr(existing, k) != v}
            if "stock" in differs and variant.stock < existing.reserved:
                message = N_("below the {count} held by invoices")
                bad(row, f"{variant.sku}: stock", "variants", message, count=existing.reserved)
            if "photo" in differs:
                differs["photo_file_id"] = None
            for key, value in differs.items():
                setattr(existing, key, value)
            if differs:
                changed.add(row.sku)
    if errors:
        raise CatalogError(errors)
    await uow.session.flush()
    for sku in changed:
        if sku in report.unchanged:
            report.unchanged.remove(sku)
            report.updated.append(sku)
            report.updated_ids.append(ids[sku])


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    taking = iter(items)
    while chunk := list(islice(taking, IMPORT_CHUNK)):
        yield chunk


def _product_values(row: CatalogRow, category_id: int, stored: Any | None = None) -> dict[str, Any]:
    """The columns `row` writes; for a product the shop has (`stored`, its current row),
    only the fields the file gives: translations merged into the stored ones, and no
    visibility, digital flag or download unless the file has that column."""
    words = dict.fromkeys(value for variant in row.variants for _, value in variant.values)
    values: dict[str, Any] = {
        "options": [{"name": name, "values": list(values)} for name, values in row.options] or None,
        "option_words": " ".join(words),
        "title": row.title,
        "description": row.description,
        "category_id": category_id,
        "price": row.price,
        "compare_at_price": row.compare_at,
        "max_per_order": row.max_per_order,
        "tax_rate_bp": row.tax_rate_bp,
        "tiers": row.tiers,
        "currency": row.currency,
        "stock": row.stock,
        "photo": row.photo,
        "photos": stored_photos(row.photos, stored.photos if stored else None),
        "is_active": row.active,
        "is_digital": row.digital,
        "download": row.download,
    }
    if row.translations is not None:
        translations = merged_translations(
            stored.translations if stored else None, row.translations
        )
        if stored is not None and _as_read(translations) == _as_read(stored.translations):
            translations = stored.translations  # nothing a reader would see differently
        values["translations"] = translations
        values["translated_text"] = translated_words(translations)
    if stored is not None:
        for field, column in (("active", "is_active"), ("digital", "is_digital")):
            if field not in row.given:
                del values[column]
        if "download" not in row.given:
            del values["download"]
        if "photos" not in row.given:
            del values["photos"]
        if "max_per_order" not in row.given:
            del values["max_per_order"]
        if "tax_rate" not in row.given:
            del values["tax_rate_bp"]
        if "tiers" not in row.given:
            del values["tiers"]
        if "compare_at" not in row.given:  # kept, unless the price is no longer below it
            values["compare_at_price"] = sale_after_new_price(
                values["price"], stored.compare_at_price
            )
    return values


def stored_photos(
    photos: Iterable[str], stored: Sequence[Mapping[str, Any]] | None
) -> list[dict[str, Any]] | None:
    """`photos` as `Product.photos` keeps them, each with the file_id Telegram gave it if it
    was in the gallery already (`stored`), so a file that names them again sends none anew."""
    known = {entry["photo"]: entry.get("file_id") for entry in stored or ()}
    return [{"photo": photo, "file_id": known.get(photo)} for photo in photos] or None


def photo_list(product: Product) -> list[str]:
    """The gallery's further photos as a catalog file names them."""
    return [entry["photo"] for entry in product.photos or ()]


def translated_words(translations: Mapping[str, Mapping[str, Any]] | None) -> str:
    """The words of a product's translations, for the search index: titles, descriptions
    and option values ("Футболка ... Овсяный Угольный")."""
    words: list[str] = []
    for fields in (translations or {}).values():
        for field, text in fields.items():
            if field != "options":
                words.append(text)
            elif isinstance(text, Mapping):
                words += [v for option in text.values() for v in option["values"].values()]
    return " ".join(words)


def merged_translations(
    stored: Mapping[str, Mapping[str, Any]] | None, given: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]] | None:
    """`stored` with what a file `given` names changed ("" removes), the rest kept: a file
    with `title_ru` alone leaves `title_es` as it was, and one without `options_ru` the
    options' Russian names."""
    merged = {language: dict(fields) for language, fields in (stored or {}).items()}
    for language, fields in given.items():
        mine = merged.setdefault(language, {})
        for field, text in fields.items():
            if text:
                mine[field] = text
            else:
                mine.pop(field, None)
    return {language: fields for language, fields in merged.items() if fields} or None


def _as_read(translations: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any]:
    """Translations as a reader meets them: an option's name or value given as its English
    reads as one not given (an export writes a size the Russian leaves out as "XL", and its
    import keeps it as "XL"), so the two compare equal."""
    read: dict[str, Any] = {}
    for language, fields in (translations or {}).items():
        mine = dict(fields)
        options = mine.get("options")
        if isinstance(options, Mapping):
            mine["options"] = {
                name: (
                    option.get("name") if option.get("name") != name else None,
                    {v: t for v, t in option.get("values", {}).items() if t != v},
                )
                for name, option in options.items()
                if isinstance(option, Mapping)
            }
        read[language] = mine
    return read


def _changes(current: Any, values: dict[str, Any], line: int) -> dict[str, Any]:
    """What the row (on `line` of its file) changes in an existing product (nothing: an
    empty dict)."""
    if current.photo_file_id and values["photo"] == current.photo_file_id:
        values = values | {"photo": current.photo}  # an older export named the cached file_id
    changed = {k: v for k, v in values.items() if getattr(current, k) != v}
    if "stock" in changed and changed["stock"] < current.reserved:
        raise CatalogError(
            [
                RowError.worded(
                    line,
                    current.sku,
                    "stock",
                    N_("below the {count} held by invoices"),
                    count=current.reserved,
                )
            ]
        )
    if "photo" in changed:
        changed["photo_file_id"] = None
    if "download" in changed:
        changed["download_file_id"] = None
    return changed


def _translated_columns(product: Product) -> list[str]:
    """The TRANSLATED_FIELDS of a product (its category loaded), in their order."""
    values: list[str] = []
    for column in TRANSLATED_FIELDS:
        field, language = column.rsplit("_", 1)
        if field == "category":
            values.append((product.category.translations or {}).get(language, ""))
        else:
            values.append((product.translations or {}).get(language, {}).get(field, ""))
    return values


def _translated_options(product: Product) -> list[tuple[tuple[str, tuple[str, ...]], ...]]:
    """The TRANSLATED_OPTIONS of a product as `options` is written, in its order (a name or
    value without a translation as it is); () for a language that translates none."""
    found = []
    for column in TRANSLATED_OPTIONS:
        mine = option_texts(product.translations, column.rsplit("_", 1)[1])
        options = []
        for name, values in _stored_options(product) if mine else ():
            entry = mine.get(name) or {"values": {}}
            words = tuple(entry["values"].get(value) or value for value in values)
            options.append((entry.get("name") or name, words))
        found.append(tuple(options))
    return found


class CatalogCsv:
    """The catalog as CSV with the same columns an import accepts: a product sold as variants
    is its row (with `options`) followed by one row per variant. Products are added a batch
    at a time (`add`), so a big catalog need not be in memory at once; given a file (`out`,
    text opened with `newline=""`), its text need not be either. `taxed`: the shop has
    TAX_RATE, and the file its products' own rates (TAX_FIELDS, last); a shop without tax
    writes the columns it always did."""

    def __init__(
        self,
        out: TextIO | None = None,
        *,
        taxed: bool = False,
        part_skus: Mapping[int, str] | None = None,
    ) -> None:
        self._out = out if out is not None else io.StringIO()
        left_out = (() if taxed else TAX_FIELDS) + (() if part_skus else BUNDLE_FIELDS)
        self._keep = tuple(field not in left_out for field in CSV_FIELDS)
        self._part_skus = part_skus or {}  # a set's parts' SKUs by id (None: the shop has none)
        self._writer = csv.writer(self._out)
        self._writer.writerow(self._cells(list(CSV_FIELDS)))
        self.products = 0

    def _cells(self, row: list[Any]) -> list[Any]:
        """The row's cells of the columns this file has."""
        return [cell for cell, keep in zip(row, self._keep, strict=True) if keep]

    def add(self, products: Iterable[Product]) -> None:
        for p in products:
            self._add(p)

    def data(self) -> bytes:
        """The file made in memory (no `out` given)."""
        assert isinstance(self._out, io.StringIO)
        return self._out.getvalue().encode()

    def _add(self, p: Product) -> None:
        self.products += 1
        writer = self._writer
        options = _stored_options(p)
        writer.writerow(
            self._cells(
                [
                    p.sku,
                    p.title,
                    p.description,
                    p.category.title,
                    to_decimal_string(p.price, p.currency),
                    p.currency,
                    "" if options else p.stock,
                    p.photo or p.photo_file_id or "",
                    str(p.is_active).lower(),
                    str(p.is_digital).lower(),
                    p.download or "",
                    PHOTO_SEPARATOR.join(photo_list(p)),
                    _options_text(options),
                    "",
                    "",
                    *_translated_columns(p),
                    *(_options_text(options) for options in _translated_options(p)),
                    _amount_cell(p.compare_at_price, p.currency),
                    "" if p.max_per_order is None else p.max_per_order,
                    p.tiers or "",
                    file_rate(p.tax_rate_bp),
                    bundle_text(p, self._part_skus),
                ]
            )
        )
        for v in p.variants if options else ():
            price = "" if v.price is None else to_decimal_string(v.price, p.currency)
            writer.writerow(
                self._cells(
                    [
                        v.sku,
                        "",
                        "",
                        "",
                        price,
                        "",
                        v.stock,
                        v.photo or "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        p.sku,
                        _values_text(v.values.items()),
                        *("" for _ in (*TRANSLATED_FIELDS, *TRANSLATED_OPTIONS)),
                        _amount_cell(v.compare_at_price, p.currency),
                        "",
                        "",
                        "",
                        "",
                    ]
                )
            )


def _amount_cell(amount: int | None, currency: str) -> str:
    """A price as a catalog file writes it ("" for none)."""
    return "" if amount is None else to_decimal_string(amount, currency)


def rows_to_csv(products: Iterable[Product], *, taxed: bool = False) -> bytes:
    """`products` (the whole catalog: a set's parts among them) as a catalog CSV file
    (`CatalogCsv`), with a bundle column when one of them is a set."""
    listed = list(products)
    out = CatalogCsv(taxed=taxed, part_skus=part_skus_of(listed))
    out.add(listed)
    return out.data()


def part_skus_of(products: Iterable[Product]) -> dict[int, str] | None:
    """The SKUs of the sets' parts by id, from the whole catalog; None when it has no set."""
    listed = list(products)
    if not any(p.bundle for p in listed):
        return None
    return {p.id: p.sku for p in listed}


def bundle_text(p: Product, part_skus: Mapping[int, str]) -> str:
    """A set's bundle cell, "KIT-KTL-GOO:1 KIT-MUG-CER:2" ("" for a product sold as itself)."""
    named = [(part_skus.get(part.product_id, "?"), part.quantity) for part in parts_of(p)]
    return parts_text(named)


def rows_to_json(products: Iterable[Product]) -> bytes:
    """The catalog as a JSON file an import accepts (variants under their product)."""
    items: list[dict[str, Any]] = []
    listed = list(products)
    part_skus = part_skus_of(listed) or {}
    for p in listed:
        item: dict[str, Any] = {
            "sku": p.sku,
            "title": p.title,
            "description": p.description,
            "category": p.category.title,
            "price": to_decimal_string(p.price, p.currency),
            "currency": p.currency,
            "stock": p.stock,
            "photo": p.photo or p.photo_file_id or "",
            "active": p.is_active,
            "digital": p.is_digital,
        }
        if p.download:
            item["download"] = p.download
        if photos := photo_list(p):
            item["photos"] = photos
        if p.compare_at_price is not None:
            item["compare_at"] = _amount_cell(p.compare_at_price, p.currency)
        if p.max_per_order is not None:
            item["max_per_order"] = p.max_per_order
        if p.tax_rate_bp is not None:
            item["tax_rate"] = file_rate(p.tax_rate_bp)
        if p.tiers:
            item["tiers"] = p.tiers
        if p.bundle:
            item["bundle"] = bundle_text(p, part_skus)
        if options := _stored_options(p):
            del item["stock"]
            item["options"] = {name: list(values) for name, values in options}
            item["variants"] = [_variant_json(v, p.currency) for v in p.variants]
        names = zip(TRANSLATED_FIELDS, _translated_columns(p), strict=True)
        item.update({column: text for column, text in names if text})
        for column, translated in zip(TRANSLATED_OPTIONS, _translated_options(p), strict=True):
            if translated:
                item[column] = {name: list(values) for name, values in translated}
        items.append(item)
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode()


def _variant_json(v: ProductVariant, currency: str) -> dict[str, Any]:
    item: dict[str, Any] = {"sku": v.sku, "values": dict(v.values), "stock": v.stock}
    if v.price is not None:
        item["price"] = to_decimal_string(v.price, currency)
    if v.photo:
        item["photo"] = v.photo
    if v.compare_at_price is not None:
        item["compare_at"] = _amount_cell(v.compare_at_price, currency)
    return item


def _stored_options(product: Product) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((o["name"], tuple(o["values"])) for o in product.options or ())
