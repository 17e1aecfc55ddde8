"""The commands the shop answers, with the line each has in Telegram's command menu
(setMyCommands); /help lists the admin ones to an admin from the same list."""

from __future__ import annotations

from bot.i18n import N_

SHOPPER_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Welcome and main menu")),
    ("catalog", N_("Browse the catalog")),
    ("search", N_("Find products, e.g. /search mug")),
    ("cart", N_("Your cart")),
    ("orders", N_("Your orders")),
    ("saved", N_("Products you saved")),
    ("giftcard", N_("What is left on a gift card: /giftcard CODE")),
    ("invite", N_("Invite a friend: your link, and a gift card for you")),
    ("support", N_("Ask the shop a question")),
    ("faq", N_("Answers to common questions")),
    ("settings", N_("Cart reminders and price drop alerts")),
    ("language", N_("Choose your language")),
    ("privacy", N_("What the shop keeps about you; delete it")),
    ("help", N_("What I can do")),
    ("cancel", N_("Cancel the current step")),
]

STOREFRONT_COMMAND = ("shop", N_("The shop as a page, with photos"))

ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("admin", N_("Admin menu")),
    ("addproduct", N_("Add a product step by step")),
    ("edit", N_("Edit a product: /edit SKU")),
    ("price", N_("Set a price: /price SKU 12.50")),
    ("tax", N_("A product's own VAT rate: /tax SKU 5 | default")),
    ("tiers", N_("Volume discounts: /tiers SKU 3:10% 6:15% | off")),
    ("bundle", N_("A set of products: /bundle SKU PART:1 PART:2 | off")),
    ("sale", N_("A category on sale: /sale Mugs 20%, /sale end Mugs")),
    ("stock", N_("Set or adjust stock: /stock SKU 10 | +5 | -2")),
    ("hide", N_("Hide a product: /hide SKU")),
    ("show", N_("Show a hidden product: /show SKU")),
    ("export", N_("Catalog as CSV; /export orders [from=…] [until=…]")),
    ("orders_admin", N_("Orders: /orders_admin [status] | #12")),
    ("customer", N_("A customer: /customer 1001 | @alice | #7")),
    ("block", N_("Block a user: /block @alice [reason]")),
    ("unblock", N_("Unblock a user: /unblock @alice")),
    ("blocked", N_("Who is blocked, newest first")),
    ("promo", N_("Promo codes: /promo new CODE 10%, /promo off CODE")),
    ("stats", N_("Revenue, orders, discounts, tips, top products")),
    ("report", N_("Yesterday's figures: /report [2026-12-01]")),
    ("referrals", N_("Invitations: friends joined, rewards given")),
    ("broadcast", N_("Message every customer")),
    ("pause", N_("Pause sales: /pause until=2026-12-27 Back on Monday!")),
    ("resume", N_("Open sales again after /pause")),
    ("audit", N_("Who did what: the newest rows of the audit log")),
    ("faq", N_("Common questions: /faq add, edit N, lang N ru, del N, move N up")),
    ("slots", N_("Delivery times: /slots, /slots close|open DAY 10:00-12:00")),
]
