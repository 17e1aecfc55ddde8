"""Telegram's payment form, filled in by a fake user: for an invoice message or an invoice link.

The form asks the bot what Telegram asks it, in Telegram's order: a shipping query for
flexible invoices, then the pre-checkout query, then the successful_payment message in the
chat. Choices can override what the form would send, to test that the bot checks it.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from bot.standin.models import Charge, PaymentResult, TranscriptEvent, format_amount

if TYPE_CHECKING:
    from bot.standin.chats import ChatState
    from bot.standin.roles import Payer

DEFAULT_SHIPPING_ADDRESS: dict[str, str] = {
    "country_code": "US",
    "state": "CA",
    "city": "San Francisco",
    "street_line1": "1 Market St",
    "street_line2": "",
    "post_code": "94105",
}


class PaymentChoices(TypedDict, total=False):
    """What the user enters or picks on the form (all optional).

    ``total_amount``/``currency``/``payload`` replace what the form would send, as a tampered
    client could. ``lose_update``: Telegram takes the money (the charge, a Stars transaction,
    the payment message in the chat) but the successful_payment update never reaches the bot;
    the result's ``successful_payment_update`` is the update that was never delivered.
    """

    shipping_address: dict[str, str] | None
    shipping_option_id: str | None
    tip_amount: int
    provider_payment_charge_id: str | None
    telegram_payment_charge_id: str | None
    order_info: dict[str, Any] | None
    total_amount: int | None
    currency: str | None
    payload: str | None
    timeout: float
    lose_update: bool


def _total(prices: list[dict[str, Any]]) -> int:
    return sum(int(price["amount"]) for price in prices)


class PaymentForm:
    """One invoice's form, filled in by ``user``; the queries and the payment message go to
    ``chat`` (the invoice's chat, or the user's private chat for an invoice link)."""

    def __init__(
        self,
        user: Payer,
        invoice: dict[str, Any],
        chat: ChatState,
        choices: PaymentChoices,
    ) -> None:
        self.user = user
        self.invoice = invoice
        self.chat = chat
        self.choices = choices
        self.timeout = choices.get("timeout", 10.0)
        self.currency = str(invoice["currency"])
        # Telegram always sends all six address fields, empty when not filled in.
        self.address = {key: "" for key in DEFAULT_SHIPPING_ADDRESS}
        self.address.update(choices.get("shipping_address") or DEFAULT_SHIPPING_ADDRESS)
        payload = choices.get("payload")
        self.payload = payload if payload is not None else str(invoice["payload"])
        info = choices.get("order_info")
        self.order_info = info if info is not None else self._order_info()

    async def submit(self) -> PaymentResult:
        """Go through the form as Telegram's app does; the result says where it ended."""
        tip = self.choices.get("tip_amount", 0)
        if tip and tip > int(self.invoice.get("max_tip_amount") or 0):
            raise ValueError("The payment form does not allow a tip above max_tip_amount")
        amount = _total(self.invoice["prices"]) + tip
        if tip:
            self._tell("user", "added a tip", format_amount(tip, self.currency))
        option: dict[str, Any] | None = None
        if self.invoice.get("is_flexible") and self.invoice.get("need_shipping_address"):
            shipping = await self._ask_shipping()
            if isinstance(shipping, PaymentResult):
                return shipping
            option = shipping
            amount += _total(option["prices"])
        total = self.choices.get("total_amount")
        currency = self.choices.get("currency")
        return await self._check_out(
            amount if total is None else total,
            self.currency if currency is None else currency,
            option,
        )

    async def _ask_shipping(self) -> dict[str, Any] | PaymentResult:
        """The shipping query: the chosen option, or how the bot refused the address."""
        self._tell("user", "entered shipping address", self.address["country_code"])
        query = await self.user.standin.open_query(
            "shipping_query",
            self.chat,
            {
                "from": self.user.user_json,
                "invoice_payload": self.payload,
                "shipping_address": self.address,
            },
            invoice=self.invoice,
        )
        answer: dict[str, Any] = await self.user.wait_for_answer(
            query, lambda: query.answer, self.timeout, "an answerShippingQuery"
        )
        if not answer["ok"]:
            return PaymentResult(
                ok=False, stage="shipping", error_message=answer.get("error_message")
            )
        options: list[dict[str, Any]] = answer["shipping_options"]
        wanted = self.choices.get("shipping_option_id")
        option = next((o for o in options if wanted in (None, o["id"])), None)
        if option is None:
            raise LookupError(f"The bot offered no shipping option {wanted!r}")
        self._tell("bot", "offered shipping", "; ".join(map(self._shown, options)))
        self._tell("user", "chose shipping", self._shown(option))
        return option

    async def _check_out(
        self, amount: int, currency: str, option: dict[str, Any] | None
    ) -> PaymentResult:
        """The pre-checkout query, then (if the bot agrees) the payment itself."""
        checkout: dict[str, Any] = {
            "from": self.user.user_json,
            "currency": currency,
            "total_amount": amount,
            "invoice_payload": self.payload,
        }
        if option is not None:
            checkout["shipping_option_id"] = str(option["id"])
        if self.order_info:
            checkout["order_info"] = self.order_info
        self._tell("user", "confirmed payment", format_amount(amount, currency))
        query = await self.user.standin.open_query(
            "pre_checkout_query",
            self.chat,
            checkout,
            invoice=self.invoice,
            shipping_amount=0 if option is None else _total(option["prices"]),
        )
        answer = await self.user.wait_for_answer(
            query, lambda: query.answer, self.timeout, "an answerPreCheckoutQuery"
        )
        if not answer["ok"]:
            self._tell("bot", "declined payment", str(answer.get("error_message")))
            return PaymentResult(
                ok=False, stage="pre_checkout", error_message=answer.get("error_message")
            )
        self._tell("bot", "accepted payment", "")
        return await self._pay(checkout)

    async def _pay(self, checkout: dict[str, Any]) -> PaymentResult:
        """Telegram charges the user and posts the successful_payment message."""
        currency, amount = str(checkout["currency"]), int(checkout["total_amount"])
        charge_id = self.choices.get("telegram_payment_charge_id") or (
            f"stxn_{secrets.token_hex(12)}"
        )
        provider_charge_id = self.choices.get("provider_payment_charge_id")
        if provider_charge_id is None and currency == "XTR":
            provider_charge_id = ""
        elif provider_charge_id is None:
            provider_charge_id = await self.user.standin.card_charge_id(amount, currency)
        paid = {key: value for key, value in checkout.items() if key != "from"}
        paid["telegram_payment_charge_id"] = charge_id
        paid["provider_payment_charge_id"] = provider_charge_id
        period = self.invoice.get("subscription_period")
        if period:
            paid["subscription_expiration_date"] = int(time.time()) + int(period)
            paid["is_recurring"] = paid["is_first_recurring"] = True
        charge = Charge(
            user_id=self.user.user_id,
            telegram_payment_charge_id=charge_id,
            provider_payment_charge_id=provider_charge_id,
            currency=currency,
            total_amount=amount,
            payload=self.payload,
        )
        self.user.standin.record_payment(self.user.user_json, charge, subscription_period=period)
        self._tell("user", "paid", format_amount(amount, currency))
        _, update = await self.user.standin.add_user_message(
            self.chat,
            {"successful_payment": paid},
            deliver=not self.choices.get("lose_update", False),
        )
        return PaymentResult(
            ok=True,
            stage="paid",
            telegram_payment_charge_id=charge_id,
            provider_payment_charge_id=provider_charge_id,
            total_amount=amount,
            currency=currency,
            successful_payment_update=update,
        )

    def _order_info(self) -> dict[str, Any]:
        """What the form asks for because the invoice needs it."""
        info: dict[str, Any] = {}
        if self.invoice.get("need_name"):
            info["name"] = self.user.chat.user["first_name"]
        if self.invoice.get("need_phone_number"):
            info["phone_number"] = "15555550100"
        if self.invoice.get("need_email"):
            info["email"] = f"user{self.user.user_id}@example.com"
        if self.invoice.get("need_shipping_address"):
            info["shipping_address"] = self.address
        return info

    def _shown(self, option: dict[str, Any]) -> str:
        """A shipping option as the form lists it: "Express 15.00 USD"."""
        price = format_amount(_total(option["prices"]), self.currency)
        return f"{option['title'] or option['id']} {price}"

    def _tell(self, actor: Literal["user", "bot"], action: str, text: str) -> None:
        self.chat.transcript.append(TranscriptEvent(actor, action, text))
