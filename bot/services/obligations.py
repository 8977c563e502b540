"""Tasks tracked for reports and reminders: each with a stable key, the units it is assigned
to, and its current occurrence (the due date a report on it refers to).

Only tasks the register tracks (`bot.services.tasks`) count. A key survives re-ingestion (it is
made of the document number, the action and the deadline words, not of database ids), so
reports, mutes and the register's decisions stay attached to their task.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.db.tasks import TaskStatus
from bot.facts.model import DeadlineKind

if TYPE_CHECKING:
    from bot.db.tasks import TaskStore
    from bot.facts.model import Deadline

# A recurring deadline stays the current one for this many days after it passes, so that late
# reports (and the overdue notice's «Báo cáo ngay») attach to it; then it rolls forward.
RECURRING_LINGER_DAYS = 7


@dataclass(frozen=True)
class TrackedObligation:
    key: str
    action: str
    doc_number: str | None
    source: str
    section: str
    quote: str
    deadline: "Deadline"
    due: date  # the occurrence reports refer to: the next one, or a recently missed one
    units: frozenset[int] = frozenset()  # assigned units (lead, and coordinating when they count)
    lead: tuple[int, ...] = ()

    @property
    def recurring(self) -> bool:
        return self.deadline.kind in (DeadlineKind.RECURRING, DeadlineKind.PERIODIC)

    def title(self, limit: int = 120) -> str:
        """The action, short enough for a button or a table cell."""
        text = self.action[:1].upper() + self.action[1:]
        return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def squeezed(text: str) -> str:
    """Text as keys compare it: one space between words, lower case."""
    return " ".join(text.split()).lower()


def obligation_key(doc: str | None, action: str, deadline_text: str) -> str:
    raw = "\x1f".join((doc or "", squeezed(action), squeezed(deadline_text)))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def tracked_obligations(tasks: "TaskStore", today: date, past_days: int = 60,
                        horizon_days: int | None = None, *, unit_id: int | None = None,
                        include_coordinating: bool = True) -> list[TrackedObligation]:
    """Tracked tasks with a concrete date (of one unit, or all), nearest first: one-off
    deadlines from past_days ago on, recurring ones at their current occurrence (the next one,
    or one missed at most RECURRING_LINGER_DAYS ago)."""
    start = today - timedelta(days=past_days)
    horizon = None if horizon_days is None else today + timedelta(days=horizon_days)
    linger = timedelta(days=min(RECURRING_LINGER_DAYS, past_days))
    out: list[TrackedObligation] = []
    for task in tasks.records(status=TaskStatus.TRACKED, unit_id=unit_id):
        deadline = task.deadline
        recurring = deadline.kind in (DeadlineKind.RECURRING, DeadlineKind.PERIODIC)
        due = deadline.next_due(today - linger if recurring else start)
        if due is None or (horizon is not None and due > horizon):
            continue
        units = frozenset(task.units if include_coordinating else task.lead)
        if unit_id is not None and unit_id not in units:
            continue
        out.append(TrackedObligation(task.key, task.action, task.doc_number, task.source, task.section,
                                     task.quote, deadline, due, units, task.lead))
    return sorted(out, key=lambda o: (o.due, o.doc_number or "", o.key))


def find(obligations: list[TrackedObligation], key: str) -> TrackedObligation | None:
    return next((o for o in obligations if o.key == key), None)
