"""/audit: the admins' audit log in the chat, newest first, in the admin's language. A
shopper's own ✖️ Cancel order is there among the admins' moves, naming her as the order's
history does (`customer:<id>`), whether she cancelled in the chat or on the storefront."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.standin.harness import ShopHarness
from bot.usecases import admin_orders
from tests.admin.test_e2e_admin_languages import _russian
from tests.e2e.shopper import cancel_in_chat
from tests.e2e.test_cancel_order import ADMIN_ID, SAM, card_paid_order
from tests.payments.conftest import StripeTestAccount, card_shop, stripe_account  # noqa: F401
from tests.webapp.conftest import Page, init_data_for, storefront_on, storefront_url


@pytest.fixture
async def h(tmp_path: Path, localstripe: str) -> AsyncIterator[ShopHarness]:
    """A card shop (localstripe) with its storefront on; Ada its admin."""
    async with card_shop(tmp_path, localstripe, **storefront_on()) as harness:
        yield harness


async def audit_lines(h: ShopHarness, command: str = "/audit") -> list[str]:
    """Ada sends /audit: the rows' lines, newest first (each row's time left out)."""
    ada = h.user(ADMIN_ID, "Ada")
    await ada.send(command)
    shown = await ada.wait_for("🗒")
    return [line.split(" · ", 1)[1] for line in (shown.text or "").splitlines()[1:]]


async def test_a_shoppers_cancel_is_in_the_audit_log_naming_her_among_the_admins_moves(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    assert h.shop is not None
    sam = h.user(SAM, "Sam")
    shipped, _ = await card_paid_order(h, sam, stripe_account)
    await admin_orders.ship(h.shop, ADMIN_ID, shipped, tracking=None)
    in_chat, _ = await card_paid_order(h, sam, stripe_account)
    await cancel_in_chat(sam, in_chat)
    on_page, _ = await card_paid_order(h, sam, stripe_account)
    async with aiohttp.ClientSession() as http:
        page = Page(http, storefront_url(h), init_data_for(h, sam))
        await page.ok("POST", f"orders/{on_page}/cancel")
        assert (await page.call("POST", f"orders/{on_page}/cancel"))[0] == 409

    assert await audit_lines(h) == [
        f"customer:{SAM} · cancelled order:{on_page} · ✅ Paid → ↩️ Refunded, refunded $21.00",
        f"customer:{SAM} · cancelled order:{in_chat} · ✅ Paid → ↩️ Refunded, refunded $21.00",
        f"admin:{ADMIN_ID} · shipped order:{shipped} · ✅ Paid → 🚚 Shipped",
    ]  # the refused second tap is no move: not in the log


async def test_an_admin_reading_russian_reads_the_log_in_russian(
    h: ShopHarness,
    stripe_account: StripeTestAccount,  # noqa: F811
) -> None:
    sam = h.user(SAM, "Sam")
    order_id, _ = await card_paid_order(h, sam, stripe_account)
    await cancel_in_chat(sam, order_id)
    await _russian(h.user(ADMIN_ID, "Ada"))
    assert await audit_lines(h) == [
        f"customer:{SAM} · отмена order:{order_id} · ✅ Оплачен → ↩️ Возвращён, "
        "возвращено 21,00\u00a0$",
    ]


async def test_an_empty_log_says_so_and_shoppers_may_not_read_it(h: ShopHarness) -> None:
    ada, sam = h.user(ADMIN_ID, "Ada"), h.user(SAM, "Sam")
    await ada.send("/audit")
    assert (await ada.wait_for("🗒")).text == "🗒 The audit log is empty."
    await sam.send("/audit")
    await sam.wait_for("admins only")


def test_a_refund_tried_again_later_is_worded_with_its_sum_in_the_readers_language() -> None:
    from bot.i18n import translator
    from bot.views.admin_audit import _details

    details = {"from": "paid", "to": "cancelled", "refund_retrying": 2100, "currency": "USD"}
    assert _details(translator("en"), details) == (
        "✅ Paid → ✖️ Cancelled, refund of $21.00 tried again automatically"
    )
    assert "возврат 21,00\xa0$ будет повторён автоматически" in _details(translator("ru"), details)
