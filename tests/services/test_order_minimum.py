"""The shop's minimum order as the services keep it, on SQLite and PostgreSQL: one rule,
checked where orders are placed, so a checkout that gets past every screen (an older
summary's Pay, the storefront, a minimum raised meanwhile) still holds and charges nothing
below it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.i18n import translator
from bot.services import cart, checkout
from bot.services.order_minimum import BelowMinimumOrder, below_minimum
from tests.services.conftest import Shopfront

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
TWENTY = Settings(bot_token="1:test", payment_provider_token="TEST", min_order=2000)


def test_the_rule_words_what_is_missing_in_the_readers_language() -> None:
    assert below_minimum(2000, TWENTY) is None  # reached exactly
    assert below_minimum(100, Settings(bot_token="1:test")) is None  # no minimum
    short = below_minimum(1650, TWENTY)
    assert short is not None
    assert str(short) == "Minimum order: $20.00 — add $3.50 more to check out."
    assert short.said(translator("ru")).startswith("Минимальная сумма заказа: 20,00")
    assert "3,50" in short.said(translator("es"))


async def test_one_mug_below_the_minimum_is_never_held(shopfront: Shopfront) -> None:
    mug = await shopfront.product_id("KIT-MUG-CER")  # $16.00
    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, mug, 1)
    with pytest.raises(BelowMinimumOrder) as refused:
        async with shopfront.store.uow() as uow:
            await checkout.place_order(uow, shopfront.customer_id, 1001, TWENTY, NOW)
    assert str(refused.value) == "Minimum order: $20.00 — add $4.00 more to check out."
    async with shopfront.store.reading() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.reserved == 0
        assert await uow.orders.open_holds_for_customer(shopfront.customer_id) == []

    async with shopfront.store.uow() as uow:
        await cart.add_to_cart(uow, shopfront.customer_id, mug, 1)  # $32.00
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, TWENTY, NOW)
    assert placed.order.items_total == 3200
