"""The task register: which unit must do what by when.

A newly ingested document's tasks are *proposed*, each with the lead and coordinating units its
actor resolves to (`bot.services.unit_match`); the secretariat tracks them (all at once or one by
one), changes the units, corrects a deadline, dismisses what is not a task, or adds one by hand.
Only *tracked* tasks drive reminders, report choices and summaries. With `tasks.auto_track` the
proposals are tracked as they come; a task some unit already reported on (before the register
existed) is tracked from the start, so work under way is not dropped.

Every operation here is what the chat, the command line and the dashboard call.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from bot.db.facts import FactStore
from bot.db.outbox import Outbox
from bot.db.outbox_rows import NewMessage
from bot.db.people import PeopleStore, Role, UnitInfo, normalise_code
from bot.db.tasks import TaskRecord, TaskStatus, TaskStore, with_units
from bot.facts.model import Deadline, DeadlineKind
from bot.retrieval.listings import day
from bot.services.obligations import obligation_key, squeezed
from bot.services.unit_match import UnitMatcher

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.config import Settings
    from bot.db.facts import ObligationEntry


class TaskError(Exception):
    """An operation that cannot be done, said in Vietnamese for the person who asked."""


@dataclass(frozen=True)
class DocumentTasks:
    """A document's tasks, as one message about it lists them."""

    source: str
    doc_number: str | None
    tasks: tuple[TaskRecord, ...]

    @property
    def token(self) -> str:
        return document_token(self.source)


def document_token(source: str) -> str:
    """A short stable name of a document for button data (a source path may be long)."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]


class TaskRegister:
    """The register's operations over one database."""

    def __init__(self, engine: "Engine", settings: "Settings", *, facts: FactStore | None = None,
                 people: PeopleStore | None = None) -> None:
        self.store = TaskStore(engine)
        self.facts = facts or FactStore(engine)
        self.people = people or PeopleStore(engine, settings.access.admins)
        self.auto_track = settings.tasks.auto_track
        self.include_coordinating = settings.tasks.include_coordinating

    # -- from the documents ----------------------------------------------------------------------

    def sync(self) -> list[DocumentTasks]:
        """Propose the tasks of documents ingested since the last sync, bring known ones up to
        the latest extraction, and dismiss extracted tasks their document no longer has.
        Returns the new tasks by document (for the message to the secretariat)."""
        matcher = UnitMatcher(self.people.units())
        stored = {r.key: r for r in self.store.records()}
        extracted = kept_keys(self._extracted(matcher), stored)
        new = [r for r in extracted.values() if r.key not in stored]
        if new:
            reported = self.store.reported_keys()
            new = [replace(r, status=TaskStatus.TRACKED if self.auto_track or r.key in reported
                           else TaskStatus.PROPOSED) for r in new]
            tracked = sum(r.status is TaskStatus.TRACKED for r in new)
            self.store.add(new, audit=(None, "system", "task_propose",
                                       f"{len(new)} nhiệm vụ mới, {tracked} theo dõi ngay"))
        self.store.refresh(r for r in extracted.values() if r.key in stored and _differs(stored[r.key], r))
        gone = [k for k, r in stored.items()
                if not r.manual and k not in extracted and r.status is not TaskStatus.DISMISSED]
        if gone:
            self.store.set_status(gone, TaskStatus.DISMISSED, by=None,
                                  audit=("system", "task_gone", f"{len(gone)} nhiệm vụ không còn trong văn bản"))
        return by_document(new)

    def _extracted(self, matcher: UnitMatcher) -> dict[str, TaskRecord]:
        """Key -> task, for every task the documents state (the first statement of a repeated one)."""
        found: dict[str, TaskRecord] = {}
        positions: dict[str, int] = {}
        for entry in self.facts.tasks():
            position = positions[entry.source] = positions.get(entry.source, -1) + 1
            record = _from_entry(entry, position, matcher)
            found.setdefault(record.key, record)
        return found

    # -- what people decide ----------------------------------------------------------------------

    def documents(self, status: TaskStatus | None = None) -> list[DocumentTasks]:
        return by_document(self.store.records(status=status))

    def document(self, typed: str) -> DocumentTasks:
        """A document's tasks by its number (as typed) or token; TaskError when none."""
        wanted = _folded_number(typed)
        for doc in self.documents():
            if doc.token == typed or (doc.doc_number and _folded_number(doc.doc_number) == wanted) \
                    or doc.source == typed:
                return doc
        raise TaskError(f"Không có nhiệm vụ nào của văn bản «{typed}» trong sổ theo dõi.")

    def task(self, key: str) -> TaskRecord:
        found = self.store.get(key)
        if found is None:
            raise TaskError(f"Không có nhiệm vụ mã «{key}».")
        return found

    def track(self, keys: Sequence[str], *, by: int | None, channel: str) -> list[str]:
        """Track these tasks; the keys that were not tracked before."""
        return self.store.set_status(keys, TaskStatus.TRACKED, by=by,
                                     audit=(channel, "task_track", ", ".join(keys)))

    def track_document(self, typed: str, *, by: int | None, channel: str, everything: bool = True
                       ) -> tuple[DocumentTasks, list[str]]:
        """Track a document's proposed tasks (with `everything`, also those dismissed)."""
        doc = self.document(typed)
        wanted = {TaskStatus.PROPOSED} | ({TaskStatus.DISMISSED} if everything else set())
        keys = [t.key for t in doc.tasks if t.status in wanted]
        return doc, self.track(keys, by=by, channel=channel) if keys else []

    def dismiss(self, key: str, *, by: int | None, channel: str) -> TaskRecord:
        task = self.task(key)
        self.store.set_status([key], TaskStatus.DISMISSED, by=by,
                              audit=(channel, "task_dismiss", f"{key}: {task.action[:200]}"))
        return replace(task, status=TaskStatus.DISMISSED)

    def assign(self, key: str, lead: Sequence[str], coordinate: Sequence[str] = (), *, by: int | None,
               channel: str) -> TaskRecord:
        """Give a task its units by code; TaskError naming the codes that are not units."""
        task = self.task(key)
        lead_ids, coordinate_ids = self.unit_ids(lead), self.unit_ids(coordinate)
        if not lead_ids:
            raise TaskError("Cần ít nhất một đơn vị chủ trì.")
        self.store.assign(key, lead_ids, coordinate_ids, by=by,
                          audit=(channel, "task_assign", f"{key}: chủ trì {', '.join(lead)}"
                                 + (f"; phối hợp {', '.join(coordinate)}" if coordinate else "")))
        return with_units(task, lead_ids, coordinate_ids)

    def correct_deadline(self, key: str, due: date, *, by: int | None, channel: str) -> TaskRecord:
        task = self.task(key)
        deadline = Deadline(DeadlineKind.ABSOLUTE, f"trước ngày {due:%d/%m/%Y}", due=due)
        self.store.correct_deadline(key, deadline, by=by,
                                    audit=(channel, "task_deadline", f"{key}: {task.deadline.text} → {due:%d/%m/%Y}"))
        return replace(task, deadline=deadline, deadline_corrected=True)

    def add(self, doc: str, action: str, due: date, lead: Sequence[str], coordinate: Sequence[str] = (), *,
            by: int | None, channel: str) -> TaskRecord:
        """A task written by hand, tracked at once, on a document of the store (by number)."""
        action = " ".join(action.split())
        if not action:
            raise TaskError("Hãy ghi nội dung nhiệm vụ.")
        source, number = self._document_of(doc)
        lead_ids, coordinate_ids = self.unit_ids(lead), self.unit_ids(coordinate)
        if not lead_ids:
            raise TaskError("Cần ít nhất một đơn vị chủ trì.")
        deadline = Deadline(DeadlineKind.ABSOLUTE, f"trước ngày {due:%d/%m/%Y}", due=due)
        record = TaskRecord(key=obligation_key(number or source, action, deadline.text), source=source,
                            doc_number=number, action=action, deadline=deadline, position=10_000,
                            status=TaskStatus.TRACKED, manual=True, units_confirmed=True, announced=True)
        record = with_units(record, lead_ids, coordinate_ids)
        if not self.store.add([record], audit=(by, channel, "task_add", f"{record.key}: {action[:200]}")):
            raise TaskError("Nhiệm vụ này đã có trong sổ theo dõi.")
        return record

    # -- telling the units ------------------------------------------------------------------------

    def announce_tracking(self, outbox: Outbox, keys: Sequence[str], today: date) -> int:
        """When tracking of a document starts, each assigned unit's officials get one message
        listing their tasks and deadlines from it (once per document and official, however
        often tracking is extended). How many messages were queued."""
        if not keys:
            return 0
        units = self.units()
        messages = []
        for doc in by_document(self.store.records(keys=keys)):
            for r in self.people.recipients(roles=(Role.REPORTER, Role.READER)):
                mine = [t for t in doc.tasks if r.unit_id in self.assigned(t)]
                unit = units.get(r.unit_id or 0)
                if mine and unit is not None:
                    messages.append(NewMessage(f"trk:{doc.token}:{r.official_id}", r.channel, r.chat_id,
                                               tracking_text(doc, mine, unit, today), official_id=r.official_id))
        return outbox.enqueue(messages)

    # -- units -----------------------------------------------------------------------------------

    def units(self) -> dict[int, UnitInfo]:
        return {u.id: u for u in self.people.units()}

    def unit_ids(self, codes: Sequence[str]) -> list[int]:
        """Unit ids of these codes, in order; TaskError naming those that are not units."""
        by_code = {u.code: u for u in self.people.units() if u.active}
        wanted = [normalise_code(c) for c in codes if c.strip()]
        unknown = [c for c in wanted if c not in by_code]
        if unknown:
            raise TaskError(f"Không có đơn vị mã {', '.join(unknown)}. Xem danh sách: /donvi.")
        return list(dict.fromkeys(by_code[c].id for c in wanted))

    def assigned(self, task: TaskRecord) -> tuple[int, ...]:
        """The units a task's reminders, report choices and summary rows are for."""
        return task.units if self.include_coordinating else task.lead

    def _document_of(self, typed: str) -> tuple[str, str | None]:
        wanted = _folded_number(typed)
        for doc in self.facts.documents():
            if (doc.doc_number and _folded_number(doc.doc_number) == wanted) or doc.source == typed:
                return doc.source, doc.doc_number
        raise TaskError(f"Không có văn bản «{typed}» trong kho. Xem danh sách: /vanban.")


def due_text(deadline: Deadline, today: date) -> str:
    """«31/03/2026», «15/04/2026 (ước tính)», the words of an undated deadline, or that the text sets none."""
    due = deadline.due if deadline.kind in (DeadlineKind.ABSOLUTE, DeadlineKind.RELATIVE) \
        else deadline.next_due(today)
    if due is None:
        return f"chưa có ngày cụ thể («{deadline.text}»)" if deadline.text else "văn bản không ghi hạn"
    return day(due) + (" (ước tính)" if deadline.estimated else "")


def count_text(tasks: Sequence[TaskRecord]) -> str:
    """«5 nhiệm vụ có thời hạn», or «7 nhiệm vụ (5 có thời hạn, 2 văn bản không ghi hạn)» when some are
    assignments whose text sets no time (their only date a cited text's)."""
    timeless = sum(1 for t in tasks if not t.deadline.text and t.deadline.due is None)
    if not timeless:
        return f"{len(tasks)} nhiệm vụ có thời hạn"
    return f"{len(tasks)} nhiệm vụ ({len(tasks) - timeless} có thời hạn, {timeless} văn bản không ghi hạn)"


def tracking_text(doc: DocumentTasks, tasks: Sequence[TaskRecord], unit: UnitInfo, today: date) -> str:
    name = doc.doc_number or doc.source
    lines = [f"📌 Văn bản {name} bắt đầu được theo dõi. {unit.name} ({unit.code}) có {len(tasks)} nhiệm vụ:"]
    for i, task in enumerate(tasks, 1):
        role = "chủ trì" if unit.id in task.lead else "phối hợp"
        lines.append(f"{i}. {task.action[:1].upper()}{task.action[1:300]} — hạn {due_text(task.deadline, today)} ({role})")
    lines.append("Bot sẽ nhắc trước mỗi hạn; gõ /baocao để báo cáo tiến độ.")
    return "\n".join(lines)


def by_document(records: Sequence[TaskRecord]) -> list[DocumentTasks]:
    groups: dict[str, list[TaskRecord]] = {}
    for record in records:
        groups.setdefault(record.source, []).append(record)
    return [DocumentTasks(source, tasks[0].doc_number, tuple(tasks)) for source, tasks in groups.items()]


def _folded_number(text: str) -> str:
    return "".join(text.split()).upper()


def _units_for(actor: str | None, coordinate: Sequence[str], matcher: UnitMatcher
               ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    lead = matcher.resolve(actor).unit_ids
    others = matcher.resolve_all(coordinate).unit_ids
    return lead, tuple(u for u in others if u not in lead)


def _from_entry(entry: "ObligationEntry", position: int, matcher: UnitMatcher) -> TaskRecord:
    o = entry.obligation
    lead, coordinate = _units_for(o.lead or o.actor, o.coordinate, matcher)
    return TaskRecord(key=obligation_key(entry.doc_number or entry.source, o.action, o.deadline.text),
                      source=entry.source, doc_number=entry.doc_number, action=o.action,
                      deadline=o.deadline, quote=o.quote, section=o.section,
                      actor=o.lead or o.actor, position=position, lead=lead, coordinate=coordinate)


def kept_keys(extracted: dict[str, TaskRecord], stored: dict[str, TaskRecord]) -> dict[str, TaskRecord]:
    """The extraction with each reworded task under the key it is stored by: a newer extractor may word a
    sentence's action otherwise (its key is the wording's), yet the same sentence of the same document with
    the same time is the same task, and its status, units, reports and reminders stay with it. A stored task
    is taken once, in document order, by the same quote and time, else the same quote and action."""
    orphans = [r for k, r in stored.items() if k not in extracted and not r.manual]
    if not orphans:
        return extracted
    out: dict[str, TaskRecord] = {}
    for key, record in extracted.items():
        if key not in stored:
            match = next((o for o in orphans if _same_place(o, record, by_time=True)), None) or next(
                (o for o in orphans if _same_place(o, record, by_time=False)), None)
            if match is not None:
                orphans.remove(match)
                key, record = match.key, replace(record, key=match.key)
        out.setdefault(key, record)
    return out


def _same_place(stored: TaskRecord, fresh: TaskRecord, *, by_time: bool) -> bool:
    if stored.source != fresh.source or squeezed(stored.quote) != squeezed(fresh.quote) or not stored.quote:
        return False
    if by_time:
        return squeezed(stored.deadline.text) == squeezed(fresh.deadline.text)
    return squeezed(stored.action) == squeezed(fresh.action)


def _differs(stored: TaskRecord, fresh: TaskRecord) -> bool:
    """Whether a stored task needs the new extraction's wording, deadline or units."""
    if (stored.action, stored.actor, stored.quote, stored.section, stored.position, stored.doc_number) != \
            (fresh.action, fresh.actor, fresh.quote, fresh.section, fresh.position, fresh.doc_number):
        return True
    if not stored.deadline_corrected and stored.deadline != fresh.deadline:
        return True
    return not stored.units_confirmed and (set(stored.lead), set(stored.coordinate)) != \
        (set(fresh.lead), set(fresh.coordinate))
