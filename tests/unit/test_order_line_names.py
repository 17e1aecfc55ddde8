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
