"""Every text of the storefront page (static/app.js says them through `t('...')`), as msgids
of the message catalogs: GET api/texts gives the page their translations for its shopper.
index.html's own (`{{t:...}}`) are filled in by the server in the browser's language.
Counted words ("2 товара") come worded from the API, which knows each language's plurals.
tests/webapp/test_page_languages.py keeps these lists and the page in step."""

from __future__ import annotations

from bot.i18n import N_, Translator

PAGE_TEXTS: tuple[str, ...] = (
    N_("Sort by"),
    N_("Price ↓"),
    N_("Price ↑"),
    N_("Nothing here is in stock right now."),
    N_("Newest"),
    N_("★ Rating"),
    N_("Name"),
    N_("In stock only"),
    N_("‹ Back"),
    N_("🛒 In your cart: {count}"),
    N_("Add to cart"),
    N_("All {count} left are in your cart."),
    N_("Browse the shop"),
    N_("Checkout · {total}"),
    N_("Clear cart"),
    N_("Close the shop and open it again from the chat."),
    N_("Continue shopping"),
    N_("In stock"),
    N_("No longer on sale"),
    N_("Nothing found for “{query}”."),
    N_("One less"),
    N_("One more"),
    N_("Previous photo"),
    N_("Next photo"),
    N_("Order #{order_id}"),
    N_("Out of stock"),
    N_("Payment cancelled. Your items are still in your cart."),
    N_("Payment sent: waiting for the shop to confirm it…"),
    N_("Remove {title}"),
    N_("Search"),
    N_("Search the shop"),
    N_("Shipping address and method are chosen in the payment form."),
    N_("Shipping: {amount}"),
    N_("Shop"),
    N_("Show more"),
    N_("Some things changed since you added them:"),
    N_("Something went wrong."),
    N_("Thank you! Your receipt is in the chat with the shop."),
    N_("The payment did not go through. Please try again."),
    N_("The shop answered {status}."),
    N_("The shop cannot be reached. Check your connection and try again."),
    N_("The shop is empty right now. Please come back soon!"),
    N_("The shop is not answering. Please try again."),
    N_("This order was cancelled."),
    N_("This page is open outside Telegram, where invoices cannot be paid. Its invoice link:"),
    N_("Tip: {amount}"),
    N_("Total"),
    N_("Try again"),
    N_("View cart · {items} · {total}"),
    N_("Waiting for payment."),
    N_("Waiting for your payment for order #{order_id}…"),
    N_("You can add up to {count}."),
    N_("Your cart"),
    N_("Your cart is empty."),
    N_("Your cart is updated. Check out again to pay for it as it is now."),
    N_("Your cart may have changed: asking the shop again…"),
    N_("♡ Save"),
    N_("♡ Saved"),
    N_("♥ Saved"),
    N_("Nothing saved yet: tap ♡ Save on a product to find it here."),
    N_("📦 My orders"),
    N_("📦 You have no orders yet. Everything you buy will be listed here."),
    N_("🔁 Buy again"),
    N_("✖️ Cancel order"),
    N_("✖️ Yes, cancel it"),
    N_("⬅ No, keep it"),
    N_("Refunded: {amount}"),
    N_("Refund on its way: {amount}"),
    N_("Tracking number: {number}"),
    N_("📦 Track parcel"),
    N_("⭐ Rate {title}"),
    N_("↩️ Return items"),
    N_("📨 Send request"),
    N_("Why are you returning them?"),
    N_("Choose at least one item to return."),
    N_("⬅ Back to the order"),
)

HTML_TEXTS: tuple[str, ...] = (
    N_("Loading the shop…"),
    N_(
        "Open it from the shop’s bot: the menu button beside the message field, or /shop in the chat."  # noqa: E501
    ),
    N_("Shop"),
    N_("This is the shop’s page for Telegram."),
    N_("Your cart"),
    N_("‹ Back"),
    N_("📦 My orders"),
)


def page_texts(tr: Translator) -> dict[str, str]:
    """The page's texts in the reader's language (English ones are left out: the page has them)."""
    return {text: said for text in PAGE_TEXTS if (said := tr._(text)) != text}
