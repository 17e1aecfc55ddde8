"""Visits read without locks and write at the end, all or none; a clash means doing it again."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import bindparam, event, insert, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.util import await_only

from bot.config import Settings
from bot.conversation import journey
from bot.conversation.journey import Shopper
from bot.conversation.screens import CartScreen, ListScreen, ProductScreen
from bot.shop import Shop
from bot.store import postgres_driver
from bot.store.models import ChatState, Customer, Order, OrderLine, Product, utcnow
from bot.store.prepared import prepared
from bot.store.repositories.customers import changes_for
from bot.store.uow import Store, Write
from tests.conftest import add_product

ALICE = Shopper(chat_id=1001, user_id=1001, first_name="Alice")
# Built once, as the writes a shopper's visits make are: on PostgreSQL such writes go as one
# statement (bot.store.postgres_driver.apply_as_one).
SET_PRICE = prepared(
    update(Product)
    .where(Product.id == bindparam("product"))
    .values(price=bindparam("price"), updated_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)
RENAME = prepared(
    update(Customer)
    .where(Customer.id == bindparam("customer"))
    .values(first_name=bindparam("name"))
    .execution_options(synchronize_session=False)
)


@pytest.fixture
def shop(store: Store) -> Shop:
    return Shop(settings=Settings(bot_token="123456:TEST-TOKEN"), store=store)


async def quantity_in_cart(store: Store, product_id: int) -> int:
    async with store.reading() as uow:
        return (await uow.carts.counts(1, product_id))[0]


async def test_writes_are_applied_all_or_none(store: Store) -> None:
    mug = await add_product(store, "MUG", stock=5)
    raise_price = update(Product).where(Product.id == mug).values(price=2000)
    no_such_product = update(Product).where(Product.id == -1).values(price=1)
    assert not await store.apply(
        [Write(raise_price), Write(no_such_product)], chat_id=ALICE.chat_id
    )
    async with store.reading() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.price == 1600  # the first write was undone
    assert await store.apply([Write(raise_price)], chat_id=ALICE.chat_id)
    async with store.reading() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.price == 2000


async def test_a_write_that_fails_undoes_the_others_and_leaves_no_transaction_open(
    store: Store,
) -> None:
    mug = await add_product(store, "MUG", stock=5)
    raise_price = update(Product).where(Product.id == mug).values(price=2000)
    same_sku = insert(Product).values(sku="MUG", title="Mug again", price=1, currency="EUR")
    with pytest.raises(IntegrityError):
        await store.apply([Write(raise_price), Write(same_sku, rows=None)], chat_id=1001)
    async with store.reading() as uow:
        product = await uow.products.get(mug)
        assert product is not None and product.price == 1600  # the first write was undone
    if store.engine.dialect.name == "postgresql":  # no connection went back mid-transaction
        async with store.engine.connect() as connection:
            stuck = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state LIKE 'idle in transaction%'"
                )
            )
        assert stuck == 0
    assert await store.apply([Write(raise_price)], chat_id=1001)


async def _chat_moved_to_cart(store: Store) -> list[Write]:
    """Chat 1001, at version 1, and the write a visit defers to move it on (version 2)."""
    async with store.uow() as uow:
        await uow.chat_states.save(1001, "menu", {}, version=None)
    async with store.reading(deferring=True) as uow:
        await uow.chat_states.save(1001, "cart", {}, version=1)
    return list(uow.deferred)


async def _price_and_name(store: Store, product_id: int, customer_id: int) -> tuple[int, str]:
    async with store.reading() as uow:
        product = await uow.products.get(product_id)
        customer = await uow.session.get(Customer, customer_id)
        assert product is not None and customer is not None
        return product.price, customer.first_name


async def test_a_visits_writes_go_as_one_statement_all_or_none(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL no transaction is begun for them: one statement, one trip.
    def no_transaction(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a transaction for writes that go as one statement")

    monkeypatch.setattr(postgres_driver, "transaction", no_transaction)
    mug = await add_product(store, "MUG", stock=5)
    async with store.uow() as uow:
        alice = await uow.customers.get_or_create(1001, first_name="Alice")
    move = await _chat_moved_to_cart(store)
    price = Write(SET_PRICE, params={"product": mug, "price": 2000, "now": utcnow()})
    nobody = Write(RENAME, params={"customer": -1, "name": "Bob"})
    assert not await store.apply([*move, price, nobody], chat_id=1001)
    assert await _price_and_name(store, mug, alice.id) == (1600, "Alice")  # all undone
    async with store.reading() as uow:
        chat = await uow.chat_states.get(1001)
        assert chat is not None and (chat.state, chat.version) == ("menu", 1)
    rename = Write(RENAME, params={"customer": alice.id, "name": "Alicia"})
    assert await store.apply([*move, price, rename], chat_id=1001)
    assert await _price_and_name(store, mug, alice.id) == (2000, "Alicia")
    async with store.reading() as uow:
        chat = await uow.chat_states.get(1001)
        assert chat is not None and (chat.state, chat.version) == ("cart", 2)


@pytest.fixture
async def holder(store: Store) -> AsyncIterator[asyncpg.Connection]:
    """Another PostgreSQL session, in a transaction holding chat 1001 (a visit changing it)."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no chat lock to hold")
    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("BEGIN")
        await connection.execute("SELECT pg_advisory_xact_lock(1001)")
        yield connection
    finally:
        await connection.close()


async def _raising_a_price_for_the_chat(
    store: Store, holder: asyncpg.Connection
) -> tuple[int, Write, Any]:
    """A mug at 16.00, a write for chat 1001 raising it to 20.00, and its apply, started and
    seen waiting for the holder's lock."""
    mug = await add_product(store, "MUG", stock=5)
    write = Write(update(Product).where(Product.id == mug).values(price=2000))
    return mug, write, await _waiting_for_the_chat(store, holder, [write])


async def _waiting_for_the_chat(
    store: Store, holder: asyncpg.Connection, writes: list[Write]
) -> asyncio.Task[bool]:
    """`writes` applied for chat 1001, started and seen waiting for the holder's lock."""
    applying = asyncio.create_task(store.apply(writes, chat_id=1001))
    waiting = (  # in this database: other runs' and workers' locks are none of its business
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    while await holder.fetchval(waiting) == 0:
        assert not applying.done()
    return applying


async def _price(holder: asyncpg.Connection, product_id: int) -> int:
    return int(await holder.fetchval("SELECT price FROM products WHERE id = $1", product_id))


async def test_a_write_for_a_chat_waits_while_another_holds_the_chat(
    store: Store, holder: asyncpg.Connection
) -> None:
    mug, _, applying = await _raising_a_price_for_the_chat(store, holder)
    assert await _price(holder, mug) == 1600
    await holder.execute("COMMIT")
    assert await applying
    assert await _price(holder, mug) == 2000


async def test_a_write_cancelled_while_it_waits_for_the_chat_leaves_nothing_behind(
    store: Store, holder: asyncpg.Connection
) -> None:
    mug, raise_price, applying = await _raising_a_price_for_the_chat(store, holder)
    applying.cancel()  # a worker stopping, say
    with pytest.raises(asyncio.CancelledError):
        await applying
    await holder.execute("COMMIT")
    stuck = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND state LIKE 'idle in transaction%'"
    )
    assert await holder.fetchval(stuck) == 0
    assert await _price(holder, mug) == 1600
    assert await store.apply([raise_price], chat_id=1001)  # the pool still serves
    assert await _price(holder, mug) == 2000


async def test_writes_as_one_wait_for_the_chat_and_fail_if_its_holder_moved_it(
    store: Store, holder: asyncpg.Connection
) -> None:
    # The holder (a visit changing the chat, its lock held) moves the chat while a visit's
    # writes, computed from the chat as it was, wait for the lock: they are refused, all of
    # them, and the visit is done again; the holder's change stands.
    mug, price, applying = await _moving_the_chat_and_a_price(store, holder)
    await holder.execute("UPDATE chat_states SET state = 'checkout', version = 2")
    await holder.execute("COMMIT")
    assert not await applying
    assert await _price(holder, mug) == 1600
    assert await holder.fetchval("SELECT state FROM chat_states") == "checkout"
    move_on = await _chat_moved_from(store, version=2)
    assert await store.apply([*move_on, price], chat_id=1001)  # done again, on what is now
    assert await _price(holder, mug) == 2000


async def test_writes_as_one_cancelled_while_they_wait_for_the_chat_are_all_or_none(
    store: Store, holder: asyncpg.Connection
) -> None:
    # Sent as one statement, they are done whole or not at all, as a COMMIT whose answer
    # never came: the update's applied mark goes with them, so handling it again (the
    # inbox's redelivery) sees that. No connection is left waiting or in a transaction.
    mug, price, applying = await _moving_the_chat_and_a_price(store, holder)
    applying.cancel()  # a worker stopping, say
    with pytest.raises(asyncio.CancelledError):
        await applying
    await holder.execute("COMMIT")
    busy = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND (state = 'active' OR state LIKE 'idle in transaction%')"
    )
    while await holder.fetchval(busy):  # the statement, if the server had it, ends
        pass
    version = await holder.fetchval("SELECT version FROM chat_states")
    assert (await _price(holder, mug), version) in {(1600, 1), (2000, 2)}
    again = await _chat_moved_from(store, version=version)
    assert await store.apply([*again, price], chat_id=1001)  # the pool still serves
    assert await _price(holder, mug) == 2000


async def _moving_the_chat_and_a_price(
    store: Store, holder: asyncpg.Connection
) -> tuple[int, Write, asyncio.Task[bool]]:
    """A mug at 16.00; a visit's writes moving chat 1001 on and raising the mug to 20.00
    (they go as one statement), started and seen waiting for the holder's lock."""
    mug = await add_product(store, "MUG", stock=5)
    move = await _chat_moved_to_cart(store)
    price = Write(SET_PRICE, params={"product": mug, "price": 2000, "now": utcnow()})
    return mug, price, await _waiting_for_the_chat(store, holder, [*move, price])


async def _chat_moved_from(store: Store, *, version: int) -> list[Write]:
    async with store.reading(deferring=True) as uow:
        await uow.chat_states.save(1001, "cart", {}, version=version)
    return list(uow.deferred)


async def test_a_shopper_who_only_looks_writes_nothing(shop: Shop) -> None:
    mug = await add_product(shop.store, "MUG")
    await journey.view(shop, ALICE, mug, 1)  # the first visit records the customer and chat
    async with shop.store.reading() as uow:
        before = await uow.chat_states.get(ALICE.chat_id)
    screen = await journey.view(shop, ALICE, mug, 1)  # the same screen again
    async with shop.store.reading() as uow:
        after = await uow.chat_states.get(ALICE.chat_id)
    assert isinstance(screen, ProductScreen) and screen.card.id == mug
    assert before is not None and after is not None and after.version == before.version


async def test_an_add_that_clashes_with_another_change_is_done_again_and_counts_both(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shopper's second device adds a mug between this visit's reading and its writing:
    the compare-and-set refuses the stale write, and the visit runs again on fresh data."""
    mug = await add_product(shop.store, "MUG", stock=10)
    await journey.add(shop, ALICE, mug, 1)
    apply = shop.store.apply
    clashes: list[bool] = []

    async def apply_after_another_device(writes: Any, *, chat_id: int) -> bool:
        if not clashes:
            async with shop.store.uow() as uow:
                assert await uow.carts.set_line(1, mug, 1, 3)  # the other device: 1 -> 3
        applied = await apply(writes, chat_id=chat_id)
        clashes.append(applied)
        return applied

    monkeypatch.setattr(shop.store, "apply", apply_after_another_device)
    screen = await journey.add(shop, ALICE, mug, 1)
    assert clashes == [False]  # refused once, then done in one writing transaction
    assert isinstance(screen, ProductScreen) and screen.in_cart == 4
    assert await quantity_in_cart(shop.store, mug) == 4


async def test_a_chat_moved_by_someone_else_meanwhile_is_not_overwritten(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    mug = await add_product(shop.store, "MUG")
    await journey.view(shop, ALICE, mug, 1)
    apply = shop.store.apply

    async def apply_after_a_payment_job(writes: Any, *, chat_id: int) -> bool:
        async with shop.store.uow() as uow:  # e.g. a job marks the chat paid meanwhile
            await uow.session.execute(
                update(ChatState)
                .where(ChatState.chat_id == chat_id)
                .values(data={"shopper": {}, "admin": {"step": "x"}}, version=ChatState.version + 1)
            )
        monkeypatch.setattr(shop.store, "apply", apply)
        return await apply(writes, chat_id=chat_id)

    monkeypatch.setattr(shop.store, "apply", apply_after_a_payment_job)
    screen = await journey.show_cart(shop, ALICE)
    assert isinstance(screen, CartScreen)
    async with shop.store.reading() as uow:
        chat = await uow.chat_states.get(ALICE.chat_id)
    assert chat is not None and chat.state == "cart"
    assert chat.data["admin"] == {"step": "x"}  # the other writer's key survived


def awaited_by(task: asyncio.Task[Any]) -> list[str]:
    """The coroutines a task is suspended in, outermost first."""
    names, awaited = [], task.get_coro()
    while awaited is not None and hasattr(awaited, "cr_code"):
        names.append(awaited.cr_code.co_name)
        awaited = awaited.cr_await
    return names


async def test_searches_take_turns_and_other_shoppers_do_not_wait_for_them(shop: Shop) -> None:
    """While a search runs, the next search waits for its turn, holding no database
    connection; a shopper who is not searching is served at once."""
    await add_product(shop.store, "MUG", title="Stoneware Mug")
    bob = Shopper(chat_id=1002, user_id=1002, first_name="Bob")
    async with shop.searching:  # a search is running
        waiting = asyncio.create_task(journey.search(shop, bob, "mug"))
        helped = await journey.help_screen(shop, ALICE)  # not a search: no wait
        assert helped is not None
        assert "acquire" in awaited_by(waiting)  # still waiting for its turn
    found = await waiting
    assert isinstance(found, ListScreen) and found.page.total == 1


async def test_a_visit_takes_in_what_telegram_says_about_the_shopper_now(shop: Shop) -> None:
    """Alice renamed herself, had blocked the bot and was last seen two hours ago: her next
    visit stores the new name, unblocks her and moves her last visit; the one after writes
    nothing about her."""
    mug = await add_product(shop.store, "MUG")
    await journey.view(shop, ALICE, mug, 1)  # first contact: Alice is created
    async with shop.store.uow() as uow:
        await uow.session.execute(
            update(Customer)
            .where(Customer.telegram_id == ALICE.user_id)
            .values(blocked_bot=True, last_seen_at=utcnow() - timedelta(hours=2))
        )
    renamed = dataclasses.replace(ALICE, first_name="Alicia", username="alicia")

    await journey.view(shop, renamed, mug, 1)

    async with shop.store.reading() as uow:
        alice = await uow.customers.get_by_telegram_id(ALICE.user_id)
    assert alice is not None
    assert (alice.first_name, alice.username, alice.blocked_bot) == ("Alicia", "alicia", False)
    assert utcnow() - alice.last_seen_at < timedelta(minutes=1)
    async with shop.store.reading(deferring=True) as uow:
        known, _ = await uow.customers.with_chat(ALICE.user_id, ALICE.chat_id)
        assert known is not None
        assert not changes_for(known, first_name="Alicia", username="alicia")


@pytest.mark.parametrize(
    "migrated_database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_buy_again_meeting_a_change_from_her_storefront_puts_the_whole_order_back(
    shop: Shop,
) -> None:
    """Alice ordered 2 mugs and 2 teas; her cart holds 1 tea. She presses 🔁 Buy again while
    her storefront takes the tea out: the change lands after Buy again read the tea's line
    and before it wrote it (the mugs already written). Buy again reads the cart again and
    puts the whole order back, never the mugs alone."""
    mug = await add_product(shop.store, "MUG", stock=10)
    tea = await add_product(shop.store, "TEA", stock=10)
    await journey.add(shop, ALICE, tea, 1)
    async with shop.store.uow() as uow:
        customer = await uow.customers.get_by_telegram_id(ALICE.user_id)
        assert customer is not None
        order = Order(customer_id=customer.id, status="delivered", currency="USD", total=6400)
        order.lines = [
            OrderLine(product_id=p, sku=sku, title=sku, unit_price=1600, currency="USD", quantity=2)
            for p, sku in ((mug, "MUG"), (tea, "TEA"))
        ]
        order_id = (await uow.orders.add(order)).id
    url = shop.store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    storefront = await asyncpg.connect(url)
    clashed: list[str] = []

    def storefront_takes_the_tea_out(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not clashed and statement.lstrip().upper().startswith("UPDATE CART_LINES"):
            clashed.append(statement)  # Buy again is about to write the tea's line: 1 -> 2
            await_only(storefront.execute("DELETE FROM cart_lines WHERE product_id = $1", tea))

    event.listen(
        shop.store.engine.sync_engine, "before_cursor_execute", storefront_takes_the_tea_out
    )
    try:
        screen = await journey.buy_again(shop, ALICE, order_id)
    finally:
        event.remove(
            shop.store.engine.sync_engine, "before_cursor_execute", storefront_takes_the_tea_out
        )
        await storefront.close()

    assert clashed
    in_cart = [await quantity_in_cart(shop.store, product) for product in (mug, tea)]
    assert in_cart == [2, 2]  # not [2, 0]: the mugs without the teas
    assert isinstance(screen, CartScreen)
    assert screen.notice == f"🔁 The items of order #{order_id} are in your cart."
