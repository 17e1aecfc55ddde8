"""Telegram's error answers, word for word, so the bot's error handling meets the real texts.

The descriptions come from the Bot API server (tdlib/telegram-bot-api), the MTProto error
list and reports of them in the wild. A few invoice texts (title/description length) are the
closest MTProto error names known; they are marked below.
"""

from __future__ import annotations

from typing import Any

UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"

CHAT_NOT_FOUND = "Bad Request: chat not found"
CHAT_ID_EMPTY = "Bad Request: chat_id is empty"
BOT_BLOCKED = "Forbidden: bot was blocked by the user"

MESSAGE_TEXT_EMPTY = "Bad Request: message text is empty"
MESSAGE_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
MESSAGE_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "Bad Request: there is no caption in the message to edit"
NO_MEDIA_TO_EDIT = "Bad Request: there is no media in the message to edit"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
REPLY_MARKUP_UNPARSABLE = "Bad Request: can't parse reply keyboard markup JSON object"
REPLY_MARKUP_TOO_LONG = "Bad Request: reply markup is too long"

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CALLBACK_ANSWER_TOO_LONG = "Bad Request: MESSAGE_TOO_LONG"

NO_PHOTO = "Bad Request: there is no photo in the request"
NO_DOCUMENT = "Bad Request: there is no document in the request"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
FILE_TYPE_MISMATCH = "Bad Request: type of file mismatch"
INVALID_FILE_ID = "Bad Request: invalid file_id"
FILE_TOO_BIG = "Bad Request: file is too big"  # getFile past the 20 MB a bot may download
REQUEST_TOO_LARGE = "Request Entity Too Large"  # an upload past 50 MB (10 MB for a photo)

# Invoices. INVOICE_TITLE_INVALID / INVOICE_DESCRIPTION_INVALID are best-known approximations.
INVOICE_TITLE_INVALID = "Bad Request: INVOICE_TITLE_INVALID"
INVOICE_DESCRIPTION_INVALID = "Bad Request: INVOICE_DESCRIPTION_INVALID"
INVOICE_PAYLOAD_INVALID = "Bad Request: INVOICE_PAYLOAD_INVALID"
CURRENCY_INVALID = "Bad Request: CURRENCY_INVALID"
PRICES_UNPARSABLE = "Bad Request: can't parse prices JSON object"
TOTAL_NOT_POSITIVE = "Bad Request: Total price must be positive"
# A total below the currency's min_amount or above its max_amount (Telegram's currencies.json)
CURRENCY_TOTAL_AMOUNT_INVALID = "Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID"
PAYMENT_PROVIDER_INVALID = "Bad Request: PAYMENT_PROVIDER_INVALID"
# A pre-checkout the bot accepted whose tip is above the invoice's max_tip_amount (the
# closest MTProto error name known; Telegram's app never offers such a tip).
TIP_AMOUNT_INVALID = "Bad Request: TIP_AMOUNT_INVALID"
STARS_INVOICE_INVALID = "Bad Request: STARS_INVOICE_INVALID"
SHIPPING_OPTIONS_UNPARSABLE = "Bad Request: can't parse shipping options JSON object"
SUBSCRIPTION_PERIOD_INVALID = "Bad Request: SUBSCRIPTION_PERIOD_INVALID"  # the MTProto name

CHARGE_ALREADY_REFUNDED = "Bad Request: CHARGE_ALREADY_REFUNDED"
CHARGE_NOT_FOUND = "Bad Request: CHARGE_NOT_FOUND"

BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"

# Menu buttons and Web App buttons: the Bot API server's texts around TDLib's JSON errors.
MENU_BUTTON_UNPARSABLE = "Bad Request: can't parse menu button JSON object"


def menu_button_invalid(reason: str) -> str:
    """A menu button that parses as JSON but not as a MenuButton."""
    return f"Bad Request: can't parse menu button: {reason}"


def web_app_url_invalid(where: str, url: str) -> str:
    """A Web App URL that is not https (``where``: "menu button", "inline keyboard button")."""
    return f"Bad Request: {where} Web App URL '{url}' is invalid: Only HTTPS links are allowed"


def missing_field(name: str) -> str:
    """TDLib's JSON parser on a required field that is absent."""
    return f'Can\'t find field "{name}"'


def wrong_field_type(name: str, kind: str) -> str:
    """TDLib's JSON parser on a field of the wrong JSON type ("String", "Object")."""
    return f'Field "{name}" must be of type {kind}'


# Inline mode. The last three are the MTProto error names, the closest texts known.
QUERY_ID_INVALID = "Bad Request: QUERY_ID_INVALID"
RESULTS_TOO_MUCH = "Bad Request: RESULTS_TOO_MUCH"
RESULT_ID_DUPLICATE = "Bad Request: RESULT_ID_DUPLICATE"
RESULT_ID_INVALID = "Bad Request: RESULT_ID_INVALID"
INLINE_RESULTS_UNPARSABLE = "Bad Request: can't parse inline query results JSON object"
NEXT_OFFSET_INVALID = "Bad Request: NEXT_OFFSET_INVALID"
START_PARAM_INVALID = "Bad Request: START_PARAM_INVALID"
RESULT_TYPE_INVALID = "Bad Request: RESULT_TYPE_INVALID"

GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
WEBHOOK_URL_INVALID = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
SECRET_TOKEN_INVALID = "Bad Request: secret token contains unallowed characters"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)


def parameter_required(name: str) -> str:
    """Telegram's answer when a required parameter is missing or empty."""
    return f'Bad Request: parameter "{name}" is required'


def retry_after(seconds: int) -> str:
    """Flood control's description; the same number is in ``parameters.retry_after``."""
    return f"Too Many Requests: retry after {seconds}"


class ApiError(Exception):
    """A Bot API error answer: HTTP status = error_code, plus Telegram's description."""

    def __init__(
        self, description: str, code: int = 400, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.description = description
        self.code = code
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body
