"""An order line of a variant is named in the reader's language with its variant kept."""

from bot.i18n import translator
from bot.store.models import OrderLine, Product

TEE = Product(
    sku="TEE",
    title="Organic Tee",
    translations={"ru": {"title": "Футболка"}, "es": {"description": "Camiseta de algodón"}},
)


def test_a_variant_line_keeps_its_variant_in_the_translated_title() -> None:
    line = OrderLine(title="Organic Tee - M / Oat", product=TEE)
    assert translator("ru").name(line.title, line.translations) == "Футболка - M / Oat"
    # a language that translates no title falls back to the line's own
    assert translator("es").name(line.title, line.translations) == "Organic Tee - M / Oat"


def test_a_plain_line_is_named_by_the_product_translation() -> None:
    line = OrderLine(title="Organic Tee", product=TEE)
    assert translator("ru").name(line.title, line.translations) == "Футболка"


COLOURS = {"Colour": {"name": "Color", "values": {"Oat": "Avena", "Charcoal": "Carbón"}}}
TRANSLATED_TEE = Product(
    sku="TEE",
    title="Organic Tee",
    translations={"ru": {"title": "Футболка"}, "es": {"options": COLOURS}},
)


def test_a_variant_line_names_its_values_in_the_readers_language() -> None:
    """Spanish translates the colours, not the title: the line keeps the English title and
    says "Avena"; a value no translation names ("M") stays as written."""
    line = OrderLine(title="Organic Tee - M / Oat", product=TRANSLATED_TEE)
    assert translator("es").name(line.title, line.translations) == "Organic Tee - M / Avena"
    assert translator("ru").name(line.title, line.translations) == "Футболка - M / Oat"
    assert translator("en").name(line.title, line.translations) == "Organic Tee - M / Oat"


def test_option_names_and_values_fall_back_to_the_catalogs_own() -> None:
    es, translations = translator("es"), TRANSLATED_TEE.translations
    assert es.option("Colour", translations) == "Color"
    assert es.option("Charcoal", translations, "Colour") == "Carbón"
    assert es.option("Size", translations) == "Size"
    assert es.option("Oat", translations, "Size") == "Oat"  # not a value of Size
    assert translator("ru").option("Oat", translations, "Colour") == "Oat"
