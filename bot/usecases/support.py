"""Talk to the shop: questions relayed to the admins, their answers relayed back, in order.

Every message of a thread is stored first (the shopper's question by the journey, an
admin's answer or the closing here), in the update's own unit of work, so a crash or a
restart loses nothing. Then `relay` sends what the thread has waiting, oldest first:

- one worker at a time sends a thread's messages (a compare-and-set claim on the thread);
  whoever stores a message calls `relay`, and if another worker is sending the thread just
  then, that one sends the new message too, since it looks again before letting go. So a
  shopper's messages reach the admins, and the admins' answers the shopper, in the order
  they were stored, also when they are handled by different workers;
- each message is marked sent (or blocked, or failed) right after its send, and the claim is
  renewed; a job (`relay_stalled`) picks up threads whose sender crashed once their claim has
  run out;
- a question goes to every admin as a notice; each admin's copy is remembered, so replying
  to it answers the thread; an answer or the closing goes to the shopper. All are bulk
  sends through the notifier. A shopper who blocked the bot is marked so, the admin who
  answered is told, and the answer is not tried again.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import i18n, permissions
from bot.conversation import engine
from bot.conversation.machine import Step
from bot.notifier import Sent
from bot.services import support as conversations
from bot.services.support import ANSWER, QUESTION, MessageFacts, ThreadFacts
from bot.shop import Shop
from bot.store.models import utcnow
from bot.store.repositories.support import WAITING
from bot.texts import support as texts

log = logging.getLogger(__name__)

SENDING_LEASE = timedelta(minutes=2)
"""How long a worker may take to send one of a thread's messages before another may take the
thread over (renewed after each message). A bulk send queued behind a broadcast of more than
about 3,000 messages can outlast it; then that message may be sent twice."""
STALLED_AFTER = timedelta(seconds=10)
"""A message still waiting this long after it was written, with nobody sending, is stalled."""


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What became of an admin's answer: sent, blocked, failed, or still waiting (another
    worker is sending the thread's messages)."""

    thread: ThreadFacts
    delivery: str


async def is_question(shop: Shop, admin_chat_id: int, message_id: int) -> bool:
    """Is this message in an admin's chat their copy of a shopper's question?"""
    async with shop.store.reading() as uow:
        return await uow.support.thread_of_copy(admin_chat_id, message_id) is not None


async def answer(
    shop: Shop,
    *,
    admin_chat_id: int,
    replied_to: int,
    author: int,
    text: str | None,
    photo: str | None = None,
) -> AnswerOutcome | None:
    """An admin replied to `replied_to` in their chat: if that is their copy of a question,
    the reply is the thread's answer, sent now; None if it is not such a copy."""
    async with shop.store.uow() as uow:
        taken = await conversations.add_answer(
            uow,
            admin_chat_id=admin_chat_id,
            replied_to=replied_to,
            author=author,
            text=text,
            photo=photo,
        )
    if taken is None:
        return None
    await relay(shop, taken.thread.thread_id)
    async with shop.store.reading() as uow:
        message = await uow.support.message(taken.message_id)
    return AnswerOutcome(taken.thread, message.delivery if message else WAITING)


async def close(shop: Shop, thread_id: int, *, admin_id: int) -> ThreadFacts | None:
    """An admin closes the thread: the shopper is told (after anything still on its way to
    them) and their chat stops writing to the shop. None if it was closed already."""
    async with shop.store.uow() as uow:
        actor = permissions.acting(shop.settings, admin_id)
        closed = await conversations.close_thread(uow, thread_id, actor=actor, now=utcnow())
        if closed is not None:
            details = {"actor": actor}
            await uow.audit.record(admin_id, "support.close", f"thread:{thread_id}", details)
            chat = await engine.load(uow, closed.telegram_id)
            if chat.state == Step.SUPPORT and await engine.fire(chat, "support_closed"):
                await engine.save(uow, chat)
    if closed is not None:
        await relay(shop, thread_id)
    return closed


async def relay(shop: Shop, thread_id: int) -> None:
    """Send the thread's waiting messages, oldest first, unless another worker is sending
    them (it will send these too): see the module docstring."""
    claim = secrets.token_hex(8)
    while True:
        now = utcnow()
        async with shop.store.uow() as uow:
            if not await uow.support.take_sending(
                thread_id, claim, now=now, until=now + SENDING_LEASE
            ):
                return
            row = await uow.support.thread(thread_id)
            assert row is not None
            thread = ThreadFacts.of(row)
            waiting = [MessageFacts.of(m) for m in await uow.support.waiting(thread_id)]
        for message in waiting:
            if not await _send(shop, thread, message, claim):
                return  # took too long: another worker has taken the thread over
        async with shop.store.uow() as uow:
            await uow.support.let_go_sending(thread_id, claim)
            if not await uow.support.waiting(thread_id):
                return


async def relay_stalled(shop: Shop, *, now: datetime | None = None) -> int:
    """Job: send what a crashed worker (or a failed relay) left waiting; how many threads."""
    now = now or utcnow()
    async with shop.store.reading() as uow:
        stalled = await uow.support.stalled_threads(written_before=now - STALLED_AFTER, now=now)
    for thread_id in stalled:
        log.info("support thread %s has messages left waiting: sending them", thread_id)
        await relay(shop, thread_id)
    return len(stalled)


async def _send(shop: Shop, thread: ThreadFacts, message: MessageFacts, claim: str) -> bool:
    """Send one message and record how it went (and what replying to it means); False if the
    thread is no longer this sender's."""
    notifier = shop.notifier
    copies: list[tuple[int, int]] = []
    if message.kind == QUESTION:
        for admin_id in permissions.readers(shop.settings, "alert.question"):
            notice = texts.question(await shop.words_of(admin_id), thread, message)
            sent = await notifier.send(admin_id, notice)
            if sent.outcome is Sent.SENT and sent.message_id is not None:
                copies.append((admin_id, sent.message_id))
        outcome = Sent.SENT if copies else Sent.FAILED
    else:
        language = i18n.choose(
            thread.language, thread.language_code, shop.settings.default_language
        )
        tr = i18n.translator(language)  # the shopper's
        notice = texts.answer(tr, message) if message.kind == ANSWER else texts.closed(tr)
        outcome = (await notifier.send(thread.telegram_id, notice)).outcome
    now = utcnow()
    async with shop.store.uow() as uow:
        await uow.support.mark_delivered(message.message_id, outcome.value, now)
        if copies:
            await uow.support.add_relays(thread.thread_id, copies)
        if outcome is Sent.BLOCKED:
            await uow.customers.mark_blocked(thread.telegram_id)
        still_ours = await uow.support.keep_sending(
            thread.thread_id, claim, until=now + SENDING_LEASE
        )
    if outcome is not Sent.SENT:
        await _report(shop, thread, message, outcome)
    return still_ours


async def _report(shop: Shop, thread: ThreadFacts, message: MessageFacts, outcome: Sent) -> None:
    """A message that could not go out: logged; the admin whose answer it was is told."""
    log.warning(
        "support message %s (%s) of thread %s: %s",
        message.message_id,
        message.kind,
        thread.thread_id,
        outcome.value,
    )
    if message.kind == ANSWER and message.author is not None:
        problem = texts.answer_blocked if outcome is Sent.BLOCKED else texts.answer_failed
        tr = await shop.words_of(message.author)
        await shop.notifier.notify(message.author, problem(tr, thread))
