"""The demo's and sandbox's machinery, independent of the shop's wording."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo import ADMIN_ID, SHOPPER_ID, STAFF_ID, StepFailed, TranscriptPrinter, format_event
from bot.sandbox import Sandbox, TerminalInput, run_sandbox
from bot.standin import BotApiStandIn, TranscriptEvent, card_provider
from bot.standin.harness import ShopHarness


def test_transcript_lines_read_like_a_chat() -> None:
    assert format_event(TranscriptEvent("user", "sent", "/start"), "Alice") == "Alice: /start"
    assert (
        format_event(TranscriptEvent("user", "pressed", "[Kitchen]"), "Alice")
        == "Alice taps [Kitchen]"
    )
    reply = format_event(TranscriptEvent("bot", "sent", "Hello\n[A] [B]", 2), "Alice")
    assert reply == "Shop: Hello\n    [A] [B]"
    edit = format_event(TranscriptEvent("bot", "edited", "Cart: $32.00", 5), "Alice")
    assert edit.startswith("Shop edits message #5") and "Cart: $32.00" in edit
    toast = format_event(TranscriptEvent("bot", "toast", "Added to cart"), "Alice")
    assert toast == "Shop (pop-up): Added to cart"
    assert format_event(TranscriptEvent("bot", "accepted payment", ""), "Alice").endswith(
        "(pre-checkout check passed)"
    )


async def test_until_idle_returns_once_the_reply_is_there(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        for _ in range(3):
            await alice.send("/frobnicate")
            await h.until_idle()
            # No wait_for: the bot has gone quiet, so its answer is already in the chat.
            assert alice.last_message is not None
            assert "I don't know /frobnicate" in (alice.last_message.text or "")
        assert len(alice.messages) == 3


async def test_printer_prints_each_entry_once(tmp_path: Path) -> None:
    async with ShopHarness(tmp_path) as h:
        alice = h.user(1001, "Alice")
        out = io.StringIO()
        printer = TranscriptPrinter(out, alice, "Alice")
        await alice.send("/frobnicate")
        await h.until_idle()
        printer.flush()
        printer.flush()
        assert out.getvalue().splitlines() == [
            "Alice: /frobnicate",
            "Shop: I don't know /frobnicate. Send /help to see what I can do.",
        ]


def test_a_failed_step_names_itself() -> None:
    failure = StepFailed("check out", "no invoice")
    assert failure.step == "check out" and "check out" in str(failure)


@contextlib.asynccontextmanager
async def sandbox_shop(tmp_path: Path) -> AsyncIterator[ShopHarness]:
    """The sandbox's shop: Alice, Ada (ADMIN_IDS) and Sam (STAFF_IDS) have opened its chat."""
    async with BotApiStandIn() as standin:
        standin.user(ADMIN_ID, "Ada")
        standin.user(STAFF_ID, "Sam")
        async with ShopHarness(
            tmp_path,
            standin=standin,
            admin_ids=frozenset({ADMIN_ID}),
            staff_ids=frozenset({STAFF_ID}),
        ) as h:
            yield h


async def run_sandbox_with(tmp_path: Path, lines: str) -> str:
    """Drive the sandbox with typed lines (a file: read in a thread) and return its output."""
    script = tmp_path / "typed.txt"
    script.write_text(lines)
    out = io.StringIO()
    async with sandbox_shop(tmp_path) as h:
        with script.open() as stdin:
            sandbox = Sandbox(h, TerminalInput(stdin), out)
            await asyncio.wait_for(sandbox.run(), 30)
    return out.getvalue()


async def test_sandbox_sends_lines_and_answers_its_own_commands(tmp_path: Path) -> None:
    output = await run_sandbox_with(
        tmp_path,
        "help\n/frobnicate\n7\nsay 7\n/as admin\n/frobnicate\n/as staff\n/price KIT-MUG-CER 1\n"
        "/as nobody\nbuttons\nquit\n",
    )
    assert output.count("press button number 3") == 2  # the help, on start and on request
    assert "Shop: I don't know /frobnicate" in output
    assert "There is no button 7 on screen" in output and "type: say 7" in output
    assert "“7”" in output  # `say 7` sent the text, and the bot searched for it
    assert "You are now Ada (admin)" in output and "/admin" in output
    staff = output.split("You are now Sam (staff). Their command menu: ")[1].splitlines()[0]
    assert "/orders_admin" in staff and "/price" not in staff and "/broadcast" not in staff
    assert "Sorry, that is for the shop's admins only." in output  # Sam's /price
    assert "Say /as admin, /as staff or /as shopper." in output
    assert output.rstrip().endswith("Bye.")


async def test_sandbox_ends_at_end_of_input(tmp_path: Path) -> None:
    output = await run_sandbox_with(tmp_path, "/frobnicate")  # no newline, then EOF
    assert "I don't know /frobnicate" in output
    assert output.rstrip().endswith("Bye.")


async def test_sandbox_shows_what_the_bot_sends_on_its_own(tmp_path: Path) -> None:
    """Notifications appear without an action, in whichever chat they land; a pipe is read too."""
    read_fd, write_fd = os.pipe()
    out = io.StringIO()
    async with sandbox_shop(tmp_path) as h:
        with os.fdopen(read_fd) as stdin:
            sandbox = Sandbox(h, TerminalInput(stdin), out)
            running = asyncio.create_task(sandbox.run())
            await h.app.bot.send_message(SHOPPER_ID, "Your order #1 has shipped")
            await h.app.bot.send_message(ADMIN_ID, "Low stock: KIT-MUG-CER")
            # Printed before the next action at the latest, so "quit" cannot hide them.
            os.write(write_fd, b"/frobnicate\nquit\n")
            os.close(write_fd)
            await asyncio.wait_for(running, 30)
    output = out.getvalue()
    assert "Shop: Your order #1 has shipped" in output
    assert "[in Ada's chat] Shop: Low stock: KIT-MUG-CER" in output
    assert output.index("has shipped") < output.index("I don't know /frobnicate")


async def test_in_the_sandbox_the_admin_answers_a_support_question_with_reply(
    tmp_path: Path,
) -> None:
    output = await run_sandbox_with(
        tmp_path,
        "reply too early\n/support\nDo you ship to Canada?\n/as admin\nreply Yes, in a week.\n"
        "/as shopper\nquit\n",
    )
    assert "There is no question to reply to in this chat" in output
    assert "[in Ada's chat] Shop: 💬 Alice (id 1001):\n        Do you ship to Canada?" in output
    assert "[in Alice's chat] Shop: 💬 The shop answers:\n        Yes, in a week." in output
    assert "Shop: ✅ Sent to Alice." in output


async def test_without_localstripe_the_sandbox_says_once_why_card_refunds_are_not_played(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A developer without the [test] extra: the sandbox still runs, and says at the start
    (once) that card refunds cannot reach a Stripe there, and how to get one."""
    monkeypatch.setattr(card_provider, "available", lambda: False)
    script = tmp_path / "typed.txt"
    script.write_text("/start\nquit\n")
    out = io.StringIO()
    with script.open() as stdin:
        await asyncio.wait_for(run_sandbox(stdin=stdin, out=out), 60)
    shown = out.getvalue()
    assert shown.count("Card refunds are not played here") == 1
    assert "pip install -e '.[test]'" in shown and "Welcome to the shop" in shown
    assert "local Stripe" not in shown
