"""Browsing, searching and talking to the bot in plain words, end to end."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.standin.harness import ShopHarness
from bot.store.repositories import search as search_repository
from tests.e2e.shopper import shown


def _big_catalog(tmp_path: Path) -> Path:
    """One category of 12 mugs (two pages of eight) and a second category."""
    rows = [
        {
            "sku": f"MUG-{i:02d}",
            "title": f"Mug No. {i:02d}",
            "description": "A plain white mug",
            "category": "Mugs",
            "price": f"{10 + i}.00",
            "currency": "USD",
            "stock": 5,
            "photo": "",
        }
        for i in range(1, 13)
    ]
    rows.append(
        {
            "sku": "TEA-1",
            "title": "Green Tea",
            "description": "Loose leaf",
            "category": "Tea",
            "price": "5.00",
            "currency": "USD",
            "stock": 5,
            "photo": "",
        }
    )
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    return path


async def test_next_and_prev_page_through_a_category(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, catalog_path=_big_catalog(tmp_path)) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Pick a category")
        await alice.press("Mugs (12)")
        first = alice.last_message
        assert first is not None and "Page 1 of 2" in (first.text or "")
        products = [b.label for b in first.all_buttons if b.label.startswith("Mug No.")]
        assert products == [f"Mug No. {i:02d} · ${10 + i}.00" for i in range(1, 9)]
        assert "Prev" not in alice.render(first)

        await alice.press("Next")
        second = alice.last_message
        assert second is not None and second.message_id == first.message_id  # edited in place
        assert "Page 2 of 2" in (second.text or "")
        products = [b.label for b in second.all_buttons if b.label.startswith("Mug No.")]
        assert products == [f"Mug No. {i:02d} · ${10 + i}.00" for i in range(9, 13)]
        assert "Next" not in alice.render(second)

        await alice.press("Mug No. 10")  # no photo: the product is a text message, edited
        product = alice.last_message
        assert product is not None and product.photo is None
        assert "Mug No. 10\n$20.00 · In stock" in (product.text or "")
        await alice.press("Back")
        assert "Page 2 of 2" in shown(alice)
        await alice.press("Prev")
        assert "Page 1 of 2" in shown(alice)


async def test_search_results_page_too(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path, catalog_path=_big_catalog(tmp_path)) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/search white mug")
        results = await alice.wait_for("Results")
        assert "12 found" in (results.text or "") and "Page 1 of 2" in (results.text or "")
        await alice.press("Next")
        assert "Page 2 of 2" in shown(alice)


async def test_search_command_words_case_and_typos(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/search")
    hint = await alice.wait_for("What are you looking for?")
    assert "/search mug" in (hint.text or "")
    await alice.send("/search GOOSENECK")
    found = await alice.wait_for("Results")
    assert "[Gooseneck Kettle 1L · $45.00]" in alice.render(found)
    await alice.send("/search zebra")
    assert "Nothing found for “zebra”" in ((await alice.wait_for("Nothing")).text or "")


async def test_plain_words_search_and_phrases(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("lantren")  # a typo
    found = await alice.wait_for("Results")
    assert "Rechargeable Lantern" in alice.render(found)
    await alice.send("I want a hammock")
    assert "Camping Hammock" in alice.render(await alice.wait_for("Results"))

    await alice.send("cart")
    await alice.wait_for("Your cart is empty")
    await alice.send("My orders!")
    await alice.wait_for("You have no orders yet")
    await alice.send("help")
    await alice.wait_for("/search <words>")
    await alice.send("Browse")
    await alice.wait_for("Pick a category")
    await alice.send("checkout")
    await alice.wait_for("Your cart is empty")
    await alice.send("what is the meaning of life")  # a question: a person may answer it
    asked = await alice.wait_for("I couldn't find an answer to that")
    assert "💬 Ask the shop" in alice.render(asked)
    await alice.send("meaning of life")
    hint = await alice.wait_for("I didn't find anything")
    assert "/help" in (hint.text or "")


async def test_unknown_command_gets_a_clear_answer(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/frobnicate")
    await alice.wait_for("I don't know /frobnicate")


async def test_deep_links_open_a_product_or_explain(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_KIT-KTL-GOO")
    kettle = await alice.wait_for("Gooseneck Kettle 1L")
    assert kettle.photo is not None and "$45.00" in (kettle.text or "")
    await alice.send("/start product_NOPE-1")
    missing = await alice.wait_for("can't find the product “NOPE-1”")
    assert "Catalog" in alice.render(missing)


async def test_an_uploaded_photo_is_reused_by_file_id(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/start product_KIT-MUG-CER")
    await alice.wait_for("Stoneware Mug")
    await alice.send("/start product_KIT-MUG-CER")  # handled after the first one finished
    await alice.wait_for("Stoneware Mug")
    first, second = [c for c in harness.standin.calls if c.method == "sendPhoto"][-2:]
    assert not isinstance(first.params["photo"], str)  # the file itself was uploaded
    async with harness.store.uow() as uow:
        mug = await uow.products.get_by_sku("KIT-MUG-CER")
        assert mug is not None and mug.photo_file_id
    assert second.params["photo"] == mug.photo_file_id


async def test_cancel_goes_back_to_the_menu(harness: ShopHarness) -> None:
    alice = harness.user(1001, "Alice")
    await alice.send("/catalog")
    await alice.wait_for("Pick a category")
    await alice.send("/cancel")
    done = await alice.wait_for("Cancelled. Back to the main menu.")
    assert "Catalog" in alice.render(done)


async def test_a_lone_shoppers_search_stays_on_the_event_loops_thread(
    harness: ShopHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alone, a search runs where the shopper's other reads do (no trip to a thread and
    back); while another chat's update is in flight, it goes to a connection's thread, so
    that update is not kept waiting by it."""
    on_loop_thread: list[bool] = []
    run = search_repository.run_on_connection

    def recorded(connection: Any, plan: Any) -> Any:
        on_loop_thread.append(threading.current_thread() is threading.main_thread())
        return run(connection, plan)

    monkeypatch.setattr(search_repository, "run_on_connection", recorded)
    alice, bob = harness.user(1001, "Alice"), harness.user(1002, "Bob")
    await alice.send("/help")  # known to the shop: her visits only read
    await alice.wait_for("/search")
    await alice.send("/search kettle")
    assert "Gooseneck Kettle 1L" in alice.render(await alice.wait_for("Results"))
    assert on_loop_thread == [True]

    harness.standin.faults.time_out("sendMessage", hold=30)  # Bob's answer does not come
    await bob.send("/help")
    await harness.standin.wait_for_call(lambda call: call.fault == "timeout", timeout=10)
    await alice.send("/search kettle")  # while Bob's update waits for Telegram
    assert "Gooseneck Kettle 1L" in alice.render(await alice.wait_for("Results"))
    assert on_loop_thread == [True, False]
    harness.standin.let_held_requests_go()


def _many_categories(tmp_path: Path) -> Path:
    """22 categories (two pages of the category list, 20 a page), of 9 products each (two
    pages of a category, 8 a page)."""
    rows = [
        {
            "sku": f"S{shelf:02d}-{i}",
            "title": f"Item {i} of shelf {shelf:02d}",
            "description": "A thing on a shelf",
            "category": f"Shelf {shelf:02d}",
            "price": "3.00",
            "currency": "USD",
            "stock": 5,
            "photo": "",
        }
        for shelf in range(1, 23)
        for i in range(1, 10)
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(rows))
    return path


async def test_categories_from_inside_a_category_goes_back_to_the_page_she_came_from(
    tmp_path: Path,
) -> None:
    """Alice pages to the second page of the categories, opens one, pages through it, looks
    at a product and comes back: "⬅ Categories" shows the second page again, not the first."""
    async with ShopHarness(tmp_path, catalog_path=_many_categories(tmp_path)) as h:
        alice = h.user(1001, "Alice")
        await alice.send("/catalog")
        await alice.wait_for("Page 1 of 2")
        await alice.press("Next")
        second = await alice.wait_for("Page 2 of 2")
        shelf = next(b.label for b in second.all_buttons if b.label.startswith("Shelf "))

        await alice.press(shelf)
        await alice.wait_for(lambda m: shelf.split(" (")[0] in (m.text or ""))
        await alice.press("Next")
        inside = await alice.wait_for(
            lambda m: "Page 2 of 2" in (m.text or "") and "Shelf" in (m.text or "")
        )
        item = next(b.label for b in inside.all_buttons if b.label.startswith("Item "))
        await alice.press(item)
        await alice.wait_for("In stock")
        await alice.press("Back")
        await alice.wait_for(lambda m: "Tap a product" in (m.text or ""))

        await alice.press("Categories")
        back = await alice.wait_for("Pick a category")
        assert "Page 2 of 2" in (back.text or ""), back.text
        assert shelf in [b.label for b in back.all_buttons]
