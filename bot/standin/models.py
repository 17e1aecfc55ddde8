"""Plain views of what the stand-in saw: calls, chat messages, answers and payments.

Tests and the sandbox read these instead of raw JSON, so they can assert on what a shopper
would see in the Telegram app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.money import to_decimal_string


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the user sees it."""

    label: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None
    """The Mini App's URL, for a button that opens one."""


@dataclass
class Document:
    """A file attached to a message, with its bytes (the stand-in keeps everything in memory)."""

    file_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes


@dataclass
class Message:
    """The current state of one message in a private chat (after edits; deleted ones flagged).

    ``text`` is the message text or, for media, the caption, without markup: what the user reads.
    """

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None
    photo: str | None = None
    photo_source: str | None = None
    """The uploaded file's name or the photo's URL, when known: readable in transcripts."""
    buttons: list[list[Button]] = field(default_factory=list)
    invoice: dict[str, Any] | None = None
    document: Document | None = None
    edited: bool = False
    deleted: bool = False
    parse_mode: str | None = None
    raw_text: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo_sizes: list[dict[str, Any]] = field(default_factory=list)
    successful_payment: dict[str, Any] | None = None
    revision: int = 0
    """Stand-in wide sequence number of the last send or edit, to wait for changes."""

    @property
    def kind(self) -> Literal["text", "photo", "document", "invoice", "payment"]:
        """What sort of message this is; it decides which edits Telegram allows."""
        if self.invoice is not None:
            return "invoice"
        if self.successful_payment is not None:
            return "payment"
        if self.photo is not None:
            return "photo"
        if self.document is not None:
            return "document"
        return "text"

    @property
    def has_caption(self) -> bool:
        """Media messages carry a caption instead of text."""
        return self.kind in ("photo", "document")

    @property
    def all_buttons(self) -> list[Button]:
        """The inline buttons flattened row by row."""
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, decoded, with what the stand-in answered."""

    method: str
    params: dict[str, Any]
    at: float
    ok: bool
    result_or_error: Any
    error_code: int | None = None
    fault: str | None = None
    """The fault the stand-in injected into this call ("flood", "server_error", "timeout",
    "disconnect", "error"; see :mod:`bot.standin.faults`), if any."""


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook, and how it went."""

    update_id: int
    kind: str
    url: str
    at: float
    status: int | None
    """The HTTP status, or None if the connection failed (see :attr:`error`)."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery: the toast (or alert) the user sees after a tap."""

    text: str | None
    show_alert: bool = False
    url: str | None = None


@dataclass(frozen=True)
class InlineResult:
    """One result of the bot's answerInlineQuery, as the list under the input field shows it.

    ``type`` is Telegram's ("article", "photo": a cached photo too); ``text`` is what choosing
    it posts (message text or photo caption); ``photo`` the cached photo's file_id or the URL.
    """

    id: str
    type: str
    title: str | None
    description: str | None
    text: str | None
    photo: str | None
    buttons: list[list[Button]]
    raw: dict[str, Any]

    @property
    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]


@dataclass(frozen=True)
class InlineAnswer:
    """The bot's answerInlineQuery: the results, the offset of the next page ("" for none) and
    the button above the results (``{"text", "start_parameter"}`` or ``{"text", "web_app"}``)."""

    results: list[InlineResult]
    next_offset: str
    button: dict[str, Any] | None
    cache_time: int | None
    is_personal: bool


@dataclass(frozen=True)
class PaymentResult:
    """How a payment attempt ended, as Telegram's payment form would report it."""

    ok: bool
    stage: Literal["shipping", "pre_checkout", "paid"]
    error_message: str | None = None
    telegram_payment_charge_id: str | None = None
    provider_payment_charge_id: str | None = None
    total_amount: int | None = None
    currency: str | None = None
    successful_payment_update: dict[str, Any] | None = None


@dataclass(frozen=True)
class StarRefund:
    """A refundStarPayment the bot made."""

    user_id: int
    telegram_payment_charge_id: str


@dataclass
class Charge:
    """A completed payment Telegram knows about, so refunds can be checked."""

    user_id: int
    telegram_payment_charge_id: str
    provider_payment_charge_id: str
    currency: str
    total_amount: int
    payload: str
    refunded: bool = False


@dataclass(frozen=True)
class StarTransaction:
    """A Telegram Stars transaction as getStarTransactions returns it: an incoming payment
    (``source``: the paying user and the invoice payload) or an outgoing refund (``receiver``).

    ``id`` is the payment's telegram_payment_charge_id, for a refund too, as in the Bot API.
    """

    id: str
    amount: int
    date: int
    source: dict[str, Any] | None = None
    receiver: dict[str, Any] | None = None

    @property
    def incoming(self) -> bool:
        return self.source is not None

    def to_json(self) -> dict[str, Any]:
        """The StarTransaction object of the Bot API."""
        data: dict[str, Any] = {"id": self.id, "amount": self.amount, "date": self.date}
        if self.source is not None:
            data["source"] = self.source
        if self.receiver is not None:
            data["receiver"] = self.receiver
        return data


@dataclass(frozen=True)
class TranscriptEvent:
    """One line of the chat story: who did what, ready to print."""

    actor: Literal["user", "bot"]
    action: str
    text: str
    message_id: int | None = None

    def __str__(self) -> str:
        who = "You" if self.actor == "user" else "Bot"
        head = f"{who} {self.action}" if self.action not in ("sent", "") else who
        body = self.text.replace("\n", "\n    ")
        return f"{head}: {body}" if body else head


def format_amount(amount: int, currency: str) -> str:
    """ "12.50 USD", "50 XTR": minor units shown the way the payment form shows them."""
    return f"{to_decimal_string(amount, currency)} {currency}"


def render(message: Message) -> str:
    """The message as readable text, buttons as ``[label]`` rows, for transcripts and asserts."""
    lines: list[str] = []
    if message.invoice is not None:
        invoice = message.invoice
        currency = str(invoice.get("currency", ""))
        prices: list[dict[str, Any]] = list(invoice.get("prices") or [])
        total = sum(int(price.get("amount", 0)) for price in prices)
        lines.append(f"🧾 {invoice.get('title', '')}")
        lines.append(str(invoice.get("description", "")))
        lines.extend(
            f"  {price.get('label', '')}: {format_amount(int(price.get('amount', 0)), currency)}"
            for price in prices
        )
        lines.append(f"  Total: {format_amount(total, currency)}")
        if not message.buttons:
            lines.append(f"[Pay {format_amount(total, currency)}]")
    elif message.successful_payment is not None:
        paid = message.successful_payment
        amount = format_amount(int(paid["total_amount"]), str(paid["currency"]))
        lines.append(f"💳 paid {amount}")
    else:
        if message.photo is not None:
            lines.append(f"[photo {message.photo_source or message.photo}]")
        if message.document is not None:
            doc = message.document
            lines.append(f"[document {doc.file_name or doc.file_id} ({len(doc.data)} bytes)]")
        if message.text:
            lines.append(message.text)
    lines.extend(" ".join(f"[{button.label}]" for button in row) for row in message.buttons if row)
    if message.deleted:
        lines.append("(deleted)")
    return "\n".join(lines)
