"""`python -m bot demo --stars`: a Telegram Stars shop sells from data/catalog-stars.json."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot import demo
from bot.cli import build_parser
from bot.demo import ADMIN_ID, SHOPPER_ID, STARS_DEMO, demo_shop, play_journey
from bot.standin.harness import ShopHarness
from bot.store.models import Order
from bot.store.order_states import OrderStatus

GUIDE, TEMPLATES = "STR-GDE-ESP", "STR-TPL-MNU"


async def _order(h: ShopHarness, order_id: int) -> Order:
    async with h.store.uow() as uow:
        order = await uow.session.scalar(
            select(Order)
            .where(Order.id == order_id)
            .options(selectinload(Order.lines), selectinload(Order.payments))
        )
    assert order is not None
    return order


async def _stock(h: ShopHarness) -> dict[str, tuple[int, int]]:
    async with h.store.uow() as uow:
        products = [await uow.products.get_by_sku(sku) for sku in (GUIDE, TEMPLATES)]
    return {p.sku: (p.stock, p.reserved) for p in products if p is not None}


async def test_the_stars_demo_pays_in_stars_and_an_admin_refunds_the_stars(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    async with demo_shop(tmp_path, STARS_DEMO) as h:
        assert h.settings is not None
        assert (h.settings.currency, h.settings.payment_provider_token) == ("XTR", "")
        before = await _stock(h)
        result = await play_journey(h, out, STARS_DEMO)

        # The journey: paid in Stars, two digital products, one of each, both delivered.
        assert result.order_status == OrderStatus.DELIVERED
        assert result.total == "⭐ 150"
        assert "Demo finished: order #1 delivered, ⭐ 150, stock of STR-GDE-ESP 9999 → 9998" in (
            result.summary()
        )
        order = await _order(h, result.order_id)
        assert (order.currency, order.total, order.shipping_total) == ("XTR", 150, 0)
        assert not order.needs_shipping
        assert {line.sku: line.quantity for line in order.lines} == {GUIDE: 1, TEMPLATES: 1}
        [payment] = order.payments
        assert (payment.provider, payment.amount, payment.currency) == ("stars", 150, "XTR")

        # The invoice Telegram got: Stars, one price line, no provider token, no shipping.
        shopper = h.user(SHOPPER_ID)
        [invoice] = [m.invoice for m in shopper.messages if m.invoice is not None]
        assert invoice["currency"] == "XTR"
        assert invoice["provider_token"] == ""
        assert [p["amount"] for p in invoice["prices"]] == [150]
        assert not invoice.get("need_shipping_address") and not invoice.get("is_flexible")
        transcript = out.getvalue()
        assert "enters a shipping address" not in transcript
        assert "Alice pays 150 XTR 💳" in transcript
        assert "What happens next: Your digital items follow below." in transcript
        assert "Shop: [document str-gde-esp.pdf (" in transcript
        assert "Shop: [document str-tpl-mnu.pdf (" in transcript

        # Digital goods count stock like any other (large numbers): each sold one went down.
        assert before == {GUIDE: (9999, 0), TEMPLATES: (9999, 0)}
        assert await _stock(h) == {GUIDE: (9998, 0), TEMPLATES: (9998, 0)}

        # The admin refunds it from the order's Refund button: a Stars refund is all or nothing.
        admin = h.user(ADMIN_ID)
        await admin.send("/orders_admin")
        await admin.wait_for("[#1 · ⭐ 150]")
        await admin.press("#1 · ⭐ 150")
        await admin.wait_for("Order #1 · ")
        await admin.press("↩️ Refund")
        await admin.wait_for("paid in Telegram Stars: it can be refunded in full")
        await admin.send("50")  # a part is refused before any preview
        await admin.wait_for("Telegram Stars payments are refunded in full only.")
        assert h.standin.star_refunds == []

        await admin.press("Full refund")
        await admin.wait_for("Refund ⭐ 150 of order #1?")
        await admin.press("↩️ Refund ⭐ 150")
        await admin.wait_for("↩️ Refunded. Refunded ⭐ 150")
        await shopper.wait_for("has been refunded")
        assert [(r.user_id, r.telegram_payment_charge_id) for r in h.standin.star_refunds] == [
            (SHOPPER_ID, payment.telegram_payment_charge_id)
        ]
        refunded = await _order(h, result.order_id)
        assert (refunded.status, refunded.refunded_amount) == (OrderStatus.REFUNDED, 150)


def test_the_stars_demo_command_exits_0_with_the_stars_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert build_parser().parse_args(["demo", "--stars"]).stars
    assert build_parser().parse_args(["sandbox", "--stars"]).stars
    out = io.StringIO()
    assert demo.main(out=out, stars=True) == 0, capsys.readouterr().err
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("Alice shops in a chat with the bot, paying in Telegram Stars")
    assert lines[-1].startswith("Demo finished: order #1 delivered, ⭐ 150, stock of STR-GDE-ESP")
    assert "Traceback" not in capsys.readouterr().err
