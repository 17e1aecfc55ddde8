"""The two sides of a chat as the other side sees them, so neither module names the other.

:class:`~bot.standin.user.FakeUser` plays the human against a :class:`StandInForUser` (in
practice :class:`~bot.standin.server.BotApiStandIn`, which builds the users), and
:class:`~bot.standin.payment_form.PaymentForm` is filled in by a :class:`Payer` (in practice
the FakeUser, which opens the form). Naming the real classes would make import circles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from bot.standin.chats import ChatState, PendingQuery
from bot.standin.files import StoredFile
from bot.standin.models import ApiCall, CallbackAnswer, Charge, InlineAnswer, Message

T = TypeVar("T")


class StandInForUser(Protocol):
    """What a fake user, and the payment form it fills in, ask of the stand-in."""

    revision: int
    calls: list[ApiCall]
    chats: dict[int, ChatState]

    @property
    def bot_user(self) -> dict[str, Any]: ...

    async def add_user_message(
        self, chat: ChatState, content: dict[str, Any], *, deliver: bool = True
    ) -> tuple[Message, dict[str, Any]]: ...

    async def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]: ...

    async def open_query(
        self,
        kind: str,
        chat: ChatState,
        payload: dict[str, Any],
        *,
        invoice: dict[str, Any] | None = None,
        shipping_amount: int = 0,
    ) -> PendingQuery: ...

    def callback_answer(self, query: PendingQuery) -> CallbackAnswer | None: ...

    def inline_answer(self, query: PendingQuery) -> InlineAnswer | None: ...

    async def wait_for_call(
        self, matches: Callable[[ApiCall], bool], *, since: int = 0, timeout: float | None
    ) -> ApiCall: ...

    def command_entity(self, text: str) -> list[dict[str, Any]]: ...

    def message_json(self, chat: ChatState, message: Message) -> dict[str, Any]: ...

    def store_file(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> StoredFile: ...

    def photo_sizes(self, stored: StoredFile) -> list[dict[str, Any]]: ...

    def menu_button_for(self, chat_id: int) -> dict[str, Any]: ...

    def invoice_link(self, link: str) -> dict[str, Any] | None: ...

    def record_payment(
        self, payer: dict[str, Any], charge: Charge, *, subscription_period: int | None = None
    ) -> None: ...

    async def card_charge_id(self, amount: int, currency: str) -> str: ...


class Payer(Protocol):
    """What the payment form asks of the user filling it in."""

    @property
    def standin(self) -> StandInForUser: ...

    @property
    def chat(self) -> ChatState: ...

    @property
    def user_id(self) -> int: ...

    @property
    def user_json(self) -> dict[str, Any]: ...

    async def wait_for_answer(
        self,
        query: PendingQuery,
        answered: Callable[[], T | None],
        timeout: float,
        what: str,
    ) -> T: ...
