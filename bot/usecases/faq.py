"""The shop's answers to common questions: the admins keep them (/faq add, edit, lang, del,
move), shoppers read them (bot.conversation.journey). Every change is one unit of work with
its audit row (`faq.add`, `faq.edit`, `faq.delete`, `faq.move`) and, where a step asked for
it, the step's end; once committed, this process's copy of the list is dropped
(`Shop.faq`), so shoppers read the change at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot import i18n
from bot.clipping import echo
from bot.services import faq
from bot.services.faq import FaqInputError, FaqItem, by_number, numbered
from bot.shop import Shop
from bot.store.models import FaqEntry
from bot.store.uow import UnitOfWork
from bot.usecases.admin_flows import ending_step

GONE = i18n.N_("There is no question {number}. /faq lists them.")
ENTRY_GONE = i18n.N_("That question is no longer in the list. /faq lists them.")


async def listing(shop: Shop) -> tuple[FaqItem, ...]:
    """The entries as they are now (the admins read the database, not this process's copy)."""
    async with shop.store.reading() as uow:
        return numbered(await uow.faq.list_all())


async def entry(shop: Shop, number: int) -> FaqItem:
    """The entry at `number` in the list; FaqInputError if there is none."""
    found = by_number(await listing(shop), number)
    if found is None:
        raise FaqInputError(i18n.current()._(GONE, number=number))
    return found


@asynccontextmanager
async def _changing(shop: Shop, step_chat: int | None) -> AsyncIterator[UnitOfWork]:
    """A change's unit of work (ending the admin's step in `step_chat`), after which this
    process reads the list again."""
    async with ending_step(shop, step_chat) as uow:
        yield uow
    shop.faq.changed()


async def _existing(uow: UnitOfWork, entry_id: int) -> FaqEntry:
    found = await uow.faq.get(entry_id)
    if found is None:
        raise FaqInputError(i18n.current()._(ENTRY_GONE))
    return found


async def _item(uow: UnitOfWork, entry_id: int) -> FaqItem:
    items = numbered(await uow.faq.list_all())
    return next(item for item in items if item.id == entry_id)


async def check_room(shop: Shop) -> None:
    """FaqInputError when the list is full (MAX_ENTRIES)."""
    if len(await listing(shop)) >= faq.MAX_ENTRIES:
        raise FaqInputError(i18n.current()._(faq.FULL, most=faq.MAX_ENTRIES))


async def add(
    shop: Shop, admin_id: int, question: str, answer: str, step_chat: int | None = None
) -> FaqItem:
    """A new entry at the end of the list."""
    question, answer = faq.check_question(question), faq.check_answer(answer)
    async with _changing(shop, step_chat) as uow:
        if len(await uow.faq.list_all()) >= faq.MAX_ENTRIES:
            raise FaqInputError(i18n.current()._(faq.FULL, most=faq.MAX_ENTRIES))
        added = await uow.faq.add(question, answer)
        await uow.audit.record(admin_id, "faq.add", f"faq:{added.id}", {"question": echo(question)})
        return await _item(uow, added.id)


async def edit(
    shop: Shop,
    admin_id: int,
    entry_id: int,
    question: str | None,
    answer: str | None,
    *,
    language: str | None = None,
    step_chat: int | None = None,
) -> FaqItem:
    """Change the entry's question and/or answer (None: kept as they are), as written or, in
    `language`, its version there (a new version needs both)."""
    question = None if question is None else faq.check_question(question)
    answer = None if answer is None else faq.check_answer(answer)
    async with _changing(shop, step_chat) as uow:
        found = await _existing(uow, entry_id)
        if language is None:
            found.question = question or found.question
            found.answer = answer or found.answer
        else:
            versions = dict(found.translations or {})
            had = versions.get(language) or {}
            versions[language] = {
                "question": question or had.get("question"),
                "answer": answer or had.get("answer"),
            }
            if not all(versions[language].values()):
                raise FaqInputError(i18n.current()._(faq.NOT_TEXT))
            found.translations = versions
        details = {"question": echo(question or found.question)}
        if language is not None:
            details["language"] = language
        await uow.audit.record(admin_id, "faq.edit", f"faq:{entry_id}", details)
        await uow.session.flush()
        return await _item(uow, entry_id)


async def delete(shop: Shop, admin_id: int, entry_id: int, step_chat: int | None = None) -> FaqItem:
    """Take the entry out of the list; its buttons in shoppers' chats say it is gone."""
    async with _changing(shop, step_chat) as uow:
        found = await _existing(uow, entry_id)
        gone = await _item(uow, entry_id)
        await uow.faq.delete(found)
        details = {"question": echo(found.question)}
        await uow.audit.record(admin_id, "faq.delete", f"faq:{entry_id}", details)
        return gone


async def move(shop: Shop, admin_id: int, number: int, up: bool) -> tuple[FaqItem, ...]:
    """Swap the entry at `number` with the one above (`up`) or below it; the list after."""
    async with _changing(shop, None) as uow:
        entries = list(await uow.faq.list_all())
        other = number - 1 if up else number + 1
        if not 1 <= number <= len(entries):
            raise FaqInputError(i18n.current()._(GONE, number=number))
        if not 1 <= other <= len(entries):
            return numbered(entries)  # first up or last down: it stays
        one, two = entries[number - 1], entries[other - 1]
        for place, moved in enumerate(entries, 1):
            moved.position = place  # positions made distinct before the swap
        one.position, two.position = other, number
        details = {"question": echo(one.question), "place": other}
        await uow.audit.record(admin_id, "faq.move", f"faq:{one.id}", details)
        await uow.session.flush()
        return numbered(await uow.faq.list_all())
