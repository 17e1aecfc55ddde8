"""The composition root: everything use cases need, built once at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta

from bot import permissions
from bot.config import Settings
from bot.i18n import SOURCE_LANGUAGE, Translator, choose, translator
from bot.inbox import Inbox
from bot.metrics import Metrics
from bot.notifier import Buttons, Notice, Notifier, Sent
from bot.pacing import ShopBot
from bot.payments.stars import StarsGateway
from bot.payments.stripe_gateway import StripeGateway
from bot.services.faq import FaqBook
from bot.services.sales_pause import PauseBook
from bot.store.uow import Store
from bot.throttle import TokenBuckets

log = logging.getLogger(__name__)

# Inline queries come from anyone, one per keystroke: a burst of 8, then 2 a second per user.
INLINE_QUERY_RATE = 2.0
INLINE_QUERY_BURST = 8
# Searches take turns: one at a time per process, so a burst of searches queues behind
# itself, and shoppers doing anything else (/help, the cart, checkout) wait behind one
# search at most, not behind all of them.
SEARCHES_AT_ONCE = 1


@dataclass
class Shop:
    """Services shared by all handlers; reached through `context.shop` (see bot.context).

    The parts that talk to Telegram (the notifier, Stars refunds) need the application's bot,
    so they arrive with `connect`, when the application is built (bot.app).
    """

    settings: Settings
    store: Store
    stripe: StripeGateway | None = None  # set when STRIPE_API_KEY is (charge checks, refunds)
    stars: StarsGateway | None = None
    _notifier: Notifier | None = None
    metrics: Metrics = field(default_factory=Metrics)
    inbox: Inbox = field(init=False)
    inline_queries: TokenBuckets = field(
        default_factory=lambda: TokenBuckets(INLINE_QUERY_RATE, INLINE_QUERY_BURST)
    )
    searching: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(SEARCHES_AT_ONCE)
    )
    """Held by a search (the chat's, a page of results, a typed message, an inline query)
    from before its unit of work opens: one waiting holds no database connection."""
    broadcasts: dict[int, asyncio.Event] = field(default_factory=dict)
    """The broadcasts this process sends, by id: set when a Stop is handled here, to stop one
    before its next recipient at once (other workers' Stops reach it through its row,
    bot.usecases.broadcast)."""
    faq: FaqBook = field(default_factory=FaqBook)
    """The answers to common questions as this process last read them (bot.services.faq)."""
    pause: PauseBook = field(default_factory=PauseBook)
    """A sales pause as this process last read it, for the banner of /start and /help
    (bot.services.sales_pause; checkout and payment read the pause itself)."""

    def __post_init__(self) -> None:
        self.inbox = Inbox(
            self.store,
            self.metrics,
            lease=timedelta(seconds=self.settings.inbox_lease_seconds),
            keep=timedelta(hours=self.settings.inbox_keep_hours),
        )

    @classmethod
    def create(cls, settings: Settings) -> Shop:
        return cls(
            settings=settings,
            store=Store.from_url(settings.database_url, pool_size=settings.database_pool_size),
            stripe=StripeGateway.from_settings(settings),
        )

    async def words_of(self, telegram_id: int) -> Translator:
        """The language a person reads what the shop sends them unasked (a notice about their
        order, a report): their /language choice, else their Telegram language, else the
        shop's DEFAULT_LANGUAGE."""
        async with self.store.reading() as uow:
            customer = await uow.customers.get_by_telegram_id(telegram_id)
        chosen, telegram = (customer.language, customer.language_code) if customer else (None, None)
        return translator(choose(chosen, telegram, self.settings.default_language))

    async def tell_shopper(
        self,
        telegram_id: int,
        language: str | None,
        language_code: str | None,
        worded: Callable[[Translator], Notice],
    ) -> Sent:
        """A bulk notice (a reminder, a price drop, sales open again) to one shopper, in her
        language (her /language choice, else her Telegram language, as stored with her); one
        who blocked the bot is marked so, and no notice tries her again."""
        tr = translator(choose(language, language_code, self.settings.default_language))
        outcome = (await self.notifier.send(telegram_id, worded(tr))).outcome
        if outcome is Sent.BLOCKED:
            async with self.store.uow() as uow:
                await uow.customers.mark_blocked(telegram_id)
        return outcome

    async def alert_admins(
        self,
        worded: Callable[[Translator], str],
        buttons: Callable[[Translator], Buttons] | None = None,
        *,
        only: Collection[int] | None = None,
        about: str = "alert.other",
    ) -> int:
        """Send every admin the alert `worded` in their own language (`words_of`), as a
        notice to a shopper is, with `buttons` under it if any: the one way an alert
        reaches the admins; how many got it. Staff get it too if bot.permissions says they
        may hear `about` it (a new order to ship: "alert.new_order").

        The admins are those in ADMIN_IDS now: an admin removed since she asked for something
        (a refund tried again later) no longer hears of it, the others do. One no admin got
        (none left, or none reachable) is logged, so it is never told to nobody. `only`: those
        of them who chose to hear of it (the morning report, turned off by some)."""
        sent = 0
        team = permissions.readers(self.settings, about)
        readers = [a for a in team if only is None or a in only]
        for admin_id in readers:
            tr = await self.words_of(admin_id)
            notice = Notice(worded(tr), buttons(tr) if buttons else ())
            if (await self.notifier.send(admin_id, notice)).outcome is Sent.SENT:
                sent += 1
        if not sent:
            # Its first line only: further lines may hold a shopper's address. A shop with
            # no admins at all hears of it at INFO (every order would warn), else a WARNING.
            admins = ", ".join(map(str, sorted(self.notifier.admin_ids)))
            level = logging.WARNING if admins else logging.INFO
            headline = worded(translator(SOURCE_LANGUAGE)).split("\n", 1)[0]
            log.log(
                level, "no admin got this alert (ADMIN_IDS: %s): %s", admins or "none", headline
            )
        return sent

    def connect(self, bot: ShopBot) -> None:
        """Send through this bot: notices and alerts, deliveries, Stars refunds."""
        self._notifier = Notifier(bot, self.settings.admin_ids)
        self.stars = StarsGateway(bot)

    @property
    def notifier(self) -> Notifier:
        if self._notifier is None:
            raise RuntimeError("the shop has no bot to send with: call Shop.connect(bot) first")
        return self._notifier

    async def close(self) -> None:
        await self.inbox.settle()  # updates handled are marked so: not handled again
        if self.stripe is not None:
            await self.stripe.close()
        await self.store.close()
