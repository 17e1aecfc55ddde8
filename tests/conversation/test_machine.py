"""The chat flow table on its own: every state, every transition, and the guards' refusals."""

from __future__ import annotations

import pytest

from bot.conversation.engine import fire, may
from bot.conversation.machine import (
    SHOPPER_KEY,
    STATES,
    TRANSITIONS,
    TRIGGERS,
    ChatSession,
    Step,
    build_machine,
)

NAVIGATION = {
    "open_menu": Step.IDLE,
    "open_orders": Step.IDLE,
    "browse": Step.BROWSING,
    "view": Step.VIEWING,
    "open_cart": Step.CART,
}
LISTING = {"kind": "c", "id": 3, "page": 1}


def chat_in(state: str, data: dict[str, object] | None = None) -> ChatSession:
    return ChatSession(42, state, data)


def test_the_machine_knows_every_state_and_no_automatic_moves() -> None:
    machine = build_machine()
    assert set(machine.states) == set(STATES)
    assert len(STATES) == 12
    chat = chat_in(Step.IDLE)
    machine.add_model(chat, initial=Step.IDLE)
    assert not hasattr(chat, "to_paid")  # auto_transitions=False: no shortcut to any state


def test_every_state_is_reachable_and_every_state_can_be_left() -> None:
    destinations = {t["dest"] for t in TRANSITIONS}
    assert destinations | {Step.IDLE} == set(STATES)
    for state in STATES:
        leaving = [t for t in TRANSITIONS if t["source"] in ("*", state) or state in t["source"]]
        assert leaving, f"{state} is a dead end"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("name", "dest"), NAVIGATION.items())
async def test_navigation_is_allowed_from_every_state(state: str, name: str, dest: str) -> None:
    chat = chat_in(state)
    assert await fire(chat, name) is True
    assert chat.state == dest


async def test_browse_remembers_the_list_to_come_back_to() -> None:
    chat = chat_in(Step.VIEWING)
    assert await fire(chat, "browse", listing=LISTING)
    assert chat.memory["listing"] == LISTING


async def test_view_remembers_product_and_quantity() -> None:
    chat = chat_in(Step.BROWSING, {SHOPPER_KEY: {"listing": LISTING}})
    assert await fire(chat, "view", product_id=7, quantity=2)
    assert (chat.memory["product_id"], chat.memory["quantity"]) == (7, 2)
    assert chat.memory["listing"] == LISTING  # Back still knows the page


async def test_menu_forgets_the_listing() -> None:
    chat = chat_in(Step.VIEWING, {SHOPPER_KEY: {"listing": LISTING, "product_id": 7}})
    assert await fire(chat, "open_menu")
    assert "listing" not in chat.memory and "product_id" not in chat.memory


@pytest.mark.parametrize("state", [s for s in STATES if s != Step.AWAITING_PAYMENT])
async def test_checkout_with_items_from_anywhere_but_a_waiting_invoice(state: str) -> None:
    chat = chat_in(state)
    assert await fire(chat, "checkout", cart_lines=1)
    assert chat.state == Step.CHECKOUT


async def test_checkout_of_an_empty_cart_is_refused() -> None:
    chat = chat_in(Step.CART)
    assert await fire(chat, "checkout", cart_lines=0) is False
    assert chat.state == Step.CART


async def test_checkout_while_an_invoice_waits_is_refused() -> None:
    chat = chat_in(Step.AWAITING_PAYMENT)
    assert await fire(chat, "checkout", cart_lines=3) is False
    assert chat.state == Step.AWAITING_PAYMENT


async def test_pay_moves_a_verified_checkout_to_awaiting_payment() -> None:
    chat = chat_in(Step.CHECKOUT)
    assert await may(chat, "pay", cart_lines=2, changes=0)
    assert chat.state == Step.CHECKOUT  # asking changes nothing
    assert await fire(chat, "pay", cart_lines=2, changes=0)
    assert chat.state == Step.AWAITING_PAYMENT


@pytest.mark.parametrize(
    ("facts", "why"),
    [({"cart_lines": 0, "changes": 0}, "empty cart"), ({"cart_lines": 2, "changes": 1}, "changes")],
)
async def test_pay_is_refused_by_its_guards(facts: dict[str, int], why: str) -> None:
    chat = chat_in(Step.CHECKOUT)
    assert await fire(chat, "pay", **facts) is False, why
    assert chat.state == Step.CHECKOUT


@pytest.mark.parametrize("state", [s for s in STATES if s != Step.CHECKOUT])
async def test_pay_only_follows_a_checkout(state: str) -> None:
    chat = chat_in(state)
    assert await fire(chat, "pay", cart_lines=2, changes=0) is False
    assert chat.state == state


@pytest.mark.parametrize("state", STATES)
async def test_a_payment_is_a_fact_from_any_state(state: str) -> None:
    chat = chat_in(state, {SHOPPER_KEY: {"listing": LISTING}})
    assert await fire(chat, "paid")
    assert chat.state == Step.PAID
    assert "listing" not in chat.memory


async def test_a_cancelled_payment_ends_the_wait() -> None:
    chat = chat_in(Step.AWAITING_PAYMENT)
    assert await fire(chat, "payment_cancelled")
    assert chat.state == Step.CANCELLED


@pytest.mark.parametrize("state", [s for s in STATES if s != Step.AWAITING_PAYMENT])
async def test_payment_cancelled_is_refused_when_nothing_waits(state: str) -> None:
    chat = chat_in(state)
    assert await fire(chat, "payment_cancelled") is False
    assert chat.state == state


async def test_cancel_while_paying_cancels_the_payment() -> None:
    chat = chat_in(Step.AWAITING_PAYMENT)
    assert await fire(chat, "cancel")
    assert chat.state == Step.CANCELLED


@pytest.mark.parametrize("state", [s for s in STATES if s != Step.AWAITING_PAYMENT])
async def test_cancel_elsewhere_goes_back_to_the_menu(state: str) -> None:
    chat = chat_in(state)
    assert await fire(chat, "cancel")
    assert chat.state == Step.IDLE


@pytest.mark.parametrize("state", [Step.PAID, Step.CANCELLED])
async def test_after_paid_or_cancelled_the_next_action_moves_on(state: str) -> None:
    chat = chat_in(state)
    assert await fire(chat, "browse", listing=LISTING)
    assert chat.state == Step.BROWSING


async def test_other_features_data_is_kept() -> None:
    chat = chat_in(Step.IDLE, {"admin": {"editing": "KIT-MUG-CER"}})
    await fire(chat, "browse", listing=LISTING)
    await fire(chat, "open_menu")
    assert chat.data["admin"] == {"editing": "KIT-MUG-CER"}


async def test_an_unknown_trigger_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(ValueError, match="unknown conversation trigger"):
        await fire(chat_in(Step.IDLE), "teleport")


def test_the_table_names_only_known_triggers_and_states() -> None:
    assert {t["trigger"] for t in TRANSITIONS} == TRIGGERS
    for t in TRANSITIONS:
        assert t["dest"] in STATES
        sources = [t["source"]] if isinstance(t["source"], str) else t["source"]
        assert all(s == "*" or s in STATES for s in sources)


@pytest.mark.parametrize("state", STATES)
async def test_a_shopper_can_write_to_the_shop_from_anywhere_and_leave_by_any_way_out(
    state: str,
) -> None:
    chat = chat_in(state)
    assert await fire(chat, "ask") is True
    assert chat.state == Step.SUPPORT
    assert await fire(chat_in(Step.SUPPORT), "cancel") and await fire(
        chat_in(Step.SUPPORT), "browse"
    )
    closed = chat_in(Step.SUPPORT)
    assert await fire(closed, "support_closed") and closed.state == Step.IDLE


async def test_closing_a_conversation_does_not_move_a_chat_that_left_it() -> None:
    chat = chat_in(Step.CART)
    assert await fire(chat, "support_closed") is False
    assert chat.state == Step.CART


async def test_promo_code_and_note_are_asked_from_the_summary_only() -> None:
    """The order summary asks for a code or a note; the answer goes back to the summary."""
    for trigger, waiting in (("ask_code", Step.ENTERING_CODE), ("ask_note", Step.WRITING_NOTE)):
        assert not await may(chat_in(Step.CART), trigger)
        assert not await may(chat_in(Step.AWAITING_PAYMENT), trigger)
        chat = chat_in(Step.CHECKOUT)
        assert await fire(chat, trigger)
        assert chat.state == waiting
        assert await fire(chat, "checkout", cart_lines=1)
        assert chat.state == Step.CHECKOUT


async def test_her_words_are_asked_for_a_product_she_rated_but_not_while_an_invoice_waits() -> None:
    """✍️ waits for her words about that product of that order; she leaves by any way out."""
    assert not await may(chat_in(Step.AWAITING_PAYMENT), "ask_review")
    chat = chat_in(Step.IDLE)
    assert await fire(chat, "ask_review", order_id=7, product_id=3, page=1)
    assert chat.state == Step.WRITING_REVIEW
    assert chat.memory["review"] == {"order_id": 7, "product_id": 3, "page": 1}
    assert await fire(chat, "open_orders")  # words kept: back to her order
    assert chat.state == Step.IDLE
    assert await fire(chat_in(Step.WRITING_REVIEW), "cancel")
