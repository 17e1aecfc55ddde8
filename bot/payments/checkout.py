"""Hand-off from the chat's checkout to the payment flow.

The shopper's journey calls `start_payment` when the shopper presses "Pay" on a verified
order summary. The payments feature replaces this body: create the order from the cart,
reserve its stock and send the Telegram invoice.
"""

from __future__ import annotations

from telegram import Update

from bot.context import ShopContext


async def start_payment(update: Update, context: ShopContext) -> bool:
    """Send the invoice for the shopper's cart; True if the chat now awaits payment."""
    if update.effective_chat:
        await context.bot.send_message(
            update.effective_chat.id, "Payments are not switched on in this shop yet."
        )
    return False
