"""Every text of /support: what the shopper reads, what the admins read, and the notices
between them (questions relayed to admins, answers relayed to the shopper)."""

from __future__ import annotations

from bot.callback_data import AskShop, CloseThread
from bot.i18n import N_
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
ALREADY_CLOSED = N_("This conversation was closed already.")


def who(thread: ThreadFacts) -> str:
    """'Alice (@alice, id 1001)': enough to find the shopper."""
    handle = f"@{thread.username}, " if thread.username else ""
    return f"{thread.first_name or 'A shopper'} ({handle}id {thread.telegram_id})"


def question_head(thread: ThreadFacts) -> str:
    about = f" about order #{thread.order_id}" if thread.order_id else ""
    return f"💬 {who(thread)}{about}:"


def question(thread: ThreadFacts, message: MessageFacts) -> Notice:
    """A shopper's message as each admin gets it; replying to it answers the shopper."""
    said = message.text or (PHOTO if message.photo else "")
    return Notice(
        f"{question_head(thread)}\n{said}\n\n{QUESTION_FOOT}",
        buttons=(((CLOSE, CloseThread(thread.thread_id)),),),
        photo=message.photo,
    )


def answer(message: MessageFacts) -> Notice:
    """An admin's answer as the shopper gets it."""
    text = f"{ANSWER_HEAD}\n{message.text}" if message.text else ANSWER_HEAD
    return Notice(text, buttons=(((REPLY, AskShop(0)),),), photo=message.photo)


def closed() -> Notice:
    return Notice(CLOSED)


def answer_sent(thread: ThreadFacts) -> str:
    return f"✅ Sent to {thread.first_name or 'the shopper'}."


def answer_queued(thread: ThreadFacts) -> str:
    return f"✉️ Your answer to {thread.first_name or 'the shopper'} is on its way."


def answer_blocked(thread: ThreadFacts) -> str:
    return f"⚠️ {who(thread)} has blocked the bot: your answer did not reach them."


def answer_failed(thread: ThreadFacts) -> str:
    return (
        f"⚠️ Your answer could not be delivered to {who(thread)}: Telegram refused it. "
        "Please try again in a while."
    )


def thread_closed(thread: ThreadFacts) -> str:
    return f"✅ Conversation with {who(thread)} closed; they have been told."
