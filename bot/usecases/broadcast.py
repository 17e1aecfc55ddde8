"""Broadcast a message to every customer who has not blocked the bot, paced under the limits.

Every message goes out through the notifier as a bulk send: the bot's rate limiter paces all
bulk sends together at `settings.broadcast_rate` (Telegram allows about 30 bulk messages a
second) and waits out any 429. A customer who blocked the bot (403) is marked so the next
broadcast skips them. The sending runs outside any unit of work: only the short reads and
writes around it touch the database. The flow (text, preview, Send) is the admin's.

Each broadcast is a row (bot.store.repositories.broadcasts), since any worker may handle the
admin's next press: one is sent at a time, a Stop from any worker marks the row, and the
sending worker reads it back with its counts about once a second (no read per recipient).

A broadcast goes to an audience the admin picks (bot.services.broadcast_plan), kept in its
row. One planned for later is a scheduled row with its text; the job on every worker
(`send_due`) claims a due one by one conditional UPDATE, so it goes out once however many
workers look, and sends it as Send would, its progress shown to the admin who planned it.

Its audience is fixed as it starts sending (Send, or the job's claim): the customers it is
for are listed in the database in the same transaction, with no customer read into memory.
It goes down that list in customer id order, a batch (BROADCAST_BATCH) read at a time with what
each customer is now: one who blocked the bot or deleted her data since it started is not sent
to. With its counts, once a batch or a second, it records the last customer id it finished.
When its worker dies (STALLED_AFTER) the same job on any worker takes it over (one conditional
UPDATE: one taker) and goes on down the same list after that id, with the row's text, through
the same paced queue; only the batch in doubt may reach someone twice. One that started more
than BROADCAST_RESUME_HOURS ago is not sent on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import i18n
from bot.callback_data import StopBroadcast
from bot.config import Settings
from bot.i18n import Translator
from bot.notifier import Notice, Sent
from bot.services import broadcast_plan as plan
from bot.services.admin_flows import Flow, new_flow, write_flow
from bot.services.broadcast_plan import AUDIENCES, PlanRefused
from bot.shop import Shop
from bot.store.models import Broadcast, utcnow
from bot.store.repositories.broadcasts import STOPPING, Liveness, Recipient
from bot.store.repositories.customers import EVERYONE, SEGMENTS
from bot.store.uow import UnitOfWork
from bot.usecases import admin_flows

MAX_TEXT = 4096


STALLED_AFTER = timedelta(minutes=5)
STOPPING_DEAD_AFTER = timedelta(seconds=10)
"""When a broadcast counts as having lost its worker (a crash): a sending one is taken over by
the scheduled-broadcasts job of any worker and goes on where it got to, unless it started more
than BROADCAST_RESUME_HOURS ago (yesterday's news); that one, and a stopping one, is marked
stopped as far as it got by whoever looks next (the job, Stop, /broadcast, Send), and its
admin is told. BROADCAST_BATCH is how many messages at most go out between two records of how
far it got: the most a crash may leave in doubt (Telegram cannot say whether a send whose
answer was lost arrived), so the most customers who may get it twice.

The progress tick writes `updated_at` between two messages, once a second has passed: so it
moves about once a second only while messages go out faster than that. At a very low
BROADCAST_RATE (or behind a long paced queue of other bulk sends) a live sender's row may not
move for as long as one message takes, hence 5 minutes for a sending row. A stopping row
waits for no more messages, only for the one in flight to end and the next tick to see the
Stop (at once when the Stop was handled in the sending worker): 10 s, ten ticks, from the
Stop. A sender slower than one message in 10 s may be taken for dead while stopping; it then
finishes the row itself with its last counts, and its admin hears twice.
"""


class NotBroadcastable(ValueError):
    """The admin's message cannot be broadcast; the message says what to send instead."""


class BroadcastUnderWay(Exception):
    """Another broadcast is being sent: one at a time, so customers get one at a time."""

    def __init__(self, under_way: Broadcast | None) -> None:
        done = 0 if under_way is None else BroadcastReport.of(under_way).done
        total = 0 if under_way is None else under_way.total
        super().__init__(
            i18n.current()._(
                "A broadcast is being sent ({done}/{total}): stop it first or wait.",
                done=done,
                total=total,
            )
        )


@dataclass
class BroadcastReport:
    total: int
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    skipped: int = 0  # deleted their data or blocked by the shop (/block): not sent to
    stopped: bool = False  # the admin stopped it before everyone got it
    taken_over: bool = False  # its sender was taken for dead: another worker reports it

    @classmethod
    def of(cls, broadcast: Broadcast) -> BroadcastReport:
        """As far as its row says it got."""
        b = broadcast
        return cls(b.total, b.sent, b.blocked, b.failed, b.skipped)

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed + self.skipped

    @property
    def counts(self) -> dict[str, int]:
        """As its audit entry keeps them (skipped only when there were some)."""
        counts = {"sent": self.sent, "blocked": self.blocked, "failed": self.failed}
        return counts | ({"skipped": self.skipped} if self.skipped else {})

    def outcome(self, tr: Translator | None = None) -> str:
        """The line the admin who started it reads once it is over (in `tr`: theirs, when
        someone else's press finds it over)."""
        tr = tr or i18n.current()
        if not self.stopped:
            return tr._("📣 Broadcast finished: {summary}.", summary=self.summary(tr))
        return tr._(
            "📣 Broadcast stopped: {sent} of {total} got it ({summary}).",
            sent=self.sent,
            total=self.total,
            summary=self.summary(tr),
        )

    def progress(self, tr: Translator | None = None) -> str:
        """The progress message while it is being sent."""
        tr = tr or i18n.current()
        return tr._("📣 Broadcasting… {done}/{total}", done=self.done, total=self.total)

    def ended(self, tr: Translator | None = None) -> str:
        """The progress message once it is over."""
        tr = tr or i18n.current()
        if self.stopped:
            return tr._("📣 Broadcast stopped: {done}/{total}", done=self.done, total=self.total)
        return tr._("📣 Broadcast done: {done}/{total}", done=self.done, total=self.total)

    def summary(self, tr: Translator | None = None) -> str:
        tr = tr or i18n.current()
        said = tr._(
            "{sent} sent, {blocked} blocked the bot, {failed} failed",
            sent=self.sent,
            blocked=self.blocked,
            failed=self.failed,
        )
        if not self.skipped:
            return said
        return said + tr.ngettext(
            ", {count} skipped (deleted her data or blocked by the shop)",
            ", {count} skipped (deleted their data or blocked by the shop)",
            self.skipped,
            count=self.skipped,
        )


@dataclass(frozen=True)
class Draft:
    """A broadcast flow and how many customers each audience would reach now."""

    flow: Flow
    counts: dict[str, int]

    @property
    def chosen(self) -> str:
        return str(self.flow.get("audience") or EVERYONE)

    @property
    def audience(self) -> int:
        """How many the chosen audience reaches."""
        return self.counts.get(self.chosen, 0)


ProgressCallback = Callable[[BroadcastReport], Awaitable[None]]


async def audience_counts(shop: Shop) -> dict[str, int]:
    """How many each audience would reach now: a COUNT per segment and one count by
    language, never a customer object (bot.services.broadcast_plan)."""
    async with shop.store.reading() as uow:
        counts = {segment: await uow.customers.count_reachable(segment) for segment in SEGMENTS}
        groups = await uow.customers.count_by_language()
    return counts | plan.by_language(groups, shop.settings.default_language)


@dataclass(frozen=True)
class Stopping:
    """A Stop that found a broadcast under way: the chat its report goes to, and whether an
    earlier Stop had already asked it to stop."""

    reporting_to: int
    already: bool = False


def liveness(settings: Settings, now: datetime) -> Liveness:
    """The rule for a dead sender's broadcast as of `now` (STALLED_AFTER, STOPPING_DEAD_AFTER,
    BROADCAST_RESUME_HOURS)."""
    resumable_since = now - timedelta(hours=settings.broadcast_resume_hours)
    return Liveness(now - STALLED_AFTER, now - STOPPING_DEAD_AFTER, resumable_since)


async def _give_up_dead(shop: Shop) -> None:
    """Mark the broadcasts whose worker died and that do not go on stopped, and tell each
    one's admin how many got it (the report its sender would have given)."""
    now = utcnow()
    async with shop.store.uow() as uow:
        given_up = await uow.broadcasts.give_up_dead(liveness(shop.settings, now), now=now)
        reports = [
            BroadcastReport(d.total, d.sent, d.blocked, d.failed, d.skipped, stopped=True)
            for d in given_up
        ]
        for dead, report in zip(given_up, reports, strict=True):
            await uow.audit.record(dead.started_by, "broadcast.stopped", None, report.counts)
    for dead, report in zip(given_up, reports, strict=True):
        tr = await shop.words_of(dead.started_by)
        said = report.outcome(tr)
        if dead.interrupted:
            said = tr._(
                "📣 Broadcast #{id} was interrupted at {done} of {total} more than {hours} hours"
                " ago, so it does not go on: {summary}.",
                id=dead.id,
                done=report.done,
                total=report.total,
                hours=shop.settings.broadcast_resume_hours,
                summary=report.summary(tr),
            )
        await shop.notifier.notify(dead.chat_id, said)


async def start(shop: Shop, chat_id: int) -> Draft:
    """A new flow; BroadcastUnderWay if one is being sent (asked again at Send)."""
    await _give_up_dead(shop)
    async with shop.store.reading() as uow:
        under_way = await uow.broadcasts.under_way(liveness(shop.settings, utcnow()))
    if under_way is not None:
        raise BroadcastUnderWay(under_way)
    flow = new_flow("broadcast", step="text")
    await admin_flows.save(shop, chat_id, flow)
    return Draft(flow, await audience_counts(shop))


async def preview(shop: Shop, chat_id: int, flow: Flow, text: str | None) -> Draft:
    """The admin's text, checked and kept for Send; NotBroadcastable says what is wrong."""
    tr = i18n.current()
    if text is None or text.startswith("/"):
        raise NotBroadcastable(
            tr._("I can broadcast only text. Send the message as text, or /cancel.")
        )
    cleaned = text.strip()
    if not cleaned:
        raise NotBroadcastable(tr._("The broadcast text is empty. Send the text to broadcast."))
    if len(cleaned) > MAX_TEXT:
        raise NotBroadcastable(
            tr._(
                "That text has {count} characters; a message can hold {most}. Shorten it.",
                count=len(cleaned),
                most=MAX_TEXT,
            )
        )
    flow.update(step="preview", text=cleaned, audience=EVERYONE)
    await admin_flows.save(shop, chat_id, flow)
    return Draft(flow, await audience_counts(shop))


async def choose_audience(shop: Shop, chat_id: int, flow: Flow, chosen: str) -> Draft:
    """The preview's audience is now `chosen` (PlanRefused for one we do not have)."""
    if chosen not in AUDIENCES:
        raise PlanRefused(i18n.current()._("That audience is not one I know."))
    flow.update(audience=chosen)
    await admin_flows.save(shop, chat_id, flow)
    return Draft(flow, await audience_counts(shop))


async def ask_when(shop: Shop, chat_id: int, flow: Flow) -> None:
    """⏰ Send later: the flow waits for the time."""
    flow.update(step="when")
    await admin_flows.save(shop, chat_id, flow)


async def schedule(shop: Shop, chat_id: int, actor: int, flow: Flow, when: str) -> Broadcast:
    """Keep the previewed broadcast to go out at `when` (the shop's clock) and close the
    flow, in one transaction; PlanRefused says what is wrong with the time."""
    send_at = plan.send_at(when.strip(), shop.settings.zone, utcnow())
    chosen = str(flow.get("audience") or EVERYONE)
    async with shop.store.uow() as uow:
        planned = await uow.broadcasts.add_scheduled(actor, chat_id, flow["text"], chosen, send_at)
        await write_flow(uow, chat_id, None)
        details = {"broadcast": planned.id, "audience": chosen, "send_at": send_at.isoformat()}
        await uow.audit.record(actor, "broadcast.schedule", None, details)
    return planned


async def scheduled(shop: Shop) -> list[Broadcast]:
    async with shop.store.reading() as uow:
        return await uow.broadcasts.scheduled()


async def cancel_scheduled(shop: Shop, actor: int, broadcast_id: int) -> Broadcast | None:
    """✖ Cancel of a scheduled broadcast: the row, or None if it is no longer scheduled
    (cancelled already, or gone out): a second press changes nothing."""
    async with shop.store.uow() as uow:
        cancelled = await uow.broadcasts.cancel(broadcast_id, now=utcnow())
        if cancelled is not None:
            details = {"broadcast": broadcast_id, "audience": cancelled.audience}
            await uow.audit.record(actor, "broadcast.cancel", None, details)
    return cancelled


async def begin_sending(shop: Shop, chat_id: int, actor: int, chosen: str, text: str) -> Broadcast:
    """Record the broadcast as sending, list its audience `chosen` as it is now (those the
    confirmation counted, not whoever arrives meanwhile) and close the admin's flow, in one
    transaction: its row, or BroadcastUnderWay if another is sending. One whose worker died
    does not count: it is marked stopped where it got to (STALLED_AFTER)."""
    await _give_up_dead(shop)
    live = liveness(shop.settings, utcnow())
    async with shop.store.uow() as uow:
        under_way = await uow.broadcasts.under_way(live)
        if under_way is not None:
            raise BroadcastUnderWay(under_way)
        broadcast = await uow.broadcasts.add_sending(actor, chat_id, chosen, text)
        if broadcast is None:  # another Send, on another worker, won the race
            raise BroadcastUnderWay(await uow.broadcasts.under_way(live))
        segment, speaking = await _audience(uow, shop.settings, chosen)
        await uow.broadcasts.list_audience(broadcast, segment, speaking=speaking, now=utcnow())
        await write_flow(uow, chat_id, None)  # a second tap on Send finds no flow: sent once
        details = {"recipients": broadcast.total, "audience": chosen}
        await uow.audit.record(actor, "broadcast.start", None, details)
        return broadcast


Speaking = list[tuple[str | None, str | None]]


async def _audience(
    uow: UnitOfWork, settings: Settings, chosen: str
) -> tuple[str, Speaking | None]:
    """The audience `chosen` as the store lists it: its segment of customers and, for a
    language's, the (/language choice, Telegram language) groups that read it, by the one
    rule for it (bot.services.broadcast_plan)."""
    if not plan.is_language(chosen):
        return chosen, None
    groups = await uow.customers.count_by_language(blocked=None)
    default = settings.default_language
    speaking = [(mine, tg) for mine, tg, _ in groups if plan.reads(chosen, mine, tg, default)]
    return plan.segment_of(chosen), speaking


async def stop(shop: Shop) -> Stopping | None:
    """Stop the broadcast being sent before its next message, whichever worker sends it; None
    if none is under way (one whose worker died is marked stopped and its admin told)."""
    await _give_up_dead(shop)
    now = utcnow()
    live = liveness(shop.settings, now)
    async with shop.store.uow() as uow:
        stopping = await uow.broadcasts.stop(live, now=now)
        under_way = None if stopping is not None else await uow.broadcasts.under_way(live)
    if stopping is None:
        if under_way is not None and under_way.status == STOPPING:
            return Stopping(under_way.chat_id, already=True)
        return None
    broadcast_id, chat_id = stopping
    event = shop.broadcasts.get(broadcast_id)
    if event is not None:
        event.set()  # sent from this process: no need to wait for its next progress
    return Stopping(chat_id)


async def _keep_sending(
    shop: Shop, broadcast_id: int, attempt: int, report: BroadcastReport, reached_id: int
) -> bool:
    """Record the progress; False if the broadcast was stopped meanwhile (from any worker)
    or taken over by another worker."""
    async with shop.store.uow() as uow:
        return await uow.broadcasts.keep_sending(
            broadcast_id,
            attempt,
            sent=report.sent,
            blocked=report.blocked,
            failed=report.failed,
            skipped=report.skipped,
            reached_id=reached_id,
            now=utcnow(),
        )


async def _listed(shop: Shop, broadcast_id: int, after: int) -> AsyncGenerator[Recipient]:
    """The broadcast's list after customer id `after`, read a batch at a time (never the whole
    list in memory), each customer as she is when her batch is read."""
    batch = shop.settings.broadcast_batch
    while True:
        async with shop.store.reading() as uow:
            recipients = await uow.broadcasts.recipients(broadcast_id, after=after, limit=batch)
        for recipient in recipients:
            yield recipient
        if len(recipients) < batch:
            return
        after = recipients[-1].customer_id


async def _send_to(shop: Shop, recipient: Recipient, text: str, report: BroadcastReport) -> None:
    """One listed customer: sent, or not tried if she blocked the bot (counted as blocked),
    deleted her data or was blocked by the shop (/block; both skipped)."""
    if recipient.blocked:
        report.blocked += 1
        return
    if recipient.forgotten or recipient.shut_out:
        report.skipped += 1
        return
    outcome = await shop.notifier.notify(recipient.telegram_id, text)
    if outcome is Sent.BLOCKED:
        report.blocked += 1
        async with shop.store.uow() as uow:
            await uow.customers.mark_blocked(recipient.telegram_id)
    elif outcome is Sent.FAILED:
        report.failed += 1
    else:
        report.sent += 1


async def run_broadcast(
    shop: Shop,
    broadcast: Broadcast,
    *,
    on_progress: ProgressCallback | None = None,
    progress_every: float = 1.0,
) -> BroadcastReport:
    """Send the broadcast's text down its list (after the last customer it reached, when it
    goes on after a crash) until it is stopped; returns how many were sent, blocked (those
    known to have blocked the bot, never tried, included), failed or skipped, counting what
    its row says it reached before, and whether it was stopped."""
    report = BroadcastReport.of(broadcast)
    batch = shop.settings.broadcast_batch
    stopped = shop.broadcasts[broadcast.id] = asyncio.Event()
    try:
        last_progress = time.monotonic()
        unrecorded = 0
        listed = _listed(shop, broadcast.id, broadcast.reached_id)
        async with contextlib.aclosing(listed) as recipients:
            async for recipient in recipients:
                if stopped.is_set():
                    report.stopped = True
                    break
                await _send_to(shop, recipient, broadcast.text or "", report)
                unrecorded += 1
                if unrecorded >= batch or time.monotonic() - last_progress >= progress_every:
                    last_progress, unrecorded = time.monotonic(), 0
                    reached = recipient.customer_id
                    if not await _keep_sending(
                        shop, broadcast.id, broadcast.attempt, report, reached
                    ):
                        stopped.set()
                    elif on_progress:
                        await on_progress(report)
    finally:
        del shop.broadcasts[broadcast.id]
    async with shop.store.uow() as uow:
        report.taken_over = not await uow.broadcasts.finish(
            broadcast.id,
            broadcast.attempt,
            stopped=report.stopped,
            sent=report.sent,
            blocked=report.blocked,
            failed=report.failed,
            skipped=report.skipped,
            now=utcnow(),
        )
        if report.taken_over:
            return report
        action = "broadcast.stopped" if report.stopped else "broadcast.done"
        await uow.audit.record(broadcast.started_by, action, None, report.counts)
    return report


async def send_due(shop: Shop, *, now: datetime | None = None) -> int:
    """Job: send each scheduled broadcast whose time has come (or passed while the bot was
    down) that no worker took yet, one after another, to its audience as it starts; how many
    this run sent. One that finds another broadcast being sent stays scheduled for a later
    run. A broadcast whose worker died goes on first (`resume_interrupted`)."""
    await resume_interrupted(shop)
    now = now or utcnow()
    async with shop.store.reading() as uow:  # the usual answer: none due
        due = await uow.broadcasts.due(now)
    if not due:
        return 0
    await _give_up_dead(shop)
    sent = 0
    for broadcast_id, chosen in due:
        async with shop.store.reading() as uow:  # its turn comes once that one is over
            if await uow.broadcasts.under_way(liveness(shop.settings, utcnow())) is not None:
                break
        async with shop.store.uow() as uow:  # dated now: the one before may have taken long
            claimed = await uow.broadcasts.claim(broadcast_id, now=utcnow())
            if claimed is None:  # another worker's, cancelled, or another one is sending
                continue
            segment, speaking = await _audience(uow, shop.settings, chosen)
            await uow.broadcasts.list_audience(claimed, segment, speaking=speaking, now=utcnow())
            details = {"recipients": claimed.total, "audience": chosen, "scheduled": True}
            await uow.audit.record(claimed.started_by, "broadcast.start", None, details)
        tr = await shop.words_of(claimed.started_by)
        await _send_claimed(shop, claimed, tr._("📣 Scheduled broadcast starting…"))
        sent += 1
    return sent


async def resume_interrupted(shop: Shop) -> bool:
    """Go on with the broadcast whose worker died, down its list from where it got to (the
    job, on every worker: one read while none did); whether this worker took it. One too old
    to go on, or stopping, is given up and its admin told."""
    now = utcnow()
    async with shop.store.reading() as uow:
        if not await uow.broadcasts.any_dead(liveness(shop.settings, now)):
            return False
    await _give_up_dead(shop)
    async with shop.store.uow() as uow:
        taken = await uow.broadcasts.take_over(liveness(shop.settings, now), now=utcnow())
        if taken is None:  # none to go on with, or another worker took it first
            return False
        if not taken.listed:  # it started before broadcasts were listed (migration 0060)
            segment, speaking = await _audience(uow, shop.settings, taken.audience)
            await uow.broadcasts.list_audience(
                taken, segment, speaking=speaking, now=utcnow(), rest=True
            )
        details = {"broadcast": taken.id, "audience": taken.audience, "recipients": taken.total}
        await uow.audit.record(taken.started_by, "broadcast.resume", None, details)
    so_far = BroadcastReport.of(taken)
    tr = await shop.words_of(taken.started_by)
    said = tr._(
        "📣 Broadcast #{id} was interrupted at {done} of {total}; going on.",
        id=taken.id,
        done=so_far.done,
        total=so_far.total,
    )
    await shop.notifier.notify(taken.chat_id, said)  # kept: the progress below is edited
    await _send_claimed(shop, taken, so_far.progress(tr))
    return True


async def _send_claimed(shop: Shop, claimed: Broadcast, heading: str) -> None:
    """Send a broadcast a job took (scheduled, or resumed) with its progress and report in
    its admin's chat, as a Send's are shown."""
    tr = await shop.words_of(claimed.started_by)
    stop = ((tr._("⏹ Stop"), StopBroadcast()),)
    chat = claimed.chat_id
    shown = await shop.notifier.send(chat, Notice(heading, (stop,)))

    async def on_progress(report: BroadcastReport) -> None:
        if shown.message_id is not None:
            await shop.notifier.edit(chat, shown.message_id, Notice(report.progress(tr), (stop,)))

    report = await run_broadcast(shop, claimed, on_progress=on_progress)
    if report.taken_over:
        return
    if shown.message_id is not None:
        await shop.notifier.edit(chat, shown.message_id, Notice(report.ended(tr)))
    await shop.notifier.notify(chat, report.outcome(tr))
