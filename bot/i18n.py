"""Languages: message catalogs (gettext, via Babel), and who reads in which language.

Every text the bot sends goes through a `Translator` bound to its reader's language:
``tr._("Added {quantity} × {title} to your cart.", quantity=2, title=...)``,
``tr.ngettext("{count} item", "{count} items", n, count=n)``, ``tr.money(1250, "EUR")``.
Placeholders are `str.format` names, filled after translation, so a translator may move them.

The catalogs are the text files bot/locale/<lang>/LC_MESSAGES/messages.po (English is the
source language: its msgids are the texts). Each is parsed once per process, on first use,
and kept (no file is read per update). `N_()` marks a text for extraction where it is
defined and translated where it is shown.

Who reads in which language: the customer's choice (/language, customers.language), else
their Telegram `language_code` (es-AR reads Spanish), else the shop's DEFAULT_LANGUAGE. The
reader of the update being handled is `current()` (set once per update, then refined by the
visit that loads the customer); a message to someone else (an admin alert, a back-in-stock
notice) uses `translator(their language)`.
"""

from __future__ import annotations

import functools
import json
import logging
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, tzinfo
from gettext import c2py
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from bot.money import format_money

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {  # code -> its own name, as the /language buttons show it
    "en": "English",
    "ru": "Русский",
    "es": "Español",
}
# How a day is written (CLDR skeletons; each language orders and spells them its own way).
DAY = "yMMMd"  # Dec 5, 2026 · 5 дек. 2026 г. · 5 dic 2026
MONTH_DAY = "MMMd"  # Dec 5 · 5 дек. · 5 dic: a day of this year
LONG_DAY = "yMMMMd"  # December 5, 2026 · 5 декабря 2026 г. · 5 de diciembre de 2026
WEEKDAY = "yMMMEd"  # Thu, Dec 3, 2026 · чт, 3 дек. 2026 г. · jue, 3 dic 2026

Day = date  # a day of the calendar (Translator.date is a method: the annotation's name)

LANGUAGE_MENU = "menu"  # the /language button's value that shows the choice itself


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is shown."""
    return message


def normalize(code: str | None) -> str | None:
    """A language we speak for a Telegram `language_code` ("es-AR" -> "es"), else None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return base if base in LANGUAGES else None


def choose(chosen: str | None, telegram_code: str | None, default: str) -> str:
    """The reader's language: their own choice, their Telegram language, the shop's default."""
    return normalize(chosen) or normalize(telegram_code) or normalize(default) or SOURCE_LANGUAGE


VALUE_SEPARATOR = " / "  # between a variant's option values: "M / Oat"


def option_texts(translations: dict[str, Any] | None, language: str) -> dict[str, Any]:
    """A product's options in `language` as its translations keep them, by their English
    names and values: {"Colour": {"name": "Цвет", "values": {"Oat": "Овсяный"}}}."""
    found = (translations or {}).get(language)
    options = found.get("options") if isinstance(found, dict) else None
    return options if isinstance(options, dict) else {}


def translated_option(
    text: str, translations: dict[str, Any] | None, language: str, option: str = ""
) -> str:
    """An option's name (`option` empty) or a value of `option` in `language`, else `text`."""
    entry = option_texts(translations, language).get(option or text)
    found = None
    if isinstance(entry, dict):
        found = entry.get("values", {}).get(text) if option else entry.get("name")
    return found if isinstance(found, str) and found else text


def translated_label(label: str, translations: dict[str, Any] | None, language: str) -> str:
    """A variant's values as a title shows them ("M / Oat") in `language`: each value is
    looked up in the option of its place first, then in any other (a line of an order
    keeps only the label), and stays as written where none translates it. A value that has
    " / " in it ("Black / White") is read whole where an option knows it."""
    options = [o for o in option_texts(translations, language).values() if isinstance(o, dict)]
    if not options:
        return label
    known: list[dict[str, Any]] = [
        values if isinstance(values := o.get("values"), dict) else {} for o in options
    ]
    values = _label_values(label.split(VALUE_SEPARATOR), known)
    shown = []
    for place, value in enumerate(values):
        mine = known[place : place + 1] if len(values) == len(options) else []
        found = next(
            (text for o in [*mine, *known] if isinstance(text := o.get(value), str) and text),
            value,
        )
        shown.append(found)
    return VALUE_SEPARATOR.join(shown)


def _label_values(parts: list[str], known: list[dict[str, Any]]) -> list[str]:
    """A label's parts joined back into the values the options know: at each place the
    longest run of parts that is one value, else one part."""
    values, start = [], 0
    while start < len(parts):
        end = next(
            (
                end
                for end in range(len(parts), start + 1, -1)
                if any(VALUE_SEPARATOR.join(parts[start:end]) in o for o in known)
            ),
            start + 1,
        )
        values.append(VALUE_SEPARATOR.join(parts[start:end]))
        start = end
    return values


class Translator:
    """Texts, plurals, money and dates in one language."""

    def __init__(self, language: str, catalog: Catalog | None) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._messages: dict[str, Any] = {}
        for message in catalog or ():
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            forms = message.string if isinstance(message.string, tuple) else [message.string]
            if any(forms):
                self._messages[str(key)] = message.string
        self._plural = catalog.plural_expr if catalog is not None else "(n != 1)"
        self._plural_of = c2py(self._plural)

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    def _(self, message: str, **params: Any) -> str:
        """The text in this language (the English text when it has no translation)."""
        found = self._messages.get(message)
        text = found if isinstance(found, str) and found else message
        return text.format(**params) if params else text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        """The form for `n` under this language's plural rules (Russian has three)."""
        found = self._messages.get(singular)
        if isinstance(found, tuple) and all(found):
            index = self._plural_of(n)
            text = found[min(index, len(found) - 1)]
        else:
            text = singular if n == 1 else plural
        return text.format(**params) if params else text

    def name(self, text: str, translations: dict[str, Any] | None, field: str = "title") -> str:
        """Product data in this language when the catalog file gives it, else as written:
        a product's {"ru": {"title": ..., "description": ...}}, a category's {"ru": "..."}."""
        if not translations:
            return text
        found = translations.get(self.language)
        if isinstance(found, dict):
            found = found.get(field)
        elif field != "title":
            found = None
        return found if isinstance(found, str) and found else text

    def option(self, text: str, translations: dict[str, Any] | None, option: str = "") -> str:
        """A variant option's name (`option` empty) or one of `option`'s values ("Oat" of
        "Colour") in this language when the catalog file gives it, else as written."""
        return translated_option(text, translations, self.language, option)

    def label(self, label: str, translations: dict[str, Any] | None) -> str:
        """A variant's values ("M / Oat") in this language: "M / Овсяный"."""
        return translated_label(label, translations, self.language)

    def said(self, note: str | None) -> str:
        """A note the shop stored (`worded`: a review reason, a line of an order's history)
        in this language; a text a person typed, or one stored in English before notes were
        worded, as it is."""
        parts = _worded_parts(note)
        if parts is None:
            return note or ""
        return "; ".join(self._said_part(part) for part in parts)

    def _said_part(self, part: Any) -> str:
        if not isinstance(part, dict):
            return str(part)
        try:
            params = {name: self._said_value(value) for name, value in part.get("p", {}).items()}
            return self._(part["m"], **params)
        except (KeyError, IndexError, TypeError, ValueError):  # a note stored with other values
            return str(part["m"])

    def _said_value(self, value: Any) -> Any:
        if isinstance(value, dict) and MONEY in value:
            amount, currency = value[MONEY]
            return self.money(int(amount), str(currency))
        if isinstance(value, dict) and WORDED in value:
            return "; ".join(self._said_part(part) for part in value[WORDED])
        if isinstance(value, dict) and DAY_VALUE in value:
            return self.day(date.fromisoformat(str(value[DAY_VALUE])))
        if isinstance(value, dict) and NAME in value:
            title, titles = value[NAME]
            return self.name(str(title), titles if isinstance(titles, dict) else None)
        return value

    def money(self, amount: int, currency: str) -> str:
        """Minor units for a reader: "$1,234.50", "1 234,50 €", "⭐ 120"."""
        return format_money(amount, currency, self.language)

    def percent(self, whole: int) -> str:
        """A whole percent written this language's way: "20%", "20 %"."""
        return format_percent(whole / 100, locale=self.locale)

    def average(self, total: int, count: int) -> str:
        """`total / count` to one decimal, written this language's way: "4.5", "4,5"."""
        return format_decimal(round(total / count, 1), format="0.0", locale=self.locale)

    def date(self, moment: datetime, zone: tzinfo, form: str = DAY) -> str:
        """The day of `moment` on the clock of `zone` (the shop's: SHOP_TIMEZONE), written
        this language's way: "Dec 5, 2026", "5 дек. 2026 г.", "5 dic 2026". `form` is a CLDR
        skeleton: DAY, or LONG_DAY in a sentence ("expired on December 5, 2026")."""
        return format_skeleton(form, _on(moment, zone), locale=self.locale)

    def day(self, value: Day, form: str = WEEKDAY) -> str:
        """A day of the shop's calendar (no clock to convert: it is already the shop's day),
        written this language's way with its weekday: "Sun, Dec 27, 2026"."""
        return format_skeleton(
            form, datetime.combine(value, time()), tzinfo=UTC, locale=self.locale
        )

    def datetime(self, moment: datetime, zone: tzinfo) -> str:
        """`moment` on the clock of `zone`, to the minute: "Dec 5, 2026, 3:04 PM",
        "5 дек. 2026 г., 15:04". The one way a date and time reaches a reader."""
        local = _on(moment, zone)
        day = format_skeleton(DAY, local, locale=self.locale)
        time = format_time(local, "short", locale=self.locale)
        return str(self.locale.datetime_formats["medium"]).format(time, day)


# A note the shop stores for readers it does not know yet is JSON: {"worded": [part, ...]},
# each part {"m": English msgid, "p": {name: value}} or a plain text kept as it is; a value is
# text or a number, {"money": [amount, currency]}, {"name": [title, {language: {"title":
# ...}}]} or another {"worded": [...]}.
WORDED = "worded"
MONEY = "money"
NAME = "name"
DAY_VALUE = "day"
_WORDED_START = '{"' + WORDED + '"'


def worded(message: str, **params: Any) -> str:
    """A sentence the shop writes into a stored field (an order's review reason, a line of its
    history) for whoever reads it later, in her language (`Translator.said`): the English
    msgid (marked with N_) and its values, not the English sentence. A value that is itself
    a worded note is worded with it; `amount()` is money, written the reader's way."""
    values = {name: _stored_value(value) for name, value in params.items()}
    return json.dumps({WORDED: [{"m": message, "p": values}]}, ensure_ascii=False)


def amount(minor_units: int, currency: str) -> dict[str, Any]:
    """A sum of money as a value of `worded`: "$5.00" for one reader, "5,00 $" for another."""
    return {MONEY: [minor_units, currency]}


def day(value: date) -> dict[str, Any]:
    """A day of the shop's calendar as a value of `worded`: "Sun, Dec 27, 2026" for one
    reader, "вс, 27 дек. 2026 г." for another (`Translator.day`)."""
    return {DAY_VALUE: value.isoformat()}


def named(title: str, translations: dict[str, Any] | None) -> dict[str, Any]:
    """A product's title as a value of `worded`, read in each reader's language (only the
    titles of `translations` are kept: a note needs no descriptions)."""
    titles = {
        language: {"title": fields["title"]}
        for language, fields in (translations or {}).items()
        if isinstance(fields, dict) and isinstance(fields.get("title"), str)
    }
    return {NAME: [title, titles]}


def joined(*notes: str | None) -> str | None:
    """Notes read as one, "; " between them (an order's review reasons add up). A plain
    text among them (typed, or stored before notes were worded) stays as it is."""
    parts: list[Any] = []
    for note in notes:
        if note:
            parts += _worded_parts(note) or [note]
    if not parts:
        return None
    if all(isinstance(part, str) for part in parts):
        return "; ".join(parts)
    return json.dumps({WORDED: parts}, ensure_ascii=False)


def _stored_value(value: Any) -> Any:
    if isinstance(value, str) and (parts := _worded_parts(value)) is not None:
        return {WORDED: parts}
    if isinstance(value, dict | int | float):
        return value
    return str(value)


def _worded_parts(note: str | None) -> list[Any] | None:
    """The parts of a worded note; None for any other text (shown as it is)."""
    if not note or not note.startswith(_WORDED_START):
        return None
    try:
        parts = json.loads(note)[WORDED]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(parts, list) or not all(_is_part(part) for part in parts):
        return None
    return parts


def _is_part(part: Any) -> bool:
    if isinstance(part, str):
        return True
    return (
        isinstance(part, dict)
        and isinstance(part.get("m"), str)
        and isinstance(part.get("p", {}), dict)
    )


def _on(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` on `zone`'s clock; a naive one is UTC, as the database keeps them."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def catalog_path(language: str) -> Any:
    return resources.files("bot") / "locale" / language / "LC_MESSAGES" / "messages.po"


def load_catalog(language: str) -> Catalog | None:
    """The parsed messages.po of a language (None for English or a missing file)."""
    if language == SOURCE_LANGUAGE:
        return None
    path = catalog_path(language)
    if not path.is_file():
        log.warning("no message catalog for %s: its readers get English", language)
        return None
    with path.open("rb") as file:
        return read_po(file, locale=language, domain="messages")


def translator(language: str | None) -> Translator:
    """The translator of a language we speak (anything else: English)."""
    return _translator(normalize(language) or SOURCE_LANGUAGE)


@functools.cache
def _translator(code: str) -> Translator:
    """One per language for the process: its catalog is parsed here, once."""
    return Translator(code, load_catalog(code))


_current: ContextVar[Translator | None] = ContextVar("reader", default=None)


def current() -> Translator:
    """The translator of the person whose update is being handled (English if none is set)."""
    return _current.get() or translator(SOURCE_LANGUAGE)


def use(language: str | None) -> Translator:
    """From here on (this update), the reader speaks `language`."""
    tr = translator(language)
    _current.set(tr)
    return tr
