"""Invoices: a paid order's numbered document, its number given once and never again.

The number is taken the first time anyone (the shopper or an admin) asks for the order's
invoice, in the transaction that stores it: `InvoiceRepository.next_sequence` adds one to a
counter row under its lock, so the numbers run without gaps (a transaction that rolls back
gives its number back) and two workers never share one. The counter runs on across years;
the year in the number is the issue year on the shop's clock. The seller is kept as she was
at issue; the buyer, lines and money are the order's as it stands (refunds so far listed
under the total). This module gathers the plain data; bot.views.invoice_pdf draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.config import Settings
from bot.i18n import choose
from bot.money import STARS
from bot.services.errors import NoInvoice
from bot.services.order_summary import OrderSummary, address_text, summarize
from bot.store.models import Invoice, Order, utcnow
from bot.store.order_states import OrderStatus
from bot.store.uow import UnitOfWork

NUMBER_DIGITS = 6  # "INV-2026-000042"
# Orders that have been paid and may have an invoice: also after they went out, or when part
# or all of the money came back (the refunds are listed on it), or were cancelled after
# payment (refunded in full). One still awaiting payment, or cancelled before it, may not.
_NEVER_PAID = frozenset({OrderStatus.AWAITING_PAYMENT.value})


def invoice_number(prefix: str, sequence: int, issued_at: datetime, zone: tzinfo) -> str:
    """ "INV-2026-000042": the prefix, the issue year on the shop's clock, the number."""
    return f"{prefix}{issued_at.astimezone(zone).year}-{sequence:0{NUMBER_DIGITS}d}"


def file_name(number: str) -> str:
    """ "INV-2026-000042.pdf"; a prefix may hold "/", which a file name may not."""
    return number.replace("/", "-") + ".pdf"


def may_have_invoice(
    status: str, paid_at: datetime | None, needs_review: bool, currency: str
) -> bool:
    """The one rule for the 🧾 Invoice button and for a press of it: paid once, not a
    payment flagged for review (an admin decides about it first), and not in Telegram Stars
    (Telegram sells a Stars shop's goods, as for tax: bot.tax)."""
    return (
        paid_at is not None and status not in _NEVER_PAID and not needs_review and currency != STARS
    )


@dataclass(frozen=True, slots=True)
class RefundMade:
    at: datetime
    amount: int


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """Everything the PDF says, as plain data: the invoice as issued, and the order (its
    lines and money in minor units of its currency) as it stands, with the refunds made."""

    number: str
    issued_at: datetime
    seller: str
    seller_address: tuple[str, ...]
    seller_tax_id: str
    buyer: str
    buyer_address: str  # "" for an order with nothing shipped
    order: OrderSummary
    refunds: tuple[RefundMade, ...]
    language: str  # the buyer's (bot.i18n.choose): the invoice is written in it

    @property
    def file_name(self) -> str:
        return file_name(self.number)


async def invoice_for(
    uow: UnitOfWork,
    settings: Settings,
    order_id: int,
    *,
    telegram_id: int | None = None,
    now: datetime | None = None,
) -> InvoiceDocument:
    """The order's invoice, issued now if it has none yet (a number taken from the counter,
    the seller as the settings say now); the same one ever after. `telegram_id`: the shopper
    asking, who gets only her own (None: an admin). NoInvoice if it may have none."""
    order = await uow.orders.get(order_id)
    mine = telegram_id is None or (order is not None and order.customer.telegram_id == telegram_id)
    if order is not None and mine and order.currency == STARS and order.paid_at is not None:
        raise NoInvoice.in_stars(order_id)
    if (
        not settings.invoices_on
        or order is None
        or not mine
        or not may_have_invoice(order.status, order.paid_at, order.needs_review, order.currency)
    ):
        raise NoInvoice(order_id)
    invoice = await uow.invoices.of_order(order_id)
    if invoice is None:
        invoice = await _issue(uow, settings, order_id, now or utcnow())
    refunds = await uow.refunds.for_order(order_id)
    made = tuple(RefundMade(r.created_at, r.amount) for r in refunds if r.status == "succeeded")
    return _document(invoice, order, made, settings.default_language)


async def _issue(uow: UnitOfWork, settings: Settings, order_id: int, now: datetime) -> Invoice:
    """A new invoice with the next number (IntegrityError if another transaction gave the
    order one meanwhile: this one then rolls back, number and all)."""
    sequence = await uow.invoices.next_sequence()
    return await uow.invoices.add(
        Invoice(
            order_id=order_id,
            sequence=sequence,
            number=invoice_number(settings.invoice_prefix, sequence, now, settings.zone),
            issued_at=now,
            seller=settings.invoice_seller,
            seller_address="\n".join(settings.invoice_address),
            seller_tax_id=settings.invoice_tax_id,
        )
    )


def _document(
    invoice: Invoice, order: Order, refunds: tuple[RefundMade, ...], default_language: str
) -> InvoiceDocument:
    address = address_text(order.shipping_address) if order.shipping_address else ""
    return InvoiceDocument(
        number=invoice.number,
        issued_at=invoice.issued_at,
        seller=invoice.seller,
        seller_address=tuple(line for line in invoice.seller_address.split("\n") if line),
        seller_tax_id=invoice.seller_tax_id,
        buyer=order.customer.first_name,
        buyer_address=address,
        order=summarize(order),
        refunds=refunds,
        language=choose(order.customer.language, order.customer.language_code, default_language),
    )
