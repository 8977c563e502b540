"""Reminders before each tracked deadline: which are due, for whom, and when — chat-free.

`ReminderPlan.due(now)` works out the reminders due at `now`, one per official of each unit the
task is assigned to (not for a unit that reported it done, nor for an official who muted it).
Each has a unique dedupe key (`rem:<obligation>:<due>:<offset|late>:<official>`), so planning
twice, on several workers or after a restart sends nothing twice. What a reminder says and its
buttons are the chat's (`bot.features.reminder_plan`, which writes them to the outbox); the
delivery engine (`bot.channels.background.Background`) ticks it every
`reminders.check_seconds` beside each bot.

A reminder `offset` days before a deadline is due at `reminders.hour` (Vietnam time) that day
and stays due for a grace window: until the next reminder of the same deadline is due, and at
most 24 hours. A bot started at 10:00 still sends the 08:00 reminder; a 7-day reminder is never
sent days late (the 3-day one takes over).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.core.clock import VIETNAM
from bot.db.people import Role
from bot.db.reminders import ReminderStore
from bot.db.report_status import Status
from bot.db.tasks import TaskStore
from bot.services.obligations import TrackedObligation, tracked_obligations

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.db.facts import DocumentRef, FactStore
    from bot.db.people import PeopleStore, Recipient

ALL = "*"        # a mute of every obligation
LATE = "late"    # the overdue notice's label in dedupe keys
RECIPIENT_ROLES = (Role.REPORTER, Role.READER)


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
    """A line of the schedule: the next reminder of an obligation and who still owes it."""

    occurrence: Occurrence
    slot: Slot
    open_units: int
    units: int


@dataclass(frozen=True)
class DueReminder:
    """One reminder due now for one official, with where their unit stands on it."""

    occurrence: Occurrence
    slot: Slot
    recipient: "Recipient"
    status: Status | None        # the unit's latest report on this occurrence (never DONE)
    doc: "DocumentRef | None"    # the document the task comes from, when still ingested
    can_report: bool             # a reporter (a reader is reminded but cannot report)

    @property
    def dedupe_key(self) -> str:
        o = self.occurrence
        return f"rem:{o.key}:{o.due.isoformat()}:{self.slot.label}:{self.recipient.official_id}"


class ReminderPlan:
    """Which reminders are due at a moment and to whom; what /lichnhac and the mutes list."""

    def __init__(self, engine: Engine, facts: "FactStore", people: "PeopleStore", settings: "Settings", *,
                 grace: timedelta | None = None) -> None:
        self.facts = facts
        self.people = people
        self.config = settings.reminders
        # Days after a deadline that still have reminders (the overdue notice), plus a margin.
        self.behind = max([0, self.config.overdue_days, *(-o for o in self.config.offsets_days)]) + 2
        self.past_days = max(settings.reports.past_days, self.behind)
        self.grace = grace or timedelta(hours=self.config.grace_hours)
        self.store = ReminderStore(engine)
        self.tasks = TaskStore(engine)
        self.include_coordinating = settings.tasks.include_coordinating

    def running(self) -> bool:
        return self.config.enabled and not self.store.paused()

    def obligations(self, today: date, unit_id: int | None = None) -> list[TrackedObligation]:
        """Tracked tasks (of one unit, or all) with the units each is assigned to."""
        return tracked_obligations(self.tasks, today, self.past_days, unit_id=unit_id,
                                   include_coordinating=self.include_coordinating)

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
        now = aware(now)
        today = now.astimezone(VIETNAM).date()
        ahead = max([0, *self.config.offsets_days]) + 1
        found = []
        for obligation in self.obligations(today):
            for occurrence in self.occurrences(obligation, today - timedelta(days=self.behind),
                                               today + timedelta(days=ahead)):
                found.extend((occurrence, s) for s in self.slots(occurrence.due) if s.at <= now < s.until)
        return found

    def due(self, now: datetime) -> list[DueReminder]:
        """The reminders due at `now`, one per official of each assigned unit that has not
        reported it done, unless the official muted it (or every reminder)."""
        slots = self.due_slots(now)
        if not slots:
            return []
        statuses = self.store.statuses((o.key, o.due) for o, _ in slots)
        units = {u.id for u in self.people.units() if u.active}
        recipients = [r for r in self.people.recipients(roles=RECIPIENT_ROLES) if r.unit_id in units]
        reporters = {r.official_id for r in self.people.recipients(roles=(Role.REPORTER,))}
        mutes = self.store.mutes()
        docs = {d.source: d for d in self.facts.documents()}
        found = []
        for occurrence, slot in slots:
            reported = statuses.get((occurrence.key, occurrence.due), {})
            # Only the officials of the units the task is assigned to.
            for r in recipients:
                if r.unit_id not in occurrence.obligation.units:
                    continue
                status = reported.get(r.unit_id or 0)
                muted = mutes.get(r.official_id, set())
                if status is Status.DONE or ALL in muted or occurrence.key in muted:
                    continue
                found.append(DueReminder(occurrence, slot, r, status, docs.get(occurrence.obligation.source),
                                         r.official_id in reporters))
        return found

    def schedule(self, now: datetime) -> list[ScheduleEntry]:
        """The next reminder of every tracked obligation, soonest first."""
        now = aware(now)
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
        active = {u.id for u in self.people.units() if u.active}
        entries = []
        for o, s in upcoming:
            units = active & o.obligation.units
            open_units = sum(1 for u in units if statuses[(o.key, o.due)].get(u) is not Status.DONE)
            entries.append(ScheduleEntry(o, s, open_units, len(units)))
        return entries

    def open_obligations(self, today: date, unit_id: int | None) -> list[TrackedObligation]:
        """Tasks of the unit still reminded of (not past their overdue notice) that it has not
        finished; every tracked one for an official without a unit."""
        last = today - timedelta(days=self.config.overdue_days)
        found = [o for o in self.obligations(today, unit_id) if o.due >= last]
        if unit_id is None:
            return found
        statuses = self.store.statuses((o.key, o.due) for o in found)
        return [o for o in found if statuses[(o.key, o.due)].get(unit_id) is not Status.DONE]


def aware(moment: datetime) -> datetime:
    """A naive datetime is taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
