"""Callback data: compact, versioned, validated; anything else decodes to None."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callback_data as cd


def test_round_trip_and_size_limit() -> None:
    data = cd.Home().encode()
    assert data == "1:home"
    assert cd.decode(data) == cd.Home()


@pytest.mark.parametrize(
    "forged",
    ["", "garbage", "0:home", "1:nope", "1:home:extra", "9" * 65, "1:home\x00", "1"],
)
def test_forged_stale_or_unknown_payloads_decode_to_none(forged: str) -> None:
    assert cd.decode(forged) is None


def test_our_own_mistakes_fail_loudly() -> None:
    with pytest.raises(cd.CallbackDataError):
        cd.FlowAction("abc").encode()  # a base with no code of its own
    with pytest.raises(cd.CallbackDataError):
        cd.ShowProduct(-1, 1).encode()  # ids are never negative
    with pytest.raises(cd.CallbackDataError):
        cd.AdminOrders("x" * 40, 0).encode()  # longer than a short token


def test_buttons_already_in_chats_keep_their_meaning() -> None:
    """The wire format of version 1 is unchanged: old payloads decode to the same action."""
    assert cd.decode("1:p:7:2") == cd.ShowProduct(product_id=7, quantity=2)
    assert cd.decode("1:dl:12:34") == cd.DownloadAgain(order_id=12, line_id=34)
    assert cd.decode("1:AOY:5") == cd.CancelOrder(order_id=5)
    assert cd.decode("1:AFE:ab12cd:price") == cd.FlowPickField(flow_id="ab12cd", field="price")
    assert cd.decode("1:AOL:paid:3") == cd.AdminOrders(status="paid", page=3)
    assert cd.ShowCategory(4, 1).encode() == "1:cat:4:1"


@pytest.mark.parametrize("wrong", ["1:p:7", "1:p:7:x", "1:p:-1:1", "1:AOY:5:6:7:8", "1:AFE:ab:"])
def test_fields_of_the_wrong_shape_decode_to_none(wrong: str) -> None:
    assert cd.decode(wrong) is None


def test_every_action_fits_the_64_byte_limit_at_its_largest() -> None:
    for action in cd._ACTIONS.values():
        values = {
            f.name: (10**cd.MAX_DIGITS - 1 if f.type == "int" else "x" * cd.MAX_TOKEN)
            for f in dataclasses.fields(action)  # type: ignore[arg-type]
        }
        assert len(action(**values).encode()) <= cd.MAX_BYTES


def test_a_variant_id_rides_along_only_when_there_is_one() -> None:
    """Products without variants keep today's payloads; a variant adds one trailing field,
    and payloads made before variants existed decode to "no variant"."""
    assert cd.ShowProduct(7, 2).encode() == "1:p:7:2"
    assert cd.ShowProduct(7, 2, 15).encode() == "1:p:7:2:15"
    assert cd.decode("1:p:7:2:15") == cd.ShowProduct(7, 2, variant_id=15)
    assert cd.decode("1:add:7:1") == cd.AddToCart(7, 1, variant_id=0)
    assert cd.decode("1:rm:7:15") == cd.RemoveLine(7, variant_id=15)
    assert cd.decode("1:nm:7") == cd.NotifyMe(7)
    assert cd.decode("1:p:7:2:15:1:0") is None  # one field too many
    assert cd.decode("1:p:7:2:x") is None


def test_a_photo_of_the_gallery_rides_after_the_variant_and_fits() -> None:
    """◀ 1/3 ▶ names the photo to show after the variant (0 when there is none); the
    largest such button still fits Telegram's 64 bytes."""
    assert cd.ShowProduct(7, 2, 0, 2).encode() == "1:p:7:2:0:2"
    assert cd.decode("1:p:7:2:15:1") == cd.ShowProduct(7, 2, variant_id=15, photo=1)
    assert cd.decode("1:p:7:2:15") == cd.ShowProduct(7, 2, 15, photo=0)  # a button of before
    widest = cd.ShowProduct(10**11, 99, 10**11, 9).encode()
    assert len(widest.encode()) <= 64


def test_pay_carries_what_its_summary_showed_and_an_older_pay_decodes_to_zeros() -> None:
    """The order summary's Pay carries its cart's fingerprint, its total and the newest paid
    order; a Pay from before that decodes with all three 0 (a summary to show again)."""
    assert cd.Pay(987654321012, 4500, 17).encode() == "1:pay:987654321012:4500:17"
    assert cd.decode("1:pay:987654321012:4500") == cd.Pay(987654321012, 4500, paid=0)
    assert cd.decode("1:pay") == cd.Pay(cart=0, total=0, paid=0)


def test_a_button_is_sent_as_ptb_would_send_it_and_stays_so() -> None:
    """The shop's buttons work out their Bot API form once: it is PTB's own, and what a
    caller does with one copy does not reach the next."""
    made = cd.button("🛍 Add to cart", cd.AddToCart(6, 2))
    plain = InlineKeyboardButton("🛍 Add to cart", callback_data=cd.AddToCart(6, 2).encode())
    assert made == plain
    assert made.to_dict() == plain.to_dict()
    back = InlineKeyboardButton("⬅ Back", callback_data=cd.Back().encode())
    markup = InlineKeyboardMarkup([[made, cd.button("⬅ Back", cd.Back())]])
    assert markup.to_dict() == InlineKeyboardMarkup([[plain, back]]).to_dict()
    assert copy.deepcopy(markup).to_dict() == markup.to_dict()
    assert markup.to_dict() == {
        "inline_keyboard": [
            [
                {"text": "🛍 Add to cart", "callback_data": "1:add:6:2"},
                {"text": "⬅ Back", "callback_data": "1:back"},
            ]
        ]
    }
    made.to_dict()["text"] = "changed"
    assert made.to_dict()["text"] == "🛍 Add to cart"


def test_an_order_opened_from_a_page_of_orders_carries_that_page() -> None:
    """So "⬅ My orders" goes back there; an order button from before decodes to the newest."""
    assert cd.MyOrder(5).encode() == "1:ord:5"
    assert cd.MyOrder(5, page=2).encode() == "1:ord:5:2"
    assert cd.decode("1:ord:5:2") == cd.MyOrder(5, page=2)
    assert cd.decode("1:ord:5") == cd.MyOrder(5, page=0)


def test_every_order_screen_button_carries_its_list_within_64_bytes_at_the_longest() -> None:
    """Each button of an order's screen, of its questions and of a return on it carries the
    order list the order was opened from, so the screen after the action leads back there:
    at the longest values (the largest ids, a page of 11 digits, the last list) it stays
    within Telegram's 64 bytes and reads back as that list. One made before (no list) reads
    as the first page of all orders, and so does a list digit no list has (forged)."""
    where = cd.AdminOrders(cd.ORDER_LISTS[-1], 10**11 - 1, cd.MAX_ROW_ID)
    carrying = [a for a in cd._ACTIONS.values() if issubclass(a, cd.FromOrderList)]
    assert {cd.ShipOrder, cd.RefundOrder, cd.EditTracking, cd.ApproveReturn} <= set(carrying)
    for action in carrying:
        values: dict[str, int] = {
            f.name: cd.MAX_ROW_ID if f.name.endswith("_id") else 1
            for f in dataclasses.fields(action)  # type: ignore[arg-type]
        }
        longest = action(**{**values, "listed": cd.listed(where)[0]}).encode()
        assert len(longest.encode()) <= cd.MAX_BYTES, longest
        back = cd.decode(longest)
        assert isinstance(back, action) and back.listing == where
        before = cd.decode(f"1:{action.code}:7")
        assert isinstance(before, action) and before.listing == cd.ALL_ORDERS
        forged = cd.decode(
            f"1:{action.code}:7:1:39:5" if "restock" in values else f"1:{action.code}:7:39:5"
        )
        assert isinstance(forged, action) and forged.listing == cd.AdminOrders("all", 0, 5)
