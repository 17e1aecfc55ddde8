"""`python -m bot sandbox` in a real pseudo-terminal, typed at like a person would."""

from __future__ import annotations

import re
import signal
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from tests.demo.conftest import clean_env

PROMPT = r"Alice \(shopper\)> "


def spawn_sandbox(cwd: Path, *arguments: str) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "sandbox", *arguments],
        cwd=str(cwd),
        env=clean_env(),
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 200),
        preexec_fn=_as_at_a_terminal,
    )
    child.expect("You are chatting with the shop bot")
    child.expect(PROMPT)
    return child


def _as_at_a_terminal() -> None:
    """Ctrl-C interrupts, as at a person's terminal, even when the tests themselves were
    started in the background (a shell then has them, and so this child, ignore SIGINT)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_d_leaves_cleanly(tmp_path: Path) -> None:
    child = spawn_sandbox(tmp_path)
    child.sendline("/frobnicate")
    child.expect("I don't know /frobnicate")
    child.expect(PROMPT)
    child.sendeof()
    child.expect("Bye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


@pytest.mark.parametrize("typed_first", ["", "hal"])
def test_ctrl_c_leaves_cleanly(tmp_path: Path, typed_first: str) -> None:
    child = spawn_sandbox(tmp_path)
    child.send(typed_first)
    child.sendintr()
    child.expect("Bye.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


class Terminal:
    """A person at the sandbox: types lines, reads the numbered buttons, presses by label."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.buttons: dict[str, str] = {}  # label -> number, as printed last
        self.seen = ""

    def type(self, line: str, *expected: str) -> str:
        self.child.sendline(line)
        pieces: list[str] = []
        for text in expected:
            self.child.expect_exact(text)
            pieces += [self.child.before, self.child.after]
        self.child.expect(PROMPT)
        pieces += [self.child.before, self.child.after]
        shown = "".join(pieces)
        self.seen += shown
        printed = re.findall(r"\[(\d+): ([^\]]+)\]", shown)
        if printed:
            self.buttons = {label: number for number, label in printed}
        return shown

    def has(self, label: str) -> bool:
        return any(label in shown for shown in self.buttons)

    def press(self, label: str, *expected: str) -> str:
        matches = [number for shown, number in self.buttons.items() if label in shown]
        assert matches, f"no button {label!r} on screen: {self.buttons}"
        return self.type(matches[0], *expected)


def buy_a_mug(person: Terminal) -> None:
    """Alice buys a Stoneware Mug and pays by card: $16.00 + $5.00 standard shipping."""
    person.type("/start", "Shop:")
    if person.has("Catalog"):
        person.press("Catalog", "Kitchen")
    else:
        person.type("/catalog", "Kitchen")
    person.press("Kitchen", "Stoneware Mug")
    person.press("Stoneware Mug", "Stoneware Mug 350ml")
    person.press("Add to cart")
    person.type("/cart", "Checkout")
    person.press("Checkout")
    if person.has("Pay"):  # an order summary comes first
        person.press("Pay", "type pay to pay it")
    person.type("pay", "Alice pays 21.00 USD", "#1")


def leave(person: Terminal) -> None:
    person.child.sendline("quit")
    person.child.expect("Bye.")
    person.child.expect(pexpect.EOF)
    person.child.close()
    assert person.child.exitstatus == 0


def test_a_short_purchase_in_the_terminal(tmp_path: Path) -> None:
    person = Terminal(spawn_sandbox(tmp_path))
    buy_a_mug(person)
    assert "[in Ada's chat]" in person.seen  # the admin heard about the order at once
    leave(person)


def test_a_card_order_cancelled_in_the_sandbox_is_refunded_at_its_local_stripe(
    tmp_path: Path,
) -> None:
    """With localstripe installed (the [test] extra), the sandbox plays Stripe: Alice's card
    payment is a real localstripe charge, and cancelling the order refunds it there (the
    admins hear it was refunded, not that it failed and is flagged)."""
    shop = tmp_path / "shop.db"
    child = spawn_sandbox(tmp_path, "--db", str(shop))
    assert "Cards are charged and refunded at a local Stripe" in (child.before or "")
    person = Terminal(child)
    buy_a_mug(person)
    person.type("/orders", "#1")
    person.press("#1", "Cancel order")
    person.press("Cancel order", "Yes, cancel it")

    person.press("Yes, cancel it", "We refunded $21.00.", "refunded $21.00.")

    assert "flagged" not in person.seen and "failed" not in person.seen
    leave(person)
    with sqlite3.connect(shop) as db:
        ((charge,),) = db.execute("SELECT provider_payment_charge_id FROM payments").fetchall()
        ((refund, status),) = db.execute("SELECT provider_refund_id, status FROM refunds")
    assert charge.startswith("ch_") and refund.startswith("re_") and status == "succeeded"


def test_the_sandbox_takes_the_shops_settings_from_its_env_file(tmp_path: Path) -> None:
    """A developer's .env says REFERRAL_REWARD=5.00: the sandbox's shop invites friends for
    a $5.00 card as the real shop would; its token and currency stay the sandbox's own."""
    (tmp_path / ".env").write_text("REFERRAL_REWARD=5.00\nCURRENCY=EUR\nBOT_TOKEN=nonsense\n")
    person = Terminal(spawn_sandbox(tmp_path))
    shown = person.type("/invite", "once their first order is delivered")
    assert "you get a $5.00 gift card" in shown
    leave(person)
