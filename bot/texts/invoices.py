"""The words around an invoice: its button, the answer while it is sent, and a failed send
(the PDF's own words are in bot.views.invoice_pdf)."""

from __future__ import annotations

from bot.i18n import N_

BUTTON = N_("🧾 Invoice")
SENDING = N_("Sending invoice {number}…")
SEND_FAILED = N_("Sorry, I could not send the invoice just now. Please try again in a while.")
CAPTION = N_("🧾 Invoice {number} for order #{order_id}")
