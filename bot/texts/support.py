"""Every text of /support: what the shopper reads, what the admins read, and the notices
between them (questions relayed to admins, answers relayed to the shopper)."""

from __future__ import annotations

from bot.callback_data import AskShop, CloseThread, ShowCustomer
from bot.i18n import N_, Translator
from bot.notifier import Notice
from bot.services.support import MessageFacts, ThreadFacts

# ---- the shopper

PROMPT = N_(
    "💬 Write your question and I'll pass it on to the shop: text or photos, as many "
    "messages as you like. The answer comes here, in this chat.\n"
    "Send /cancel when you're done."
)
PROMPT_ABOUT_ORDER = N_(
    "💬 Your question about order #{order_id}: write it and I'll pass it on to the shop "
    "(text or photos). The answer comes here, in this chat.\n"
    "Send /cancel when you're done."
)
STILL_WRITING = N_(
    "💬 You are writing to the shop: what you send goes to them. Send /cancel to stop."
)
NOBODY_AVAILABLE = N_(
    "😔 Sorry, nobody is available to answer questions right now. Please try again later; "
    "meanwhile /help shows what I can do."
)
ONLY_TEXT_AND_PHOTOS = N_(
    "I can pass only text and photos to the shop, so that did not go to them. "
    "Describe it in words, or send a photo."
)
SENT = N_("📨 Sent to the shop. The answer will come here.")
DONE_WRITING = N_("You are no longer writing to the shop; answers still come here.")
ASK_ABOUT_ORDER = N_("💬 Ask about this order")
REPLY = N_("✍️ Reply")
ANSWER_HEAD = N_("💬 The shop answers:")
CLOSED = N_(
    "✅ The shop has closed this conversation. Send /support whenever you need anything else."
)

# ---- the admins

QUESTION_FOOT = N_("↩️ Reply to this message to answer.")
PHOTO = N_("(a photo)")
CLOSE = N_("✅ Close conversation")
CUSTOMER = N_("👤 Customer")  # her /customer screen (also on the admin's order screen)
ALREADY_CLOSED = N_("This conversation was closed already.")


def who(tr: Translator, thread: ThreadFacts) -> str:
    """'Alice (@alice, id 1001)': enough to find the shopper."""
    name = thread.first_name or tr._("A shopper")
    if thread.username:
        return tr._(
            "{name} (@{username}, id {id})",
            name=name,
            username=thread.username,
            id=thread.telegram_id,
        )
    return tr._("{name} (id {id})", name=name, id=thread.telegram_id)


def question_head(tr: Translator, thread: ThreadFacts) -> str:
    if thread.order_id:
        return tr._(
            "💬 {who} about order #{order_id}:", who=who(tr, thread), order_id=thread.order_id
        )
    return f"💬 {who(tr, thread)}:"


def question(tr: Translator, thread: ThreadFacts, message: MessageFacts) -> Notice:
    """A shopper's message as each admin gets it; replying to it answers the shopper."""
    said = message.text or (tr._(PHOTO) if message.photo else "")
    close = (tr._(CLOSE), CloseThread(thread.thread_id))
    return Notice(
        f"{question_head(tr, thread)}\n{said}\n\n{tr._(QUESTION_FOOT)}",
        buttons=((close, (tr._(CUSTOMER), ShowCustomer(thread.customer_id))),)
        if thread.customer_id
        else ((close,),),
        photo=message.photo,
    )


def answer(tr: Translator, message: MessageFacts) -> Notice:
    """An admin's answer as the shopper gets it (in the shopper's language, `tr`)."""
    head = tr._(ANSWER_HEAD)
    text = f"{head}\n{message.text}" if message.text else head
    return Notice(text, buttons=(((tr._(REPLY), AskShop(0)),),), photo=message.photo)


def closed(tr: Translator) -> Notice:
    return Notice(tr._(CLOSED))


def _name(tr: Translator, thread: ThreadFacts) -> str:
    return thread.first_name or tr._("the shopper")


def answer_sent(tr: Translator, thread: ThreadFacts) -> str:
    return tr._("✅ Sent to {name}.", name=_name(tr, thread))


def answer_queued(tr: Translator, thread: ThreadFacts) -> str:
    return tr._("✉️ Your answer to {name} is on its way.", name=_name(tr, thread))


def answer_blocked(tr: Translator, thread: ThreadFacts) -> str:
    return tr._("⚠️ {who} has blocked the bot: your answer did not reach them.", who=who(tr, thread))


def answer_failed(tr: Translator, thread: ThreadFacts) -> str:
    return tr._(
        "⚠️ Your answer could not be delivered to {who}: Telegram refused it. "
        "Please try again in a while.",
        who=who(tr, thread),
    )


def thread_closed(tr: Translator, thread: ThreadFacts) -> str:
    return tr._("✅ Conversation with {who} closed; they have been told.", who=who(tr, thread))
