"""The engine keeps each chat's state in the database (both backends), not in the process."""

from __future__ import annotations

from typing import Any

import pytest

from bot import conversation
from bot.conversation.engine import fire, load, save
from bot.store.uow import Store


async def fire_in_chat(store: Store, chat_id: int, name: str, **facts: Any) -> bool:
    """What another feature does: load the chat, fire, save it if it moved."""
    async with store.uow() as uow:
        chat = await load(uow, chat_id)
        moved = await fire(chat, name, **facts)
        if moved:
            assert await save(uow, chat)
    return moved


async def test_fire_persists_the_state_and_keeps_other_features_data(store: Store) -> None:
    async with store.uow() as uow:
        await uow.chat_states.save(7, "checkout", {"admin": {"step": "price"}}, version=None)
    assert await fire_in_chat(store, 7, "pay", cart_lines=1) is True
    assert await conversation.state_of(store, 7) == "awaiting_payment"
    assert await fire_in_chat(store, 7, "paid") is True
    async with store.uow() as uow:
        row = await uow.chat_states.get(7)
        assert row is not None
        assert (row.state, row.data["admin"]) == ("paid", {"step": "price"})


async def test_a_refused_move_changes_nothing(store: Store) -> None:
    assert await fire_in_chat(store, 8, "payment_cancelled") is False
    assert await conversation.state_of(store, 8) == "idle"
    with pytest.raises(ValueError):
        await fire_in_chat(store, 8, "nonsense")


async def test_a_new_process_sees_the_same_chat(store: Store, migrated_database_url: str) -> None:
    async with store.uow() as uow:
        chat = await load(uow, 9)
        await fire(chat, "browse", listing={"kind": "c", "id": 2, "page": 1})
        await save(uow, chat)
    other_worker = Store.from_url(migrated_database_url)
    try:
        async with other_worker.uow() as uow:
            again = await load(uow, 9)
    finally:
        await other_worker.close()
    assert again.state == "browsing"
    assert again.memory["listing"] == {"kind": "c", "id": 2, "page": 1}


async def test_an_unknown_saved_state_starts_over_at_idle(store: Store) -> None:
    async with store.uow() as uow:
        await uow.chat_states.save(10, "teleporting", {}, version=None)
    assert await conversation.state_of(store, 10) == "idle"
