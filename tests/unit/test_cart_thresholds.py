"""The free-shipping line of the cart and the order summary: the shipping options' own
threshold (`ships_free`), in the reader's language, and nothing where it means nothing."""

from __future__ import annotations

from bot.config import Settings
from bot.i18n import translator
from bot.payments.shipping import priced_options
from bot.texts.cart_thresholds import free_shipping_text, min_order_text

SHOP = Settings(bot_token="1:test", free_shipping_over=5000, shipping_home_country="US")
EN = translator("en")


def test_the_line_counts_down_to_the_threshold_the_payment_form_uses() -> None:
    assert free_shipping_text(EN, 3600, SHOP, needs_shipping=True) == (
        "🚚 Add $14.00 more for free standard shipping (US)."
    )
    assert free_shipping_text(EN, 5000, SHOP, needs_shipping=True) == (
        "🚚 Free standard shipping (US)."
    )
    for total, standard in [(4999, 500), (5000, 0)]:  # the same threshold, the same side
        options = priced_options(SHOP, goods_total=total, country_code="US")
        assert options[0].price == standard


def test_nothing_is_said_without_shipping_in_stars_or_with_the_threshold_off() -> None:
    assert free_shipping_text(EN, 100, SHOP, needs_shipping=False) is None  # digital only
    stars = Settings(bot_token="1:test", currency="XTR", free_shipping_over=50)
    assert free_shipping_text(EN, 10, stars, needs_shipping=True) is None
    off = Settings(bot_token="1:test", free_shipping_over=0)
    assert free_shipping_text(EN, 100, off, needs_shipping=True) is None
    assert min_order_text(EN, 100, SHOP) is None  # no MIN_ORDER


def test_the_lines_in_russian_and_spanish() -> None:
    ru, es = translator("ru"), translator("es")
    assert free_shipping_text(ru, 3600, SHOP, needs_shipping=True) == (
        f"🚚 Добавьте ещё на {ru.money(1400, 'USD')} — "
        "и стандартная доставка (US) будет бесплатной."
    )
    assert free_shipping_text(es, 5000, SHOP, needs_shipping=True) == (
        "🚚 Envío estándar gratis (US)."
    )
    minimum = Settings(bot_token="1:test", min_order=1000)
    said = min_order_text(es, 650, minimum)
    assert said is not None and said.startswith("Pedido mínimo: ")
    assert "3,50" in said
