"""The delivery engine shared by reminders and broadcasts: it sends what the outbox holds.

Every message is an outbox row before anything is sent (`bot.db.outbox`). A worker claims ONE
row at a time (the claim is committed before the HTTP call), sends it, and records the outcome
right after the messenger answered; so a crash at any point leaves at most that one message in
doubt, which is sent again once its lease runs out (at once, when a restarted process sees that
the process holding it is gone). Several workers share an outbox on PostgreSQL (claims skip
rows others hold); on SQLite run one.

The rate limits are kept here, not by the messenger telling us off: overall N messages per
second on a 1/N s grid and never N in any one-second window, one message per chat per interval,
20 per minute per group. Windows are measured from when the messenger *answered* the earlier
send to when the next one *starts*, so the server, which sees each request somewhere in between,
never counts one too many. A 429 is still honoured: the row waits out `retry_after` without
losing an attempt, and sends pause.
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot.db import models as m
from bot.db.outbox import REASON_SEP, BroadcastReport, Claimed, NewMessage, Outbox
from bot.core.messages import TELEGRAM, ZALO, Button
from bot.core.replies import numbered

# PTB builds RetryAfter with a deprecation warning unless time periods are timedeltas.
os.environ.setdefault("PTB_TIMEDELTA", "true")

if TYPE_CHECKING:
    from bot.config import Delivery, Settings
    from bot.db.chats import ChatStore
    from bot.db.people import PeopleStore

log = logging.getLogger(__name__)

Buttons = tuple[tuple[Button, ...], ...]

# Reasons a message failed, as the delivery report names them (the messenger's own words
# follow in the row's `error` column, for operators).
BLOCKED = "chặn bot"
CHAT_NOT_FOUND = "không tìm thấy chat"
ACCOUNT_GONE = "tài khoản đã bị xoá"
LEFT_GROUP = "bot không còn trong nhóm"
REFUSED = "tin bị từ chối: {what}"
TOO_MANY_ATTEMPTS = "lỗi tạm thời sau {n} lần thử"
UNKNOWN_OUTCOME = "không rõ kết quả (tiến trình gửi bị dừng)"
# What a refusal was about, by words of the messenger's description.
REFUSALS = (("too long", "tin quá dài"), ("parse", "định dạng tin không hợp lệ"),
            ("button", "nút bấm không hợp lệ"), ("empty", "nội dung trống"),
            ("migrated", "nhóm đã chuyển thành siêu nhóm"), ("token", "mã bot không hợp lệ"),
            ("unauthorized", "mã bot không hợp lệ"))
REPORT_TITLES = {"announcement": "Thông báo", "reminder": "Nhắc hạn"}
SLOT_MARGIN_S = 0.005  # added to every window: clocks and schedulers are never exact
# A row is claimed while the next grid slot is near (the database work overlaps the wait);
# across a longer pause it is not, so that no claim outlives its lease unsent.
LONG_WAIT_S = 0.25


# -- outcomes of one send -----------------------------------------------------------------------


class DeliveryError(Exception):
    """A send that did not go through; the subclass says what to do with the row."""


class RetryAfter(DeliveryError):
    """The messenger said "too many requests": wait `seconds`, the attempt does not count."""

    def __init__(self, seconds: float, description: str = "") -> None:
        super().__init__(description or f"retry after {seconds:g} s")
        self.seconds = max(0.0, seconds)


class Blocked(DeliveryError):
    """The person blocked the bot (or their account is gone): never write to them again."""


class ChatNotFound(DeliveryError):
    """The messenger does not know the chat."""


class TransientError(DeliveryError):
    """Network trouble or the messenger's own failure: try again later."""


class PermanentError(DeliveryError):
    """Refused for good (message too long, bad button…): the description is the reason."""


class Sender(Protocol):
    """Sends one message on one channel, raising a `DeliveryError` when it did not go through."""

    channel: str
    max_text: int

    async def send(self, chat_id: str, text: str, buttons: Buttons) -> None: ...


class TelegramSender:
    """A python-telegram-bot `Bot`/`ExtBot` (initialised by the caller), errors made typed."""

    channel = TELEGRAM.name
    max_text = TELEGRAM.max_text

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    async def send(self, chat_id: str, text: str, buttons: Buttons) -> None:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup
        from telegram import error as tg

        markup = (InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                        for row in buttons]) if buttons else None)
        target: int | str = int(chat_id) if re.fullmatch(r"-?\d+", chat_id) else chat_id
        try:
            await self.bot.send_message(target, text, reply_markup=markup)
        except tg.RetryAfter as exc:
            wait = exc.retry_after
            raise RetryAfter(wait.total_seconds() if isinstance(wait, timedelta) else float(wait),
                             exc.message) from None
        except tg.Forbidden as exc:  # blocked, deactivated, kicked from the group
            raise Blocked(exc.message) from None
        except tg.BadRequest as exc:  # before NetworkError: BadRequest is one of its subclasses
            if "chat not found" in exc.message.lower():
                raise ChatNotFound(exc.message) from None
            raise PermanentError(exc.message) from None
        except tg.NetworkError as exc:  # TimedOut, 5xx, connection refused
            raise TransientError(exc.message) from None
        except tg.TelegramError as exc:  # InvalidToken, ChatMigrated, Conflict
            raise PermanentError(exc.message) from None


class ZaloSender:
    """A `bot.channels.zalo.ZaloClient`; give it `retries=0` (the worker retries, and knows
    when a retry could send twice). Zalo has no buttons: they become numbered choices in the
    text, remembered for the chat so that a typed «1» works like a press."""

    channel = ZALO.name
    max_text = ZALO.max_text

    def __init__(self, client: Any, chats: ChatStore | None = None) -> None:
        self.client = client
        self.chats = chats

    async def send(self, chat_id: str, text: str, buttons: Buttons) -> None:
        from bot.channels.zalo import ZaloError

        if buttons:
            text = numbered(text, buttons)
            if self.chats is not None:
                choices = tuple(b.data for row in buttons for b in row)
                await asyncio.to_thread(self.chats.remember, self.channel, chat_id, choices=choices)
        try:
            await self.client.send_message(chat_id, text)
        except ZaloError as exc:
            raise zalo_outcome(exc) from None


def zalo_outcome(exc: Any) -> DeliveryError:
    """A ZaloError as a delivery outcome (the platform's exact wordings are not published)."""
    description, code = str(exc.description), int(exc.code)
    lowered = description.lower()
    if code == 429:
        return RetryAfter(exc.retry_after or 1.0, description)
    if code == 0 or code >= 500 or code == 408:
        return TransientError(description)
    if code == 403 or "block" in lowered:
        return Blocked(description)
    if "not found" in lowered or "không tồn tại" in lowered:
        return ChatNotFound(description)
    return PermanentError(description)


def failure_reason(exc: DeliveryError) -> str:
    """The Vietnamese reason the delivery report names for a send that failed for good."""
    lowered = str(exc).lower()
    if isinstance(exc, Blocked):
        if "deactivated" in lowered or "deleted" in lowered:
            return ACCOUNT_GONE
        if "kicked" in lowered or "not a member" in lowered or "removed" in lowered:
            return LEFT_GROUP
        return BLOCKED
    if isinstance(exc, ChatNotFound):
        return CHAT_NOT_FOUND
    return REFUSED.format(what=next((what for words, what in REFUSALS if words in lowered), "lý do khác"))


# -- rate limits ------------------------------------------------------------------------------


@dataclass
class Slot:
    """A reservation to send one message to one chat; give it back with `release`."""

    chat_id: str
    is_group: bool


@dataclass
class _Chat:
    is_group: bool = False
    in_flight: bool = False
    ready_at: float = 0.0  # monotonic time from which the next send may start
    group_sends: deque[float] = field(default_factory=deque)


class RateLimiter:
    """One channel's limits, shared by the workers of a process.

    Overall: at most `capacity` sends start in any window, counted from the *answers* of earlier
    sends, and starts are spread on a 1/rate grid (a start made late by the database may be
    caught up). Per chat: the next send starts `chat_interval_s` after the previous one was
    answered. Per group: at most `group_per_minute` in any minute. `pause` holds one chat or
    everything (a 429)."""

    def __init__(self, per_second: float, chat_interval_s: float = 1.0, group_per_minute: int | None = None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.capacity = max(1, int(per_second))
        self.window = self.capacity / per_second + SLOT_MARGIN_S
        self.spacing = 1.0 / per_second
        self.chat_interval = chat_interval_s + SLOT_MARGIN_S if chat_interval_s > 0 else 0.0
        self.group_per_minute = group_per_minute
        self.clock = clock
        self._answered: deque[float] = deque(maxlen=self.capacity)
        self._in_flight = 0
        self._next_start = 0.0  # the grid: when the next send may start
        self._paused_until = 0.0
        self._chats: dict[str, _Chat] = {}
        self._lock = asyncio.Lock()

    @classmethod
    def for_channel(cls, channel: str, config: Delivery) -> RateLimiter:
        """The configured limits of a channel (Zalo has no group limit of its own)."""
        if channel == ZALO.name:
            return cls(config.zalo_per_second, config.zalo_chat_interval_s)
        return cls(config.telegram_per_second, config.telegram_chat_interval_s, config.telegram_group_per_minute)

    # -- waiting ------------------------------------------------------------------------------

    def overall_wait(self, now: float | None = None) -> float:
        """Seconds before any send may start (a pause, the grid, the window)."""
        now = self.clock() if now is None else now
        wait = max(self._paused_until - now, self._next_start - now)
        recent = [t for t in self._answered if t > now - self.window]
        excess = self._in_flight + len(recent) - self.capacity + 1
        if excess > len(recent):  # every slot is in flight: check again shortly
            return max(wait, 0.01)
        if excess > 0:
            wait = max(wait, recent[excess - 1] + self.window - now)
        return wait

    def chat_wait(self, chat_id: str, is_group: bool, now: float | None = None) -> float:
        """Seconds before a send to this chat may start."""
        now = self.clock() if now is None else now
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        if chat.in_flight:
            return 0.01
        wait = chat.ready_at - now
        if is_group and self.group_per_minute:
            minute = 60.0 + SLOT_MARGIN_S
            recent = [t for t in chat.group_sends if t > now - minute]
            if len(recent) >= self.group_per_minute:
                wait = max(wait, recent[len(recent) - self.group_per_minute] + minute - now)
        return wait

    def busy_chats(self, now: float | None = None) -> dict[str, float]:
        """Chats that may not be written to now, with the seconds until they may."""
        now = self.clock() if now is None else now
        busy: dict[str, float] = {}
        for chat_id, chat in list(self._chats.items()):
            while chat.group_sends and chat.group_sends[0] <= now - 60.0 - SLOT_MARGIN_S:
                chat.group_sends.popleft()
            wait = self.chat_wait(chat_id, chat.is_group, now)
            if wait > 0:
                busy[chat_id] = wait
            elif not chat.in_flight and not chat.group_sends:
                del self._chats[chat_id]  # nothing left to remember about it
        return busy

    async def wait_overall(self) -> None:
        """Until a send could start as far as the overall limit and pauses go."""
        while (wait := self.overall_wait()) > 0:
            await asyncio.sleep(wait)

    async def acquire(self, chat_id: str, is_group: bool = False) -> Slot:
        """Wait for every limit that applies, then reserve the send."""
        async with self._lock:
            while True:
                now = self.clock()
                wait = max(self.overall_wait(now), self.chat_wait(chat_id, is_group, now))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._in_flight += 1
            # A late start may be caught up by up to two grid steps; the window still holds.
            self._next_start = max(self._next_start, now - 2 * self.spacing) + self.spacing
            chat = self._chats.setdefault(chat_id, _Chat())
            chat.in_flight, chat.is_group = True, is_group
        return Slot(chat_id, is_group)

    def release(self, slot: Slot) -> None:
        """The messenger answered (whatever it said): the windows count from now."""
        now = self.clock()
        self._in_flight -= 1
        self._answered.append(now)
        chat = self._chats.setdefault(slot.chat_id, _Chat())
        chat.in_flight = False
        chat.ready_at = max(chat.ready_at, now + self.chat_interval)
        if slot.is_group and self.group_per_minute:
            chat.group_sends.append(now)
            while chat.group_sends and chat.group_sends[0] <= now - 60.0 - SLOT_MARGIN_S:
                chat.group_sends.popleft()

    def pause(self, seconds: float, chat_id: str | None = None) -> None:
        """Hold one chat (or, without a chat, every send) for `seconds`."""
        until = self.clock() + seconds
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
        else:
            chat = self._chats.setdefault(chat_id, _Chat())
            chat.ready_at = max(chat.ready_at, until)


# -- the worker -------------------------------------------------------------------------------


@dataclass
class DeliveryCounts:
    """What one run did."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    reports: int = 0

    def add(self, other: DeliveryCounts) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried
        self.reports += other.reports


def report_text(report: BroadcastReport) -> str:
    """«Thông báo #N: đã gửi X, lỗi Y (chặn bot: a, …), còn chờ Z»."""
    title = REPORT_TITLES.get(report.kind, "Thông báo")
    reasons = ", ".join(f"{reason}: {n}" for reason, n in report.failed.items())
    failed = f"lỗi {report.failed_total}" + (f" ({reasons})" if reasons else "")
    return f"{title} #{report.broadcast_id}: đã gửi {report.sent}, {failed}, còn chờ {report.pending}"


class DeliveryWorker:
    """Drains the outbox for its channels, one message in flight at a time."""

    def __init__(self, outbox: Outbox, senders: Mapping[str, Sender] | Sender,
                 limiter: Mapping[str, RateLimiter] | RateLimiter | None, settings: Settings | Delivery,
                 people: PeopleStore | None = None, worker_id: str | None = None, *,
                 backoff_s: float = 2.0, max_backoff_s: float = 600.0,
                 now: Callable[[], datetime] = m.utc_now) -> None:
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
                await self._drain(channel, counts, deadline, stop)
            counts.reports += await self.report_finished()
        return counts

    async def run(self, stop: asyncio.Event) -> DeliveryCounts:
        """Drain, then look again every `poll_s`, until `stop` is set (the message in flight
        is finished first)."""
        total = DeliveryCounts()
        while not stop.is_set():
            try:
                total.add(await self.run_once(stop=stop))
            except Exception:  # a database hiccup must not end delivery for good
                log.exception("delivery: lỗi khi gửi tin trong hàng đợi; thử lại sau")
            try:
                await asyncio.wait_for(stop.wait(), self.config.poll_s)
            except TimeoutError:
                pass
        return total

    async def _drain(self, channel: str, counts: DeliveryCounts, deadline: float | None,
                     stop: asyncio.Event | None) -> None:
        limiter = self.limiters[channel]
        # Another worker (process) must not write to a chat just claimed here within its interval.
        hold = timedelta(seconds=limiter.chat_interval) if limiter.chat_interval > 0 else None
        sent: int | None = None  # accepted by the messenger, recorded with the next claim
        try:
            while True:
                ending = ((stop is not None and stop.is_set())
                          or (deadline is not None and time.monotonic() >= deadline))
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

    async def _deliver(self, row: Claimed, counts: DeliveryCounts) -> int | None:
        """Send one claimed row and record a failure or a retry; the row's id when the
        messenger accepted it (the caller records that at once)."""
        if row.attempts > self.config.max_attempts:  # its workers kept dying while sending it
            await self._fail(row, TOO_MANY_ATTEMPTS.format(n=row.attempts - 1), counts, UNKNOWN_OUTCOME)
            return None
        from bot.assistant import split_text

        sender, limiter = self.senders[row.channel], self.limiters[row.channel]
        wait = max(limiter.overall_wait(), limiter.chat_wait(row.chat_id, row.is_group))
        if wait > LONG_WAIT_S:  # paused meanwhile (another worker's 429): never hold a claim
            await asyncio.to_thread(self.outbox.retry_later, row.id, self.now() + timedelta(seconds=wait),
                                    self.worker_id, False)
            return None
        parts = split_text(row.text, sender.max_text)
        try:
            # Parts the messenger accepted on an earlier attempt are not sent again.
            for i in range(min(row.parts_sent, len(parts)), len(parts)):
                slot = await limiter.acquire(row.chat_id, row.is_group)
                try:
                    await sender.send(row.chat_id, parts[i], row.buttons if i == len(parts) - 1 else ())
                finally:
                    limiter.release(slot)
                if i < len(parts) - 1 and not await asyncio.to_thread(self.outbox.parts_sent, row.id, i + 1,
                                                                      self.worker_id):
                    return None  # our lease ran out: the worker that took the row goes on
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
            await self._fail(row, failure_reason(exc), counts, str(exc))
            if self.people is not None:
                await asyncio.to_thread(self.people.deactivate, row.channel, row.chat_id)
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


_RUN = secrets.token_hex(4)  # this process start, so that ids never repeat across restarts


@functools.cache
def _pid_namespace() -> str:
    """A short hash of (kernel boot, pid namespace): processes sharing it see each other's pids;
    "-" when unknown (not Linux). Hostnames alone do not say that (containers may share them)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return "-"
    return hashlib.sha1(f"{boot}:{namespace}".encode()).hexdigest()[:8]


def worker_id(channel: str) -> str:
    """<channel>:<host>:<pid namespace>:<pid>:<random>, under 64 characters (never cut), so that
    a restart can tell which claims died with their process."""
    return f"{channel}:{os.uname().nodename[:20]}:{_pid_namespace()}:{os.getpid()}:{_RUN}"


def _dead_here(claimant: str, channel: str) -> bool:
    """Whether a `worker_id` names a process that surely no longer runs: one of our own pid
    namespace (on this kernel boot) whose pid is gone, or an earlier process that had our pid.
    Anything else (another container, another machine, an unknown namespace) waits out its lease."""
    parts = claimant.split(":")
    namespace = _pid_namespace()
    if len(parts) != 5 or parts[0] != channel or namespace == "-" or parts[2] != namespace:
        return False
    pid, run = parts[3], parts[4]
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():  # an earlier process had our pid: it is gone (ourselves: alive)
        return run != _RUN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def recover_dead_claims(outbox: Outbox, channel: str) -> int:
    """At start-up: rows claimed by killed processes of this host go back to pending at once
    (others wait out their lease). Call before this process claims anything."""
    dead = [c for c in outbox.claimants(channel) if _dead_here(c, channel)]
    released = outbox.release_claims(channel, dead) if dead else 0
    if released:
        log.info("delivery: %d tin đang gửi dở của tiến trình đã dừng được gửi lại", released)
    return released


# -- running beside a bot ---------------------------------------------------------------------

JOB_BUDGET_S = 10.0  # a delivery job yields after this long (a stopping bot waits for it)


def plain_bot(application: Any, base_url: str | None = None) -> Any:
    """A `telegram.Bot` for delivery beside the application's `ExtBot`: same token and HTTP
    connection pool (opened and closed with the application), but without the application's
    rate limiter, whose retries on a 429 would sleep while the row is claimed (maybe past its
    lease, so that another worker sends it too) and hide the 429 from the worker."""
    from telegram import Bot

    from bot.channels.telegram import file_url

    base = base_url or "https://api.telegram.org/bot"
    return Bot(application.bot.token, base_url=base, base_file_url=file_url(base),
               request=application.bot.request, get_updates_request=application.bot.request)


class Background:
    """Delivery and the reminder plan, run beside a channel's bot: PTB jobs for Telegram, an
    asyncio task for Zalo."""

    def __init__(self, outbox: Outbox, people: PeopleStore | None, chats: ChatStore | None,
                 settings: Settings, planner: Any = None) -> None:
        self.outbox = outbox
        self.people = people
        self.chats = chats
        self.settings = settings
        self.planner = planner  # anything with tick(now) -> int (bot.reminders.ReminderPlanner)

    @classmethod
    def for_core(cls, core: Any, settings: Settings) -> Background:
        """Over the core's database and stores; the reminder plan when reminders are enabled."""
        engine = core.people.engine
        outbox = Outbox(engine)
        planner = None
        if settings.reminders.enabled:
            from bot.reminders import ReminderPlanner

            planner = ReminderPlanner(engine, core.facts, core.people, outbox, settings)
        return cls(outbox, core.people, core.chats, settings, planner)

    def worker(self, sender: Sender) -> DeliveryWorker:
        return DeliveryWorker(self.outbox, sender, None, self.settings, self.people, worker_id(sender.channel))

    async def tick(self) -> int:
        """Plan the reminders due now (idempotent: what is planned already is skipped)."""
        if self.planner is None:
            return 0
        try:
            return int(await asyncio.to_thread(self.planner.tick, m.utc_now()))
        except Exception:  # the next check tries again
            log.exception("reminders: lỗi khi lập lịch nhắc hạn")
            return 0

    # -- Telegram: python-telegram-bot's JobQueue --------------------------------------------------

    def schedule(self, application: Any, base_url: str | None = None) -> None:
        """Repeating jobs on the application's JobQueue: the outbox every `delivery.poll_s`
        (a run still going makes the next one return at once), the reminder plan every
        `reminders.check_seconds`. `base_url` is the one the application was built with."""
        jobs = application.job_queue
        if jobs is None:
            raise RuntimeError("python-telegram-bot[job-queue] is needed to deliver reminders")
        worker = self.worker(TelegramSender(plain_bot(application, base_url)))
        recovered = asyncio.Event()

        async def deliver(context: Any) -> None:
            if worker.busy:
                return
            if not recovered.is_set():
                recovered.set()
                await asyncio.to_thread(recover_dead_claims, self.outbox, TELEGRAM.name)
            await worker.run_once(budget_s=JOB_BUDGET_S)

        async def plan(context: Any) -> None:
            await self.tick()

        jobs.run_repeating(deliver, interval=self.settings.delivery.poll_s, first=0.0, name="delivery",
                           job_kwargs={"max_instances": 2, "coalesce": True})
        if self.planner is not None:
            jobs.run_repeating(plan, interval=self.settings.reminders.check_seconds, first=1.0,
                               name="reminders", job_kwargs={"coalesce": True})

    # -- Zalo: an asyncio task -------------------------------------------------------------------

    async def run_zalo(self, token: str, stop: asyncio.Event, base_url: str | None = None) -> None:
        """Deliver Zalo's rows (and check the reminder plan) until `stop` is set."""
        from bot.channels.zalo import ZaloClient

        async with ZaloClient(token, base_url, retries=0) as client:
            worker = self.worker(ZaloSender(client, self.chats))
            await asyncio.to_thread(recover_dead_claims, self.outbox, ZALO.name)
            await asyncio.gather(worker.run(stop), self._plan_until(stop))

    async def _plan_until(self, stop: asyncio.Event) -> None:
        while self.planner is not None and not stop.is_set():
            await self.tick()
            try:
                await asyncio.wait_for(stop.wait(), self.settings.reminders.check_seconds)
            except TimeoutError:
                pass


# -- command line: `python -m bot broadcast` and `python -m bot deliver` ----------------------

TOKEN_ENV = {TELEGRAM.name: ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL"),
             ZALO.name: ("ZALO_BOT_TOKEN", "ZALO_BASE_URL")}
NO_TOKEN = "Kênh {channel} chưa có {env}: {n} tin của kênh này vẫn chờ trong hàng đợi."
NO_CHANNEL = "Chưa đặt TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN: không có kênh nào để gửi."
PROGRESS = "Đã gửi {sent}, lỗi {failed}, còn chờ {pending}"


class _Channels:
    """Senders for every channel whose token is set, opened and closed together."""

    def __init__(self, chats: ChatStore | None) -> None:
        self.chats = chats
        self.senders: dict[str, Sender] = {}
        self._close: list[Callable[[], Any]] = []

    async def __aenter__(self) -> _Channels:
        token, base = (os.environ.get(name, "").strip() for name in TOKEN_ENV[TELEGRAM.name])
        if token:
            from telegram import Bot

            bot = Bot(token, base_url=base or "https://api.telegram.org/bot")
            await bot.initialize()
            self._close.append(bot.shutdown)
            self.senders[TELEGRAM.name] = TelegramSender(bot)
        token, base = (os.environ.get(name, "").strip() for name in TOKEN_ENV[ZALO.name])
        if token:
            from bot.channels.zalo import ZaloClient

            client = ZaloClient(token, base or None, retries=0)
            self._close.append(client.aclose)
            self.senders[ZALO.name] = ZaloSender(client, self.chats)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for close in self._close:
            await close()


def _stop_on_signals(stop: asyncio.Event) -> None:
    """Ctrl+C and SIGTERM finish the message in flight, then stop."""
    import contextlib
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def deliver(settings: Settings, *, until_empty: bool = False, broadcast_id: int | None = None,
                  out: Callable[[str], None] = print, progress_every: float = 2.0) -> int:
    """Send what the outbox holds (pending rows of a crashed run included). With `until_empty`
    or a broadcast id: until every row (of that broadcast) whose channel has a token is settled;
    otherwise until Ctrl+C."""
    from bot.db.chats import ChatStore
    from bot.db.engine import connect
    from bot.db.people import PeopleStore

    engine = connect(settings.database_url)
    outbox, people = Outbox(engine), PeopleStore(engine, settings.access.admins)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    try:
        async with _Channels(ChatStore(engine)) as channels:
            for channel, (env, _) in TOKEN_ENV.items():
                waiting = outbox.unsettled(channel, broadcast_id)
                if channel not in channels.senders and waiting:
                    out(NO_TOKEN.format(channel=channel, env=env, n=waiting))
            if not channels.senders:
                out(NO_CHANNEL)
                return 2
            for channel in channels.senders:
                recover_dead_claims(outbox, channel)
            workers = [DeliveryWorker(outbox, sender, None, settings, people, worker_id(channel))
                       for channel, sender in channels.senders.items()]
            if until_empty or broadcast_id is not None:
                await _until_settled(outbox, workers, list(channels.senders), broadcast_id, stop, out,
                                     progress_every, settings.delivery.poll_s)
            else:
                await asyncio.gather(*(w.run(stop) for w in workers))
    finally:
        engine.dispose()
    return 0


async def _until_settled(outbox: Outbox, workers: list[DeliveryWorker], channels: list[str],
                         broadcast_id: int | None, stop: asyncio.Event, out: Callable[[str], None],
                         progress_every: float, poll_s: float) -> None:
    def remaining() -> int:
        return sum(outbox.unsettled(c, broadcast_id) for c in channels)

    async def progress() -> None:
        while True:
            await asyncio.sleep(progress_every)
            counts = await asyncio.to_thread(outbox.counts, broadcast_id)
            out(PROGRESS.format(sent=counts["sent"], failed=counts["failed"],
                                pending=counts["pending"] + counts["sending"]))

    reporter = asyncio.create_task(progress())
    try:
        while not stop.is_set() and await asyncio.to_thread(remaining):
            runs = await asyncio.gather(*(w.run_once(stop=stop) for w in workers))
            if not any(r.sent or r.failed or r.retried for r in runs):
                # Rows due later (a backoff, a dead worker's lease): look again shortly.
                try:
                    await asyncio.wait_for(stop.wait(), min(poll_s, 1.0))
                except TimeoutError:
                    pass
        for worker in workers:  # reports of broadcasts finished by this run
            await worker.report_finished()
    finally:
        reporter.cancel()


def broadcast(settings: Settings, text: str, to: str, *, send: bool = True,
              out: Callable[[str], None] = print) -> int:
    """`python -m bot broadcast`: plan one message per recipient, then deliver it and print
    the delivery report."""
    from bot.broadcasts import AudienceError, plan_broadcast
    from bot.db.engine import connect
    from bot.db.people import PeopleStore

    text = text.strip()
    if not text:
        out("Nội dung thông báo đang trống.")
        return 2
    audience = to if to == "all" or ":" in to else f"unit:{to}"
    engine = connect(settings.database_url)
    outbox = Outbox(engine)
    try:
        broadcast_id, recipients = plan_broadcast(outbox, PeopleStore(engine, settings.access.admins),
                                                  text, audience)
    except AudienceError as exc:
        out(str(exc))
        return 1
    finally:
        engine.dispose()
    out(f"Đã lập thông báo #{broadcast_id} cho {recipients} người nhận.")
    if not send:
        out("Chưa gửi (--no-send). Chạy «python -m bot deliver --until-empty» để gửi.")
        return 0
    asyncio.run(deliver(settings, broadcast_id=broadcast_id, out=out))
    engine = connect(settings.database_url)
    try:
        report = Outbox(engine).broadcast_report(broadcast_id)
    finally:
        engine.dispose()
    if report is not None:
        out(report_text(report))
    return 0
