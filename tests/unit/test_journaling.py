"""The getUpdates connection stores what it reads in the inbox, and the answer it read is
handed on as read: parsed once, and never mistaken for another answer."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.inbox import Inbox, JournalingRequest
from bot.metrics import Metrics
from bot.store.uow import Store
from bot.transport import AiohttpRequest

CHAT = {"id": 7, "type": "private"}
UPDATES = {
    "ok": True,
    "result": [{"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": CHAT}}],
}
SENT = {"ok": True, "result": {"message_id": 3}}


async def test_the_answer_stored_in_the_inbox_is_parsed_once_and_only_for_itself(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = Inbox(sqlite_store, Metrics(), lease=timedelta(minutes=1), keep=timedelta(hours=1))
    request = JournalingRequest(inbox)
    answers = {"getUpdates": json.dumps(UPDATES).encode(), "sendMessage": json.dumps(SENT).encode()}

    async def from_telegram(self: Any, url: str, method: str, *a: Any, **k: Any) -> Any:
        return 200, answers[url.rsplit("/", 1)[1]]

    monkeypatch.setattr(AiohttpRequest, "do_request", from_telegram)
    parsed = json.loads
    parses: list[bytes] = []
    monkeypatch.setattr(json, "loads", lambda text, **k: parses.append(text) or parsed(text, **k))

    _, polled = await request.do_request("https://api/bot1:x/getUpdates", "POST")
    assert request.parse_json_payload(polled) == UPDATES
    assert len(parses) == 1  # read once, for the inbox and for the framework
    assert inbox.taken(5) is not None  # stored before it was handed on

    _, polled_again = await request.do_request("https://api/bot1:x/getUpdates", "POST")
    _, sent = await request.do_request("https://api/bot1:x/sendMessage", "POST")
    assert request.parse_json_payload(sent) == SENT  # not the updates just read
    assert request.parse_json_payload(polled_again) == UPDATES
