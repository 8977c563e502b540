"""The task register's tables: each task with its status and the units it is assigned to.

Callers get frozen `TaskRecord`s; no ORM object leaves this module. Every change a person makes
is written with its audit entry in the same transaction.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.people import AuditEntry
from bot.db.models.reports import Report
from bot.db.models.tasks import Task, TaskUnit
from bot.facts.model import Deadline, DeadlineKind

LEAD, COORDINATE = "lead", "coordinate"


class TaskStatus(StrEnum):
    PROPOSED = "proposed"    # found in a document, waiting for the secretariat
    TRACKED = "tracked"      # drives reminders, report choices and summaries
    DISMISSED = "dismissed"  # «không phải nhiệm vụ»


STATUS_NAMES = {TaskStatus.PROPOSED: "đề xuất", TaskStatus.TRACKED: "đang theo dõi",
                TaskStatus.DISMISSED: "không phải nhiệm vụ"}


@dataclass(frozen=True)
class TaskRecord:
    key: str
    source: str
    doc_number: str | None
    action: str
    deadline: Deadline
    quote: str = ""
    section: str = ""
    actor: str | None = None
    position: int = 0
    status: TaskStatus = TaskStatus.PROPOSED
    lead: tuple[int, ...] = ()        # unit ids
    coordinate: tuple[int, ...] = ()  # unit ids
    manual: bool = False
    deadline_corrected: bool = False
    units_confirmed: bool = False
    announced: bool = False  # the secretariat was told of it (or wrote it)

    @property
    def units(self) -> tuple[int, ...]:
        return (*self.lead, *(u for u in self.coordinate if u not in self.lead))


class TaskStore(Repository):
    """Reads and writes the register of a migrated database."""

    def records(self, *, status: TaskStatus | None = None, sources: Iterable[str] | None = None,
                doc_numbers: Iterable[str] | None = None, unit_id: int | None = None,
                keys: Iterable[str] | None = None, announced: bool | None = None) -> list[TaskRecord]:
        """Tasks by document and position in it, filtered as asked (two statements: the tasks,
        and their units)."""
        where = []
        if status is not None:
            where.append(Task.status == status.value)
        if sources is not None:
            where.append(Task.source.in_(list(sources)))
        if doc_numbers is not None:
            where.append(Task.doc_number.in_(list(doc_numbers)))
        if keys is not None:
            where.append(Task.key.in_(list(keys)))
        if announced is not None:
            where.append(Task.announced.is_(announced))
        if unit_id is not None:
            where.append(Task.key.in_(select(TaskUnit.task_key).where(TaskUnit.unit_id == unit_id)))
        units: dict[str, list[tuple[int, str]]] = {}
        with self._read() as session:
            rows = session.execute(select(*_COLUMNS).where(*where)).all()
            # Plain rows, not ORM objects: a tracked task of «các sở, ban, ngành» has many units.
            stmt = (select(TaskUnit.task_key, TaskUnit.unit_id, TaskUnit.role)
                    .where(TaskUnit.task_key.in_(select(Task.key).where(*where))))
            for key, unit, role in session.execute(stmt):
                units.setdefault(key, []).append((unit, role))
        records = [_record(row, tuple(sorted(units.get(row.key, ())))) for row in rows]
        return sorted(records, key=lambda r: (r.doc_number or "", r.source, r.position, r.key))

    def get(self, key: str) -> TaskRecord | None:
        found = self.records(keys=[key])
        return found[0] if found else None

    def keys(self) -> set[str]:
        with self._read() as session:
            return set(session.scalars(select(Task.key)))

    def reported_keys(self) -> set[str]:
        """Keys some unit has already reported on: tasks in use before the register existed."""
        with self._read() as session:
            return set(session.scalars(select(Report.obligation_key).distinct()
                                       .where(Report.obligation_key.is_not(None))))

    def add(self, records: Iterable[TaskRecord], *, audit: tuple[int | None, str, str] | None = None) -> int:
        """Insert tasks not in the register yet (by key), with their units; how many were new."""
        added = 0
        with self._write() as session, session.begin():
            known = set(session.scalars(select(Task.key)))
            for record in records:
                if record.key in known:
                    continue
                known.add(record.key)
                session.add(_row(record))
                session.flush()
                _set_units(session, record.key, record.lead, record.coordinate)
                added += 1
            if audit and added:
                _audit(session, *audit)
        return added

    def mark_announced(self, keys: Sequence[str]) -> None:
        with self._write() as session, session.begin():
            for start in range(0, len(keys), 500):
                session.execute(update(Task).where(Task.key.in_(list(keys[start:start + 500])))
                                .values(announced=True))

    def refresh(self, records: Iterable[TaskRecord]) -> int:
        """Bring stored tasks up to a new extraction: wording and place always, the deadline
        unless corrected by hand, the units unless a person set them; how many changed."""
        changed = 0
        with self._write() as session, session.begin():
            for record in records:
                row = session.get(Task, record.key)
                if row is None or row.manual:
                    continue
                values = {"action": record.action, "actor": record.actor, "quote": record.quote,
                          "section": record.section, "position": record.position,
                          "doc_number": record.doc_number, "source": record.source}
                if not row.deadline_corrected:
                    values["deadline"] = _deadline_json(record.deadline)
                moved = {k: v for k, v in values.items() if getattr(row, k) != v}
                for name, value in moved.items():
                    setattr(row, name, value)
                units_moved = False
                if not row.units_confirmed:
                    units_moved = _set_units(session, record.key, record.lead, record.coordinate)
                changed += bool(moved) or units_moved
        return changed

    def set_status(self, keys: Sequence[str], status: TaskStatus, *, by: int | None,
                   audit: tuple[str, str, str] | None = None) -> list[str]:
        """Change the status of these tasks; the keys whose status changed."""
        with self._write() as session, session.begin():
            moved = list(session.scalars(select(Task.key).where(
                Task.key.in_(list(keys)), Task.status != status.value)))
            if moved:
                session.execute(update(Task).where(Task.key.in_(moved))
                                .values(status=status.value, decided_by=by, updated_at=utc_now()))
                if audit:
                    _audit(session, by, *audit)
        return moved

    def assign(self, key: str, lead: Sequence[int], coordinate: Sequence[int], *, by: int | None,
               audit: tuple[str, str, str] | None = None) -> bool:
        """Set a task's units by hand (kept through re-extraction); False when there is no such task."""
        with self._write() as session, session.begin():
            row = session.get(Task, key)
            if row is None:
                return False
            _set_units(session, key, lead, coordinate)
            row.units_confirmed, row.decided_by, row.updated_at = True, by, utc_now()
            if audit:
                _audit(session, by, *audit)
        return True

    def correct_deadline(self, key: str, deadline: Deadline, *, by: int | None,
                         audit: tuple[str, str, str] | None = None) -> bool:
        with self._write() as session, session.begin():
            row = session.get(Task, key)
            if row is None:
                return False
            row.deadline, row.deadline_corrected = _deadline_json(deadline), True
            row.decided_by, row.updated_at = by, utc_now()
            if audit:
                _audit(session, by, *audit)
        return True


# -- rows <-> records ---------------------------------------------------------------------------

_COLUMNS = (Task.key, Task.source, Task.doc_number, Task.action, Task.deadline, Task.quote,
            Task.section, Task.actor, Task.position, Task.status, Task.manual,
            Task.deadline_corrected, Task.units_confirmed, Task.announced)


def _set_units(session: Session, key: str, lead: Sequence[int], coordinate: Sequence[int]) -> bool:
    """Replace a task's units; whether they changed."""
    wanted = {u: LEAD for u in lead}
    wanted.update({u: COORDINATE for u in coordinate if u not in wanted})
    stored = {r.unit_id: r.role for r in session.scalars(select(TaskUnit).where(TaskUnit.task_key == key))}
    if stored == wanted:
        return False
    session.execute(delete(TaskUnit).where(TaskUnit.task_key == key))
    session.add_all(TaskUnit(task_key=key, unit_id=u, role=role) for u, role in wanted.items())
    return True


def _audit(session: Session, official_id: int | None, channel: str, action: str, detail: str) -> None:
    session.add(AuditEntry(official_id=official_id, channel=channel, action=action, detail=detail[:2000]))


def _row(record: TaskRecord) -> Task:
    return Task(key=record.key, source=record.source, doc_number=record.doc_number,
                position=record.position, action=record.action, actor=record.actor,
                quote=record.quote, section=record.section, deadline=_deadline_json(record.deadline),
                status=record.status.value, manual=record.manual,
                deadline_corrected=record.deadline_corrected, units_confirmed=record.units_confirmed,
                announced=record.announced)


def _record(row: Any, units: tuple[tuple[int, str], ...]) -> TaskRecord:
    return TaskRecord(
        key=row.key, source=row.source, doc_number=row.doc_number, action=row.action,
        deadline=_deadline(row.deadline), quote=row.quote, section=row.section, actor=row.actor,
        position=row.position, status=TaskStatus(row.status),
        lead=tuple(u for u, role in units if role == LEAD),
        coordinate=tuple(u for u, role in units if role == COORDINATE),
        manual=row.manual, deadline_corrected=row.deadline_corrected, units_confirmed=row.units_confirmed,
        announced=row.announced)


def _deadline_json(deadline: Deadline) -> str:
    data: dict[str, Any] = asdict(deadline)
    data["kind"] = deadline.kind.value
    data["due"] = deadline.due.isoformat() if deadline.due else None
    return json.dumps({k: v for k, v in data.items() if v not in (None, False)}, ensure_ascii=False)


def _deadline(text: str) -> Deadline:
    data = json.loads(text)
    data["kind"] = DeadlineKind(data["kind"])
    if data.get("due"):
        data["due"] = date.fromisoformat(data["due"])
    return Deadline(**data)


def with_units(record: TaskRecord, lead: Sequence[int], coordinate: Sequence[int]) -> TaskRecord:
    return replace(record, lead=tuple(lead), coordinate=tuple(c for c in coordinate if c not in lead))
