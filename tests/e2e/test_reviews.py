"""✍️ A few words with the stars: a shopper who rated what she bought says what she thinks
of it, changes or deletes it; the admins hear of it with 🙈 Hide."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC
from typing import Any

import pytest
from sqlalchemy import event, select, update

from bot.callback_data import HideReview
from bot.i18n import translator
from bot.services import catalog, ratings, reviews
from bot.standin.harness import ShopHarness
from bot.standin.user import FakeUser
from bot.store.models import Product, ProductRating, utcnow
from tests.e2e.shopper import open_invoice, open_order, past_order, shown

ADMIN_ID = 9001
MUG = "KIT-MUG-CER"


@pytest.fixture
def shop(harness_on_each_backend: ShopHarness) -> ShopHarness:
    """A seeded shop with one admin, on SQLite and on PostgreSQL (tests/e2e/conftest.py)."""
    harness_on_each_backend.user(ADMIN_ID, "Ada")  # she has a chat with the bot: alerts reach her
    return harness_on_each_backend


def labels(shopper: FakeUser) -> list[str]:
    message = shopper.last_message
    return [b.label for b in message.all_buttons] if message is not None else []


async def rated(shop: ShopHarness, shopper: FakeUser, stars: int = 5) -> int:
    """She bought the mug (delivered) and gave it `stars` from her order: the order's id."""
    order_id = await past_order(shop, shopper.user_id, {MUG: 1})
    await open_order(shopper, order_id)
    await shopper.press("⭐ Rate Stoneware Mug 350ml")
    await shopper.press(f"{stars} ★")
    return order_id


async def write(shopper: FakeUser, words: str) -> str:
    """She sends her words while asked for them: what the bot answers."""
    await shopper.send(words)
    return (await shopper.wait_for(lambda m: m.from_bot)).text or ""


async def reviewed(shop: ShopHarness, shopper: FakeUser, words: str) -> FakeUser:
    """She rated the mug 5 and wrote `words` about it; the admin, whom the alert reached."""
    await rated(shop, shopper)
    await shopper.press("✍️ Add a few words")
    await write(shopper, words)
    return shop.user(ADMIN_ID, "Ada")


async def mug_reviews(shop: ShopHarness) -> tuple[list[tuple[str | None, bool]], int]:
    """Every review of the mug (her words, hidden?) and the count its card shows."""
    async with shop.store.uow() as uow:
        rows = await uow.session.execute(
            select(ProductRating.review, ProductRating.review_hidden)
            .join(Product)
            .where(Product.sku == MUG)
            .order_by(ProductRating.customer_id)
        )
        count = await uow.session.scalar(select(Product.review_count).where(Product.sku == MUG))
    return [(words, hidden) for words, hidden in rows], int(count or 0)


async def test_she_rates_the_mug_adds_a_few_words_and_the_admins_hear_of_them(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await rated(shop, alice)
    assert "Thank you! You gave Stoneware Mug 350ml ★★★★★." in shown(alice)
    assert "✍️ Add a few words about Stoneware Mug 350ml" in labels(alice)  # named: of several
    await alice.press("✍️ Add a few words")
    assert shown(alice).startswith(
        "What would you tell others about Stoneware Mug 350ml? Send a few words (3-500 "
        "characters, plain text). Send /cancel to leave it."
    )
    said = await write(alice, "  <b>Lovely</b>   mug,\u202e keeps tea hot \n\n for ages ")
    assert "Thank you! Your words about Stoneware Mug 350ml are on its card." in said
    kept = "<b>Lovely</b> mug, keeps tea hot\nfor ages"  # as typed: never read as markup
    assert await mug_reviews(shop) == ([(kept, False)], 1)

    ada = shop.user(ADMIN_ID, "Ada")
    alert = await ada.wait_for("💬 New review of Stoneware Mug 350ml by Alice (★★★★★):")
    assert alert.text == f"💬 New review of Stoneware Mug 350ml by Alice (★★★★★):\n{kept}"
    assert [b.label for b in alert.all_buttons] == ["🙈 Hide"]

    await alice.send("/orders")  # back to normal: what she types now searches again
    await alice.wait_for("Your orders")
    await alice.send("kettle")
    await alice.wait_for("Gooseneck Kettle")
    assert (await mug_reviews(shop))[0] == [(kept, False)]


async def test_too_short_or_too_long_words_are_asked_again_and_cancel_leaves(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await rated(shop, alice, 4)
    await alice.press("✍️ Add a few words")
    said = await write(alice, " ok\u200b ")
    assert "That is too short: please write at least 3 characters, or send /cancel." in said
    said = await write(alice, "\u200b\u2066 \u2069")  # nothing but invisible characters
    assert "That is too short" in said
    said = await write(alice, "Good! " * 90)
    assert "That is 539 characters long; please keep it to 500, or send /cancel." in said
    assert "What would you tell others about Stoneware Mug 350ml?" in said  # asked again
    assert await mug_reviews(shop) == ([(None, False)], 0)

    await alice.send("/cancel")
    await alice.wait_for("Cancelled.")
    await write(alice, "A fine mug")  # a search now, not her words
    assert await mug_reviews(shop) == ([(None, False)], 0)


async def test_she_changes_her_words_then_deletes_them_and_her_stars_stay(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    order_id = await rated(shop, alice)
    await alice.press("✍️ Add a few words")
    await write(alice, "Good mug")
    ada = shop.user(ADMIN_ID, "Ada")
    alert = await ada.wait_for("💬 New review")

    await open_order(alice, order_id)
    await alice.press("★★★★★ Stoneware Mug 350ml")
    assert "Your words now:\nGood mug" in shown(alice)
    assert {"✍️ Change my words", "🗑 Delete my words"} <= set(labels(alice))
    await alice.press("✍️ Change my words")
    assert "Your words now:\nGood mug" in shown(alice)
    said = await write(alice, "Even better after a month")
    assert "Your words about Stoneware Mug 350ml are on its card." in said
    await ada.wait_for("💬 Changed review of Stoneware Mug 350ml by Alice (★★★★★):")
    assert await mug_reviews(shop) == ([("Even better after a month", False)], 1)

    await open_order(alice, order_id)
    await alice.press("★★★★★ Stoneware Mug 350ml")
    await alice.press("4 ★")  # new stars: her words stay, and she may change them too
    assert "✍️ Change my words about Stoneware Mug 350ml" in labels(alice)
    assert not [label for label in labels(alice) if label.startswith("✍️ Add")]
    assert await mug_reviews(shop) == ([("Even better after a month", False)], 1)
    await alice.press("★★★★ Stoneware Mug 350ml")
    asked, delete = alice.find_button("🗑 Delete my words")
    await alice.press_button(asked, delete)
    assert "Your words about Stoneware Mug 350ml are deleted." in shown(alice)
    assert "✍️ Add a few words" in labels(alice)
    assert await mug_reviews(shop) == ([(None, False)], 0)
    await alice.press_button(asked, delete)  # the same button again (a stale copy)
    assert "This button has expired" in shown(alice)
    assert await mug_reviews(shop) == ([(None, False)], 0)  # counted once
    answer = await ada.press("🙈 Hide", message=alert)  # too late: nothing to hide
    assert answer.text == "She has taken those words away: nothing to hide."
    assert await mug_reviews(shop) == ([(None, False)], 0)
    async with shop.store.uow() as uow:
        stars = await uow.session.scalar(select(ProductRating.stars))
    assert stars == 4


async def test_only_a_shopper_whose_paid_order_holds_it_may_write(shop: ShopHarness) -> None:
    alice = shop.user(1001, "Alice")
    async with shop.store.uow() as uow:
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None
    await open_invoice(alice, MUG)  # not paid
    waiting = await past_order(shop, 1001, {MUG: 1}, status="awaiting_payment")
    refunded = await past_order(shop, 1001, {MUG: 1}, status="refunded")
    bobs = await past_order(shop, 1002, {MUG: 1})
    unrated = await past_order(shop, 1001, {MUG: 1})
    await open_order(alice, unrated)
    message = alice.last_message
    assert message is not None and "✍️ Add a few words" not in labels(alice)  # stars first
    for order_id in (waiting, refunded, unrated):
        await alice.press_data(message, f"1:rw:{order_id}:{mug.id}:0")
        assert f"Only what a paid order of yours holds can be rated (order #{order_id})." in (
            shown(alice)
        )
    answer = await alice.press_data(message, f"1:rw:{bobs}:{mug.id}:0")
    assert answer.text == "That order is not in your history."

    order_id = await rated(shop, alice)  # she may; then it is refunded while she types
    await alice.press("✍️ Add a few words")
    async with shop.store.uow() as uow:
        order = await uow.orders.get(order_id, full=False)
        assert order is not None
        order.status = "refunded"
    said = await write(alice, "Lovely mug")
    assert f"Only what a paid order of yours holds can be rated (order #{order_id})." in said
    assert await mug_reviews(shop) == ([(None, False)], 0)


async def reviewed_by(shop: ShopHarness, count: int) -> None:
    """`count` shoppers bought the mug, rated it and wrote about it, one after another:
    "Review 1" by Shopper 1 (1 star) first ... the last newest."""
    for n in range(1, count + 1):
        telegram_id = 2000 + n
        order_id = await past_order(shop, telegram_id, {MUG: 1})
        async with shop.store.uow() as uow:
            customer = await uow.customers.get_or_create(telegram_id)
            customer.first_name = f"Shopper {n}"
            mug = await uow.products.get_by_sku(MUG)
            assert mug is not None
            await ratings.rate(uow, customer.id, order_id, mug.id, (n - 1) % 5 + 1)
            mine = await reviews.reviewable(uow, customer.id, order_id, mug.id)
            await reviews.write(uow, customer.id, mine, f"Review {n} <i>honest</i>")


async def test_the_card_counts_the_reviews_and_pages_them_newest_first(
    shop: ShopHarness,
) -> None:
    await reviewed_by(shop, 7)
    olga = shop.user(1001, "Olga")
    await olga.send(f"/start product_{MUG}")
    card = await olga.wait_for("💬 Reviews (7)")
    assert card.photo  # a photo card: the reviews replace it, and Back brings it again
    await olga.press("💬 Reviews (7)")
    page = await olga.wait_for("💬 Reviews of Stoneware Mug 350ml")
    today = translator("en").date(utcnow(), UTC)
    text = page.text or ""
    assert "Page 1 of 2" in text
    assert f"★★ Shopper 7 · {today}\nReview 7 <i>honest</i>" in text  # her words, as written
    assert [n for n in range(1, 8) if f"Shopper {n} ·" in text] == [3, 4, 5, 6, 7]
    assert text.index("Shopper 7") < text.index("Shopper 3")  # newest first
    assert [b.label for b in page.all_buttons] == ["Older ▶", "⬅ Back to Stoneware Mug 350ml"]

    await olga.press("Older ▶")
    edited = await olga.wait_for_call("editMessageText")
    assert edited.params["link_preview_options"] == {"is_disabled": True}  # a link in words
    text = shown(olga)
    assert "Page 2 of 2" in text
    assert [n for n in range(1, 8) if f"Shopper {n} ·" in text] == [1, 2]
    assert labels(olga) == ["◀ Newer", "⬅ Back to Stoneware Mug 350ml"]
    await olga.press("◀ Newer")
    assert "Shopper 7 ·" in shown(olga)
    await olga.press("⬅ Back to Stoneware Mug 350ml")
    card = await olga.wait_for("💬 Reviews (7)", include_existing=True)
    assert card.photo and "★ 2.6 (7 ratings)" in (card.text or "")


def names_on(shopper: FakeUser) -> list[int]:
    """The shoppers whose reviews the page shown lists, in its order (Shopper n: n)."""
    return [int(n) for n in re.findall(r"Shopper (\d+) ·", shown(shopper))]


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement run on a SQLite connection of the shop (its event loop's own too,
    which passes SQLAlchemy's events by) is recorded; asked for before `shop`, so set up
    before the shop's connections are opened."""
    from bot.store import db

    ran: list[str] = []
    register = db.register_sqlite_functions

    def register_and_trace(connection: Any) -> None:
        register(connection)
        driver = getattr(connection, "driver_connection", None)  # aiosqlite's, or sqlite3's
        raw: sqlite3.Connection = driver._conn if driver is not None else connection
        raw.set_trace_callback(ran.append)

    monkeypatch.setattr(db, "register_sqlite_functions", register_and_trace)
    return ran


async def test_deep_pages_come_from_where_the_last_one_ended_each_review_once(
    statements: list[str], shop: ShopHarness
) -> None:
    """Sixteen reviews, eight of them written at the very same moment across three pages:
    ▶ Older four times lists each once, newest first, "Page n of 4" as before, with no
    OFFSET read (a deep page starts at the last review shown); ◀ Newer walks back to the
    same pages, and ⬅ Back still brings the card."""
    await reviewed_by(shop, 16)
    async with shop.store.uow() as uow:
        moment = utcnow()
        await uow.session.execute(
            update(ProductRating)
            .where(
                ProductRating.review.like("Review 4 %") | ProductRating.review.like("Review 1_ %")
            )
            .values(reviewed_at=moment)
        )  # Shoppers 4 and 10-16 wrote at one moment: only their ids order them
    # Newest first; at one moment, the later shopper (the larger id) first.
    expected = [*range(16, 9, -1), 4, 9, 8, 7, 6, 5, 3, 2, 1]
    ran = statements  # SQLite's; PostgreSQL's come through SQLAlchemy's events

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        ran.append(statement)

    olga = shop.user(1001, "Olga")
    await olga.send(f"/start product_{MUG}")
    await olga.wait_for("💬 Reviews (16)")
    ran.clear()
    event.listen(shop.store.engine.sync_engine, "before_cursor_execute", seen)
    try:
        await olga.press("💬 Reviews (16)")
        await olga.wait_for("💬 Reviews of Stoneware Mug 350ml")
        pages = [names_on(olga)]
        assert "Page 1 of 4" in shown(olga)
        for number in (2, 3, 4):
            await olga.press("Older ▶")
            assert f"Page {number} of 4" in shown(olga)
            pages.append(names_on(olga))
    finally:
        event.remove(shop.store.engine.sync_engine, "before_cursor_execute", seen)
    assert [n for page in pages for n in page] == expected
    assert [len(page) for page in pages] == [5, 5, 5, 1]
    assert labels(olga) == ["◀ Newer", "⬅ Back to Stoneware Mug 350ml"]
    reads = [sql for sql in ran if "FROM product_ratings" in sql and "ORDER BY" in sql]
    skipping = [sql for sql in reads if re.search(r"OFFSET (?!0\b)", sql)]  # SQLite: OFFSET 0
    assert len(reads) >= 4 and not skipping

    for number in (3, 2, 1):
        await olga.press("◀ Newer")
        assert f"Page {number} of 4" in shown(olga)
        assert names_on(olga) == pages[number - 1]
    assert labels(olga) == ["Older ▶", "⬅ Back to Stoneware Mug 350ml"]
    await olga.press("⬅ Back to Stoneware Mug 350ml")
    await olga.wait_for("💬 Reviews (16)", include_existing=True)


async def test_a_page_whose_review_is_gone_or_forged_gives_the_newest_saying_so(
    shop: ShopHarness,
) -> None:
    """◀ Newer on page 2 starts from its first review: taken away meanwhile, the newest page
    comes, saying the reviews changed; a button naming no review of the mug, or an old one
    without any, does the same, and one of the wrong shape has expired."""
    await reviewed_by(shop, 7)
    olga = shop.user(1001, "Olga")
    await olga.send(f"/start product_{MUG}")
    await olga.wait_for("💬 Reviews (7)")
    await olga.press("💬 Reviews (7)")
    await olga.wait_for("💬 Reviews of Stoneware Mug 350ml")
    await olga.press("Older ▶")
    assert names_on(olga) == [2, 1]
    async with shop.store.uow() as uow:
        second = await uow.customers.get_by_telegram_id(2002)
        mug = await uow.products.get_by_sku(MUG)
        assert second is not None and mug is not None
        await reviews.hide(uow, second.id, mug.id, True)  # an admin hid Shopper 2's words

    answer = await olga.press("◀ Newer")
    changed = "Those reviews have changed since: here are the newest."
    assert answer.text == changed
    assert shown(olga).startswith(changed)
    assert names_on(olga) == [7, 6, 5, 4, 3] and "Page 1 of 2" in shown(olga)

    message = olga.last_message
    assert message is not None
    for forged in (
        f"1:rvs:{mug.id}:1:0:{(2**31 - 1) * 2 + 1}",  # after a review nobody wrote
        f"1:rvs:{mug.id}:1:0:{second.id * 2}",  # before the hidden one
        f"1:rvs:{mug.id}:1:0:{10**12 - 1}",  # after an id no row can have
        f"1:rvs:{mug.id}:3",  # a page number alone (a button from before keyset pages)
    ):
        answer = await olga.press_data(message, forged)
        assert answer.text == changed, forged
        assert names_on(olga) == [7, 6, 5, 4, 3]
    async with shop.store.uow() as uow:
        first = await uow.customers.get_by_telegram_id(2001)
        assert first is not None
        await reviews.hide(uow, first.id, mug.id, True)  # nothing is older than Shopper 3 now
    assert (await olga.press("Older ▶")).text == changed
    assert names_on(olga) == [7, 6, 5, 4, 3] and labels(olga)[0].startswith("⬅")
    for malformed in (f"1:rvs:{mug.id}:1:0:{10**12}", f"1:rvs:{mug.id}:1:0:x"):
        answer = await olga.press_data(message, malformed)
        assert answer.text is not None and "expired" in answer.text, malformed


async def test_a_product_without_reviews_has_no_button_and_a_card_is_one_select(
    shop: ShopHarness,
) -> None:
    olga = shop.user(1001, "Olga")
    await olga.send(f"/start product_{MUG}")
    await olga.wait_for("Add to cart")
    assert not [label for label in labels(olga) if label.startswith("💬")]

    await reviewed_by(shop, 1)
    ran: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        ran.append(statement)

    async with shop.store.reading() as uow:
        mug = await uow.products.get_by_sku(MUG)
        assert mug is not None
        event.listen(shop.store.engine.sync_engine, "before_cursor_execute", seen)
        try:
            card = await catalog.product_card(uow, mug.id)
        finally:
            event.remove(shop.store.engine.sync_engine, "before_cursor_execute", seen)
    assert card.review_count == 1
    assert len([sql for sql in ran if sql.lstrip().upper().startswith("SELECT")]) == 1


async def test_an_admin_hides_a_review_from_the_card_and_shows_it_again(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    ada = await reviewed(shop, alice, "Buy it from elsewhere: spam.example")
    alert = await ada.wait_for("💬 New review of Stoneware Mug 350ml by Alice")
    _, hide = ada.find_button("🙈 Hide", alert)

    answer = await ada.press_button(alert, hide)
    assert answer.text == "🙈 Hidden: the card no longer lists it (her stars still count)."
    assert alert.text is not None and alert.text.endswith(
        "Buy it from elsewhere: spam.example\n\n"
        "🙈 Hidden: the card no longer lists it (her stars still count)."
    )
    assert [b.label for b in alert.all_buttons] == ["👁 Show"]
    assert await mug_reviews(shop) == ([("Buy it from elsewhere: spam.example", True)], 0)
    await alice.send(f"/start product_{MUG}")
    card = await alice.wait_for("★ 5.0 (1 rating)")  # her stars still count
    assert not [b for b in card.all_buttons if b.label.startswith("💬")]
    await reviewed_by(shop, 1)  # another shopper's words: the card lists them, not hers
    await alice.send(f"/start product_{MUG}")
    await alice.wait_for("💬 Reviews (1)")
    await alice.press("💬 Reviews (1)")
    listed = await alice.wait_for("💬 Reviews of Stoneware Mug 350ml")
    assert "Shopper 1" in (listed.text or "") and "spam" not in (listed.text or "")

    answer = await ada.press_button(alert, hide)  # the same press again: counted once
    assert answer.text == "That review is hidden already."
    assert (await mug_reviews(shop))[1] == 1

    await ada.press("👁 Show", message=alert)
    assert (await mug_reviews(shop))[1] == 2
    await alice.send(f"/start product_{MUG}")
    await alice.wait_for("💬 Reviews (2)")


async def test_a_shopper_pressing_hide_is_refused_as_for_any_admin_button(
    shop: ShopHarness,
) -> None:
    alice = shop.user(1001, "Alice")
    await reviewed(shop, alice, "Lovely mug")
    message = alice.last_message
    assert message is not None
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(1001)
        mug = await uow.products.get_by_sku(MUG)
        assert customer is not None and mug is not None
    hiding = HideReview(customer.id, mug.id, 1).encode()  # the alert's very button
    answer = await alice.press_data(message, hiding)
    assert answer.text == (
        "Sorry, that is for the shop's admins only. Send /help to see what I can do for you."
    )
    assert await mug_reviews(shop) == ([("Lovely mug", False)], 1)


@pytest.mark.parametrize(
    ("language", "button", "prompt", "thanks", "reviews"),
    [
        ("ru", "✍️", "Что бы вы рассказали другим о", "Спасибо!", "💬 Отзывы (1)"),
        ("es", "✍️", "¿Qué les dirías a otros sobre", "¡Gracias!", "💬 Reseñas (1)"),
    ],
)
async def test_she_writes_and_reads_reviews_in_her_language(
    shop: ShopHarness, language: str, button: str, prompt: str, thanks: str, reviews: str
) -> None:
    shopper = shop.user(1001, "Olga", language_code=language)
    order_id = await past_order(shop, 1001, {MUG: 1})
    await open_order(shopper, order_id)
    await shopper.press("⭐")
    await shopper.press("5 ★")
    await shopper.press(button)
    assert prompt in shown(shopper)
    assert thanks in await write(shopper, "Отличная кружка, taza estupenda")
    await shopper.send(f"/start product_{MUG}")
    await shopper.wait_for(reviews)
    await shopper.press(reviews)
    assert f"★★★★★ Olga · {translator(language).date(utcnow(), UTC)}" in shown(shopper)
