"""Telegram Stars: refunds (refundStarPayment gives a payment back, always in full), and the
bot's Stars transactions (getStarTransactions), read to find payments whose update was lost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from telegram import TransactionPartnerUser
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.payments.stripe_gateway import AlreadyRefunded, ProviderRejected, ProviderUnreachable

PAGE = 100  # getStarTransactions' largest page
ALREADY_REFUNDED = "CHARGE_ALREADY_REFUNDED"  # refundStarPayment's 400 for a refunded charge


class StarRefunder(Protocol):
    """What refunds need of a bot (telegram.Bot, or a stand-in in tests)."""

    async def refund_star_payment(self, user_id: int, telegram_payment_charge_id: str) -> bool: ...


class StarsGateway:
    """Stars payments and refunds go through the bot itself: Telegram is the provider."""

    def __init__(self, bot: StarRefunder) -> None:
        self._bot = bot

    async def refund(self, user_id: int, telegram_payment_charge_id: str) -> None:
        """Give the whole payment back; AlreadyRefunded if Telegram had done so before,
        ProviderRejected if it says no, ProviderUnreachable if it gave no answer (down, timed
        out, asked to wait: the refund may have been made, so it is asked again later, when
        CHARGE_ALREADY_REFUNDED says so)."""
        try:
            await self._bot.refund_star_payment(user_id, telegram_payment_charge_id)
        except BadRequest as exc:
            if ALREADY_REFUNDED in exc.message.upper():
                raise AlreadyRefunded(telegram_payment_charge_id) from None
            raise ProviderRejected(str(exc)) from exc
        except (NetworkError, RetryAfter) as exc:  # BadRequest is a NetworkError: caught above
            raise ProviderUnreachable(str(exc)) from exc
        except TelegramError as exc:
            raise ProviderRejected(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class StarPayment:
    """An incoming Stars payment as Telegram's transaction list shows it."""

    telegram_payment_charge_id: str
    user_id: int
    payer_name: str
    amount: int
    invoice_payload: str


async def recent_star_payments(bot: Any, pages: int) -> list[StarPayment]:
    """Incoming Stars payments for invoices, from the last `pages` pages of the transaction
    list (refunds and other transactions left out). The order of the list is not relied on."""
    found: list[StarPayment] = []
    for page in range(pages):
        batch = (await bot.get_star_transactions(offset=page * PAGE, limit=PAGE)).transactions
        for transaction in batch:
            source = transaction.source
            if isinstance(source, TransactionPartnerUser) and source.invoice_payload:
                found.append(
                    StarPayment(
                        telegram_payment_charge_id=transaction.id,
                        user_id=source.user.id,
                        payer_name=f"{source.user.full_name} (id {source.user.id})",
                        amount=transaction.amount,
                        invoice_payload=source.invoice_payload,
                    )
                )
        if len(batch) < PAGE:
            break
    return found
