"""Inline mode: shoppers type "@shopbot mug" in any chat and post a product card there."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, select

from bot.standin import InlineResult
from bot.standin.harness import ShopHarness
from bot.store.models import ChatState, Customer
from bot.throttle import TokenBuckets

BOT_LINK = "https://t.me/shop_test_bot?start="


def _start_parameter(result: InlineResult) -> str:
    [button] = result.all_buttons
    assert button.label == "🛍 Open in shop" and button.url is not None
    [parameter] = parse_qs(urlparse(button.url).query)["start"]
    return parameter


def _many_mugs(tmp_path: Path, count: int) -> Path:
    rows = [
        {
            "sku": f"MUG-{i:03d}",
            "title": f"Mug No. {i:03d}",
            "description": "A plain white mug",
            "category": "Mugs",
            "price": "10.00",
            "currency": "USD",
            "stock": 20,
            "photo": "https://example.com/mug.jpg" if i == 1 else "",
        }
        for i in range(1, count + 1)
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    return path


async def _rows(h: ShopHarness, model: type[Customer] | type[ChatState]) -> int:
    async with h.store.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_search_lists_matching_products_with_price_and_a_deep_link(
    harness: ShopHarness,
) -> None:
    alice = harness.user(1001, "Alice")
    answer = await alice.inline_query("mug")

    assert [r.title for r in answer.results] == ["Stoneware Mug 350ml"]
    mug = answer.results[0]
    assert mug.type == "article"  # the photo is a file on the bot's disk: not shown inline
    assert mug.description == "$16.00 · In stock"
    assert mug.text is not None
    assert mug.text.startswith("🛍 Stoneware Mug 350ml\n$16.00 · In stock")
    assert mug.all_buttons[0].url == BOT_LINK + "product_KIT-MUG-CER"
    assert (answer.cache_time, answer.is_personal, answer.next_offset) == (30, False, "")
    assert answer.button is None


async def test_typos_are_forgiven_and_sold_out_products_say_so(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    kettle = await alice.inline_query("kettel")
    assert [r.title for r in kettle.results] == ["Gooseneck Kettle 1L"]

    knife = (await alice.inline_query("pocket knife")).results[0]
    assert knife.title == "Folding Pocket Knife"
    assert knife.description == "$42.00 · Out of stock"
    assert knife.text is not None and "$42.00 · Out of stock" in knife.text


async def test_an_empty_query_offers_a_few_products_in_stock(harness: ShopHarness) -> None:
    answer = await harness.user(1001, "Alice").inline_query("")

    assert 1 <= len(answer.results) <= 10
    assert answer.results[0].title == "Espresso Roast Beans 250g"
    assert all("Out of stock" not in (r.description or "") for r in answer.results)
    assert answer.next_offset == "" and answer.button is None


async def test_more_than_fifty_matches_come_in_pages(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, catalog_path=_many_mugs(tmp_path, 60)) as h:
        alice = h.user(1001, "Alice")
        first = await alice.inline_query("mug")
        assert len(first.results) == 50 and first.next_offset == "50"

        second = await alice.inline_query("mug", offset=first.next_offset)
        assert len(second.results) == 10 and second.next_offset == ""

        titles = {r.title for r in first.results + second.results}
        assert titles == {f"Mug No. {i:03d}" for i in range(1, 61)}
        # A photo at an https URL is a photo result; Telegram fetches it itself.
        [with_photo] = [r for r in first.results if r.title == "Mug No. 001"]
        assert (with_photo.type, with_photo.photo) == ("photo", "https://example.com/mug.jpg")
        assert with_photo.text is not None and "$10.00 · In stock" in with_photo.text


async def test_nothing_found_offers_to_open_the_shop(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    answer = await alice.inline_query("zzqxwv")

    assert answer.results == []
    assert answer.button == {"text": "🛍 Open the shop", "start_parameter": "inline"}

    await alice.send("/start inline")  # what the button sends
    await alice.wait_for("Welcome to the shop, Alice")


async def test_a_hidden_product_never_appears(harness: ShopHarness) -> None:
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.is_active = False
    alice = harness.user(1001, "Alice")

    for query in ("stoneware mug", "mug", ""):
        answer = await alice.inline_query(query)
        assert "Stoneware Mug 350ml" not in [r.title for r in answer.results], query


async def test_long_strange_queries_and_offsets_are_answered(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    for query, offset in [
        ("mug " * 75, ""),  # 300 characters, more than Telegram allows
        ("💥<b>&amp;\u202e\x00' OR 1=1 --", ""),
        ("!!!", ""),
        ("mug", "not-a-number"),
        ("mug", "99999999999999"),
    ]:
        answer = await alice.inline_query(query, offset=offset)
        assert answer.next_offset == ""
    answers = harness.standin.calls_to("answerInlineQuery")
    assert len(answers) == 5 and all(call.ok for call in answers)


async def test_a_cached_photo_is_shared_as_a_photo(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Stoneware Mug 350ml")
    await harness.until_idle()
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None and mug.photo_file_id
        file_id = mug.photo_file_id

    result = (await alice.inline_query("stoneware mug")).results[0]
    assert (result.type, result.photo) == ("photo", file_id)
    posted = alice.choose_inline_result(result, chat_id=-100)
    assert alice.render(posted).splitlines() == [
        f"[photo {file_id}]",
        "🛍 Stoneware Mug 350ml",
        "$16.00 · In stock",
        "",
        *(result.text or "").splitlines()[3:],
        "[🛍 Open in shop]",
    ]


async def test_the_shared_link_opens_the_product_for_someone_new(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    customers, chats = await _rows(harness, Customer), await _rows(harness, ChatState)
    result = (await alice.inline_query("french press")).results[0]
    # Inline queries come from strangers too: they leave nothing behind in the database.
    assert (await _rows(harness, Customer), await _rows(harness, ChatState)) == (customers, chats)

    parameter = _start_parameter(result)
    assert parameter == "product_KIT-FRP-600"
    bob = harness.user(1002, "Bob")  # Bob taps the card's button in the chat Alice shared it in
    await bob.send(f"/start {parameter}")
    card = await bob.wait_for("French Press 600ml")
    assert "$29.00" in (card.text or "")
    assert any("Add to cart" in b.label for b in card.all_buttons)


async def test_a_stale_cached_photo_falls_back_to_an_article(harness: ShopHarness) -> None:
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None
        mug.photo_file_id = "AgACfrom-an-old-bot-token"  # Telegram does not know it
    answer = await harness.user(1001, "Alice").inline_query("stoneware mug")

    assert [(r.title, r.type) for r in answer.results] == [("Stoneware Mug 350ml", "article")]
    first, second = harness.standin.calls_to("answerInlineQuery")
    assert (first.ok, first.result_or_error) == (
        False,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    assert second.ok


async def test_a_flood_of_queries_from_one_user_gets_empty_answers_while_others_are_served(
    harness: ShopHarness,
) -> None:
    assert harness.shop is not None
    harness.shop.inline_queries = TokenBuckets(rate=0.0, burst=3)  # no refill: deterministic
    mallory, alice = harness.user(666, "Mallory"), harness.user(1001, "Alice")

    answers = [await mallory.inline_query("mug") for _ in range(5)]
    served = await alice.inline_query("kettle")

    assert [len(a.results) for a in answers] == [1, 1, 1, 0, 0]
    # Over the limit: nothing, cached a few seconds for Mallory alone, no error.
    assert [(a.cache_time, a.is_personal) for a in answers[3:]] == [(5, True), (5, True)]
    assert [r.title for r in served.results] == ["Gooseneck Kettle 1L"]
    assert all(call.ok for call in harness.standin.calls_to("answerInlineQuery"))
