"""Invoices within Telegram's limits, signed payloads, shipping options (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from telegram.constants import InvoiceLimit

from bot.payments.invoice import build_invoice
from bot.payments.payload import InvalidPayload, sign_payload, verify_payload
from bot.payments.shipping import ShippingRefused, shipping_options, shipping_price
from bot.services.order_summary import LineSummary, OrderSummary
from bot.tax import RateTax
from tests.payments.conftest import make_settings

SECRET = "s3cret"


def _order(currency: str = "USD", *, titles: list[str] | None = None) -> OrderSummary:
    lines = tuple(
        LineSummary(i, f"SKU-{i}", title, 1250 if currency != "XTR" else 50, 2)
        for i, title in enumerate(titles or ["Stoneware Mug", "Espresso Beans"])
    )
    items = sum(line.line_total for line in lines)
    return OrderSummary(
        order_id=123456,
        customer_telegram_id=987654321,
        status="awaiting_payment",
        currency=currency,
        lines=lines,
        items_total=items,
        discount_total=0,
        shipping_total=0,
        total=items,
        refunded_amount=0,
        needs_shipping=currency != "XTR",
        shipping_option=None,
        tracking_number=None,
        needs_review=False,
        created_at=datetime.now(UTC),
        paid_at=None,
    )


def test_payload_round_trips_and_fits_telegrams_limit() -> None:
    payload = sign_payload(2**40, -(10**13), SECRET)
    assert len(payload.encode()) <= InvoiceLimit.MAX_PAYLOAD_LENGTH
    ids = verify_payload(payload, SECRET)
    assert (ids.order_id, ids.user_id) == (2**40, -(10**13))


@pytest.mark.parametrize(
    "tampered",
    [
        lambda p: p.replace("1.7.", "1.8.", 1),  # another order
        lambda p: p.replace(".1001.", ".1002.", 1),  # another user
        lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"),  # signature changed
        lambda p: "2" + p[1:],  # unknown version
        lambda p: "garbage",
    ],
)
def test_a_tampered_payload_is_recognised(tampered) -> None:  # type: ignore[no-untyped-def]
    payload = sign_payload(7, 1001, SECRET)
    with pytest.raises(InvalidPayload):
        verify_payload(tampered(payload), SECRET)
    with pytest.raises(InvalidPayload):
        verify_payload(payload, "another secret")


def test_stripe_invoice_has_a_price_per_line_and_asks_for_shipping() -> None:
    invoice = build_invoice(_order(), make_settings(), photo_url="photos/mug.png")
    assert [(p.label, p.amount) for p in invoice.prices] == [
        ("Stoneware Mug × 2", 2500),
        ("Espresso Beans × 2", 2500),
    ]
    assert (invoice.currency, invoice.provider_token) == ("USD", "TEST:provider")
    assert invoice.need_shipping_address and invoice.is_flexible
    assert invoice.photo_url is None  # a local path is not a URL Telegram can fetch
    assert invoice.title == "Order #123456"
    assert invoice.start_parameter == "order-123456"


def test_long_orders_are_clipped_to_telegrams_limits() -> None:
    order = _order(titles=[f"A rather long product title number {i}" for i in range(20)])
    invoice = build_invoice(order, make_settings())
    assert len(invoice.title) <= InvoiceLimit.MAX_TITLE_LENGTH
    assert len(invoice.description) <= InvoiceLimit.MAX_DESCRIPTION_LENGTH
    assert invoice.description.endswith("…")
    assert sum(p.amount for p in invoice.prices) == order.total


def test_a_long_orders_items_make_room_for_the_vat_it_includes() -> None:
    order = _order(titles=[f"A rather long product title number {i}" for i in range(20)])
    taxed = replace(order, tax_label="VAT", taxes=(RateTax(2000, 833), RateTax(500, 119)))
    description = build_invoice(taxed, make_settings(tax_rate_bp=2000)).description
    assert len(description) <= InvoiceLimit.MAX_DESCRIPTION_LENGTH
    assert description.endswith("…\nIncludes VAT 20%: $8.33\nIncludes VAT 5%: $1.19")


def test_stars_invoice_has_one_price_no_token_no_shipping() -> None:
    settings = make_settings(currency="XTR", payment_provider_token="")
    invoice = build_invoice(_order("XTR"), settings)
    assert [(p.label, p.amount) for p in invoice.prices] == [("Order #123456 (4 items)", 200)]
    assert (invoice.currency, invoice.provider_token) == ("XTR", "")
    assert not invoice.need_shipping_address and not invoice.is_flexible


def test_shipping_is_free_over_the_threshold_and_refused_where_we_do_not_ship() -> None:
    settings = make_settings()
    small = shipping_options(settings, goods_total=4999, country_code="us")
    assert [(o.id, o.price) for o in small] == [("standard", 500), ("express", 1500)]
    assert "free from $50.00" in small[0].title
    big = shipping_options(settings, goods_total=5000, country_code="US")
    assert [(o.id, o.price) for o in big] == [("standard", 0), ("express", 1500)]
    abroad = shipping_options(settings, goods_total=5000, country_code="DE")
    assert [(o.id, o.price) for o in abroad] == [("standard", 1500), ("express", 2500)]
    assert abroad[0].title == "Standard, international"
    with pytest.raises(ShippingRefused, match=r"don't ship to BR yet\. We ship to: AT, BE"):
        shipping_options(settings, goods_total=100, country_code="BR")
    with pytest.raises(ShippingRefused, match="not available"):
        shipping_price(settings, option_id="drone", goods_total=100, country_code="US")
