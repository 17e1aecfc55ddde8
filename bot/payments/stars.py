"""Telegram Stars refunds: refundStarPayment gives a Stars payment back, always in full."""

from __future__ import annotations

from typing import Protocol

from telegram.error import TelegramError

from bot.payments.stripe_gateway import ProviderRejected


class StarRefunder(Protocol):
    """What refunds need of a bot (telegram.Bot, or a stand-in in tests)."""

    async def refund_star_payment(self, user_id: int, telegram_payment_charge_id: str) -> bool: ...


class StarsGateway:
    """Stars payments and refunds go through the bot itself: Telegram is the provider."""

    def __init__(self, bot: StarRefunder) -> None:
        self._bot = bot

    async def refund(self, user_id: int, telegram_payment_charge_id: str) -> None:
        """Give the whole payment back; ProviderRejected if Telegram says no."""
        try:
            await self._bot.refund_star_payment(user_id, telegram_payment_charge_id)
        except TelegramError as exc:
            raise ProviderRejected(str(exc)) from exc
