"""/privacy's messages: what the shop keeps and why, her two buttons, and the question
before her data is deleted. In her language; plain words, escaped for HTML."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import AskForget, ForgetMe, SendMyData, ShowPrivacy, button
from bot.config import Settings
from bot.i18n import Translator
from bot.texts import privacy as texts
from bot.views.shopper import View


def policy(settings: Settings, tr: Translator, notice: str | None = None) -> View:
    """What is kept and why, with 📦 My data and 🗑 Delete my data (and the full policy)."""
    rows = [[button(tr._(texts.MY_DATA), SendMyData())], [button(tr._(texts.DELETE), AskForget())]]
    if settings.privacy_policy_url:
        link = InlineKeyboardButton(tr._(texts.POLICY_LINK), url=settings.privacy_policy_url)
        rows.append([link])
    text = escape(tr._(texts.POLICY))
    if notice:
        text = f"{escape(notice)}\n\n{text}"
    return View(text, InlineKeyboardMarkup(rows), toast=notice)


def ask_forget(tr: Translator) -> View:
    """The question before anything is deleted: 🗑 Yes, delete or ⬅ Back."""
    rows = [[button(tr._(texts.YES), ForgetMe())], [button(tr._(texts.BACK), ShowPrivacy())]]
    return View(escape(tr._(texts.ASK)), InlineKeyboardMarkup(rows))


def said(text: str) -> View:
    """A last word with no buttons: her data deleted, already deleted, nothing kept."""
    return View(escape(text))
