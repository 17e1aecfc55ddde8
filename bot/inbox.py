"""The durable inbox: nothing Telegram sends is lost to a crash, and nothing is handled twice.

- Arrival: every update is stored (unique by `update_id`) before Telegram is told it arrived:
  in polling mode inside getUpdates (`JournalingRequest`), before the next offset confirms it;
  in webhook mode before the 200 (bot.webhook). Storing takes the update for this worker for a
  lease; a redelivered update that someone holds or finished is dropped.
- Handling: `InboxUpdateProcessor` runs each taken update's handlers (each chat's in order,
  chats side by side) and then marks it done, or failed with the error.
- Exactly once: the first change an update makes commits together with its inbox entry's
  `applied_at` (bot.store.handling). An update handled again after a crash knows its change is
  made: the handlers answer from what is stored instead of making it again (bot.handlers.replay).
- Recovery: an entry still being handled when its lease runs out was dropped by a crash; a
  job takes it again. A polling bot is the only consumer, so at start-up it takes every
  unfinished entry at once.
- Unreadable updates (`read_update`): the webhook refuses them (400); one in a getUpdates
  answer (`PollingBot`), or taken back after a crash, is marked failed: none of them is
  handled, and none holds up the updates after it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from telegram import Bot, Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ExtBot

from bot.concurrency import PerChatUpdateProcessor
from bot.metrics import Metrics
from bot.store import handling
from bot.store.models import InboxEntry, utcnow
from bot.store.repositories.inbox import FINISH, finish_params, new_entries
from bot.store.sqlite_driver import others_waiting
from bot.store.uow import Store, Write
from bot.transport import AiohttpRequest

log = logging.getLogger(__name__)

UPDATE_KINDS = frozenset(Update.ALL_TYPES)
MARK_DELAY = 0.05
"""Seconds a done mark may wait to be written with others (see `Inbox.finish`)."""
MARK_RETRY_DELAY = 1.0
"""Seconds before marks that could not be written are tried again."""
_FOREVER = timedelta(days=3650)
_INT64 = range(-(2**63), 2**63)


class UnreadableUpdate(ValueError):
    """A body that is no update the bot can store and handle."""


def read_update(body: Any, bot: Bot | None = None) -> Update:
    """The update in `body`, or UnreadableUpdate saying why not: an int update_id and a known
    kind, every number within 64 bits (Telegram's ids are; the database's integers are no
    wider) and a shape python-telegram-bot reads."""
    if not (
        isinstance(body, dict)
        and type(body.get("update_id")) is int
        and any(isinstance(body.get(kind), dict) for kind in UPDATE_KINDS)
    ):
        raise UnreadableUpdate("not a Telegram update")
    if not _within_64_bits(body):
        raise UnreadableUpdate("a number in it is wider than 64 bits")
    unstorable(body)  # the chat id stored with it (raises)
    try:
        return Update.de_json(body, bot)
    except Exception as error:  # a field missing or of the wrong type, deep inside
        raise UnreadableUpdate(f"python-telegram-bot cannot read it: {error!r}") from error


def _within_64_bits(body: Any) -> bool:
    pending = [body]
    while pending:  # not recursive: nesting is the sender's to choose
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, int) and value not in _INT64:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Taken:
    """An update this worker holds: its claim token, and whether a change of it was made."""

    claim: str
    kind: str
    applied: bool
    attempts: int


class _Held(NamedTuple):
    """What this worker needs of an inbox entry it has just stored (the common case: no
    ORM object is built for it); entries read back from the table are `InboxEntry`s."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    applied_at: datetime | None
    attempts: int


class Inbox:
    def __init__(
        self, store: Store, metrics: Metrics, *, lease: timedelta, keep: timedelta
    ) -> None:
        self.store = store
        self.metrics = metrics
        self.lease = lease
        self.keep = keep
        self._taken: dict[int, Taken] = {}
        self._dropped: set[int] = set()
        self._finished: list[tuple[int, str, str | None]] = []  # update, claim, error
        self._timer: asyncio.TimerHandle | None = None
        self._writer: asyncio.Task[None] | None = None

    async def receive(
        self, updates: Sequence[dict[str, Any]], *, polled: bool = False
    ) -> list[dict[str, Any]]:
        """Store these updates; the ones this worker is to handle (new, or abandoned by a
        crashed holder), oldest first. The others are `polled` updates PTB will queue all the
        same: they are remembered, to be dropped then (`was_dropped`); a webhook never queues
        them, so nothing is kept for them."""
        if not updates:
            return []
        claim, now = secrets.token_hex(16), utcnow()
        lease_until = now + self.lease
        by_id = {int(u["update_id"]): u for u in sorted(updates, key=lambda u: u["update_id"])}
        entries = [_entry(u, claim, now, lease_until) for u in by_id.values()]
        # Nearly always every update is new: one trip stores them all. Otherwise, take what
        # a crashed worker left and see which of them this worker now holds (the new ones
        # stored by that trip included).
        insert, params = new_entries(entries)
        every_one_new = Write(insert, rows=len(entries), params=params, kept_if_refused=True)
        held: Sequence[_Held | InboxEntry]
        if await self.store.apply([every_one_new], chat_id=None):
            held = [_Held(e["update_id"], e["kind"], e["payload"], None, 1) for e in entries]
        else:
            async with self.store.uow() as uow:
                await uow.inbox.add_new(entries)
                await uow.inbox.take_over(list(by_id), claim, now, lease_until)
                held = await uow.inbox.held_by(list(by_id), claim)
        self._hold(held, claim)
        for entry in held:
            self.metrics.received.labels(entry.kind).inc()
        dropped = set(by_id) - {entry.update_id for entry in held}
        if dropped:
            if polled:
                self._dropped |= dropped
            self.metrics.duplicates.inc(len(dropped))
            log.info(
                "redelivered update(s) %s already handled or being handled: dropped",
                ", ".join(map(str, sorted(dropped))),
            )
        return [entry.payload for entry in held]

    def skip(self, update_id: int) -> None:
        """Handle no update of this id that arrives now (one that cannot be stored)."""
        self._dropped.add(update_id)

    async def give_up(self, update_id: int, error: str) -> None:
        """Never handle this update (one that cannot be read): it is marked failed."""
        self._dropped.add(update_id)
        await self.finish(update_id, error)

    def was_dropped(self, update_id: int) -> bool:
        """Was this update dropped on arrival (someone handles or handled it, or it was
        unreadable)? Asked once."""
        if update_id in self._dropped:
            self._dropped.discard(update_id)
            return True
        return False

    async def recover(self, *, everything: bool = False, limit: int = 100) -> list[dict[str, Any]]:
        """Take updates whose holder crashed (their lease ran out; with `everything`, all
        unfinished ones: for a polling bot, which is the only consumer), oldest first."""
        now = utcnow()
        cutoff = now + _FOREVER if everything else now
        async with self.store.reading() as uow:
            abandoned = await uow.inbox.abandoned(cutoff, limit)
        if not abandoned:
            return []
        claim = secrets.token_hex(16)
        async with self.store.uow() as uow:
            await uow.inbox.take_over(abandoned, claim, cutoff, now + self.lease)
            held = await uow.inbox.held_by(abandoned, claim)
        self._hold(held, claim)
        if held:
            log.warning(
                "handling %s update(s) again after a crash: %s",
                len(held),
                ", ".join(str(entry.update_id) for entry in held),
            )
        return [entry.payload for entry in held]

    def _hold(self, entries: Sequence[_Held | InboxEntry], claim: str) -> None:
        for entry in entries:
            self._dropped.discard(entry.update_id)  # held now: taken over since it was dropped
            self._taken[entry.update_id] = Taken(
                claim, entry.kind, entry.applied_at is not None, entry.attempts
            )

    def taken(self, update_id: int) -> Taken | None:
        return self._taken.get(update_id)

    async def finish(self, update_id: int, error: str | None = None) -> None:
        """Mark the update done (or failed with `error`) once its handlers ran.

        Marks are written together, MARK_DELAY after the first of them (group commit): under
        load one write carries many, and no chat waits for its mark before its next update
        (profiled: a write per mark was a sixth of the shop's CPU per round trip at 10 chats).
        A crash within that delay leaves those updates unfinished, so they are handled again
        after the restart: a change is answered from what is stored, not made again
        (bot.handlers.replay). A clean stop writes every waiting mark (`settle`).
        """
        taken = self._taken.pop(update_id, None)
        if taken is None:
            return
        (self.metrics.failed if error else self.metrics.handled).labels(taken.kind).inc()
        self._finished.append((update_id, taken.claim, error))
        writing = self._writer is not None and not self._writer.done()
        if self._timer is None and not writing:  # a running writer takes it along anyway
            self._timer = asyncio.get_running_loop().call_later(MARK_DELAY, self._write_now)

    def _write_now(self) -> None:
        self._timer = None
        self._writer = asyncio.create_task(self._write_marks())

    async def _write_marks(self) -> None:
        while self._finished:
            batch, self._finished = self._finished, []
            try:
                await self.store.apply(_marks(batch), chat_id=None)
            except Exception:  # tried again shortly: else a restart would answer them again
                log.warning(
                    "could not mark update(s) %s done; trying again",
                    ", ".join(str(update_id) for update_id, _, _ in batch),
                    exc_info=True,
                )
                self._finished[:0] = batch
                if self._timer is None:
                    loop = asyncio.get_running_loop()
                    self._timer = loop.call_later(MARK_RETRY_DELAY, self._write_now)
                return

    async def settle(self) -> None:
        """Write every mark still waiting, now (a clean stop; a test waiting for quiet)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writer is not None:
            await self._writer
        await self._write_marks()
        if self._timer is not None:  # they failed again: the lease (or a restart) answers them
            self._timer.cancel()
            self._timer = None

    async def prune(self) -> int:
        async with self.store.uow() as uow:
            return await uow.inbox.prune(utcnow() - self.keep)


class InboxUpdateProcessor(PerChatUpdateProcessor):
    """Each chat's updates in order, chats side by side; an update from the inbox is marked
    done (or failed) once its handlers ran, and its changes are tied to it (module docstring).
    """

    def __init__(self, inbox: Inbox, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self.inbox = inbox

    def _others_in_flight(self) -> bool:
        """Another update is being handled (or waits for its chat's turn) besides this one."""
        return self.current_concurrent_updates > 1

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await super().do_process_update(update, self._handle(update, coroutine))

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if self.inbox.was_dropped(update.update_id):
            _discard(coroutine)
            return
        taken = self.inbox.taken(update.update_id)
        if taken is None:  # not from the inbox (a test feeding the queue directly)
            await coroutine
            return
        current = handling.Handling(update.update_id, applied=taken.applied, replay=taken.applied)
        token = handling.current.set(current)
        began = time.perf_counter()
        try:
            with others_waiting(self._others_in_flight):
                await coroutine
        finally:
            handling.current.reset(token)
            self.inbox.metrics.latency.labels(taken.kind).observe(time.perf_counter() - began)
            await self.inbox.finish(update.update_id, current.error)


def _marks(finished: Sequence[tuple[int, str, str | None]]) -> list[Write]:
    """One write per claim for the done ones, one per failed update (each has its error)."""
    now = utcnow()
    done: dict[str, list[int]] = {}
    writes = []
    for update_id, claim, error in finished:
        if error is None:
            done.setdefault(claim, []).append(update_id)
        else:
            params = finish_params([update_id], claim, now, error)
            writes.append(Write(FINISH, rows=None, params=params))
    for claim, update_ids in done.items():
        writes.append(Write(FINISH, rows=None, params=finish_params(update_ids, claim, now)))
    return writes


def _discard(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


class JournalingRequest(AiohttpRequest):
    """The getUpdates connection: updates go into the inbox before the Updater sees them, so
    the next offset (which tells Telegram they arrived) never passes an unstored update."""

    def __init__(self, inbox: Inbox, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inbox = inbox
        self._parsed: tuple[bytes, Any] | None = None  # the last answer, as read here
        self._answered: list[dict[str, Any]] = []  # ... and its updates

    def parse_json_payload(self, payload: bytes) -> Any:  # type: ignore[override]
        """The answer just read for the inbox is not parsed a second time."""
        parsed, self._parsed = self._parsed, None
        if parsed is not None and parsed[0] is payload:
            return parsed[1]
        return super().parse_json_payload(payload)

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if not url.endswith("/getUpdates") or code != 200:
            return code, payload
        body = json.loads(payload)
        if not body.get("ok") or not body.get("result"):
            return code, payload
        self._parsed = (payload, body)
        self._answered = body["result"]
        try:
            await self.inbox.receive(self._storable(body["result"]), polled=True)
        except Exception as error:  # not stored: Telegram must keep them, so no offset moves
            raise NetworkError(f"the inbox could not store updates: {error!r}") from error
        return code, payload  # all of them: the offset moves past duplicates too

    def _storable(self, updates: list[Any]) -> list[dict[str, Any]]:
        """The updates the inbox can store. One it cannot (see `unstorable`: Telegram sends
        none such) is logged and skipped, never handled: were the batch refused for it, no
        offset would ever move past it."""
        storable = []
        for update in updates:
            try:
                unstorable(update)
            except UnreadableUpdate as error:
                update_id = update.get("update_id") if isinstance(update, dict) else None
                log.error("getUpdates: update %.40r cannot be stored: %s", update_id, error)
                if type(update_id) is int:
                    self.inbox.skip(update_id)
                continue
            storable.append(update)
        return storable

    async def read_one_by_one(self, bot: Bot) -> tuple[Update, ...]:
        """The last answer's updates, read one by one, after python-telegram-bot failed to read
        it whole (so the common path reads each update once). One it cannot read is marked
        failed, never handled, and stands in the answer as its bare update_id, so the offset
        moves past it (else it would come first in every answer, and no update after it would
        ever be read)."""
        updates = []
        for body in self._answered:
            update_id = body["update_id"]  # stored by `receive`, so an int
            try:
                updates.append(read_update(body, bot))
            except UnreadableUpdate as error:
                log.error("getUpdates: update %s cannot be handled: %s", update_id, error)
                await self.inbox.give_up(update_id, str(error))
                updates.append(Update(update_id))
        return tuple(updates)


class PollingBot(ExtBot[dict[str, Any]]):
    """The bot the Updater polls: an answer python-telegram-bot cannot read whole (an update
    Telegram should never send, as a message without a date) is read one by one instead of
    failing every poll from then on (`JournalingRequest.read_one_by_one`)."""

    def __init__(self, *, get_updates_request: JournalingRequest, **kwargs: Any) -> None:
        super().__init__(get_updates_request=get_updates_request, **kwargs)
        self._journal = get_updates_request

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:  # logged by python-telegram-bot with the answer it could not read
            return await self._journal.read_one_by_one(self)


def _entry(update: dict[str, Any], claim: str, now: Any, lease_until: Any) -> dict[str, Any]:
    kind = next((k for k in update if k in UPDATE_KINDS), "unknown")
    return {
        "update_id": int(update["update_id"]),
        "chat_id": _chat_of(update.get(kind)),
        "kind": kind,
        "payload": update,
        "status": "handling",
        "claim": claim,
        "attempts": 1,
        "received_at": now,
        "lease_until": lease_until,
    }


def _chat_of(body: Any) -> int | None:
    """The chat (or sender) id stored with an update of this body; UnreadableUpdate if it has
    one that is no 64-bit integer."""
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    chat = (
        body.get("chat")
        or (message.get("chat") if isinstance(message, dict) else None)
        or body.get("from")
    )
    if not isinstance(chat, dict) or "id" not in chat:
        return None
    chat_id = chat["id"]
    if type(chat_id) is not int or chat_id not in _INT64:
        raise UnreadableUpdate(f"its chat id {chat_id!r:.40} is no 64-bit integer")
    return chat_id


def unstorable(update: Any) -> None:
    """UnreadableUpdate if the inbox cannot store `update` (its update_id, or the chat id
    stored with it, is no 64-bit integer): checked before a batch is stored, so that one such
    update never keeps the rest from being stored (and a poller from moving past them)."""
    if not isinstance(update, dict):
        raise UnreadableUpdate("not a Telegram update")
    update_id = update.get("update_id")
    if type(update_id) is not int or update_id not in _INT64:
        raise UnreadableUpdate(f"its update_id {update_id!r:.40} is no 64-bit integer")
    kind = next((k for k in update if k in UPDATE_KINDS), None)
    if kind is not None:
        _chat_of(update[kind])


__all__ = [
    "Inbox",
    "InboxUpdateProcessor",
    "JournalingRequest",
    "PollingBot",
    "Taken",
    "UnreadableUpdate",
    "read_update",
    "unstorable",
]
