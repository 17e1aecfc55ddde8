"""Promo codes on a real database (SQLite and PostgreSQL): each rule in the shopper's words,
uses taken with the order's hold and given back with it, and the race for the last uses."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.services import cart, category_sale, checkout, promos
from bot.services.errors import PromoRefused
from bot.services.promos import PricedLine, parse_new
from bot.store.models import PromoCode
from bot.store.uow import Store
from tests.conftest import add_product, selects_run
from tests.services.conftest import Shopfront

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
SETTINGS = Settings(bot_token="1:test", payment_provider_token="TEST")


async def _code(store: Store, line: str) -> None:
    """A code as an admin would type it after /promo new."""
    async with store.uow() as uow:
        await uow.promos.add(parse_new(line.split(), "USD").to_model())


async def _fill(shopfront: Shopfront, *lines: tuple[str, int], customer_id: int = 0) -> None:
    async with shopfront.store.uow() as uow:
        for sku, quantity in lines:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            await cart.add_to_cart(uow, customer_id or shopfront.customer_id, product.id, quantity)


async def _quote(shopfront: Shopfront, code: str, *lines: tuple[str, int]) -> promos.PromoQuote:
    async with shopfront.store.uow() as uow:
        priced = []
        for sku, quantity in lines:
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            priced.append(PricedLine(product.id, sku, product.price * quantity))
        return await promos.quote(uow, code, shopfront.customer_id, priced, "USD", NOW)


async def _refused(shopfront: Shopfront, code: str, *lines: tuple[str, int]) -> str:
    with pytest.raises(PromoRefused) as refused:
        await _quote(shopfront, code, *lines)
    return str(refused.value)


async def _uses(store: Store, code: str) -> int:
    async with store.uow() as uow:
        promo = await uow.promos.by_code(code)
        assert promo is not None
        return promo.uses


async def test_percent_and_amount_codes_take_off_exactly(shopfront: Shopfront) -> None:
    await _code(shopfront.store, "TEN 10%")
    await _code(shopfront.store, "FIVE 5.00")
    ten = await _quote(shopfront, "ten", ("KIT-MUG-CER", 2), ("STA-PEN-FTN", 1))  # 32.00 + 34.00
    assert (ten.code, ten.discount, ten.label) == ("TEN", 660, "10% off")
    assert sum(ten.shares) == 660 and ten.shares == (320, 340)
    five = await _quote(shopfront, " Five ", ("STA-PCL-HB6", 1))  # 7.50
    assert (five.discount, five.shares) == (500, (500,))


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("OLD 10% until=2026-12-09", "The code OLD expired on December 9, 2026."),
        ("SOON 10% from=2026-12-11", "The code SOON can be used from December 11, 2026."),
        (
            "BIG 10% min=100.00",
            "The code BIG needs an order of at least $100.00 (yours is $32.00).",
        ),
        ("TEA 10% cat=Stationery", "The code TEA is for Stationery only, not in your cart."),
        ("PEN 10% sku=STA-PEN-FTN", "The code PEN is for STA-PEN-FTN only, not in your cart."),
    ],
)
async def test_each_rule_refuses_in_plain_words(shopfront: Shopfront, line: str, why: str) -> None:
    await _code(shopfront.store, line)
    assert await _refused(shopfront, line.split()[0], ("KIT-MUG-CER", 2)) == why


async def test_unknown_ended_and_used_up_codes_are_refused(shopfront: Shopfront) -> None:
    assert "There is no promo code “NOPE”" in await _refused(shopfront, "nope", ("KIT-MUG-CER", 1))
    assert "no promo code" in await _refused(shopfront, "'; DROP", ("KIT-MUG-CER", 1))
    await _code(shopfront.store, "GONE 10%")
    async with shopfront.store.uow() as uow:
        assert await uow.promos.set_active("GONE", False)
    assert await _refused(shopfront, "GONE", ("KIT-MUG-CER", 1)) == "The code GONE has ended."
    await _code(shopfront.store, "ONE 10% uses=1")
    async with shopfront.store.uow() as uow:
        assert await uow.promos.take_use((await uow.promos.by_code("ONE")).id)  # type: ignore[union-attr]
    assert "used up" in await _refused(shopfront, "ONE", ("KIT-MUG-CER", 1))


async def test_scope_by_category_and_sku_discounts_only_those_lines(shopfront: Shopfront) -> None:
    await _code(shopfront.store, "KITCHEN 10% cat=kitchen")
    quote = await _quote(shopfront, "KITCHEN", ("KIT-MUG-CER", 1), ("STA-PEN-FTN", 1))
    assert (quote.discount, quote.shares) == (160, (160, 0))
    await _code(shopfront.store, "PENS 50.00 sku=STA-PEN-FTN")  # more than the line: capped
    quote = await _quote(shopfront, "PENS", ("KIT-MUG-CER", 1), ("STA-PEN-FTN", 1))
    assert (quote.discount, quote.shares) == (3400, (0, 3400))


async def test_a_discount_never_goes_below_telegrams_minimum(shopfront: Shopfront) -> None:
    await _code(shopfront.store, "BIGOFF 7.00")
    why = await _refused(shopfront, "BIGOFF", ("STA-PCL-HB6", 1))  # 7.50 - 7.00 = 0.50
    assert why == (
        "With the code BIGOFF your total would be $0.50, less than the smallest payment "
        "Telegram accepts ($1.00). Add something to your cart to use it."
    )
    assert (await _quote(shopfront, "BIGOFF", ("STA-PCL-HB6", 2))).discount == 700


async def test_placing_the_order_holds_a_use_and_releasing_the_hold_gives_it_back(
    shopfront: Shopfront,
) -> None:
    await _code(shopfront.store, "ONCE 10% per=1 uses=5")
    await _fill(shopfront, ("KIT-MUG-CER", 3))
    async with shopfront.store.uow() as uow:
        (await uow.carts.get_for_customer(shopfront.customer_id)).promo_code = "ONCE"
    async with shopfront.store.uow() as uow:
        placed = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
    order = placed.order
    assert (order.items_total, order.discount_total, order.total) == (4800, 480, 4320)
    assert order.promo_code == "ONCE" and sum(line.discount for line in order.lines) == 480
    assert await _uses(shopfront.store, "ONCE") == 1
    # Once per customer, but a held use is not a used one: checking out again replaces the
    # open invoice (and gives its use back first), so the summary still offers the code.
    assert (await _quote(shopfront, "ONCE", ("KIT-MUG-CER", 1))).discount == 160
    async with shopfront.store.uow() as uow:
        again = await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
    assert [hold.order_id for hold in again.released] == [order.order_id]
    assert await _uses(shopfront.store, "ONCE") == 1
    order = again.order

    async with shopfront.store.uow() as uow:
        released = await checkout.release_expired_holds(uow, NOW + timedelta(hours=1))
    assert [hold.order_id for hold in released] == [order.order_id]
    assert await _uses(shopfront.store, "ONCE") == 0
    async with shopfront.store.uow() as uow:  # released twice: given back once
        stored = await uow.orders.get(order.order_id)
        assert stored is not None
        assert await checkout.release_hold(uow, stored, 1001, "again") is None
    assert await _uses(shopfront.store, "ONCE") == 0
    assert (await _quote(shopfront, "ONCE", ("KIT-MUG-CER", 1))).discount == 160


async def test_ten_shoppers_racing_for_a_three_use_code_get_three_discounts(
    shopfront: Shopfront,
) -> None:
    store = shopfront.store
    await _code(store, "THREE 10% uses=3")
    customers = []
    async with store.uow() as uow:
        for n in range(10):
            customer = await uow.customers.get_or_create(5000 + n, first_name=f"Racer {n}")
            customers.append(customer.id)
    for customer_id in customers:
        await _fill(shopfront, ("STA-NTB-A5D", 1), customer_id=customer_id)
        async with store.uow() as uow:
            (await uow.carts.get_for_customer(customer_id)).promo_code = "THREE"

    async def check_out(customer_id: int) -> int | None:
        try:
            async with store.uow() as uow:
                placed = await checkout.place_order(uow, customer_id, 0, SETTINGS, NOW)
        except PromoRefused:
            return None
        return placed.order.discount_total

    results = await asyncio.gather(*(check_out(c) for c in customers))
    assert sorted(r for r in results if r is not None) == [180, 180, 180]
    assert results.count(None) == 7
    assert await _uses(store, "THREE") == 3
    async with store.uow() as uow:
        notebook = await uow.products.get_by_sku("STA-NTB-A5D")
        assert notebook is not None and notebook.reserved == 3  # the refused held nothing


async def test_a_code_for_an_sku_names_it_as_an_admins_command_does(shopfront: Shopfront) -> None:
    """Two mugs whose SKUs differ only in case (stored before SKUs compared without case):
    a code for Mug-Twin, spelt exactly so, takes off that mug only; mug-twin could be either,
    so a code for it is refused naming both, as /price mug-twin is (never a guess)."""
    await add_product(shopfront.store, "Mug-Twin", price=1000)
    await add_product(shopfront.store, "MUG-TWIN", price=2000)
    await _code(shopfront.store, "EXACT 10% sku=Mug-Twin")
    quote = await _quote(shopfront, "EXACT", ("Mug-Twin", 1), ("MUG-TWIN", 1))
    assert (quote.discount, quote.shares) == (100, (100, 0))

    async with shopfront.store.uow() as uow:
        draft = parse_new(["EITHER", "10%", "sku=mug-twin,kit-mug-cer"], "USD")
        problems = await promos.shop_problems(uow, draft, NOW)
    assert problems == [
        "sku=: mug-twin could be any of MUG-TWIN, Mug-Twin: their SKUs differ only in case. "
        "Send it spelt exactly as one of them."
    ]


def test_a_new_code_names_every_problem_at_once() -> None:
    with pytest.raises(promos.PromoInputError) as bad:
        parse_new(["x", "0%", "min=abc", "from=2026-13-01", "uses=-1", "colour=red"], "USD")
    text = str(bad.value)
    for part in ("“x” is not a code", "1% to 100%", "min=", "from=", "uses=", "colour="):
        assert part in text
    line = "spring 5.00 min=20.00 from=2026-12-01 until=2026-12-31 uses=100 per=1 cat=Mugs"
    draft = parse_new([*line.split(), "sku=mug-1,MUG-2"], "USD")
    assert (draft.code, draft.kind, draft.value, draft.min_order) == ("SPRING", "amount", 500, 2000)
    assert draft.ends_at == datetime(2027, 1, 1, tzinfo=UTC)  # until: the whole last day
    assert (draft.max_uses, draft.per_customer) == (100, 1)
    assert (draft.categories, draft.skus) == (("Mugs",), ("mug-1", "MUG-2"))  # as typed
    assert isinstance(draft.to_model(), PromoCode)


@pytest.mark.parametrize(
    ("amount", "weights", "shares"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (1, [500, 500], [1, 0]),
        (660, [3200, 3400], [320, 340]),
        (7, [0, 10, 0], [0, 7, 0]),
        (0, [5, 5], [0, 0]),
        (999, [1, 2, 3, 4], [100, 200, 300, 399]),
    ],
)
def test_a_discount_is_split_over_lines_to_the_last_cent(
    amount: int, weights: list[int], shares: list[int]
) -> None:
    assert promos.split_exactly(amount, weights) == shares
    assert sum(shares) == amount


async def test_one_shopper_checking_out_twice_at_once_holds_a_once_per_customer_code_once(
    shopfront: Shopfront,
) -> None:
    """The chat and the storefront page at the same moment: whichever order comes second
    either replaces the first (its use given back) or is refused; never two uses."""
    store = shopfront.store
    await _code(store, "SOLO 10% per=1")
    await _fill(shopfront, ("STA-NTB-A5D", 1))
    async with store.uow() as uow:
        (await uow.carts.get_for_customer(shopfront.customer_id)).promo_code = "SOLO"

    async def check_out() -> str:
        try:
            async with store.uow() as uow:
                await checkout.place_order(uow, shopfront.customer_id, 1001, SETTINGS, NOW)
        except PromoRefused as refused:
            return str(refused)
        return "placed"

    results = await asyncio.gather(check_out(), check_out())
    assert "placed" in results
    async with store.uow() as uow:
        promo = await uow.promos.by_code("SOLO")
        assert promo is not None
        live = await uow.promos.customer_uses(promo.id, shopfront.customer_id)
    assert (promo.uses, live) == (1, 1)


async def test_a_code_for_a_product_covers_its_variants_and_a_code_for_a_variant_only_it(
    shopfront: Shopfront,
) -> None:
    """The seed's Organic Tee is sold as variants: a code naming the product's SKU takes off
    every variant of it, a code naming one variant's SKU only that one."""
    await _code(shopfront.store, "TEE 10% sku=APP-TEE-ORG")
    await _code(shopfront.store, "LARGE 5.00 sku=APP-TEE-ORG-L-CHA")
    async with shopfront.store.uow() as uow:
        tee = await uow.products.get_by_sku("APP-TEE-ORG")
        assert tee is not None
        variants = {v.sku: v.id for v in await uow.products.variants_of(tee.id)}
        for sku in ("APP-TEE-ORG-M-OAT", "APP-TEE-ORG-L-CHA"):
            await cart.add_to_cart(uow, shopfront.customer_id, tee.id, 1, variant_id=variants[sku])
        basket = await cart.view_cart(uow, shopfront.customer_id, "USD")
        priced = promos.priced(basket)  # $24.00 and $26.00
        tee_code = await promos.quote(uow, "TEE", shopfront.customer_id, priced, "USD", NOW)
        large = await promos.quote(uow, "LARGE", shopfront.customer_id, priced, "USD", NOW)
    assert (tee_code.discount, tee_code.shares) == (500, (240, 260))
    assert (large.discount, large.shares) == (500, (0, 500))


@pytest.mark.parametrize(
    ("zone", "line", "why"),
    [
        (
            "America/New_York",
            "OLD 10% until=2026-12-09",
            "The code OLD expired on December 9, 2026.",
        ),
        (
            "Europe/Madrid",
            "SOON 10% from=2026-12-11",
            "The code SOON can be used from December 11, 2026.",
        ),
    ],
)
async def test_a_refusal_names_the_shops_day_not_utcs(
    shopfront: Shopfront, zone: str, line: str, why: str
) -> None:
    """A shop in New York (UTC-5) or Madrid (UTC+1): its codes' days are its own, and so are
    the days a refusal names (in UTC the first would have expired on the 10th and the second
    begin on the 10th)."""
    shop_clock = ZoneInfo(zone)
    async with shopfront.store.uow() as uow:
        await uow.promos.add(parse_new(line.split(), "USD", shop_clock).to_model())
        with pytest.raises(PromoRefused) as refused:
            await promos.find(uow, line.split()[0], NOW.astimezone(shop_clock))
    assert str(refused.value) == why


async def test_a_category_named_with_spaces_around_is_the_same_for_promo_and_sale(
    shopfront: Shopfront,
) -> None:
    """ " kitchen " names Kitchen everywhere a category is named (catalog_rules.category_key):
    a code's cat= when it is made and at checkout, and /sale."""
    draft = dataclasses.replace(parse_new(["KITCHEN", "10%"], "USD"), categories=(" kitchen ",))
    async with shopfront.store.uow() as uow:
        assert await promos.shop_problems(uow, draft, NOW) == []
        await uow.promos.add(draft.to_model())
    quote = await _quote(shopfront, "KITCHEN", ("KIT-MUG-CER", 1), ("STA-PEN-FTN", 1))
    assert (quote.discount, quote.shares) == (160, (160, 0))
    async with shopfront.store.reading() as uow:
        sale = await category_sale.plan(uow, category_sale.SaleRequest(" kitchen ", 20))
    assert sale.category == "Kitchen" and sale.products > 0


async def test_the_cart_counts_its_code_for_the_thresholds_as_the_summary_does(
    shopfront: Shopfront,
) -> None:
    """Two mugs ($32.00): with TENOFF on the cart the thresholds go by $28.80, as the order
    summary's, and the cart's discount line is the summary's quote; with BIGONLY (from
    $50.00), which the summary would take off, by $32.00, with no line. The
    code comes with the cart's lines: counting it reads no cart again, and a cart without
    one reads nothing more at all."""
    await _code(shopfront.store, "TENOFF 10%")
    await _code(shopfront.store, "BIGONLY 10% min=50.00")
    await _fill(shopfront, ("KIT-MUG-CER", 2))
    ran = selects_run(shopfront.store)
    for code, goods in [(None, 3200), ("TENOFF", 2880), ("BIGONLY", 3200)]:
        async with shopfront.store.uow() as uow:
            (await uow.carts.get_for_customer(shopfront.customer_id)).promo_code = code
        async with shopfront.store.reading() as uow:
            seen = await cart.view_cart(uow, shopfront.customer_id, "USD")
            ran.clear()
            promo = await checkout.cart_promo(uow, shopfront.customer_id, seen, "USD", NOW)
            assert not [s for s in ran if "FROM carts" in s], code
            assert ran if code else not ran, code
        async with shopfront.store.uow() as uow:
            review = await checkout.review_cart(uow, shopfront.customer_id, "USD", NOW)
        assert checkout.after_promo(seen, promo) == review.goods_total == goods, code
        assert promo == review.promo, code  # the same quote: the cart's discount line
