"""Updates of one chat run in order; different chats run side by side."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.concurrency import PerChatUpdateProcessor, ordering_key


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Alice", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, None, chat, from_user=user, text="hi")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_chats_updates_wait_for_each_other_while_other_chats_proceed() -> None:
    processor = PerChatUpdateProcessor()
    first_started, release_first = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def slow_first() -> None:
        order.append("alice-1 start")
        first_started.set()
        await release_first.wait()
        order.append("alice-1 end")

    async def record(name: str) -> None:
        order.append(name)

    alice_1 = asyncio.create_task(processor.process_update(_update(1, 10), slow_first()))
    await first_started.wait()
    alice_2 = asyncio.create_task(processor.process_update(_update(2, 10), record("alice-2")))
    await processor.process_update(_update(3, 20), record("bob-1"))  # not blocked by alice
    assert order == ["alice-1 start", "bob-1"]
    release_first.set()
    await asyncio.gather(alice_1, alice_2)
    assert order == ["alice-1 start", "bob-1", "alice-1 end", "alice-2"]
    assert processor._locks == {}  # no lock kept once a chat is idle


def test_updates_without_chat_or_user_are_not_ordered() -> None:
    assert ordering_key(object()) is None
    assert ordering_key(_update(1, 42)) == 42
