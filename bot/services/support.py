"""Support conversations' rules: one open thread per shopper, messages kept in the order they
were written, answers found by the admin's copy of a question they reply to.

Each function works in the caller's unit of work and returns plain data; sending is the
caller's (bot.usecases.support).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clipping import telegram_length
from bot.services.errors import MessageTooLong
from bot.store.models import SupportMessage, SupportThread
from bot.store.repositories.support import OPEN, QUESTION
from bot.store.uow import UnitOfWork

ANSWER = "answer"
CLOSED = "closed"

# What a person may write in one support message: it is relayed with a header (who, which
# order) and a footer around it, and Telegram takes 4,096 characters in a message and 1,024
# in a photo's caption. Longer is refused, never clipped: nothing a person wrote is lost.
MOST_TEXT = 3800
MOST_CAPTION = 800


def check_length(text: str | None, photo: str | None) -> None:
    """MessageTooLong unless `text` fits whole in its relay (a caption, with a photo)."""
    most = MOST_CAPTION if photo else MOST_TEXT
    length = telegram_length(text or "")
    if length > most:
        raise MessageTooLong(length, most)


@dataclass(frozen=True, slots=True)
class ThreadFacts:
    """Who a thread is with, and what about, as the wording needs it."""

    thread_id: int
    telegram_id: int
    first_name: str
    username: str | None
    order_id: int | None
    is_open: bool
    language: str | None = None  # the shopper's /language choice
    language_code: str | None = None  # and their Telegram language
    customer_id: int = 0  # the shop's id for the shopper (the admins' 👤 Customer button)

    @classmethod
    def of(cls, thread: SupportThread) -> ThreadFacts:
        customer = thread.customer
        return cls(
            thread.id,
            customer.telegram_id,
            customer.first_name,
            customer.username,
            thread.order_id,
            thread.status == OPEN,
            customer.language,
            customer.language_code,
            thread.customer_id,
        )


@dataclass(frozen=True, slots=True)
class MessageFacts:
    message_id: int
    kind: str
    author: int | None
    text: str | None
    photo: str | None

    @classmethod
    def of(cls, message: SupportMessage) -> MessageFacts:
        return cls(
            message.id,
            message.kind,
            message.author_telegram_id,
            message.text,
            message.photo_file_id,
        )


@dataclass(frozen=True, slots=True)
class TakenAnswer:
    """An admin's answer, stored and waiting to be sent."""

    thread: ThreadFacts
    message_id: int


async def open_thread(uow: UnitOfWork, customer_id: int, order_id: int | None = None) -> int:
    """The shopper's open thread (about `order_id` from now on, if given), or a new one."""
    thread = await uow.support.open_thread_of(customer_id)
    if thread is None:
        thread = await uow.support.add_thread(customer_id, order_id)
    elif order_id is not None and thread.order_id != order_id:
        thread.order_id = order_id
        await uow.session.flush()
    return thread.id


async def add_question(
    uow: UnitOfWork,
    customer_id: int,
    thread_id: int | None,
    *,
    author: int,
    text: str | None,
    photo: str | None = None,
) -> int:
    """Keep the shopper's message for the shop; the thread it went to (a new one if theirs
    was closed meanwhile). MessageTooLong if it could not be relayed whole."""
    check_length(text, photo)
    thread = await uow.support.thread(thread_id) if thread_id is not None else None
    if thread is None or thread.status != OPEN or thread.customer_id != customer_id:
        thread_id = await open_thread(uow, customer_id)
    else:
        thread_id = thread.id
    await uow.support.add_message(thread_id, QUESTION, author=author, text=text, photo=photo)
    return thread_id


async def add_answer(
    uow: UnitOfWork,
    *,
    admin_chat_id: int,
    replied_to: int,
    author: int,
    text: str | None,
    photo: str | None = None,
) -> TakenAnswer | None:
    """Keep an admin's reply to their copy of a question as the answer to its thread; None
    if the message replied to is not such a copy. A closed thread is answered all the same:
    the admin's words are never dropped. MessageTooLong if it could not be relayed whole."""
    check_length(text, photo)
    thread_id = await uow.support.thread_of_copy(admin_chat_id, replied_to)
    if thread_id is None:
        return None
    thread = await uow.support.thread(thread_id)
    assert thread is not None  # relays go with their thread
    message = await uow.support.add_message(
        thread_id, ANSWER, author=author, text=text, photo=photo
    )
    return TakenAnswer(ThreadFacts.of(thread), message.id)


async def close_thread(
    uow: UnitOfWork, thread_id: int, *, actor: str, now: datetime
) -> ThreadFacts | None:
    """Close the thread once, and queue telling the shopper behind what is still waiting to
    go to them; None if it was closed already (or never was)."""
    if not await uow.support.close(thread_id, actor=actor, now=now):
        return None
    await uow.support.add_message(thread_id, CLOSED)
    thread = await uow.support.thread(thread_id)
    assert thread is not None
    await uow.session.refresh(thread, ["status"])
    return ThreadFacts.of(thread)
