"""Reading what the shopper sees, for the shopper end-to-end tests."""

from __future__ import annotations

from bot.standin.models import Message, render
from bot.standin.user import FakeUser


def shown(user: FakeUser) -> str:
    """The text (or caption) of the bot's newest message."""
    message = user.last_message
    return (message.text or "") if message is not None else ""


def screen(user: FakeUser) -> str:
    """The bot's newest message rendered with its buttons as [labels]."""
    message = user.last_message
    return render(message) if message is not None else ""


async def add_to_cart(user: FakeUser, sku: str) -> None:
    """Open a product by its deep link and add one to the cart."""
    await user.send(f"/start product_{sku}")
    await user.wait_for("Add to cart")
    await user.press("Add to cart")


async def open_order_summary(user: FakeUser) -> None:
    """From anywhere: the cart, then Checkout, until the verified summary shows."""
    await user.send("/cart")
    await user.wait_for("Your cart")
    await user.press("Checkout")
    await user.wait_for("Order summary", include_existing=True)


async def open_invoice(user: FakeUser, *skus: str) -> Message:
    """One of each product into the cart, check out, press Pay: the invoice message."""
    for sku in skus:
        await add_to_cart(user, sku)
    await open_order_summary(user)
    await user.press("Pay")
    return await user.wait_for(lambda m: m.invoice is not None, include_existing=True)
