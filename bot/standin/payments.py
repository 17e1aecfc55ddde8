"""Payments: invoices, shipping and pre-checkout answers, Telegram Stars refunds and history.

Every Stars payment a :class:`FakeUser` makes is kept as an incoming :class:`StarTransaction`
and every refundStarPayment as an outgoing one, so getStarTransactions can reconcile them.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.money import telegram_maximum, telegram_minimum
from bot.standin import errors
from bot.standin.chats import PendingQuery
from bot.standin.core import api_method
from bot.standin.errors import ApiError
from bot.standin.messages import MessagesArea, utf16_length
from bot.standin.models import Charge, StarRefund, StarTransaction
from bot.standin.params import Params

MAX_INVOICE_TITLE = 32
MAX_INVOICE_DESCRIPTION = 255
MAX_INVOICE_PAYLOAD_BYTES = 128
PRE_CHECKOUT_ANSWER_SECONDS = 10.0
STARS = "XTR"
MAX_STAR_TRANSACTIONS = 100
SUBSCRIPTION_PERIOD_SECONDS = 30 * 24 * 60 * 60
"""The only subscription period the Bot API accepts (30 days)."""
INVOICE_LINK_PREFIX = "https://t.me/$"

CardCharges = Callable[[int, str], Awaitable[str]]
"""Where the payment form charges a card: (amount, currency) -> the provider's charge id."""
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _prices(value: Any, name: str) -> list[dict[str, Any]]:
    """A list of LabeledPrice objects, as an invoice or a shipping option carries them."""
    if value is None:
        raise ApiError(errors.parameter_required(name))
    if not isinstance(value, list) or not value:
        raise ApiError(errors.PRICES_UNPARSABLE)
    prices: list[dict[str, Any]] = []
    for price in value:
        if (
            not isinstance(price, dict)
            or not isinstance(price.get("label"), str)
            or not isinstance(price.get("amount"), int)
            or isinstance(price.get("amount"), bool)
        ):
            raise ApiError(errors.PRICES_UNPARSABLE)
        prices.append({"label": price["label"], "amount": price["amount"]})
    return prices


def _invoice_partner(user: dict[str, Any], payload: str) -> dict[str, Any]:
    """The TransactionPartnerUser of a Stars payment for an invoice (or of its refund)."""
    return {
        "type": "user",
        "transaction_type": "invoice_payment",
        "user": dict(user),
        "invoice_payload": payload,
    }


def _shipping_problem(query: PendingQuery, options: list[dict[str, Any]]) -> str | None:
    """Why Telegram refuses shipping options: one would take the payment past the most
    its currency allows in one payment (the bot must leave it out)."""
    invoice = query.invoice
    if invoice is None:
        return None
    goods = sum(price["amount"] for price in invoice["prices"])
    most = telegram_maximum(str(invoice["currency"]))
    for option in options:
        if goods + sum(price["amount"] for price in option["prices"]) > most:
            return errors.CURRENCY_TOTAL_AMOUNT_INVALID
    return None


def _payment_problem(query: PendingQuery) -> str | None:
    """Why Telegram refuses a pre-checkout the bot accepted: a tip above the invoice's
    max_tip_amount, or a total past the currency's maximum (with shipping and tip)."""
    invoice = query.invoice
    if invoice is None or query.payload.get("currency") != invoice["currency"]:
        return None  # another currency: the bot's own check must refuse it
    total = int(query.payload["total_amount"])
    goods = sum(price["amount"] for price in invoice["prices"])
    tip = total - goods - query.shipping_amount
    if tip > int(invoice.get("max_tip_amount") or 0):
        return errors.TIP_AMOUNT_INVALID
    if total > telegram_maximum(str(invoice["currency"])):
        return errors.CURRENCY_TOTAL_AMOUNT_INVALID
    return None


class PaymentsArea(MessagesArea):
    """Invoices the bot sends and the payments and refunds Telegram keeps track of."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.charges: dict[str, Charge] = {}
        self.star_refunds: list[StarRefund] = []
        self.star_transactions: list[StarTransaction] = []
        """The bot's Stars history, oldest first: payments in, refunds out."""
        self.invoice_links: dict[str, dict[str, Any]] = {}
        """Invoices created with createInvoiceLink, by the slug after ``https://t.me/$``."""
        self.card_charges: CardCharges | None = None
        """Where a card payment is charged (the sandbox: localstripe); None: nowhere, its
        charge id made up."""

    async def card_charge_id(self, amount: int, currency: str) -> str:
        """The provider's charge id of a card payment the form makes: a real charge where
        `card_charges` makes one, else a made-up id that no provider knows."""
        if self.card_charges is not None:
            return await self.card_charges(amount, currency)
        return f"ch_{secrets.token_hex(12)}"

    def record_payment(
        self, payer: dict[str, Any], charge: Charge, *, subscription_period: int | None = None
    ) -> None:
        """Telegram took the user's money: the charge can be refunded, and a Stars payment
        shows in getStarTransactions."""
        self.charges[charge.telegram_payment_charge_id] = charge
        if charge.currency == STARS:
            source = _invoice_partner(payer, charge.payload)
            if subscription_period:
                source["subscription_period"] = subscription_period
            self.star_transactions.append(
                StarTransaction(
                    charge.telegram_payment_charge_id,
                    charge.total_amount,
                    int(time.time()),
                    source=source,
                )
            )

    def invoice_link(self, link: str) -> dict[str, Any] | None:
        """The invoice behind a link createInvoiceLink returned (``https://t.me/$...``)."""
        return self.invoice_links.get(link.rpartition("$")[2])

    def _invoice(self, params: Params) -> dict[str, Any]:
        """The invoice a sendInvoice or createInvoiceLink describes, checked as Telegram
        checks it."""
        title = params.required_text("title")
        if utf16_length(title) > MAX_INVOICE_TITLE:  # as Telegram counts: 📦 is two
            raise ApiError(errors.INVOICE_TITLE_INVALID)
        description = params.required_text("description")
        if utf16_length(description) > MAX_INVOICE_DESCRIPTION:
            raise ApiError(errors.INVOICE_DESCRIPTION_INVALID)
        payload = params.required_text("payload")
        if len(payload.encode("utf-8")) > MAX_INVOICE_PAYLOAD_BYTES:
            raise ApiError(errors.INVOICE_PAYLOAD_INVALID)
        currency = params.required_text("currency")
        if not _CURRENCY_RE.match(currency):
            raise ApiError(errors.CURRENCY_INVALID)
        prices = _prices(params.json("prices"), "prices")
        total = sum(price["amount"] for price in prices)
        if total <= 0:
            raise ApiError(errors.TOTAL_NOT_POSITIVE)
        if not telegram_minimum(currency) <= total <= telegram_maximum(currency):
            raise ApiError(errors.CURRENCY_TOTAL_AMOUNT_INVALID)
        provider_token = params.text("provider_token") or ""
        invoice: dict[str, Any] = {
            "title": title,
            "description": description,
            "payload": payload,
            "provider_token": provider_token,
            "currency": currency,
            "prices": prices,
            "max_tip_amount": params.integer("max_tip_amount") or 0,
            "suggested_tip_amounts": params.json("suggested_tip_amounts") or [],
            "start_parameter": params.text("start_parameter") or "",
            "provider_data": params.text("provider_data"),
            "photo_url": params.text("photo_url"),
            "need_name": params.flag("need_name"),
            "need_phone_number": params.flag("need_phone_number"),
            "need_email": params.flag("need_email"),
            "need_shipping_address": params.flag("need_shipping_address")
            or params.flag("is_flexible"),
            "is_flexible": params.flag("is_flexible"),
        }
        if currency == STARS:
            if (
                provider_token
                or len(prices) != 1
                or invoice["need_shipping_address"]
                or invoice["max_tip_amount"]
            ):
                raise ApiError(errors.STARS_INVOICE_INVALID)
        elif not provider_token:
            raise ApiError(errors.PAYMENT_PROVIDER_INVALID)
        return invoice

    @api_method("sendInvoice", rate_limited=True)
    async def _send_invoice(self, params: Params) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        invoice = self._invoice(params)
        markup, buttons = self._markup(params, chat)
        message = self._new_message(chat)
        message.invoice = invoice
        message.reply_markup, message.buttons = markup, buttons
        return self._post(chat, message)

    @api_method("createInvoiceLink")
    async def _create_invoice_link(self, params: Params) -> str:
        """A link that opens the payment form, for a Mini App's openInvoice (or any chat).

        The invoice is checked as sendInvoice's; a subscription is Stars only, 30 days.
        """
        invoice = self._invoice(params)
        period = params.integer("subscription_period")
        if period:
            if period != SUBSCRIPTION_PERIOD_SECONDS or invoice["currency"] != STARS:
                raise ApiError(errors.SUBSCRIPTION_PERIOD_INVALID)
            invoice["subscription_period"] = period
        slug = secrets.token_urlsafe(21)
        self.invoice_links[slug] = invoice
        return f"{INVOICE_LINK_PREFIX}{slug}"

    @api_method("answerShippingQuery")
    async def _answer_shipping_query(self, params: Params) -> bool:
        query = self._take_query(params, "shipping_query_id", "shipping_query")
        ok = params.flag("ok")
        answer: dict[str, Any] = {"ok": ok}
        if ok:
            options = params.json("shipping_options")
            if options is None:
                raise ApiError(errors.parameter_required("shipping_options"))
            if not isinstance(options, list) or not options:
                raise ApiError(errors.SHIPPING_OPTIONS_UNPARSABLE)
            parsed = []
            for option in options:
                if not isinstance(option, dict) or not option.get("id"):
                    raise ApiError(errors.SHIPPING_OPTIONS_UNPARSABLE)
                parsed.append(
                    {
                        "id": str(option["id"]),
                        "title": str(option.get("title", "")),
                        "prices": _prices(option.get("prices"), "prices"),
                    }
                )
            self._refuse_unless(query, _shipping_problem(query, parsed))
            answer["shipping_options"] = parsed
        else:
            answer["error_message"] = params.required_text("error_message")
        self._answer(query, answer)
        return True

    @api_method("answerPreCheckoutQuery")
    async def _answer_pre_checkout_query(self, params: Params) -> bool:
        query = self._take_query(
            params, "pre_checkout_query_id", "pre_checkout_query", PRE_CHECKOUT_ANSWER_SECONDS
        )
        ok = params.flag("ok")
        answer: dict[str, Any] = {"ok": ok}
        if ok:
            self._refuse_unless(query, _payment_problem(query))
        else:
            answer["error_message"] = params.required_text("error_message")
        self._answer(query, answer)
        return True

    def _refuse_unless(self, query: PendingQuery, problem: str | None) -> None:
        """A payment answer Telegram would refuse: the bot gets the 400, and the form ends
        there with the description (Telegram's app would show the payment failed)."""
        if problem is None:
            return
        self._answer(query, {"ok": False, "error_message": problem})
        raise ApiError(problem)

    @api_method("refundStarPayment")
    async def _refund_star_payment(self, params: Params) -> bool:
        user_id = params.integer("user_id")
        charge_id = params.required_text("telegram_payment_charge_id")
        charge = self.charges.get(charge_id)
        if charge is None or charge.user_id != user_id or charge.currency != STARS:
            raise ApiError(errors.CHARGE_NOT_FOUND)
        if charge.refunded:
            raise ApiError(errors.CHARGE_ALREADY_REFUNDED)
        charge.refunded = True
        self.star_refunds.append(StarRefund(charge.user_id, charge_id))
        payer = self.chats[charge.user_id].user if charge.user_id in self.chats else {}
        receiver = _invoice_partner({"id": charge.user_id, **payer}, charge.payload)
        self.star_transactions.append(
            StarTransaction(charge_id, charge.total_amount, int(time.time()), receiver=receiver)
        )
        return True

    @api_method("getStarTransactions")
    async def _get_star_transactions(self, params: Params) -> dict[str, Any]:
        """The bot's Stars transactions in chronological order, as the Bot API documents."""
        offset = max(params.integer("offset") or 0, 0)
        limit = min(
            max(params.integer("limit", MAX_STAR_TRANSACTIONS) or 1, 1), MAX_STAR_TRANSACTIONS
        )
        page = self.star_transactions[offset : offset + limit]
        return {"transactions": [transaction.to_json() for transaction in page]}
