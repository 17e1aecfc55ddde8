"""Every text of /privacy: what the shop keeps about a shopper, her export and her deletion."""

from __future__ import annotations

from bot.i18n import N_

POLICY = N_(
    "🔒 Your privacy\n\n"
    "What this shop keeps about you: your Telegram id, name, username and language; your "
    "cart, saved products and settings; your reviews and stars; your messages to the shop; "
    "and your orders with their shipping address and payments.\n\n"
    "Why: your orders and payments are kept for the shop's accounts, as the law requires. "
    "Everything else is kept only to serve you, for as long as you use the shop.\n\n"
    "📦 My data sends you all of it as a file. 🗑 Delete my data deletes it."
)
POLICY_LINK = N_("📄 Full privacy policy")
MY_DATA = N_("📦 My data")
DELETE = N_("🗑 Delete my data")
ASK = N_(
    "This deletes your cart, saved products, settings, reviews and support messages, and "
    "removes your name, username and address from your orders. Orders and payments stay, "
    "without your name, for the shop's accounts. This cannot be undone."
)
YES = N_("🗑 Yes, delete")
BACK = N_("⬅ Back")
DELETED = N_("Your data has been deleted.")
ALREADY = N_("Your data has already been deleted.")
NOTHING_KEPT = N_("This shop keeps no data about you.")
ON_ITS_WAY = N_(
    "Order #{order_id} is still on its way to you; you can delete your data once it is "
    "delivered or cancelled."
)
FILE_CAPTION = N_("📦 Everything this shop keeps about you (money in minor units, times in UTC).")


def file_name(telegram_id: int) -> str:
    """Her export's name: my-data-<telegram id>.json."""
    return f"my-data-{telegram_id}.json"
