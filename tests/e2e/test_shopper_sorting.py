"""A shopper orders a category by price or age and hides what is sold out, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from bot.callback_data import LIST_ORDERS
from bot.services import ratings
from bot.services.catalog import CATEGORY_ORDERS
from bot.standin.harness import ShopHarness
from bot.standin.models import Message
from tests.e2e.shopper import past_order, shown

# Twelve mugs whose prices run in no order by name; "Mug No. 05" is sold out.
PRICES = [17, 3, 29, 11, 23, 5, 31, 13, 7, 19, 2, 37]


def _mugs(tmp_path: Path) -> Path:
    rows = [
        {
            "sku": f"MUG-{i:02d}",
            "title": f"Mug No. {i:02d}",
            "description": "A plain white mug",
            "category": "Mugs",
            "price": f"{price}.00",
            "currency": "USD",
            "stock": 0 if i == 5 else 5,
            "photo": "",
        }
        for i, price in enumerate(PRICES, start=1)
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    return path


def _titles(message: Message | None) -> list[str]:
    assert message is not None
    return [b.label.split(" · ")[0] for b in message.all_buttons if b.label.startswith("Mug No.")]


async def _rated(harness: ShopHarness, sku: str, *stars: int) -> None:
    """Shoppers who bought the mug gave it these stars, one each."""
    for n, given in enumerate(stars):
        telegram_id = 5000 + n
        order_id = await past_order(harness, telegram_id, {sku: 1})
        async with harness.store.uow() as uow:
            customer = await uow.customers.get_or_create(telegram_id)
            product = await uow.products.get_by_sku(sku)
            assert product is not None
            await ratings.rate(uow, customer.id, order_id, product.id, given)


def _prices(message: Message | None) -> list[int]:
    assert message is not None
    labels = [b.label for b in message.all_buttons if b.label.startswith("Mug No.")]
    return [int(label.split("$")[1].split(".")[0]) for label in labels]


async def test_she_sorts_by_price_pages_on_and_comes_back_to_the_same_page(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path, catalog_path=_mugs(tmp_path)) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        await alice.press("Mugs (12)")
        assert "[• Name]" in alice.render(alice.last_message)  # type: ignore[arg-type]

        await alice.press("Price ↑")
        first = _prices(alice.last_message)
        assert first == sorted(PRICES)[:8]
        assert "[• Price ↑]" in alice.render(alice.last_message)  # type: ignore[arg-type]
        await alice.press("Next")
        second = _prices(alice.last_message)
        assert second == sorted(PRICES)[8:] and second[0] >= first[-1]

        await alice.press("Mug No. 03")  # $29, on page 2
        await alice.press("Back")
        assert "Page 2 of 2" in shown(alice)
        assert _prices(alice.last_message) == second

        await alice.press("Price ↓")
        assert _prices(alice.last_message) == sorted(PRICES, reverse=True)[:8]
        await alice.press("Newest")
        assert "[• Newest]" in alice.render(alice.last_message)  # type: ignore[arg-type]


async def test_in_stock_only_hides_the_sold_out_mug_and_the_pages_say_so(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, catalog_path=_mugs(tmp_path)) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        await alice.press("Mugs (12)")
        await alice.press("Price ↑")
        await alice.press("In stock only")
        sorted_in_stock = sorted(p for i, p in enumerate(PRICES, start=1) if i != 5)
        assert _prices(alice.last_message) == sorted_in_stock[:8]
        await alice.press("Next")
        assert _prices(alice.last_message) == sorted_in_stock[8:]  # 11 in stock: 3 here
        assert "✅ In stock only" in alice.render(alice.last_message)  # type: ignore[arg-type]
        await alice.press("In stock only")  # off again: from page 1, the sold-out mug back
        assert _prices(alice.last_message) == sorted(PRICES)[:8]
        await alice.press("Next")
        assert _prices(alice.last_message) == sorted(PRICES)[8:]  # with $23: 4 here


async def test_a_forged_sort_button_shows_the_category_by_name_and_says_why(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path, catalog_path=_mugs(tmp_path)) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        await alice.press("Mugs (12)")
        listing = alice.last_message
        assert listing is not None
        category = next(b for b in listing.all_buttons if b.label == "Price ↑").callback_data
        assert category is not None
        forged = category.rsplit(":", 1)[0] + ":98"  # an order no button has ever named
        await alice.press_data(listing, forged)
        assert "That sort button is out of date" in shown(alice)
        assert _prices(alice.last_message) == PRICES[:8]


def test_every_order_a_button_can_name_is_one_the_catalog_lists_by() -> None:
    assert set(LIST_ORDERS) == set(CATEGORY_ORDERS)


async def test_in_stock_only_in_a_sold_out_category_says_so_and_can_be_undone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "catalog.json"
    sold_out = {"sku": "TEA-1", "title": "Green Tea", "description": "Loose leaf"}
    sold_out |= {"category": "Tea", "price": "5.00", "currency": "USD", "stock": 0, "photo": ""}
    path.write_text(json.dumps([sold_out]))
    async with ShopHarness(tmp_path, catalog_path=path) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        await alice.press("Tea (1)")
        await alice.press("In stock only")
        assert "Nothing here is in stock right now." in shown(alice)
        await alice.press("In stock only")
        assert "Green Tea" in alice.render(alice.last_message)  # type: ignore[arg-type]

        await alice.press("In stock only")
        await alice.press("⬅ Categories")  # nothing anywhere is in stock: said so, not "empty"
        assert "Nothing here is in stock right now." in shown(alice)
        await alice.press("In stock only")
        assert "Tea (1)" in alice.render(alice.last_message)  # type: ignore[arg-type]


async def test_with_in_stock_only_on_the_category_list_counts_only_what_is_in_stock(
    tmp_path: Path,
) -> None:
    path = _mugs(tmp_path)
    sold_out_tea = {"sku": "TEA-1", "title": "Green Tea", "description": "Loose leaf"}
    sold_out_tea |= {"category": "Tea", "price": "5.00", "currency": "USD", "stock": 0}
    path.write_text(json.dumps([*json.loads(path.read_text()), sold_out_tea | {"photo": ""}]))
    async with ShopHarness(tmp_path, catalog_path=path) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        assert "Tea (1)" in alice.render(alice.last_message)  # type: ignore[arg-type]
        await alice.press("Mugs (12)")
        await alice.press("Price ↓")
        await alice.press("In stock only")

        await alice.press("⬅ Categories")
        categories = alice.render(alice.last_message)  # type: ignore[arg-type]
        assert "Mugs (11)" in categories and "Tea" not in categories
        await alice.press("Mugs (11)")
        listing = alice.render(alice.last_message)  # type: ignore[arg-type]
        assert "✅ In stock only" in listing and "[• Price ↓]" in listing
        assert _prices(alice.last_message) == sorted(set(PRICES) - {PRICES[4]}, reverse=True)[:8]

        await alice.press("In stock only")  # off again: every category, every product counted
        await alice.press("⬅ Categories")
        categories = alice.render(alice.last_message)  # type: ignore[arg-type]
        assert "Mugs (12)" in categories and "Tea (1)" in categories


async def test_best_rated_first_where_many_good_ratings_beat_one_perfect_one(
    tmp_path: Path,
) -> None:
    async with ShopHarness(tmp_path, catalog_path=_mugs(tmp_path)) as h:
        await _rated(h, "MUG-01", 5)  # one perfect rating
        await _rated(h, "MUG-02", 5, 5, 4, 5)  # 4.75 from four shoppers
        await _rated(h, "MUG-03", 1)
        await _rated(h, "MUG-05", 4, 4)  # sold out
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        await alice.press("Mugs (12)")
        await alice.press("★ Rating")
        assert "[• ★ Rating]" in alice.render(alice.last_message)  # type: ignore[arg-type]
        # The rated first, best first (one 5 ★ is less sure than four at 4.75, more than two
        # at 4); then the unrated, newest first, on to the next page.
        rated = ["Mug No. 02", "Mug No. 01", "Mug No. 05", "Mug No. 03"]
        assert _titles(alice.last_message) == [*rated, *_mugs_no(12, 11, 10, 9)]
        await alice.press("Next")
        assert _titles(alice.last_message) == _mugs_no(8, 7, 6, 4)

        await alice.press("In stock only")  # the sold-out mug gone, from page 1
        assert _titles(alice.last_message) == [
            "Mug No. 02",
            "Mug No. 01",
            "Mug No. 03",
            *_mugs_no(12, 11, 10, 9, 8),
        ]
        await alice.press("Next")
        assert _titles(alice.last_message) == _mugs_no(7, 6, 4)


def _mugs_no(*numbers: int) -> list[str]:
    return [f"Mug No. {n:02d}" for n in numbers]
