"""Message catalogs: every text translated, plural forms right, money per locale."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import catalog_path, choose, translator
from bot.money import format_money

TEMPLATE = catalog_path("en").parent.parent.parent / "messages.pot"
PLACEHOLDER = re.compile(r"\{\w+\}")


def _template_ids() -> list[str | tuple[str, ...]]:
    with TEMPLATE.open("rb") as file:
        return [m.id for m in read_po(file) if m.id]


@pytest.mark.parametrize("language", ["ru", "es"])
def test_every_text_of_the_template_is_translated(language: str) -> None:
    """A text added to the code and extracted (pybabel extract) but not translated fails
    here: every msgid of messages.pot has a non-empty msgstr, every plural form filled,
    with the same placeholders as the English."""
    with catalog_path(language).open("rb") as file:
        catalog = read_po(file, locale=language)
    missing, broken = [], []
    for msgid in _template_ids():
        message = catalog.get(msgid)
        forms = (
            list(message.string)
            if message and isinstance(message.string, tuple)
            else [message.string if message else ""]
        )
        if message is None or message.fuzzy or not all(forms):
            missing.append(msgid)
            continue
        if isinstance(msgid, tuple) and len(forms) != catalog.num_plurals:
            broken.append(msgid)
        english = set(PLACEHOLDER.findall(" ".join(msgid if isinstance(msgid, tuple) else [msgid])))
        if any(set(PLACEHOLDER.findall(form)) - english for form in forms):
            broken.append(msgid)
    assert missing == []
    assert broken == []


# What a translation may keep from the English: placeholders, HTML tags, /commands and
# key=value examples, and words written alike in both languages (brands, codes, loanwords).
NOT_WORDS = re.compile(r"\{\w+\}|<[^>]+>|/\w+|\b\w+=\S*")
BOTH = {"id", "sku", "utc", "csv", "json", "telegram", "stars"}
WRITTEN_ALIKE = {"ru": BOTH, "es": BOTH | {"stock", "total", "visible", "no"}}  # lower case
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", NOT_WORDS.sub(" ", text))


@pytest.mark.parametrize("language", ["ru", "es"])
def test_every_translation_is_written_in_its_own_language(language: str) -> None:
    """A text pasted from another catalog or left in English fails here: no Cyrillic in
    Spanish, no Russian text without Cyrillic, no Spanish text copied from the English,
    except words written alike (WRITTEN_ALIKE)."""
    with catalog_path(language).open("rb") as file:
        catalog = read_po(file, locale=language)
    foreign = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            words = [w for w in _words(form) if w.lower() not in WRITTEN_ALIKE[language]]
            if language == "ru":
                wrong = bool(words) and not CYRILLIC.search(form)
            else:
                wrong = bool(CYRILLIC.search(form)) or (form in english and bool(words))
            if wrong:
                foreign.append((english[0], form))
    assert foreign == []


def test_the_template_holds_every_text_of_the_code() -> None:
    """messages.pot is up to date: extracting again finds no text it lacks."""
    from babel.messages.extract import extract_from_dir

    root = catalog_path("en").parent.parent.parent.parent
    # As README "Languages" extracts: N_ marks constants, wrong() words admins' input errors.
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "wrong": None}
    found = {
        m[2] if isinstance(m[2], str) else m[2][0]
        for m in extract_from_dir(str(root), keywords=keywords, method_map=[("**.py", "python")])
    }
    known = {m if isinstance(m, str) else m[0] for m in _template_ids()}
    assert found - known == set()


@pytest.mark.parametrize(
    ("count", "word"), [(1, "товар"), (2, "товара"), (5, "товаров"), (21, "товар"), (11, "товаров")]
)
def test_russian_plural_forms(count: int, word: str) -> None:
    tr = translator("ru")
    label = tr.ngettext(
        "Order #{order_id} ({count} item)",
        "Order #{order_id} ({count} items)",
        count,
        order_id=7,
        count=count,
    )
    assert label == f"Заказ №7 ({count} {word})"


def test_money_is_written_as_each_language_writes_it() -> None:
    assert format_money(123450, "EUR", "en") == "€1,234.50"
    assert format_money(123450, "EUR", "ru") == "1\xa0234,50\xa0€"
    assert format_money(123450, "EUR", "es") == "1.234,50\xa0€"
    assert format_money(1250, "USD", "ru") == "12,50\xa0$"
    assert translator("es").money(150, "XTR") == "⭐ 150"


def test_the_language_is_the_choice_then_telegrams_then_the_shops() -> None:
    assert choose("es", "ru", "en") == "es"
    assert choose(None, "es-AR", "en") == "es"
    assert choose(None, "pt-BR", "ru") == "ru"  # not a language of the shop: the default
    assert choose(None, None, "en") == "en"
    assert i18n.normalize("RU") == "ru"


def test_a_text_without_translation_reads_in_english() -> None:
    assert translator("ru")._("Not a catalog text {n}", n=3) == "Not a catalog text 3"
    assert translator("pt")._("🛒 Cart") == "🛒 Cart"  # pt: English


def test_a_stored_note_is_read_in_each_readers_language_and_an_old_english_one_as_it_is() -> None:
    """A review reason stored before reasons were worded (English) keeps its words when a
    worded one is added to it; each reader reads the new one in her language, with money
    written her way. A text that only looks like a note is shown as it is."""
    old = "payment check: Stripe does not know charge ch_old"
    short = i18n.worded(
        i18n.N_("paid {paid}, goods cost {cost}"),
        paid=i18n.amount(100, "USD"),
        cost=i18n.amount(2100, "USD"),
    )
    both = i18n.joined(old, short)

    assert translator("en").said(both) == f"{old}; paid $1.00, goods cost $21.00"
    assert translator("ru").said(both) == f"{old}; оплачено 1,00\xa0$, а товары стоят 21,00\xa0$"
    assert translator("ru").said(old) == old
    assert translator("es").said('{"worded": "not a note"}') == '{"worded": "not a note"}'
    assert i18n.joined(None, old) == old
