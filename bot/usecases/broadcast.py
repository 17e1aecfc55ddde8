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

A broadcast goes to its audience in customer id order and records, with its counts once a
batch (BATCH messages or a second), the last customer id it finished. When its worker dies
(STALLED_AFTER) the same job on any worker takes it over (one conditional UPDATE: one taker)
and goes on after that id with the row's text and audience, through the same paced queue; only
the batch in doubt may reach someone twice. One older than RESUME_WITHIN is not sent on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import i18n
from bot.callback_data import StopBroadcast
from bot.i18n import Translator
from bot.notifier import Notice, Sent
from bot.services import broadcast_plan as plan
from bot.services.admin_flows import Flow, new_flow, write_flow
from bot.services.broadcast_plan import AUDIENCES, PlanRefused
from bot.shop import Shop
from bot.store.models import Broadcast, utcnow
from bot.store.repositories.broadcasts import STOPPING, Liveness
from bot.store.repositories.customers import EVERYONE, SEGMENTS
from bot.usecases import admin_flows

MAX_TEXT = 4096


STALLED_AFTER = timedelta(minutes=5)
STOPPING_DEAD_AFTER = timedelta(seconds=10)
RESUME_WITHIN = timedelta(hours=24)
BATCH = 20
"""When a broadcast counts as having lost its worker (a crash): a sending one is taken over by
the scheduled-broadcasts job of any worker and goes on where it got to, unless it started more
than RESUME_WITHIN ago (yesterday's news); that one, and a stopping one, is marked stopped as
far as it got by whoever looks next (the job, Stop, /broadcast, Send), and its admin is told.
BATCH is how many messages at most go out between two records of how far it got: the most a
crash may leave in doubt (Telegram cannot say whether a send whose answer was lost arrived),
so the most customers who may get it twice.

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
        done = 0 if under_way is None else under_way.sent + under_way.blocked + under_way.failed
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
    stopped: bool = False  # the admin stopped it before everyone got it
    taken_over: bool = False  # its sender was taken for dead: another worker reports it

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed

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
        return (tr or i18n.current())._(
            "{sent} sent, {blocked} blocked the bot, {failed} failed",
            sent=self.sent,
            blocked=self.blocked,
            failed=self.failed,
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


@dataclass(frozen=True)
class Audience:
    """Whom a broadcast is for, as Send is pressed: the Telegram ids of customers who have not
    blocked the bot, and how many have (skipped, never tried, and reported as blocked)."""

    reachable: list[tuple[int, int]]  # (customer id, Telegram id), in customer id order
    blocked: int = 0

    @property
    def total(self) -> int:
        return len(self.reachable) + self.blocked


async def audience(
    shop: Shop, chosen: str = EVERYONE, *, after: int = 0, joined_by: datetime | None = None
) -> Audience:
    """Whom a broadcast to the audience `chosen` goes to now; a resumed one's: after customer
    id `after`, customers by `joined_by` (its start), its blocked counted in its row already."""
    default = shop.settings.default_language
    async with shop.store.reading() as uow:
        if not plan.is_language(chosen):
            return Audience(
                await uow.customers.reachable_ids(chosen, after=after, joined_by=joined_by),
                await uow.customers.count_blocked(chosen),
            )
        groups = await uow.customers.count_by_language()
        speaking = [
            (mine, telegram)
            for mine, telegram, _ in groups
            if plan.reads(chosen, mine, telegram, default)
        ]
        reachable = await uow.customers.reachable_ids_speaking(
            speaking, after=after, joined_by=joined_by
        )
        blocked = plan.by_language(await uow.customers.count_by_language(blocked=True), default)
    return Audience(reachable, blocked[chosen])


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


def _liveness(now: datetime) -> Liveness:
    return Liveness(now - STALLED_AFTER, now - STOPPING_DEAD_AFTER, now - RESUME_WITHIN)


async def _give_up_dead(shop: Shop) -> None:
    """Mark the broadcasts whose worker died and that do not go on stopped, and tell each
    one's admin how many got it (the report its sender would have given)."""
    now = utcnow()
    async with shop.store.uow() as uow:
        given_up = await uow.broadcasts.give_up_dead(_liveness(now), now=now)
        for dead in given_up:
            counts = {"sent": dead.sent, "blocked": dead.blocked, "failed": dead.failed}
            await uow.audit.record(dead.started_by, "broadcast.stopped", None, counts)
    for dead in given_up:
        report = BroadcastReport(dead.total, dead.sent, dead.blocked, dead.failed, stopped=True)
        tr = await shop.words_of(dead.started_by)
        said = report.outcome(tr)
        if dead.interrupted:
            said = tr._(
                "📣 Broadcast #{id} was interrupted at {done} of {total} more than {hours} hours"
                " ago, so it does not go on: {summary}.",
                id=dead.id,
                done=report.done,
                total=report.total,
                hours=int(RESUME_WITHIN.total_seconds() // 3600),
                summary=report.summary(tr),
            )
        await shop.notifier.notify(dead.chat_id, said)


async def start(shop: Shop, chat_id: int) -> Draft:
    """A new flow; BroadcastUnderWay if one is being sent (asked again at Send)."""
    await _give_up_dead(shop)
    async with shop.store.reading() as uow:
        under_way = await uow.broadcasts.under_way(_liveness(utcnow()))
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


async def begin_sending(
    shop: Shop, chat_id: int, actor: int, recipients: int, chosen: str, text: str
) -> int:
    """Record the broadcast as sending and close the admin's flow, in one transaction: its
    id, or BroadcastUnderWay if another is sending. One whose worker died does not count: it
    is marked stopped where it got to (STALLED_AFTER)."""
    await _give_up_dead(shop)
    live = _liveness(utcnow())
    async with shop.store.uow() as uow:
        under_way = await uow.broadcasts.under_way(live)
        if under_way is not None:
            raise BroadcastUnderWay(under_way)
        broadcast = await uow.broadcasts.add_sending(actor, chat_id, recipients, chosen, text)
        if broadcast is None:  # another Send, on another worker, won the race
            raise BroadcastUnderWay(await uow.broadcasts.under_way(live))
        await write_flow(uow, chat_id, None)  # a second tap on Send finds no flow: sent once
        details = {"recipients": recipients, "audience": chosen}
        await uow.audit.record(actor, "broadcast.start", None, details)
        return broadcast.id


async def stop(shop: Shop) -> Stopping | None:
    """Stop the broadcast being sent before its next message, whichever worker sends it; None
    if none is under way (one whose worker died is marked stopped and its admin told)."""
    await _give_up_dead(shop)
    now = utcnow()
    async with shop.store.uow() as uow:
        stopping = await uow.broadcasts.stop(_liveness(now), now=now)
        under_way = None if stopping is not None else await uow.broadcasts.under_way(_liveness(now))
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
            reached_id=reached_id,
            now=utcnow(),
        )


async def run_broadcast(
    shop: Shop,
    broadcast_id: int,
    text: str,
    recipients: Audience,
    *,
    actor: int,
    on_progress: ProgressCallback | None = None,
    progress_every: float = 1.0,
    attempt: int = 0,
    report: BroadcastReport | None = None,
) -> BroadcastReport:
    """Send `text` to `recipients` (the `audience` when the admin pressed Send: those the
    confirmation counted, not whoever arrives meanwhile) until the broadcast is stopped;
    returns how many were sent, blocked (those known to have blocked the bot included),
    failed, and whether it was stopped. A resumed one (`attempt`) starts from its `report`."""
    report = report or BroadcastReport(total=recipients.total, blocked=recipients.blocked)
    stopped = shop.broadcasts[broadcast_id] = asyncio.Event()
    try:
        last_progress = time.monotonic()
        unrecorded = 0
        for customer_id, chat_id in recipients.reachable:
            if stopped.is_set():
                report.stopped = True
                break
            outcome = await shop.notifier.notify(chat_id, text)
            if outcome is Sent.BLOCKED:
                report.blocked += 1
                async with shop.store.uow() as uow:
                    await uow.customers.mark_blocked(chat_id)
            elif outcome is Sent.FAILED:
                report.failed += 1
            else:
                report.sent += 1
            unrecorded += 1
            if unrecorded >= BATCH or time.monotonic() - last_progress >= progress_every:
                last_progress, unrecorded = time.monotonic(), 0
                if not await _keep_sending(shop, broadcast_id, attempt, report, customer_id):
                    stopped.set()
                elif on_progress:
                    await on_progress(report)
    finally:
        del shop.broadcasts[broadcast_id]
    async with shop.store.uow() as uow:
        report.taken_over = not await uow.broadcasts.finish(
            broadcast_id,
            attempt,
            stopped=report.stopped,
            sent=report.sent,
            blocked=report.blocked,
            failed=report.failed,
            now=utcnow(),
        )
        if report.taken_over:
            return report
        await uow.audit.record(
            actor,
            "broadcast.stopped" if report.stopped else "broadcast.done",
            None,
            {"sent": report.sent, "blocked": report.blocked, "failed": report.failed},
        )
    return report


async def send_due(shop: Shop, *, now: datetime | None = None) -> int:
    """Job: send each scheduled broadcast whose time has come (or passed while the bot was
    down) that no worker took yet, one after another; how many this run sent. One that finds
    another broadcast being sent stays scheduled for a later run. A broadcast whose worker
    died goes on first (`resume_interrupted`)."""
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
            if await uow.broadcasts.under_way(_liveness(utcnow())) is not None:
                break
        recipients = await audience(shop, chosen)
        async with shop.store.uow() as uow:  # dated now: the one before may have taken long
            claimed = await uow.broadcasts.claim(broadcast_id, total=recipients.total, now=utcnow())
            if claimed is None:  # another worker's, cancelled, or another one is sending
                continue
            details = {"recipients": recipients.total, "audience": chosen, "scheduled": True}
            await uow.audit.record(claimed.started_by, "broadcast.start", None, details)
        tr = await shop.words_of(claimed.started_by)
        await _send_claimed(shop, claimed, recipients, tr._("📣 Scheduled broadcast starting…"))
        sent += 1
    return sent


async def resume_interrupted(shop: Shop) -> bool:
    """Go on with the broadcast whose worker died, where it got to (the job, on every worker:
    one read while none did); whether this worker took it. One too old to go on, or stopping,
    is given up and its admin told."""
    now = utcnow()
    async with shop.store.reading() as uow:
        if not await uow.broadcasts.any_dead(_liveness(now)):
            return False
    await _give_up_dead(shop)
    async with shop.store.uow() as uow:
        taken = await uow.broadcasts.take_over(_liveness(now), now=utcnow())
        if taken is None:  # none to go on with, or another worker took it first
            return False
        details = {"broadcast": taken.id, "audience": taken.audience, "recipients": taken.total}
        await uow.audit.record(taken.started_by, "broadcast.resume", None, details)
    recipients = await audience(
        shop, taken.audience, after=taken.reached_id, joined_by=taken.started_at
    )
    so_far = BroadcastReport(taken.total, taken.sent, taken.blocked, taken.failed)
    tr = await shop.words_of(taken.started_by)
    said = tr._(
        "📣 Broadcast #{id} was interrupted at {done} of {total}; going on.",
        id=taken.id,
        done=so_far.done,
        total=so_far.total,
    )
    await shop.notifier.notify(taken.chat_id, said)  # kept: the progress below is edited
    await _send_claimed(shop, taken, recipients, so_far.progress(tr), so_far)
    return True


async def _send_claimed(
    shop: Shop,
    claimed: Broadcast,
    recipients: Audience,
    heading: str,
    so_far: BroadcastReport | None = None,
) -> None:
    """Send a broadcast a job took (scheduled, or resumed `so_far`) with its progress and
    report in its admin's chat, as a Send's are shown."""
    tr = await shop.words_of(claimed.started_by)
    stop = ((tr._("⏹ Stop"), StopBroadcast()),)
    chat = claimed.chat_id
    shown = await shop.notifier.send(chat, Notice(heading, (stop,)))

    async def on_progress(report: BroadcastReport) -> None:
        if shown.message_id is not None:
            await shop.notifier.edit(chat, shown.message_id, Notice(report.progress(tr), (stop,)))

    report = await run_broadcast(
        shop,
        claimed.id,
        claimed.text or "",
        recipients,
        actor=claimed.started_by,
        on_progress=on_progress,
        attempt=claimed.attempt,
        report=so_far,
    )
    if report.taken_over:
        return
    if shown.message_id is not None:
        await shop.notifier.edit(chat, shown.message_id, Notice(report.ended(tr)))
    await shop.notifier.notify(chat, report.outcome(tr))
