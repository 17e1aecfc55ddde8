"""`python -m bot sandbox`: chat with the real bot in this terminal, no Telegram needed.

The person at the keyboard plays a Telegram user against the Bot API stand-in, as the demo's
script does: typed lines are sent as messages, numbers press the buttons printed last, `pay`
goes through Telegram's payment form (shipping and pre-checkout included). After each action
the sandbox waits until the bot has handled it (see ShopHarness.until_idle), then prints what
changed; messages the bot sends on its own (notifications) are printed when they arrive.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import dataclasses
import io
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlencode

import stripe

from bot.config import env_values, parse_settings
from bot.demo import (
    ADMIN_ID,
    ADMIN_NAME,
    BOT_NAME,
    SHOPPER_ID,
    SHOPPER_NAME,
    STAFF_ID,
    STAFF_NAME,
    USD_DEMO,
    DemoPlan,
    database_url,
    demo_settings,
    format_event,
    plan_of,
    quiet_logging,
    seed_faq,
    seed_promo,
)
from bot.money import STARS
from bot.standin import card_provider
from bot.standin.harness import LOOPBACK, ShopHarness, free_port
from bot.standin.models import Message, TranscriptEvent, render
from bot.standin.payments import INVOICE_LINK_PREFIX, CardCharges
from bot.standin.server import BotApiStandIn
from bot.standin.user import FakeUser
from bot.texts.support import QUESTION_FOOT
from bot.webapp.init_data import sign_init_data

ACTION_TIMEOUT = 15.0
# The storefront, served on loopback: its public address (https, as Telegram requires) is only
# a name here, and a signed link stays good for the whole session.
STOREFRONT: dict[str, Any] = {
    "webapp_url": "https://shop.sandbox.invalid/shop/",
    "webhook_listen": LOOPBACK,
    "webapp_auth_max_age": 24 * 60 * 60,
}

HELP = f"""\
You are chatting with the shop bot through a local stand-in for Telegram (nothing leaves
this machine). You start as {SHOPPER_NAME}, a shopper.

  /start, /catalog, hello ...  anything else you type is sent to the bot as a message
  3                            press button number 3 of the messages shown last
  say 10                       send this text as it is (e.g. a number the bot asked for)
  pay                          pay the last invoice (Telegram's form; for physical goods a
                               US address and the first shipping option, `pay express`
                               picks another option by id)
  pay LINK                     pay an invoice link the shop page made (its order page shows it)
  file PATH                    send a file to the bot (e.g. a catalog CSV, as the admin)
  reply TEXT                   as the admin: answer the newest question a shopper sent
                               through /support (Telegram's Reply to the relayed message)
  page                         the link to the shop page (the Mini App) for whoever you are:
                               open it in a browser, it shares the cart with this chat
  /as admin, /as shopper       switch to {ADMIN_NAME} (an admin) or back to {SHOPPER_NAME}
  /as staff                    switch to {STAFF_NAME}, staff (STAFF_IDS): orders, shipping, notes
                               and shoppers' messages, not refunds, prices or broadcasts
  lang ru                      your Telegram app's language from now on: en, ru, es, or any
                               other (the shop's DEFAULT_LANGUAGE); /language chooses in the bot
  buttons                      show the numbered buttons again
  help                         this help
  quit                         leave (Ctrl-D and Ctrl-C work too)
"""
NO_CARD_REFUNDS = (
    "Card refunds are not played here: localstripe, the stand-in for Stripe, is not installed, "
    "so a refund (an admin's, or a cancel's) cannot reach Stripe and flags the order instead. "
    "From a checkout: pip install -e '.[test]'"
)
CARDS_AT = "Cards are charged and refunded at a local Stripe (localstripe at {url})."


class TerminalInput:
    """Lines typed in the terminal, read without blocking the event loop.

    A terminal or pipe is watched with the loop's add_reader, so Ctrl-C and Ctrl-D end the
    sandbox at once; a regular file (which cannot be watched) is read in a worker thread.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""
        self._fd: int | None = None
        self._eof = False

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            fd = self.stream.fileno()
            loop.add_reader(fd, self._on_readable)
        except (OSError, ValueError, NotImplementedError, io.UnsupportedOperation):
            return  # not watchable: readline() falls back to a thread
        self._fd = fd

    def close(self) -> None:
        if self._fd is not None:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._fd = None

    def _on_readable(self) -> None:
        assert self._fd is not None
        try:
            data = os.read(self._fd, 4096)
        except BlockingIOError:
            return
        except OSError:  # the terminal went away
            data = b""
        if not data:
            if self._partial:
                self.queue.put_nowait(self._partial)
                self._partial = ""
            self.queue.put_nowait(None)
            self.close()
            return
        self._partial += self._decoder.decode(data)
        while "\n" in self._partial:
            line, self._partial = self._partial.split("\n", 1)
            self.queue.put_nowait(line.rstrip("\r"))

    async def readline(self) -> str | None:
        """The next line without its newline, or None at end of input."""
        if self._eof:
            return None
        if self._fd is None and self.queue.empty():
            line = await asyncio.to_thread(self.stream.readline)
            result: str | None = line.rstrip("\r\n") if line else None
        else:
            result = await self.queue.get()
        self._eof = result is None
        return result


@dataclass(frozen=True)
class NumberedButton:
    """A button printed with a number: pressing the number presses it, if still on screen."""

    user: FakeUser
    message_id: int
    label: str
    callback_data: str


@dataclass
class Identity:
    role: str
    name: str
    user: FakeUser


class Sandbox:
    """The read-act-print loop around a running harness."""

    def __init__(
        self, harness: ShopHarness, terminal: TerminalInput, out: TextIO, notice: str = ""
    ) -> None:
        self.h = harness
        self.notice = notice  # said once at the start, after the help
        self.terminal = terminal
        self.out = out
        self.identities = {
            "shopper": Identity("shopper", SHOPPER_NAME, harness.user(SHOPPER_ID, SHOPPER_NAME)),
            "admin": Identity("admin", ADMIN_NAME, harness.user(ADMIN_ID, ADMIN_NAME)),
            "staff": Identity("staff", STAFF_NAME, harness.user(STAFF_ID, STAFF_NAME)),
        }
        self.current = self.identities["shopper"]
        self.printed = {identity.user.user_id: 0 for identity in self.identities.values()}
        self.screens: dict[int, dict[int, NumberedButton]] = {}
        """Per chat, the numbered buttons printed last: each identity keeps its own screen."""
        self.prompt_shown = False

    # -- output ---------------------------------------------------------------------

    def write(self, text: str = "") -> None:
        if self.prompt_shown:
            self.out.write("\r\033[K" if self.out.isatty() else "\n")
            self.prompt_shown = False
        print(text, file=self.out)
        self.out.flush()

    def prompt(self) -> None:
        self.out.write(f"{self.current.name} ({self.current.role})> ")
        self.out.flush()
        self.prompt_shown = True

    def unprinted(self) -> bool:
        return any(
            len(identity.user.transcript) > self.printed[identity.user.user_id]
            for identity in self.identities.values()
        )

    def show_new(self) -> None:
        """Print what happened in every chat since the last print; number the buttons."""
        for identity in self.identities.values():
            user = identity.user
            events = user.transcript[self.printed[user.user_id] :]
            self.printed[user.user_id] = len(user.transcript)
            if identity is self.current:
                self._show_current(user, events)
            else:
                prefix = f"  [in {identity.name}'s chat] "
                for event in events:
                    self.write(prefix + format_event(event, identity.name).replace("\n", "\n    "))

    def _show_current(self, user: FakeUser, events: list[TranscriptEvent]) -> None:
        last_event_of = {e.message_id: i for i, e in enumerate(events) if e.message_id}
        numbered: dict[int, NumberedButton] = {}
        for index, event in enumerate(events):
            if event.actor == "user" and event.action in ("sent", "replied", "pressed"):
                continue  # the person just typed it
            message = user.chat.find(event.message_id) if event.message_id else None
            if message is None or event.action == "deleted":
                self.write(format_event(event, user.chat.user["first_name"]))
            elif last_event_of[message.message_id] == index and not message.deleted:
                self.write(self._screen(user, message, event, numbered))
        if numbered:
            self.screens[user.user_id] = numbered

    def _screen(
        self,
        user: FakeUser,
        message: Message,
        event: TranscriptEvent,
        numbered: dict[int, NumberedButton],
    ) -> str:
        """The message as it stands now, buttons numbered for pressing."""
        head = (
            f"{BOT_NAME}:"
            if event.action == "sent"
            else f"{BOT_NAME} (edited #{message.message_id}):"
        )
        body = render(_without_buttons(message)).replace("\n", "\n    ")
        lines = [f"{head} {body}"]
        for row in message.buttons:
            cells = []
            for button in row:
                if button.web_app is not None:
                    cells.append(f"[{button.label} → type `page` for its link]")
                    continue
                if button.callback_data is None:
                    cells.append(f"[{button.label} → {button.url}]")
                    continue
                number = len(numbered) + 1
                numbered[number] = NumberedButton(
                    user, message.message_id, button.label, button.callback_data
                )
                cells.append(f"[{number}: {button.label}]")
            lines.append("    " + " ".join(cells))
        if message.invoice is not None:
            lines.append("    (an invoice: type pay to pay it)")
        return "\n".join(lines)

    @property
    def buttons(self) -> dict[int, NumberedButton]:
        return self.screens.get(self.current.user.user_id, {})

    def show_buttons(self) -> None:
        if not self.buttons:
            self.write("No buttons on screen yet. Try /start.")
            return
        for number, button in self.buttons.items():
            self.write(f"  {number}: {button.label}")

    # -- input ----------------------------------------------------------------------

    async def run(self) -> None:
        self.write(HELP)
        if self.notice:
            self.write(self.notice)
        self.show_page_link()
        self.terminal.start()
        read: asyncio.Task[str | None] | None = None
        try:
            while True:
                self.prompt()
                if read is None:
                    read = asyncio.create_task(self.terminal.readline())
                news = asyncio.create_task(self._next_news())
                done, _ = await asyncio.wait({read, news}, return_when=asyncio.FIRST_COMPLETED)
                if read not in done:  # the bot spoke on its own (e.g. a notification)
                    self.show_new()
                    continue
                await _cancel(news)
                line, read = read.result(), None
                if line is None or not await self.handle(line.strip()):
                    self.write("Bye.")
                    return
        finally:
            if read is not None:
                await _cancel(read)
            self.terminal.close()

    async def _next_news(self) -> None:
        await self.h.standin.wait_until(self.unprinted, None)
        await self.h.until_idle(ACTION_TIMEOUT)

    async def handle(self, line: str) -> bool:
        """Do what the line says; False to leave."""
        self.prompt_shown = False
        command, _, rest = line.partition(" ")
        if not line:
            return True
        if line.lower() in ("quit", "exit", "/quit", "/exit"):
            return False
        if line.lower() in ("help", "?"):
            self.write(HELP)
            return True
        if line.lower() == "buttons":
            self.show_buttons()
            return True
        if line.lower() == "page":
            self.show_page_link()
            return True
        if command == "/as":
            self.switch(rest.strip().lower())
            return True
        try:
            if line.isdigit():
                await self.press(int(line))
            elif command.lower() == "pay":
                await self.pay(rest.strip() or None)
            elif command.lower() == "say" and rest.strip():
                await self.current.user.send(rest.strip())
            elif command.lower() == "file" and rest.strip():
                await self.send_file(rest.strip())
            elif command.lower() == "lang" and rest.strip():
                self.set_language(rest.strip())
            elif command.lower() == "reply" and rest.strip():
                await self.reply(rest.strip())
            else:
                await self.current.user.send(line)
            await self.h.until_idle(ACTION_TIMEOUT)
        except (AssertionError, LookupError, TimeoutError, ValueError, OSError) as exc:
            self.show_new()
            self.write(f"⚠ {exc}")
            return True
        self.show_new()
        return True

    def show_page_link(self) -> None:
        """The storefront as the current person would open it from the chat: Telegram hands
        the page signed initData in its URL's fragment, and so does this link."""
        settings = self.h.settings
        if settings is None or not settings.storefront_on:
            self.write("This shop has no shop page (WEBAPP_URL is not set).")
            return
        self.write(
            f"The shop page for {self.current.name}, in any browser on this machine "
            f"(it shares {self.current.name}'s cart with this chat):\n"
            f"  {storefront_link(self.h, self.current.user)}"
        )

    def set_language(self, code: str) -> None:
        """What Telegram will say is the current person's language (`language_code`)."""
        self.current.user.chat.user["language_code"] = code
        self.write(
            f"{self.current.name}'s Telegram is in {code!r} now "
            "(a choice made with /language still wins)."
        )

    def switch(self, role: str) -> None:
        identity = self.identities.get(role)
        if identity is None:
            self.write("Say /as admin, /as staff or /as shopper.")
            return
        self.current = identity
        scope = f"chat:{identity.user.user_id}"
        commands = self.h.standin.commands(scope) or self.h.standin.commands()
        self.write(
            f"You are now {identity.name} ({identity.role}). "
            f"Their command menu: {' '.join('/' + c for c in commands)}"
        )

    async def press(self, number: int) -> None:
        button = self.buttons.get(number)
        if button is None or button.user is not self.current.user:
            raise LookupError(
                f"There is no button {number} on screen (`buttons` lists them); "
                f"to send the number itself, type: say {number}"
            )
        message = button.user.chat.find(button.message_id)
        if (
            message is None
            or message.deleted
            or not any(b.callback_data == button.callback_data for b in message.all_buttons)
        ):
            raise LookupError(f"Button {number} is gone: its message has changed since.")
        await button.user.press(button.label, message=message, timeout=ACTION_TIMEOUT)

    async def pay(self, option: str | None) -> None:
        if option is not None and option.startswith(INVOICE_LINK_PREFIX):
            link, _, option = option.partition(" ")
            result = await self.current.user.pay_invoice_link(
                link, shipping_option_id=option or None, timeout=ACTION_TIMEOUT
            )
        else:
            result = await self.current.user.pay(shipping_option_id=option, timeout=ACTION_TIMEOUT)
        if not result.ok:
            self.write(f"The payment did not go through ({result.stage}): {result.error_message}")

    async def reply(self, text: str) -> None:
        """Reply to the newest relayed /support question in this chat."""
        user = self.current.user
        question = next(
            (m for m in user.chat.visible_newest_first() if QUESTION_FOOT in (m.text or "")),
            None,
        )
        if question is None:
            raise LookupError("There is no question to reply to in this chat (try /as admin).")
        await user.send(text, reply_to=question)

    async def send_file(self, name: str) -> None:
        path = await asyncio.to_thread(lambda: Path(name).expanduser())
        data = await asyncio.to_thread(path.read_bytes)
        mime = "text/csv" if path.suffix.lower() == ".csv" else "application/octet-stream"
        if path.suffix.lower() == ".json":
            mime = "application/json"
        await self.current.user.send_document(path.name, data, mime)


def storefront_link(harness: ShopHarness, user: FakeUser) -> str:
    """The local storefront's address with initData signed for `user`, as Telegram opens it."""
    assert harness.settings is not None
    init_data = sign_init_data(harness.standin.token, user.user_json)
    fragment = urlencode({"tgWebAppData": init_data, "tgWebAppVersion": "8.0"})
    return f"http://{LOOPBACK}:{harness.settings.webapp_port}/shop/#{fragment}"


def _without_buttons(message: Message) -> Message:
    """A copy without the keyboard, so render() shows only the content."""
    return dataclasses.replace(message, buttons=[])


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


# The shop's own settings the sandbox takes from the environment and .env, as `run` would
# (each checked the same way, amounts in the sandbox shop's currency), by the variable that
# sets each. The rest the sandbox decides itself: its token, stand-in, database, people,
# currency and catalog (--stars), payment provider and Stripe, tips and tax rate (the plan's,
# --tax), storefront, webhook, ports and logging.
SHOP_SETTINGS: dict[str, tuple[str, ...]] = {
    "DEFAULT_LANGUAGE": ("default_language",),
    "RESERVATION_MINUTES": ("reservation_minutes",),
    "LOW_STOCK_THRESHOLD": ("low_stock_threshold",),
    "SHIPPING_COUNTRIES": ("shipping_countries",),
    "SHIPPING_HOME_COUNTRY": ("shipping_home_country", "shipping_countries"),
    "SHIPPING_STANDARD": ("shipping_standard",),
    "SHIPPING_EXPRESS": ("shipping_express",),
    "SHIPPING_INTERNATIONAL_EXTRA": ("shipping_international_extra",),
    "FREE_SHIPPING_OVER": ("free_shipping_over",),
    "MIN_ORDER": ("min_order",),
    "REFERRAL_REWARD": ("referral_reward",),
    "PICKUP_POINTS": ("pickup_points",),
    "BROADCAST_RATE": ("broadcast_rate",),
    "BROADCAST_RESUME_HOURS": ("broadcast_resume_hours",),
    "BROADCAST_BATCH": ("broadcast_batch",),
    "CART_REMINDER_HOURS": ("cart_reminder_hours",),
    "SHOP_TIMEZONE": ("shop_timezone",),
    "SHOPPER_CANCEL": ("shopper_cancel",),
    "DAILY_REPORT_HOUR": ("daily_report_hour",),
    "TRACKING_URL": ("tracking_url",),
    "PRIVACY_POLICY_URL": ("privacy_policy_url",),
    "RETURN_DAYS": ("return_days",),
    "TAX_LABEL": ("tax_label",),
    "INVOICE_SELLER": ("invoice_seller", "invoice_address", "invoice_tax_id"),
    "INVOICE_ADDRESS": ("invoice_address",),
    "INVOICE_TAX_ID": ("invoice_tax_id",),
    "INVOICE_PREFIX": ("invoice_prefix",),
    "DELIVERY_SLOTS": ("delivery_slots",),
    "DELIVERY_SLOT_CAPACITY": ("delivery_slot_capacity",),
    "DELIVERY_DAYS_AHEAD": ("delivery_days_ahead",),
    "DELIVERY_CUTOFF_MINUTES": ("delivery_cutoff_minutes",),
}
SANDBOX_TOKEN = "1:sandbox"  # stands for BOT_TOKEN while the shop's settings are read


def shop_settings(
    plan: DemoPlan, environ: dict[str, str] | None = None, env_file: str | Path | None = ".env"
) -> dict[str, Any]:
    """The shop's settings set in the environment or .env (SHOP_SETTINGS), as Settings
    fields: a sandbox with REFERRAL_REWARD=5.00 invites friends as the shop would. Amounts
    are read in the plan's currency (whole Stars with --stars). ConfigError for a wrong one."""
    values = env_values(environ, env_file)
    shop = {name: values[name] for name in SHOP_SETTINGS if values.get(name, "").strip()}
    if not shop:
        return {}
    settings = parse_settings({**shop, "BOT_TOKEN": SANDBOX_TOKEN, "CURRENCY": plan.currency})
    fields = {field for name in shop for field in SHOP_SETTINGS[name]}
    return {field: getattr(settings, field) for field in sorted(fields)}


@dataclass(frozen=True)
class CardProvider:
    """How a card shop's sandbox reaches Stripe: settings for the shop, where the stand-in's
    payment form charges a card, and what the person is told about it at the start."""

    settings: dict[str, Any] = field(default_factory=dict)
    charges: CardCharges | None = None
    notice: str = ""


@contextlib.asynccontextmanager
async def card_provider_for(plan: DemoPlan, workdir: Path) -> AsyncIterator[CardProvider]:
    """localstripe for the sandbox's lifetime when it is installed: the shop refunds there and
    the payment form charges cards there, so a refund is made for real. Without it, a card
    shop says once why its refunds are not played; a Stars shop needs none (the stand-in
    refunds Stars itself)."""
    if plan.currency == STARS:
        yield CardProvider()
        return
    if not card_provider.available():
        yield CardProvider(notice=NO_CARD_REFUNDS)
        return
    server = card_provider.LocalStripe(workdir)
    url = await asyncio.to_thread(server.start)
    http = stripe.HTTPXClient()
    try:
        charges = partial(card_provider.charge_card, card_provider.stripe_client(url, http))
        yield CardProvider(
            {"stripe_api_key": card_provider.API_KEY, "stripe_api_base": url},
            charges,
            CARDS_AT.format(url=url),
        )
    finally:
        await http.close_async()
        await asyncio.to_thread(server.stop)


async def run_sandbox(
    db_path: Path | None = None,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    catalog_path: Path | None = None,
    plan: DemoPlan = USD_DEMO,
    shop: dict[str, Any] | None = None,
) -> None:
    """Start the stand-in, a local Stripe when it can (card_provider_for) and the bot (the
    plan's shop, with `shop`: the shop's settings from the environment, `shop_settings`),
    then chat until the person leaves; the shopper's Telegram speaks the plan's language."""
    with tempfile.TemporaryDirectory(prefix="shopbot-sandbox-") as tmp:
        workdir = Path(tmp)
        async with card_provider_for(plan, workdir) as cards, BotApiStandIn() as standin:
            standin.card_charges = cards.charges
            # Both people have opened a chat with the bot, so the admin gets the admin menu.
            standin.user(SHOPPER_ID, SHOPPER_NAME, language_code=plan.language)
            standin.user(ADMIN_ID, ADMIN_NAME)
            standin.user(STAFF_ID, STAFF_NAME)
            settings = {
                **(shop or {}),
                **demo_settings(plan=plan),
                "staff_ids": frozenset({STAFF_ID}),
                **STOREFRONT,
                **cards.settings,
            }
            async with ShopHarness(
                workdir,
                database_url=database_url(db_path, workdir),
                catalog_path=catalog_path or plan.catalog_path,
                standin=standin,
                **settings,
                webapp_port=free_port(),
            ) as harness:
                await seed_promo(harness, plan)
                await seed_faq(harness)
                terminal = TerminalInput(stdin or sys.stdin)
                sandbox = Sandbox(harness, terminal, out or sys.stdout, cards.notice)
                await sandbox.run()


def main(
    db_path: Path | None = None,
    *,
    stars: bool = False,
    language: str = "en",
    tax: str | None = None,
    env_file: str | Path | None = ".env",
) -> int:
    """The `sandbox` command (`--stars`: a Telegram Stars shop, `--lang ru`: the shopper's
    Telegram is in Russian, `--tax 20`: prices include 20% VAT, demo.plan_of), with the
    shop's settings from the environment and `env_file` (shop_settings); quit, Ctrl-D or
    Ctrl-C leave."""
    plan = plan_of(stars=stars, language=language, tax=tax)
    shop = shop_settings(plan, env_file=env_file)
    quiet_logging()
    try:
        asyncio.run(run_sandbox(db_path, plan=plan, shop=shop))
    except KeyboardInterrupt:
        print("\nBye.")
    return 0
