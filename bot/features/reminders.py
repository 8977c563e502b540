"""Reminders before each tracked deadline, and the chat commands around them.

Planning is pure: `ReminderPlanner.tick(now)` works out which reminders are due at `now` and
writes them to the outbox, where each has a unique dedupe key
(`rem:<obligation>:<due>:<offset|late>:<official>`). Running it twice, on several workers or
after a restart sends nothing twice. The delivery engine (`bot.channels.background.Background`) ticks it
every `reminders.check_seconds` beside each bot and sends the rows.

A reminder `offset` days before a deadline is due at `reminders.hour` (Vietnam time) that day
and stays due for a grace window: until the next reminder of the same deadline is due, and at
most 24 hours. A bot started at 10:00 still sends the 08:00 reminder; a 7-day reminder is never
sent days late (the 3-day one takes over).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, select

from bot.core.clock import VIETNAM
from bot.db import models as m
from bot.db.engine import Repository
from bot.db.report_views import current_reports
from bot.db.outbox import NewMessage, Outbox
from bot.db.people import Role
from bot.retrieval.listings import day, document_name, rhythm
from bot.core.access import OFFICIALS, ButtonRule
from bot.core.messages import Button, Command, Incoming, Reply
from bot.services.obligations import TrackedObligation, find, tracked_obligations
from bot.db.report_status import STATUS_LABELS, Status
from bot.retrieval.vietnamese import fold

if TYPE_CHECKING:
    from bot.core.assistant import Assistant, DialogHandler
    from bot.config import Settings
    from bot.db.facts import DocumentRef, FactStore
    from bot.db.people import Member, PeopleStore, Recipient

log = logging.getLogger(__name__)

# A reminder missed at its moment (bot down) is still sent this long after, unless the next
# reminder of the same deadline is due sooner.
PAUSE_FLAG = "reminders_paused"
ALL = "*"        # a mute of every obligation
LATE = "late"    # the overdue notice's label in dedupe keys
MAX_CHOICES = 15  # obligations offered as buttons at once
SCHEDULE_LINES = 20
RECIPIENT_ROLES = (Role.REPORTER, Role.READER)
ALL_WORDS = {"tat ca", "tatca", "all", "*", "het", "tat ca nhiem vu"}


@dataclass(frozen=True)
class Slot:
    """One planned reminder of one occurrence: offset days before (None: the overdue notice)."""

    offset: int | None
    at: datetime     # when it becomes due (UTC-aware)
    until: datetime  # when it is no longer worth sending

    @property
    def label(self) -> str:
        return LATE if self.offset is None else str(self.offset)


@dataclass(frozen=True)
class Occurrence:
    obligation: TrackedObligation
    due: date

    @property
    def key(self) -> str:
        return self.obligation.key


@dataclass(frozen=True)
class ScheduleEntry:
    """A line of /lichnhac: the next reminder of an obligation and who still owes it."""

    occurrence: Occurrence
    slot: Slot
    open_units: int
    units: int


class ReminderStore(Repository):
    """Mutes and the shared pause switch, and the latest report status of each unit."""


    def paused(self) -> bool:
        with self._read() as session:
            flag = session.get(m.Flag, PAUSE_FLAG)
            return flag is not None and flag.value == "1"

    def set_paused(self, paused: bool) -> None:
        values = {"value": "1" if paused else "0", "updated_at": m.utc_now()}
        stmt = self._insert(m.Flag).values(name=PAUSE_FLAG, **values)
        stmt = stmt.on_conflict_do_update(index_elements=["name"], set_=values)
        with self._write() as session, session.begin():
            session.execute(stmt)

    def mutes(self, official_id: int | None = None) -> dict[int, set[str]]:
        """Official -> muted obligation keys ("*" = all), of one official or of everyone."""
        stmt = select(m.ReminderMute.official_id, m.ReminderMute.obligation_key)
        if official_id is not None:
            stmt = stmt.where(m.ReminderMute.official_id == official_id)
        found: dict[int, set[str]] = {}
        with self._read() as session:
            for who, key in session.execute(stmt):
                found.setdefault(who, set()).add(key)
        return found

    def mute(self, official_id: int, key: str) -> bool:
        """Stop reminders of this obligation (or "*": all); False when already muted."""
        stmt = (self._insert(m.ReminderMute).values(official_id=official_id, obligation_key=key,
                                                    muted_at=m.utc_now())
                .on_conflict_do_nothing(index_elements=["official_id", "obligation_key"]))
        with self._write() as session, session.begin():
            return bool(session.execute(stmt).rowcount)

    def unmute(self, official_id: int, key: str | None = None) -> int:
        """Lift one mute (None: every mute of the official); how many were lifted."""
        stmt = delete(m.ReminderMute).where(m.ReminderMute.official_id == official_id)
        if key is not None:
            stmt = stmt.where(m.ReminderMute.obligation_key == key)
        with self._write() as session, session.begin():
            return int(session.execute(stmt).rowcount or 0)

    def statuses(self, occurrences: Iterable[tuple[str, date]]) -> dict[tuple[str, date], dict[int, Status]]:
        """(key, due) -> unit -> status of the unit's latest report (corrections win); the
        summary's query, so reminders and /tonghop agree on who is done."""
        found: dict[tuple[str, date], dict[int, Status]] = {pair: {} for pair in set(occurrences)}
        for report in current_reports(self.engine, found):
            found[(report.obligation_key, report.due_date)][report.unit_id] = Status(report.status)
        return found


class ReminderPlanner:
    """Works out the reminders due at a moment and enqueues them, one per official."""

    def __init__(self, engine: Engine, facts: "FactStore", people: "PeopleStore", outbox: Outbox,
                 settings: "Settings", *, grace: timedelta | None = None) -> None:
        self.facts = facts
        self.people = people
        self.outbox = outbox
        self.config = settings.reminders
        # Days after a deadline that still have reminders (the overdue notice), plus a margin.
        self.behind = max([0, self.config.overdue_days, *(-o for o in self.config.offsets_days)]) + 2
        self.past_days = max(settings.reports.past_days, self.behind)
        self.grace = grace or timedelta(hours=self.config.grace_hours)
        self.store = ReminderStore(engine)

    # -- the plan -------------------------------------------------------------------------------

    def running(self) -> bool:
        return self.config.enabled and not self.store.paused()

    def obligations(self, today: date) -> list[TrackedObligation]:
        return tracked_obligations(self.facts, today, self.past_days)

    def slots(self, due: date) -> list[Slot]:
        """The reminders of one deadline in time order, each with its grace window."""
        hour = time(self.config.hour, tzinfo=VIETNAM)
        moments = [(offset, datetime.combine(due - timedelta(days=offset), hour))
                   for offset in set(self.config.offsets_days)]
        if self.config.overdue_days > 0:
            moments.append((None, datetime.combine(due + timedelta(days=self.config.overdue_days), hour)))
        moments.sort(key=lambda p: p[1])
        out = []
        for i, (offset, at) in enumerate(moments):
            until = at + self.grace
            if i + 1 < len(moments):
                until = min(until, moments[i + 1][1])
            out.append(Slot(offset, at.astimezone(UTC), until.astimezone(UTC)))
        return out

    def occurrences(self, obligation: TrackedObligation, start: date, end: date) -> Iterator[Occurrence]:
        """The deadlines of an obligation from start to end; recurring ones roll forward."""
        if not obligation.recurring:
            if start <= obligation.due <= end:
                yield Occurrence(obligation, obligation.due)
            return
        due = obligation.deadline.next_due(start)
        while due is not None and due <= end:
            yield Occurrence(obligation, due)
            due = obligation.deadline.next_due(due + timedelta(days=1))

    def due_slots(self, now: datetime) -> list[tuple[Occurrence, Slot]]:
        """Every reminder whose moment has come and whose grace window has not passed."""
        now = _aware(now)
        today = now.astimezone(VIETNAM).date()
        ahead = max([0, *self.config.offsets_days]) + 1
        found = []
        for obligation in self.obligations(today):
            for occurrence in self.occurrences(obligation, today - timedelta(days=self.behind),
                                               today + timedelta(days=ahead)):
                found.extend((occurrence, s) for s in self.slots(occurrence.due) if s.at <= now < s.until)
        return found

    def tick(self, now: datetime) -> int:
        """Enqueue the reminders due at `now` that are not planned yet; how many are new."""
        if not self.running():
            return 0
        now = _aware(now)
        due = self.due_slots(now)
        if not due:
            return 0
        statuses = self.store.statuses((o.key, o.due) for o, _ in due)
        units = {u.id for u in self.people.units() if u.active}
        recipients = [r for r in self.people.recipients(roles=RECIPIENT_ROLES) if r.unit_id in units]
        reporters = {r.official_id for r in self.people.recipients(roles=(Role.REPORTER,))}
        mutes = self.store.mutes()
        docs = {d.source: d for d in self.facts.documents()}
        today = now.astimezone(VIETNAM).date()
        messages = []
        for occurrence, slot in due:
            reported = statuses.get((occurrence.key, occurrence.due), {})
            for r in recipients:
                status = reported.get(r.unit_id or 0)
                muted = mutes.get(r.official_id, set())
                if status is Status.DONE or ALL in muted or occurrence.key in muted:
                    continue
                messages.append(self._message(occurrence, slot, r, status, docs.get(occurrence.obligation.source),
                                              today, can_report=r.official_id in reporters))
        added = self.outbox.enqueue(messages)
        if added:
            log.info("reminders: %d new messages for %d deadlines", added, len(due))
        return added

    def _message(self, occurrence: Occurrence, slot: Slot, recipient: "Recipient", status: Status | None,
                 doc: "DocumentRef | None", today: date, *, can_report: bool = True) -> NewMessage:
        # Where there are no buttons (Zalo) the delivery engine turns them into numbered choices.
        # Readers cannot report: they get only the mute button.
        key = occurrence.key
        text = reminder_text(occurrence, slot, doc, status, today)
        # The date tells the report flow which deadline (a missed recurring one has rolled on).
        report = ((Button("📝 Báo cáo ngay", f"rp:start:{key}:{occurrence.due:%Y%m%d}"),),) if can_report else ()
        buttons = (*report, (Button("🔕 Tắt nhắc việc này", f"nn:mute:{key}"),))
        return NewMessage(f"rem:{key}:{occurrence.due.isoformat()}:{slot.label}:{recipient.official_id}",
                          recipient.channel, recipient.chat_id, text, buttons, official_id=recipient.official_id)

    # -- what /lichnhac shows --------------------------------------------------------------------

    def schedule(self, now: datetime) -> list[ScheduleEntry]:
        """The next reminder of every tracked obligation, soonest first."""
        now = _aware(now)
        today = now.astimezone(VIETNAM).date()
        start = today - timedelta(days=self.behind)
        upcoming: list[tuple[Occurrence, Slot]] = []
        for obligation in self.obligations(today):
            for occurrence in self.occurrences(obligation, start, today + timedelta(days=800)):
                slot = next((s for s in self.slots(occurrence.due) if s.at > now), None)
                if slot is not None:
                    upcoming.append((occurrence, slot))
                    break
        upcoming.sort(key=lambda p: (p[1].at, p[0].due, p[0].key))
        statuses = self.store.statuses((o.key, o.due) for o, _ in upcoming)
        units = [u.id for u in self.people.units() if u.active]
        return [ScheduleEntry(o, s, sum(1 for u in units if statuses[(o.key, o.due)].get(u) is not Status.DONE),
                              len(units)) for o, s in upcoming]

    def open_obligations(self, today: date, unit_id: int | None) -> list[TrackedObligation]:
        """Obligations still reminded of (not past their overdue notice) that the unit has not
        finished; every one of them for an official without a unit."""
        last = today - timedelta(days=self.config.overdue_days)
        found = [o for o in self.obligations(today) if o.due >= last]
        if unit_id is None:
            return found
        statuses = self.store.statuses((o.key, o.due) for o in found)
        return [o for o in found if statuses[(o.key, o.due)].get(unit_id) is not Status.DONE]


def _aware(moment: datetime) -> datetime:
    """A naive datetime is taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def days_phrase(due: date, today: date) -> str:
    left = (due - today).days
    if left > 0:
        return f"còn {left} ngày"
    return "hôm nay là hạn cuối" if left == 0 else f"đã quá hạn {-left} ngày"


def source_name(obligation: TrackedObligation, doc: "DocumentRef | None") -> str:
    """"Kế hoạch 0125/KH-UBND, mục V > 2" — the document and the section the duty is in."""
    name = document_name(doc) if doc else (obligation.doc_number or obligation.source)
    return name + (f", mục {obligation.section}" if obligation.section else "")


def reminder_text(occurrence: Occurrence, slot: Slot, doc: "DocumentRef | None", status: Status | None,
                  today: date) -> str:
    """The reminder an official reads: what, by when, from which document, where they stand."""
    o, due = occurrence.obligation, occurrence.due
    phrase = days_phrase(due, today)
    if slot.offset is None or due < today:
        head = f"⚠️ Quá hạn: {o.title(300)}"
    else:
        head = f"⏰ Nhắc việc: {o.title(300)}"
    repeat = rhythm(o.deadline)
    lines = [head,
             f"Hạn: {day(due)} — {phrase}" + (f" (nhắc lại {repeat})" if repeat else ""),
             f"Theo: {source_name(o, doc)} («{o.deadline.text}»)"]
    if status is None:
        lines.append("Đơn vị của bạn chưa gửi báo cáo về việc này.")
    else:
        lines.append(f"Báo cáo gần nhất của đơn vị: {STATUS_LABELS[status]}.")
    return "\n".join(lines)


# -- chat commands -------------------------------------------------------------------------------

EXPIRED = "Lựa chọn này không còn hiệu lực."
SCHEDULE_USAGE = "Gõ /lichnhac để xem lịch, /lichnhac tamdung để tạm dừng, /lichnhac tieptuc để chạy lại."


class ReminderCommands:
    """/tatnhacnho, /batnhacnho and the 🔕 button for officials; /lichnhac for admins."""

    def __init__(self, core: "Assistant", settings: "Settings") -> None:
        assert core.people is not None, "reminders need the people store"
        engine = core.people.engine
        self.core = core
        self.planner = ReminderPlanner(engine, core.facts, core.people, Outbox(engine), settings)
        self.store = self.planner.store
        self.commands = {"tatnhacnho": self._mute_command, "batnhacnho": self._unmute_command,
                         "lichnhac": self._schedule_command}
        self.buttons = {"nn": self._button}
        self.dialogs: dict[str, "DialogHandler"] = {}
        self.menu = [Command("tatnhacnho", "Tắt nhắc việc: /tatnhacnho hoặc /tatnhacnho tất cả", OFFICIALS),
                     Command("batnhacnho", "Bật lại nhắc việc đã tắt", OFFICIALS),
                     Command("lichnhac", "Lịch nhắc việc; /lichnhac tamdung hoặc tieptuc", (Role.ADMIN.value,),
                             private_only=True)]
        self.button_rules = [ButtonRule("nn", OFFICIALS)]

    # -- muting ---------------------------------------------------------------------------------

    def _mute_choices(self, member: "Member") -> list[TrackedObligation]:
        unit_id = member.unit.id if member.unit else None
        return self.planner.open_obligations(self.core.today(), unit_id)[:MAX_CHOICES]

    def _mute_command(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None  # the core lets only officials through
        arg = fold(msg.text.strip())
        options = self._mute_choices(member)
        if arg in ALL_WORDS:
            return self._mute(msg, member, ALL)
        if arg.isdigit() and 1 <= int(arg) <= len(options) + 1:
            index = int(arg)
            return self._mute(msg, member, ALL if index == len(options) + 1 else options[index - 1].key)
        if arg:
            return self.core.texts(msg, f"Không có lựa chọn «{msg.text.strip()}». Gõ /tatnhacnho để xem "
                                        "danh sách, hoặc /tatnhacnho tất cả.")
        muted = self.store.mutes(member.official_id).get(member.official_id, set())
        if ALL in muted:
            return self.core.texts(msg, "Bạn đang tắt mọi nhắc việc. Gõ /batnhacnho tất cả để bật lại.")
        rows = tuple((Button(_choice_label(o) + (" (đã tắt)" if o.key in muted else ""), f"nn:mute:{o.key}"),)
                     for o in options)
        text = ("Chọn việc bạn không muốn được nhắc nữa, hoặc «Tất cả»:" if options else
                "Đơn vị của bạn không còn việc nào đang được nhắc. Bạn vẫn có thể tắt mọi nhắc việc:")
        return self.core.choices(msg, text, rows + ((Button("🔕 Tất cả", f"nn:mute:{ALL}"),),))

    def _mute(self, msg: Incoming, member: "Member", key: str) -> list[Reply]:
        self.store.mute(member.official_id, key)
        if key == ALL:
            return self._done(msg, "Đã tắt mọi nhắc việc. Gõ /batnhacnho tất cả để bật lại.", "Đã tắt mọi nhắc việc")
        title = self._title(key)
        return self._done(msg, f"Đã tắt nhắc việc «{title}». Gõ /batnhacnho để bật lại.", "Đã tắt nhắc việc này")

    def _unmute_command(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None  # the core lets only officials through
        arg = fold(msg.text.strip())
        muted = sorted(self.store.mutes(member.official_id).get(member.official_id, set()),
                       key=lambda k: (k != ALL, k))
        if not muted:
            return self.core.texts(msg, "Bạn đang nhận mọi nhắc việc; không có nhắc việc nào bị tắt.")
        if arg in ALL_WORDS:
            return self._unmute(msg, member, None)
        if arg.isdigit() and 1 <= int(arg) <= len(muted) + 1:
            index = int(arg)
            return self._unmute(msg, member, None if index == len(muted) + 1 else muted[index - 1])
        if arg:
            return self.core.texts(msg, f"Không có lựa chọn «{msg.text.strip()}». Gõ /batnhacnho để xem "
                                        "danh sách, hoặc /batnhacnho tất cả.")
        rows = tuple((Button(self._mute_label(k), f"nn:unmute:{k}"),) for k in muted)
        return self.core.choices(msg, "Chọn nhắc việc muốn bật lại:",
                                 rows + ((Button("🔔 Bật lại tất cả", "nn:unmute:"),),))

    def _unmute(self, msg: Incoming, member: "Member", key: str | None) -> list[Reply]:
        self.store.unmute(member.official_id, key)
        if key is None:
            return self._done(msg, "Đã bật lại mọi nhắc việc.", "Đã bật lại nhắc việc")
        if key == ALL:
            text = "Đã bật lại nhắc việc (trừ những việc bạn tắt riêng; gõ /batnhacnho để xem)."
        else:
            text = f"Đã bật lại nhắc việc «{self._title(key)}»."
            if ALL in self.store.mutes(member.official_id).get(member.official_id, set()):
                text += " Lưu ý: bạn vẫn đang tắt mọi nhắc việc; gõ /batnhacnho tất cả để bật lại."
        return self._done(msg, text, "Đã bật lại nhắc việc")

    def _button(self, msg: Incoming, member: "Member | None", data: str) -> list[Reply]:
        _, action, key = (data.split(":", 2) + ["", ""])[:3]
        assert member is not None  # the core lets only officials through
        if action == "mute" and key:
            return self._mute(msg, member, key)
        if action == "unmute":
            return self._unmute(msg, member, key or None)
        return self._done(msg, EXPIRED, EXPIRED)

    def _title(self, key: str) -> str:
        found = find(self.planner.obligations(self.core.today()), key)
        return found.title() if found else "việc này"

    def _mute_label(self, key: str) -> str:
        if key == ALL:
            return "Mọi nhắc việc"
        found = find(self.planner.obligations(self.core.today()), key)
        return _choice_label(found) if found else f"Việc không còn theo dõi ({key[:6]})"

    def _done(self, msg: Incoming, text: str, notice: str) -> list[Reply]:
        """The outcome as text, and as the button's short acknowledgement where there is one."""
        replies = self.core.texts(msg, text)
        if msg.button and msg.channel.buttons:
            replies[0] = replace(replies[0], notice=notice)
        return replies

    # -- the schedule (admins) -------------------------------------------------------------------

    def _schedule_command(self, msg: Incoming, member: "Member | None") -> list[Reply]:
        assert member is not None  # the core lets only admins through
        arg = fold(msg.text).replace(" ", "")
        if arg in ("tamdung", "dung", "pause"):
            return self._set_paused(msg, member, True)
        if arg in ("tieptuc", "chay", "resume"):
            return self._set_paused(msg, member, False)
        if arg:
            return self.core.texts(msg, SCHEDULE_USAGE)
        return self.core.texts(msg, self.schedule_text())

    def _set_paused(self, msg: Incoming, member: "Member", paused: bool) -> list[Reply]:
        if self.store.paused() == paused:
            return self.core.texts(msg, "Nhắc việc đang tạm dừng rồi." if paused else "Nhắc việc đang chạy rồi.")
        self.store.set_paused(paused)
        assert self.core.people is not None
        self.core.people.audit(member.official_id, msg.channel.name, "reminders",
                               "tạm dừng nhắc việc" if paused else "chạy lại nhắc việc")
        if paused:
            return self.core.texts(msg, "Đã tạm dừng nhắc việc: không tin nhắc mới nào được xếp gửi cho đến "
                                        "khi gõ /lichnhac tieptuc. Tin đã xếp hàng trước đó vẫn được gửi.")
        return self.core.texts(msg, "Đã chạy lại nhắc việc. Lời nhắc lỡ trong lúc tạm dừng được gửi nếu "
                                    "chưa quá 24 giờ và chưa đến lời nhắc kế tiếp.")

    def schedule_text(self) -> str:
        config = self.planner.config
        if not config.enabled:
            state = "Nhắc việc đang TẮT trong cấu hình (reminders.enabled)."
        elif self.store.paused():
            state = "Nhắc việc đang TẠM DỪNG. Gõ /lichnhac tieptuc để chạy lại."
        else:
            state = "Nhắc việc đang chạy. Gõ /lichnhac tamdung để tạm dừng."
        lines = [state, rules_text(config.offsets_days, config.hour, config.overdue_days)]
        entries = self.planner.schedule(self.core.now())
        if not entries:
            lines.append("Không có thời hạn nào sắp tới để nhắc.")
            return "\n".join(lines)
        lines.append("Lời nhắc kế tiếp của từng việc:")
        docs = {d.source: d for d in self.core.facts.documents()}
        for i, e in enumerate(entries[:SCHEDULE_LINES], 1):
            o = e.occurrence.obligation
            doc = docs.get(o.source)
            when = e.slot.at.astimezone(VIETNAM)
            kind = "báo quá hạn" if e.slot.offset is None else (
                "đúng ngày hạn" if e.slot.offset == 0 else f"trước {e.slot.offset} ngày")
            lines.append(f"{i}. {o.title(90)} — hạn {day(e.occurrence.due)} ({document_name(doc) if doc else o.source}); "
                         f"nhắc {when:%H:%M} {day(when.date())} ({kind}); "
                         f"{e.open_units}/{e.units} đơn vị chưa hoàn thành")
        if len(entries) > SCHEDULE_LINES:
            lines.append(f"… và {len(entries) - SCHEDULE_LINES} việc khác.")
        return "\n".join(lines)


def rules_text(offsets: list[int], hour: int, overdue_days: int) -> str:
    """"Nhắc lúc 08:00 (giờ Việt Nam), trước hạn 7, 3, 1 ngày và đúng ngày hạn; …"."""
    before = sorted({o for o in offsets if o > 0}, reverse=True)
    parts = [f"trước hạn {', '.join(map(str, before))} ngày"] if before else []
    if 0 in offsets:
        parts.append("đúng ngày hạn")
    text = f"Nhắc lúc {hour:02d}:00 (giờ Việt Nam), {' và '.join(parts) or 'không nhắc trước hạn'}"
    return text + (f"; báo quá hạn sau {overdue_days} ngày." if overdue_days else "; không báo quá hạn.")


def _choice_label(o: TrackedObligation) -> str:
    return f"{o.title(48)} — hạn {day(o.due)}"
