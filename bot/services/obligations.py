"""Obligations tracked for reports and reminders: each with a stable key and its current
occurrence (the due date a report on it refers to).

A key survives re-ingestion (it is made of the document number, the action and the deadline
words, not of database ids), so reports and mutes stay attached to their obligation.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.facts.model import DeadlineKind

if TYPE_CHECKING:
    from bot.db.facts import FactStore
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

    @property
    def recurring(self) -> bool:
        return self.deadline.kind in (DeadlineKind.RECURRING, DeadlineKind.PERIODIC)

    def title(self, limit: int = 120) -> str:
        """The action, short enough for a button or a table cell."""
        text = self.action[:1].upper() + self.action[1:]
        return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def obligation_key(doc: str | None, action: str, deadline_text: str) -> str:
    raw = "\x1f".join((doc or "", " ".join(action.split()).lower(), " ".join(deadline_text.split()).lower()))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def tracked_obligations(facts: "FactStore", today: date, past_days: int = 60,
                        horizon_days: int | None = None) -> list[TrackedObligation]:
    """Obligations with a concrete date, nearest first: one-off deadlines from past_days ago on,
    recurring ones at their current occurrence (the next one, or one missed at most
    RECURRING_LINGER_DAYS ago).

    The same obligation stated twice in a document (same action and deadline) counts once.
    """
    start = today - timedelta(days=past_days)
    horizon = None if horizon_days is None else today + timedelta(days=horizon_days)
    seen: set[str] = set()
    out: list[TrackedObligation] = []
    for entry in facts.upcoming_deadlines(start, None):
        deadline = entry.obligation.deadline
        linger = timedelta(days=min(RECURRING_LINGER_DAYS, past_days))
        due = deadline.next_due(today - linger) if deadline.kind in (
            DeadlineKind.RECURRING, DeadlineKind.PERIODIC) else entry.next_due
        if due is None or (horizon is not None and due > horizon):
            continue
        key = obligation_key(entry.doc_number or entry.source, entry.obligation.action, deadline.text)
        if key in seen:
            continue
        seen.add(key)
        out.append(TrackedObligation(key, entry.obligation.action, entry.doc_number, entry.source,
                                     entry.obligation.section, entry.obligation.quote, deadline, due))
    return sorted(out, key=lambda o: (o.due, o.doc_number or "", o.key))


def find(obligations: list[TrackedObligation], key: str) -> TrackedObligation | None:
    return next((o for o in obligations if o.key == key), None)
