"""What the admins read of /faq: the numbered list (PAGE_SIZE a page, ◀ ▶ between pages),
each step's question, and what a change did."""

from __future__ import annotations

from collections.abc import Sequence

from bot import i18n
from bot.callback_data import AdminFaqPage, button
from bot.clipping import echo
from bot.i18n import N_
from bot.services.admin_flows import Flow
from bot.services.faq import ANSWER_MAX, QUESTION_MAX, FaqItem
from bot.views.admin import AdminView, Rows, flow_buttons

# Questions a page of the list shows whole: 10 of QUESTION_MAX (200) characters, each with
# its number and three languages, come to 2,412-2,435 (en, ru, es) of a message's 4,096
# with the heading and the commands, so a page is never cut.
PAGE_SIZE = 10

USAGE = N_(
    "/faq add: a new question and its answer\n"
    "/faq edit N: change question N\n"
    "/faq lang N ru: question N in another language (ru, es)\n"
    "/faq del N: delete question N\n"
    "/faq move N up (or down): change the order"
)
ASK_QUESTION = N_("Send the question (plain text, at most {most} characters), or /cancel.")
ASK_ANSWER = N_(
    "Now send its answer (plain text, at most {most} characters: one Telegram message), or /cancel."
)
IN_LANGUAGE = N_("Question {number} in {language}.")
KEEP = N_("Now: “{text}”. Send /skip to keep it.")
TRY_AGAIN = N_("Send it again, or /cancel.")
PAGED = N_("ℹ️ Common questions ({count}), page {page}/{pages}, in the order shoppers see them:")


def faq_list(items: Sequence[FaqItem], page: int = 0) -> AdminView:
    """Page `page` (from 0; past the last: the last) of the list, each question whole, with
    the commands under it on every page and ◀ ▶ to the pages either side."""
    tr = i18n.current()
    if not items:
        return AdminView(tr._("ℹ️ No common questions yet.") + "\n\n" + tr._(USAGE))
    pages = pages_of(len(items))
    page = min(max(page, 0), pages - 1)
    if pages == 1:
        lines = [tr._("ℹ️ Common questions, in the order shoppers see them:")]
    else:
        lines = [tr._(PAGED, count=len(items), page=page + 1, pages=pages)]
    for item in items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        line = f"{item.number}. {' '.join(item.question.split())}"
        if item.languages:
            line += f" [{', '.join(item.languages)}]"
        lines.append(line)
    nav = []
    if page > 0:
        nav.append(button(tr._("◀ Prev"), AdminFaqPage(page - 1)))
    if page < pages - 1:
        nav.append(button(tr._("Next ▶"), AdminFaqPage(page + 1)))
    rows: Rows = [nav] if nav else []
    return AdminView("\n".join([*lines, "", tr._(USAGE)]), rows)


def pages_of(count: int) -> int:
    """How many pages `count` questions take (at least one)."""
    return max(-(-count // PAGE_SIZE), 1)


def page_with(number: int) -> int:
    """The page (from 0) question `number` is on."""
    return max(number - 1, 0) // PAGE_SIZE


def usage() -> str:
    return i18n.current()._(USAGE)


def _heading(flow: Flow, item: FaqItem | None) -> str:
    tr = i18n.current()
    language = flow.get("language")
    if item is not None and language:
        name = i18n.LANGUAGES.get(str(language), str(language))
        return tr._(IN_LANGUAGE, number=item.number, language=name) + "\n"
    return ""


def ask(flow: Flow, item: FaqItem | None, problem: str = "") -> AdminView:
    """The step's question (the entry's question, then its answer), or why the last reply
    was not kept and to send it again."""
    tr = i18n.current()
    if problem:
        return AdminView(f"{problem} {tr._(TRY_AGAIN)}", flow_buttons(flow))
    part = part_of(flow)
    wanted = ASK_QUESTION if part == "question" else ASK_ANSWER
    most = QUESTION_MAX if part == "question" else ANSWER_MAX
    text = _heading(flow, item) + tr._(wanted, most=most)
    keeping = kept(flow, item, part)
    if keeping:
        text += "\n" + tr._(KEEP, text=echo(keeping))
        return AdminView(text, flow_buttons(flow, skip=tr._("Keep it")))
    return AdminView(text, flow_buttons(flow))


def part_of(flow: Flow) -> str:
    """What the step asks for: "question", then "answer"."""
    return "question" if flow.get("step") == "question" else "answer"


def kept(flow: Flow, item: FaqItem | None, part: str) -> str | None:
    """What /skip keeps: the entry's text as written, or its version in the step's language."""
    if item is None:
        return None
    language = flow.get("language")
    if not language:
        return item.question if part == "question" else item.answer
    version = item.translations.get(str(language))
    found = version.get(part) if isinstance(version, dict) else None
    return str(found) if found else None


def ask_delete(flow: Flow, item: FaqItem) -> AdminView:
    tr = i18n.current()
    text = tr._(
        "Delete question {number}, “{question}”? Shoppers will no longer see it.",
        number=item.number,
        question=echo(item.question),
    )
    return AdminView(text, flow_buttons(flow, confirm=tr._("🗑 Delete")))


def saved(item: FaqItem, *, added: bool) -> str:
    tr = i18n.current()
    if added:
        return tr._("✅ Added as question {number}.", number=item.number)
    return tr._("✅ Question {number} changed.", number=item.number)


def deleted(item: FaqItem) -> str:
    return i18n.current()._(
        "🗑 Question {number} deleted: “{question}”.",
        number=item.number,
        question=echo(item.question),
    )
