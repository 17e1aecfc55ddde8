"""The only place that talks to Stripe: charge look-ups and refunds, async, never blocking."""

from __future__ import annotations

from dataclasses import dataclass

import stripe

from bot.config import Settings

STRIPE_TIMEOUT_SECONDS = 8.0
# Digits Stripe's API writes after those the shop keeps (Telegram's currencies.json, `exp`;
# bot.money.exponent). Telegram reads ISK in whole krónur (exp 0); Stripe's API keeps ISK a
# two-decimal currency, whole krónur only (an amount of 100 is 1 króna: Stripe's "special
# cases", and its 2023 note on fractional ISK). Every other currency Telegram takes has the
# same digits in both (UGX and PYG are zero-decimal at Stripe too).
_STRIPE_EXTRA_DIGITS = {"ISK": 2}


def to_stripe(amount: int, currency: str) -> int:
    """The shop's `amount` (Telegram's minor units) as Stripe's API writes it."""
    return amount * 10 ** _STRIPE_EXTRA_DIGITS.get(currency.upper(), 0)


def from_stripe(amount: int, currency: str) -> int:
    """An amount Stripe's API gave, in the shop's (Telegram's) minor units."""
    return amount // 10 ** _STRIPE_EXTRA_DIGITS.get(currency.upper(), 0)


class ProviderUnreachable(Exception):
    """Stripe could not be reached (network, timeout, 5xx, rate limit): try again later."""


class ProviderRejected(Exception):
    """Stripe answered and said no; the message says why."""


class AlreadyRefunded(Exception):
    """The provider had given this payment back already (Telegram: CHARGE_ALREADY_REFUNDED):
    the money is with the payer, so the refund is done, not failed."""


@dataclass(frozen=True)
class ChargeInfo:
    """A charge as Stripe holds it, its amounts in the shop's minor units."""

    id: str
    amount: int
    currency: str
    status: str
    paid: bool
    amount_refunded: int


class StripeGateway:
    """A StripeClient on `STRIPE_API_BASE` with an async HTTP client, made on first use."""

    def __init__(self, api_key: str, api_base: str) -> None:
        self._api_key = api_key
        self._api_base = api_base
        self._http: stripe.HTTPXClient | None = None
        self._client: stripe.StripeClient | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> StripeGateway | None:
        if not settings.stripe_api_key:
            return None
        return cls(settings.stripe_api_key, settings.stripe_api_base)

    @property
    def client(self) -> stripe.StripeClient:
        if self._client is None:
            self._http = stripe.HTTPXClient(timeout=STRIPE_TIMEOUT_SECONDS)
            self._client = stripe.StripeClient(
                self._api_key,
                base_addresses={"api": self._api_base},
                http_client=self._http,
                max_network_retries=1,
            )
        return self._client

    async def retrieve_charge(self, charge_id: str) -> ChargeInfo | None:
        """The charge, or None if Stripe does not know it."""
        try:
            charge = await self.client.v1.charges.retrieve_async(charge_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return None
            raise ProviderRejected(exc.user_message or str(exc)) from exc
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
            raise ProviderUnreachable(str(exc).splitlines()[0]) from exc
        except stripe.StripeError as exc:
            raise ProviderRejected(exc.user_message or str(exc)) from exc
        currency = str(charge.currency).upper()
        return ChargeInfo(
            id=charge.id,
            amount=from_stripe(int(charge.amount), currency),
            currency=currency,
            status=str(charge.status),
            paid=bool(charge.paid),
            amount_refunded=from_stripe(int(charge.amount_refunded or 0), currency),
        )

    async def refund(self, charge_id: str, amount: int, currency: str, idempotency_key: str) -> str:
        """Refund `amount` minor units (the shop's, in `currency`) of the charge; the Stripe
        refund id. Asked again with the same key (after a crash), Stripe answers with the
        refund it made, not a second."""
        try:
            refund = await self.client.v1.refunds.create_async(
                params={"charge": charge_id, "amount": to_stripe(amount, currency)},
                options={"idempotency_key": idempotency_key},
            )
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
            raise ProviderUnreachable(str(exc).splitlines()[0]) from exc
        except stripe.StripeError as exc:
            raise ProviderRejected(exc.user_message or str(exc).splitlines()[0]) from exc
        if refund.status not in ("succeeded", "pending"):
            raise ProviderRejected(f"Stripe refund {refund.id} is {refund.status}")
        return str(refund.id)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close_async()
        self._http = self._client = None
