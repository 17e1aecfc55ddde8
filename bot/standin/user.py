"""The human side of a private chat with the bot, played against the stand-in.

Every action produces the update Telegram would deliver, and every wait is on a signal the
stand-in gives when what it waits for may have changed (this chat's messages and answers, or
the call log), so tests never sleep and fifty waiting shoppers do not wake each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, Unpack

from bot.standin.models import (
    ApiCall,
    Button,
    CallbackAnswer,
    InlineAnswer,
    InlineResult,
    Message,
    PaymentResult,
    TranscriptEvent,
    render,
)
from bot.standin.payment_form import PaymentChoices, PaymentForm

if TYPE_CHECKING:
    from bot.standin.chats import ChatState, PendingQuery
    from bot.standin.roles import StandInForUser

MessagePredicate = Callable[[Message], bool]
T = TypeVar("T")

# A 1x1 PNG, so "a photo" is real image bytes.
_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class FakeUser:
    """A Telegram user in a private chat with the bot: send, tap, pay, and watch."""

    def __init__(self, standin: StandInForUser, chat: ChatState) -> None:
        self.standin = standin
        self.chat = chat
        self._revision_mark = 0
        self._calls_mark = 0

    # ------------------------------------------------------------------ identity and views

    @property
    def user_id(self) -> int:
        """The user's id (in a private chat, also the chat's id)."""
        return int(self.chat.user["id"])

    @property
    def user_json(self) -> dict[str, Any]:
        """The User object Telegram puts in ``from``."""
        return dict(self.chat.user)

    @property
    def messages(self) -> list[Message]:
        """The bot's messages the user can still see, oldest first."""
        return [m for m in self.chat.messages if m.from_bot and not m.deleted]

    @property
    def last_message(self) -> Message | None:
        """The bot's newest visible message."""
        return next(self.chat.visible_newest_first(), None)

    @property
    def menu_button(self) -> dict[str, Any]:
        """The button beside the input field, as setChatMenuButton left it: ``{"type":
        "commands"}``, or ``{"type": "web_app", "text": ..., "web_app": {"url": ...}}``."""
        return self.standin.menu_button_for(self.chat.chat_id)

    @property
    def sent_messages(self) -> list[Message]:
        """What the user sent, oldest first."""
        return [m for m in self.chat.messages if not m.from_bot]

    @property
    def transcript(self) -> list[TranscriptEvent]:
        """The chat as a story: what the user did and what the bot sent or changed."""
        return list(self.chat.transcript)

    def transcript_text(self) -> str:
        """The transcript as printable lines."""
        return "\n".join(str(event) for event in self.chat.transcript)

    render = staticmethod(render)

    def block(self) -> None:
        """Block the bot: its sends to this user now fail with 403."""
        self.chat.blocked = True

    def unblock(self) -> None:
        """Unblock the bot."""
        self.chat.blocked = False

    async def block_bot(self) -> None:
        """Block the bot in the app: its sends now fail with 403, and Telegram tells the bot
        with a my_chat_member update (the bot's status in this chat becomes "kicked")."""
        self.block()
        await self._membership("member", "kicked")

    async def unblock_bot(self) -> None:
        """Unblock the bot (the app's Restart): a my_chat_member update back to "member"."""
        self.unblock()
        await self._membership("kicked", "member")

    async def _membership(self, old: str, new: str) -> None:
        self._begin()
        self.chat.transcript.append(TranscriptEvent("user", "bot status", f"{old} → {new}"))
        bot = self.standin.bot_user

        def member(status: str) -> dict[str, Any]:
            return {"status": status, "user": bot} | (
                {"until_date": 0} if status == "kicked" else {}
            )

        await self.standin.push_update(
            "my_chat_member",
            {
                "chat": self.chat.chat_json,
                "from": self.user_json,
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        )

    # ------------------------------------------------------------------ actions

    def _begin(self) -> None:
        """Waits after an action look only at what happened since it began."""
        self._revision_mark = self.standin.revision
        self._calls_mark = len(self.standin.calls)

    async def send(self, text: str, *, reply_to: Message | None = None) -> Message:
        """Type and send a message; commands get a bot_command entity like real clients add.

        ``reply_to``: sent as a reply to that message of the chat (Telegram's "Reply")."""
        self._begin()
        content: dict[str, Any] = {"text": text, **self._replying(reply_to)}
        entities = self.standin.command_entity(text)
        if entities:
            content["entities"] = entities
        self.chat.transcript.append(
            TranscriptEvent("user", "replied" if reply_to else "sent", text)
        )
        message, _ = await self.standin.add_user_message(self.chat, content)
        return message

    async def edit(self, message: Message, text: str) -> None:
        """Edit a message the user sent earlier; the bot gets an edited_message update."""
        self._begin()
        message.text = text
        self.chat.transcript.append(TranscriptEvent("user", "edited", text))
        now = int(time.time())
        content: dict[str, Any] = {"text": text}
        entities = self.standin.command_entity(text)
        if entities:
            content["entities"] = entities
        await self.standin.push_update(
            "edited_message",
            {
                "message_id": message.message_id,
                "from": self.user_json,
                "chat": self.chat.chat_json,
                "date": message.date,
                "edit_date": now,
                **content,
            },
        )

    async def send_photo(
        self,
        data: bytes | None = None,
        caption: str | None = None,
        *,
        reply_to: Message | None = None,
    ) -> Message:
        """Send a photo; its file_id works with getFile and downloads."""
        self._begin()
        stored = self.standin.store_file("photo", data if data is not None else _TINY_PNG)
        content: dict[str, Any] = {
            "photo": self.standin.photo_sizes(stored),
            **self._replying(reply_to),
        }
        if caption:
            content["caption"] = caption
        self.chat.transcript.append(TranscriptEvent("user", "sent photo", caption or ""))
        message, _ = await self.standin.add_user_message(self.chat, content)
        return message

    async def send_document(
        self,
        filename: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        *,
        with_size: bool = True,
    ) -> Message:
        """Send a file; its file_id works with getFile and downloads. `with_size=False`: the
        update leaves out `file_size`, which the Bot API calls optional."""
        self._begin()
        stored = self.standin.store_file("document", data, file_name=filename, mime_type=mime_type)
        content: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": filename,
                "mime_type": mime_type,
            }
        }
        if with_size:
            content["document"]["file_size"] = len(data)
        if caption:
            content["caption"] = caption
        self.chat.transcript.append(TranscriptEvent("user", "sent document", filename))
        message, _ = await self.standin.add_user_message(self.chat, content)
        return message

    def _replying(self, message: Message | None) -> dict[str, Any]:
        """The reply_to_message Telegram adds to a reply: the replied message as it is now."""
        if message is None:
            return {}
        if message.chat_id != self.chat.chat_id or message.deleted:
            raise ValueError("a reply must be to a message still in this chat")
        return {"reply_to_message": self.standin.message_json(self.chat, message)}

    def find_button(self, label: str, message: Message | None = None) -> tuple[Message, Button]:
        """The button whose label is ``label`` (or contains it) on the newest message having one."""
        candidates = [message] if message is not None else self.chat.visible_newest_first()
        for candidate in candidates:
            buttons = [b for b in candidate.all_buttons if b.callback_data is not None]
            exact = [b for b in buttons if b.label == label]
            partial = [b for b in buttons if label in b.label]
            if exact or partial:
                return candidate, (exact or partial)[0]
        candidates = [message] if message is not None else list(reversed(self.messages))
        visible = [
            f"#{m.message_id}: " + " ".join(f"[{b.label}]" for b in m.all_buttons)
            for m in candidates
            if m.all_buttons
        ]
        shown = "\n  ".join(visible) or "(no inline buttons)"
        raise LookupError(f"No button matching {label!r}. Visible buttons:\n  {shown}")

    async def press(
        self, label: str, *, message: Message | None = None, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Tap an inline button and wait for the bot to answer the callback query."""
        target, button = self.find_button(label, message)
        return await self.press_button(target, button, timeout=timeout)

    async def press_button(
        self, message: Message, button: Button, *, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Tap this very button of a message (labels may repeat, e.g. "➕" on every cart line)."""
        if button.callback_data is None:
            raise LookupError(f"[{button.label}] is not a callback button")
        self.chat.transcript.append(TranscriptEvent("user", "pressed", f"[{button.label}]"))
        return await self._callback(message, button.callback_data, timeout)

    async def press_data(
        self, message: Message, data: str, *, timeout: float = 10.0
    ) -> CallbackAnswer:
        """Send any callback_data for a message (stale or forged), as a tampered client could."""
        self.chat.transcript.append(TranscriptEvent("user", "pressed", f"data={data!r}"))
        return await self._callback(message, data, timeout)

    async def _callback(self, message: Message, data: str, timeout: float) -> CallbackAnswer:
        self._begin()
        query = await self.standin.open_query(
            "callback_query",
            self.chat,
            {
                "from": self.user_json,
                "message": self.standin.message_json(self.chat, message),
                "chat_instance": str(self.user_id * 7919),
                "data": data,
            },
        )
        return await self.wait_for_answer(
            query,
            lambda: self.standin.callback_answer(query),
            timeout,
            f"an answerCallbackQuery for data {data!r}",
        )

    async def inline_query(
        self, query: str, offset: str = "", *, timeout: float = 10.0
    ) -> InlineAnswer:
        """Type "@bot <query>" in any chat and wait for the bot's answerInlineQuery.

        ``offset`` is the ``next_offset`` of the previous answer, as the app sends it when the
        user scrolls to the end of the list. The query is delivered as given (a real client
        cuts it at 256 characters), so a bot can be tested with longer ones.
        """
        self._begin()
        pending = await self.standin.open_query(
            "inline_query",
            self.chat,
            {"from": self.user_json, "query": query, "offset": offset, "chat_type": "sender"},
        )
        return await self.wait_for_answer(
            pending,
            lambda: self.standin.inline_answer(pending),
            timeout,
            f"an answerInlineQuery for {query!r}",
        )

    def choose_inline_result(self, result: InlineResult, chat_id: int | None = None) -> Message:
        """The message that choosing ``result`` posts "via @bot" in a chat (by default the
        user's chat with the bot): its text or caption, photo and buttons."""
        return Message(
            chat_id=self.chat.chat_id if chat_id is None else chat_id,
            message_id=0,
            from_bot=False,
            date=int(time.time()),
            text=result.text,
            photo=result.photo,
            buttons=result.buttons,
            reply_markup=result.raw.get("reply_markup"),
        )

    async def post_inline_result(self, result: InlineResult) -> Message:
        """Choose ``result`` in the user's own chat with the bot: the bot gets the posted card
        as a message of the user's "via @bot", with the result's text (or photo and caption)
        and its buttons, as Telegram delivers it."""
        self._begin()
        content: dict[str, Any] = {"via_bot": self.standin.bot_user}
        if result.photo is not None:
            size = {"file_id": result.photo, "file_unique_id": result.id, "width": 1, "height": 1}
            content |= {"photo": [size], "caption": result.text or ""}
        else:
            content["text"] = result.text or ""
        if result.raw.get("reply_markup"):
            content["reply_markup"] = result.raw["reply_markup"]
        self.chat.transcript.append(TranscriptEvent("user", "posted via bot", result.title or ""))
        message, _ = await self.standin.add_user_message(self.chat, content)
        return message

    async def replay(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver a copy of an earlier update again, with a new update_id (a duplicate)."""
        self._begin()
        kind = next(key for key in update if key != "update_id")
        return await self.standin.push_update(kind, update[kind])

    # ------------------------------------------------------------------ waiting

    async def wait_for(
        self,
        predicate_or_text: str | MessagePredicate,
        timeout: float = 10.0,
        *,
        include_existing: bool = False,
    ) -> Message:
        """A bot message, sent or edited since the last action, containing text or matching.

        With several, the one changed last; a predicate should depend on the message only.
        """
        matches: MessagePredicate
        if isinstance(predicate_or_text, str):
            needle = predicate_or_text

            def contains(message: Message) -> bool:
                return needle in render(message)

            matches = contains
            description = repr(needle)
        else:
            matches = predicate_or_text
            description = getattr(predicate_or_text, "__name__", "predicate")
        # Messages changed up to this revision were looked at; one is looked at again only
        # once it changes again, so each wake-up costs what changed since the last one.
        looked_at = 0 if include_existing else self._revision_mark

        def found() -> Message | None:
            nonlocal looked_at
            newest = looked_at
            for message in self.chat.changed_since(looked_at):
                newest = max(newest, message.revision)
                if message.from_bot and not message.deleted and matches(message):
                    return message
            looked_at = newest
            return None

        try:
            return await self.chat.changed.wait_until(found, timeout)
        except TimeoutError:
            raise AssertionError(
                f"Timed out after {timeout}s waiting for a bot message matching {description}.\n"
                + self._diagnostics()
            ) from None

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,
    ) -> ApiCall:
        """A call the bot made since the last action, e.g. ``wait_for_call("sendInvoice")``."""

        def matches(call: ApiCall) -> bool:
            return call.method.lower() == method.lower() and (predicate is None or predicate(call))

        try:
            return await self.standin.wait_for_call(
                matches, since=self._calls_mark, timeout=timeout
            )
        except TimeoutError:
            raise AssertionError(
                f"Timed out after {timeout}s waiting for a {method} call.\n" + self._diagnostics()
            ) from None

    async def wait_for_answer(
        self,
        query: PendingQuery,
        answered: Callable[[], T | None],
        timeout: float,
        what: str,
    ) -> T:
        """The bot's answer to a query this user opened, e.g. ``lambda: query.answer``;
        ``what`` names the awaited answer in the error if it never comes."""
        try:
            chat = self.standin.chats[query.chat_id]
            return await chat.changed.wait_until(answered, timeout)
        except TimeoutError:
            raise AssertionError(
                f"Timed out after {timeout}s waiting for {what} (query {query.query_id}).\n"
                + self._diagnostics()
            ) from None

    def _diagnostics(self) -> str:
        recent = self.messages[-5:]
        shown = "\n".join(f"--- #{m.message_id}\n{render(m)}" for m in recent) or "(none)"
        failures = [
            f"{call.method}: {call.result_or_error}"
            for call in self.standin.calls[self._calls_mark :]
            if not call.ok
        ]
        text = f"Last bot messages in chat {self.user_id}:\n{shown}"
        if failures:
            text += "\nFailed bot calls since the action:\n  " + "\n  ".join(failures[-5:])
        return text

    # ------------------------------------------------------------------ payments

    def _find_invoice(self, invoice_message: Message | None) -> dict[str, Any]:
        """The invoice of this message, or else of the newest invoice message."""
        if invoice_message is not None:
            if invoice_message.invoice is None:
                raise LookupError(f"Message #{invoice_message.message_id} is not an invoice")
            return invoice_message.invoice
        for message in self.chat.visible_newest_first():
            if message.invoice is not None:
                return message.invoice
        raise LookupError("The bot has not sent an invoice in this chat")

    async def pay(
        self, invoice_message: Message | None = None, **choices: Unpack[PaymentChoices]
    ) -> PaymentResult:
        """Pay an invoice (by default the newest) the way Telegram's payment form does.

        Shipping query (flexible invoices), then pre-checkout query, then the
        successful_payment message; see :class:`PaymentChoices` for what can be chosen,
        overridden (to test that the bot checks it) or lost (``lose_update``).
        """
        invoice = self._find_invoice(invoice_message)
        self._begin()
        return await PaymentForm(self, invoice, self.chat, choices).submit()

    async def pay_invoice_link(self, link: str, **choices: Unpack[PaymentChoices]) -> PaymentResult:
        """Pay an invoice link from createInvoiceLink, as a Mini App's
        ``Telegram.WebApp.openInvoice(link)`` does: the same queries as for an invoice
        message, and the payment message in the user's private chat with the bot."""
        invoice = self.standin.invoice_link(link)
        if invoice is None:
            raise LookupError(f"The bot has created no invoice link {link!r}")
        self._begin()
        private_chat = self.standin.chats[self.user_id]
        return await PaymentForm(self, invoice, private_chat, choices).submit()
