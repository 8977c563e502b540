"""The worker: claim one outbox row, send it under the limits, record the outcome."""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.db.broadcast_reports import BroadcastReport
from bot.db.models.base import utc_now
from bot.db.outbox import Outbox
from bot.db.outbox_rows import REASON_SEP, Claimed, NewMessage
from bot.delivery.claims import recover_dead_claims
from bot.delivery.errors import (UNKNOWN_OUTCOME, TOO_MANY_ATTEMPTS, Blocked, ChatMoved, ChatNotFound,
                                 PermanentError, RetryAfter, Sender, TransientError,
                                 failure_reason)
from bot.delivery.leader import Leadership, leadership
from bot.delivery.limiter import LONG_WAIT_S, RateLimiter

if TYPE_CHECKING:
    from bot.config import Delivery, Settings
    from bot.db.people import PeopleStore

log = logging.getLogger(__name__)

REPORT_TITLES = {"announcement": "Thông báo", "reminder": "Nhắc hạn"}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
MIGRATED = "nhóm đã chuyển thành siêu nhóm"
# A new leader counts its predecessor's sends of this many seconds (the group window and then some).
RECALL_S = 61.0


# -- the worker -------------------------------------------------------------------------------


@dataclass
class DeliveryCounts:
    """What one run did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    reports: int = 0
    rerouted: int = 0

    def add(self, other: DeliveryCounts) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried
        self.reports += other.reports
        self.rerouted += other.rerouted


def report_text(report: BroadcastReport) -> str:
    """«Thông báo #N: đã gửi X, lỗi Y (chặn bot: a, …), còn chờ Z», then the messages that went
    to another account: «; gửi qua tài khoản khác b (chặn bot trên Telegram → Zalo: b)»."""
    title = REPORT_TITLES.get(report.kind, "Thông báo")
    reasons = ", ".join(f"{reason}: {n}" for reason, n in report.failed.items())
    failed = f"lỗi {report.failed_total}" + (f" ({reasons})" if reasons else "")
    text = f"{title} #{report.broadcast_id}: đã gửi {report.sent}, {failed}, còn chờ {report.pending}"
    if report.rerouted:
        moves = ", ".join(f"{reason} trên {_channel(source)} → {_channel(target)}: {n}"
                          for (source, reason, target), n in report.rerouted.items())
        text += f"; gửi qua tài khoản khác {sum(report.rerouted.values())} ({moves})"
    return text


def _channel(name: str) -> str:
    return CHANNEL_NAMES.get(name, name)


class DeliveryWorker:
    """Drains the outbox for its channels, one message in flight per sending loop.

    With `lead`, a channel is sent only while this process holds its delivery lease
    (`bot.delivery.leader`), so that every process sharing the database together keeps the
    messenger's limits, and up to `delivery.in_flight` messages (to different chats) are in
    flight at once, since this process is the only one sending; `worker_id` must then be a
    `claims.worker_id`. Without, the caller makes sure that one worker (or workers sharing one
    limiter) sends."""

    def __init__(self, outbox: Outbox, senders: Mapping[str, Sender] | Sender,
                 limiter: Mapping[str, RateLimiter] | RateLimiter | None, settings: Settings | Delivery,
                 people: PeopleStore | None = None, worker_id: str | None = None, *,
                 lead: bool = False, backoff_s: float = 2.0, max_backoff_s: float = 600.0,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.outbox = outbox
        self.senders = dict(senders) if isinstance(senders, Mapping) else {senders.channel: senders}
        self.config: Delivery = getattr(settings, "delivery", settings)  # type: ignore[assignment]
        if isinstance(limiter, RateLimiter):
            self.limiters = {channel: limiter for channel in self.senders}
        else:
            given = dict(limiter or {})
            self.limiters = {c: given.get(c) or RateLimiter.for_channel(c, self.config) for c in self.senders}
        self.people = people
        self.worker_id = worker_id or f"{os.uname().nodename}:{os.getpid()}:{id(self):x}"
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.now = now
        self.lease = timedelta(seconds=self.config.lease_s)
        self.leaders: dict[str, Leadership] = ({c: leadership(outbox.engine, c, self.config, self.worker_id)
                                                for c in self.senders} if lead else {})
        self._terms: dict[str, int] = {}  # the leadership term each channel's limiter was prepared for
        self._taking_over = asyncio.Lock()
        self.in_flight = self.config.in_flight if lead else 1
        self._running = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """A run is in progress (a job scheduler must not start another)."""
        return self._running.locked()

    async def run_once(self, *, budget_s: float | None = None,
                       stop: asyncio.Event | None = None) -> DeliveryCounts:
        """Send everything due now (each channel in turn), then queue the reports of finished
        broadcasts. Stops early after `budget_s` seconds or when `stop` is set."""
        counts = DeliveryCounts()
        deadline = None if budget_s is None else time.monotonic() + budget_s
        async with self._running:
            for channel in self.senders:
                if await self._leading(channel):  # else another process sends this channel
                    await asyncio.gather(*(self._drain(channel, counts, deadline, stop)
                                           for _ in range(self.in_flight)))
            counts.reports += await self.report_finished()
        return counts

    async def run(self, stop: asyncio.Event) -> DeliveryCounts:
        """Drain, then look again every `poll_s`, until `stop` is set (the message in flight
        is finished first); then give the leases up."""
        total = DeliveryCounts()
        keeper = asyncio.create_task(self.keep_leading(stop))
        try:
            while not stop.is_set():
                try:
                    total.add(await self.run_once(stop=stop))
                except Exception:  # a database hiccup must not end delivery for good
                    log.exception("delivery: lỗi khi gửi tin trong hàng đợi; thử lại sau")
                try:
                    await asyncio.wait_for(stop.wait(), self.config.poll_s)
                except TimeoutError:
                    pass
        finally:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
            await self.step_down()
        return total

    # -- leadership -------------------------------------------------------------------------

    async def lead(self) -> bool:
        """Renew (or look at) every channel's lease when due; whether this process leads any.
        True without leases."""
        held = [await leader.ensure() for leader in self.leaders.values()]
        return not held or any(held)

    async def keep_leading(self, stop: asyncio.Event) -> None:
        """Keep the leases renewed beside the sending, whose waits (a 429's pause) may be long."""
        await asyncio.gather(*(leader.keep(stop) for leader in self.leaders.values()))

    async def step_down(self) -> None:
        """Give every lease up, so that another process sends at once."""
        for leader in self.leaders.values():
            await leader.release()

    def _may_send(self, channel: str) -> bool:
        leader = self.leaders.get(channel)
        return leader is None or leader.held()

    async def _leading(self, channel: str) -> bool:
        """Whether this process sends `channel` now; prepares the limiter when it just took over."""
        leader = self.leaders.get(channel)
        if leader is None:
            return True
        if not await leader.ensure():
            return False
        if self._terms.get(channel) != leader.terms:
            async with self._taking_over:  # once, while the other sending loops wait
                if self._terms.get(channel) != leader.terms:
                    await self._take_over(channel)
                    self._terms[channel] = leader.terms
        return leader.held()

    async def _take_over(self, channel: str) -> None:
        """Before the first send of a term: the rows of a predecessor that died go back to
        pending, its recent sends count in this limiter's per-chat and per-group windows, and
        one overall window passes (its last second of sends is not known here)."""
        limiter = self.limiters[channel]
        await asyncio.to_thread(recover_dead_claims, self.outbox, channel)
        now = self.now()
        recent = await asyncio.to_thread(self.outbox.recent_sends, channel, now - timedelta(seconds=RECALL_S))
        limiter.recall((chat, group, 0.0 if at is None else (now - at).total_seconds())
                       for chat, group, at in recent)
        limiter.pause(limiter.window)

    async def _drain(self, channel: str, counts: DeliveryCounts, deadline: float | None,
                     stop: asyncio.Event | None) -> None:
        limiter = self.limiters[channel]
        # Another worker (process) must not write to a chat just claimed here within its interval.
        hold = timedelta(seconds=limiter.chat_interval) if limiter.chat_interval > 0 else None
        sent: int | None = None  # accepted by the messenger, recorded with the next claim
        try:
            while True:
                ending = ((stop is not None and stop.is_set())
                          or (deadline is not None and time.monotonic() >= deadline)
                          or not await self._leading(channel))
                if ending or limiter.overall_wait() > LONG_WAIT_S:  # never hold a claim across a pause
                    if sent is not None:
                        await asyncio.to_thread(self.outbox.mark_sent, sent, self.worker_id, self.now())
                        sent = None
                    if ending:
                        return
                    await limiter.wait_overall()
                busy = limiter.busy_chats()
                claimed = await asyncio.to_thread(self.outbox.claim, self.worker_id, channel, 1, self.now(),
                                                  lease=self.lease, exclude_chats=busy, sent=sent,
                                                  chat_interval=hold)
                sent = None
                if claimed:
                    sent = await self._deliver(claimed[0], counts)
                    continue
                # Nothing to send now. A row due soon (a 429 waited out, a paused chat, a dead
                # worker's lease) is waited for within the poll interval; later ones, next run.
                until = await asyncio.to_thread(self.outbox.seconds_until_due, channel, self.now(),
                                                lease=self.lease)
                if until is None:
                    return
                wait = min(busy.values(), default=0.0) if until <= 0 else until
                if wait > self.config.poll_s:
                    return
                await asyncio.sleep(max(wait, 0.01))
        finally:
            if sent is not None:  # cancelled or failed right after a send: record it still
                # Shielded: a second cancellation cannot lose the record (the thread finishes).
                await asyncio.shield(asyncio.to_thread(self.outbox.mark_sent, sent, self.worker_id, self.now()))

    async def _deliver(self, row: Claimed, counts: DeliveryCounts, *, moved: bool = False) -> int | None:
        """Send one claimed row and record a failure or a retry; the row's id when the
        messenger accepted it (the caller records that at once)."""
        if row.attempts > self.config.max_attempts:  # its workers kept dying while sending it
            await self._fail(row, TOO_MANY_ATTEMPTS.format(n=row.attempts - 1), counts, UNKNOWN_OUTCOME)
            return None
        sender, limiter = self.senders[row.channel], self.limiters[row.channel]
        wait = max(limiter.overall_wait(), limiter.chat_wait(row.chat_id, row.is_group))
        if wait > LONG_WAIT_S:  # paused meanwhile (another worker's 429): never hold a claim
            await asyncio.to_thread(self.outbox.retry_later, row.id, self.now() + timedelta(seconds=wait),
                                    self.worker_id, False)
            return None
        try:
            if not await self._send_parts(row, sender, limiter):
                return None  # a lease ran out: the worker (or process) that took over goes on
        except ChatMoved as exc:
            if moved:  # moved twice in one go: not worth chasing
                await self._fail(row, f"tin bị từ chối: {MIGRATED}", counts, str(exc))
                return None
            return await self._follow_move(row, exc, counts)
        except RetryAfter as exc:
            # Private chats are never sent faster than allowed, so a 429 there concerns the
            # whole bot; in a group it is the group's own limit.
            limiter.pause(exc.seconds, row.chat_id)
            if not row.is_group:
                limiter.pause(exc.seconds)
            await asyncio.to_thread(self.outbox.retry_later, row.id, self.now() + timedelta(seconds=exc.seconds),
                                    self.worker_id, False, str(exc))
            counts.retried += 1
        except Blocked as exc:
            await self._unreachable(row, exc, counts)
        except (ChatNotFound, PermanentError) as exc:
            await self._fail(row, failure_reason(exc), counts, str(exc))
        except Exception as exc:  # TransientError, or a sender's own bug: try again later
            if not isinstance(exc, TransientError):
                log.exception("delivery: lỗi bất ngờ khi gửi tin %s", row.id)
            await self._retry_or_fail(row, str(exc) or type(exc).__name__, counts)
        else:
            counts.sent += 1
            return row.id
        return None

    async def _send_parts(self, row: Claimed, sender: Sender, limiter: RateLimiter) -> bool:
        """Send the parts not yet accepted; False when the row's lease (or this process's
        leadership) ran out before a part."""
        from bot.core.replies import split_text

        parts = split_text(row.text, sender.max_text)
        for i in range(min(row.parts_sent, len(parts)), len(parts)):
            slot = await limiter.acquire(row.chat_id, row.is_group)
            if not self._may_send(row.channel):  # the lease ran out meanwhile: the next leader sends it
                limiter.cancel(slot)
                await asyncio.to_thread(self.outbox.retry_later, row.id, self.now(), self.worker_id, False)
                return False
            try:
                await sender.send(row.chat_id, parts[i], row.buttons if i == len(parts) - 1 else ())
            finally:
                limiter.release(slot)
            if i < len(parts) - 1 and not await asyncio.to_thread(self.outbox.parts_sent, row.id, i + 1,
                                                                  self.worker_id):
                return False
        return True

    async def _follow_move(self, row: Claimed, exc: ChatMoved, counts: DeliveryCounts) -> int | None:
        """The group became a supergroup: store its new id (this row, the chat's other rows, an
        account using it) and send there once, at once."""
        log.info("delivery: chat %s:%s chuyển thành %s; gửi lại tin %s", row.channel, row.chat_id,
                 exc.new_chat_id, row.id)
        await asyncio.to_thread(self.outbox.move_chat, row.channel, row.chat_id, exc.new_chat_id)
        if self.people is not None:
            await asyncio.to_thread(self.people.move_chat, row.channel, row.chat_id, exc.new_chat_id)
        return await self._deliver(replace(row, chat_id=exc.new_chat_id), counts, moved=True)

    async def _unreachable(self, row: Claimed, exc: Blocked, counts: DeliveryCounts) -> None:
        """This account cannot receive: mark the account (not the official), and send the message
        to the official's other account when they have one that still receives."""
        reason = failure_reason(exc)
        other = None
        if self.people is not None:
            await asyncio.to_thread(self.people.deactivate, row.channel, row.chat_id)
            if row.official_id is not None:
                other = await asyncio.to_thread(self.people.reachable_account, row.official_id)
        if other is not None and (other.channel, other.chat_id) != (row.channel, row.chat_id):
            error = f"{reason}{REASON_SEP}{exc}"
            if await asyncio.to_thread(self.outbox.reroute, row.id, self.worker_id, other.channel,
                                       other.chat_id, error):
                log.info("delivery: tin %s tới %s:%s (%s) chuyển sang %s:%s", row.id, row.channel,
                         row.chat_id, reason, other.channel, other.chat_id)
                counts.rerouted += 1
            return
        await self._fail(row, reason, counts, str(exc))

    async def _retry_or_fail(self, row: Claimed, error: str, counts: DeliveryCounts) -> None:
        if row.attempts >= self.config.max_attempts:
            await self._fail(row, TOO_MANY_ATTEMPTS.format(n=row.attempts), counts, error)
            return
        delay = min(self.backoff_s * 2 ** (row.attempts - 1), self.max_backoff_s)
        await asyncio.to_thread(self.outbox.retry_later, row.id, self.now() + timedelta(seconds=delay),
                                self.worker_id, True, error)
        counts.retried += 1

    async def _fail(self, row: Claimed, reason: str, counts: DeliveryCounts, detail: str = "") -> None:
        """Give the row up: `reason` for the report, `detail` (the messenger's words) for operators."""
        log.info("delivery: tin %s tới %s:%s không gửi được (%s: %s)", row.id, row.channel, row.chat_id,
                 reason, detail)
        error = f"{reason}{REASON_SEP}{detail}" if detail else reason
        await asyncio.to_thread(self.outbox.mark_failed, row.id, error, self.worker_id)
        counts.failed += 1

    async def report_finished(self) -> int:
        """Queue the report of every broadcast whose messages are all settled, once each."""
        queued = 0
        for broadcast_id in await asyncio.to_thread(self.outbox.unreported_finished_broadcasts):
            report = await asyncio.to_thread(self.outbox.broadcast_report, broadcast_id)
            if report is None:
                continue
            message = None
            if report.report_channel and report.report_chat_id:
                message = NewMessage(f"bcr:{broadcast_id}", report.report_channel, report.report_chat_id,
                                     report_text(report))
            if await asyncio.to_thread(self.outbox.settle_report, broadcast_id, message) and message:
                queued += 1
        return queued
