"""A local Telegram Bot API stand-in and a fake user, to run the real bot without a network.

Point python-telegram-bot at :class:`BotApiStandIn` with ``base_url``/``base_file_url`` and
let a :class:`FakeUser` play the shopper; used by the tests, the demo and the sandbox.
"""

from bot.standin.errors import ApiError
from bot.standin.models import (
    ApiCall,
    Button,
    CallbackAnswer,
    Charge,
    Document,
    InlineAnswer,
    InlineResult,
    Message,
    PaymentResult,
    StarRefund,
    StarTransaction,
    TranscriptEvent,
    WebhookDelivery,
    format_amount,
    render,
)
from bot.standin.payment_form import DEFAULT_SHIPPING_ADDRESS, PaymentChoices
from bot.standin.server import BotApiStandIn, scope_key
from bot.standin.user import FakeUser

__all__ = [
    "DEFAULT_SHIPPING_ADDRESS",
    "ApiCall",
    "ApiError",
    "BotApiStandIn",
    "Button",
    "CallbackAnswer",
    "Charge",
    "Document",
    "FakeUser",
    "InlineAnswer",
    "InlineResult",
    "Message",
    "PaymentChoices",
    "PaymentResult",
    "StarRefund",
    "StarTransaction",
    "TranscriptEvent",
    "WebhookDelivery",
    "format_amount",
    "render",
    "scope_key",
]
