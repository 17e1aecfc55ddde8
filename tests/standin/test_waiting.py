"""Waiting without waste: a shopper waiting for a reply wakes only when their own chat changes."""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.standin import BotApiStandIn


async def test_a_waiting_shopper_sleeps_through_other_chats(
    standin: BotApiStandIn, bot: Bot
) -> None:
    alice, bob = standin.user(5001), standin.user(5002)
    wake_ups = 0
    woken = asyncio.Event()

    async def watch_alices_chat() -> None:
        nonlocal wake_ups
        while True:
            await alice.chat.changed.wait()
            wake_ups += 1
            woken.set()

    watcher = asyncio.create_task(watch_alices_chat())
    try:
        for n in range(5):
            await bot.send_message(bob.user_id, f"news for Bob {n}")
        await bot.send_message(alice.user_id, "your receipt")
        await asyncio.wait_for(woken.wait(), 5)
        assert wake_ups == 1
    finally:
        watcher.cancel()


async def test_a_message_looked_at_is_looked_at_again_once_edited(
    standin: BotApiStandIn, bot: Bot
) -> None:
    alice = standin.user(5003)
    looked_at: list[str | None] = []

    def done(message: object) -> bool:
        text = getattr(message, "text", None)
        looked_at.append(text)
        return text == "Done"

    waiting = asyncio.create_task(alice.wait_for(done, timeout=5))
    working = await bot.send_message(alice.user_id, "Working…")
    await standin.wait_until(lambda: looked_at or None, 5)
    await bot.send_message(alice.user_id, "Almost there")
    await standin.wait_until(lambda: len(looked_at) == 2 or None, 5)
    await bot.edit_message_text("Done", chat_id=alice.user_id, message_id=working.message_id)
    found = await waiting
    assert found.message_id == working.message_id and found.edited
    assert looked_at == ["Working…", "Almost there", "Done"]  # each change looked at once


async def test_wait_until_still_takes_any_predicate(standin: BotApiStandIn, bot: Bot) -> None:
    alice = standin.user(5004)
    calls = asyncio.create_task(standin.wait_until(lambda: len(standin.calls) >= 3 or None, 5))
    for n in range(3):
        await bot.send_message(alice.user_id, f"message {n}")
    assert await calls
