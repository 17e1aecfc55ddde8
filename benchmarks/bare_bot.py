"""The least a bot can be, for `python -m benchmarks.search`: no framework at all.

Long polling over aiohttp, and for each message one `sendMessage` echoing its text, each
answered in a task of its own so chats go side by side. No `Update` objects, no handlers, no
rate limiter, no database. What it measures is the machine and the Bot API stand-in: how
much one chat's round trip grows beside three busy chats when the bot itself costs next to
nothing. A ratio no bot can beat on the same machine and load.

Run: BOT_TOKEN=... TELEGRAM_API_BASE_URL=... python -m benchmarks.bare_bot
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import aiohttp

POLL_TIMEOUT = 10  # seconds getUpdates may wait for an update


async def answer(session: aiohttp.ClientSession, base: str, update: dict[str, Any]) -> None:
    message = update.get("message")
    if message is None:
        return
    reply = {"chat_id": message["chat"]["id"], "text": message.get("text") or "?"}
    async with session.post(f"{base}/sendMessage", json=reply) as response:
        await response.read()


async def poll(base: str) -> None:
    in_flight: set[asyncio.Task[None]] = set()
    offset = 0
    async with aiohttp.ClientSession() as polling, aiohttp.ClientSession() as sending:
        while True:
            asked = {"offset": offset, "timeout": POLL_TIMEOUT}
            async with polling.post(f"{base}/getUpdates", json=asked) as response:
                updates = (await response.json()).get("result") or []
            for update in updates:
                offset = update["update_id"] + 1
                task = asyncio.create_task(answer(sending, base, update))
                in_flight.add(task)  # held until done: the loop keeps weak references only
                task.add_done_callback(in_flight.discard)


def main() -> None:
    base = os.environ["TELEGRAM_API_BASE_URL"] + os.environ["BOT_TOKEN"]
    asyncio.run(poll(base))


if __name__ == "__main__":
    main()
